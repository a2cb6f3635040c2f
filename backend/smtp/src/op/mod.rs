//! The commands, one file each, the parse step in front of them (smtp-proto), and which
//! state allows which (RFC 5321 §4.1.4, §4.3.2).

mod auth;
mod data;
mod ehlo;
mod mail;
mod misc;
mod rcpt;
mod starttls;

use osprey_proto::smtp::{Reply, replies};
use smtp_proto::Request;

use crate::{
    error::SmtpError,
    server::Listener,
    session::{Next, Session, State},
};

/// Says whether `cmd` may be given now: `Err` carries the `503` (or its kin) that
/// refuses it. The one place that says so. `authenticated` and `tls` are the session's.
pub(crate) fn allowed(
    state: &State,
    authenticated: bool,
    tls: bool,
    cmd: &Request<String>,
) -> Result<(), SmtpError> {
    use State::*;
    let refuse = |reply: Reply| Err(SmtpError::bad(reply));
    match cmd {
        // RFC 5321 §4.1.4: these may come at any time.
        Request::Ehlo { .. }
        | Request::Helo { .. }
        | Request::Rset
        | Request::Noop { .. }
        | Request::Quit
        | Request::Vrfy { .. }
        | Request::Help { .. } => Ok(()),
        // RFC 3207 §4.
        Request::StartTls if tls => refuse(replies::TLS_ALREADY_ACTIVE),
        Request::StartTls => Ok(()),
        // RFC 4954 §4: once per session, never inside a transaction.
        Request::Auth { .. } if authenticated => refuse(replies::ALREADY_AUTHENTICATED),
        Request::Auth { .. } => match state {
            Connected | Greeted => Ok(()),
            Mail(_) | Rcpt(_) | Bdat(_) => refuse(replies::AUTH_IN_TRANSACTION),
        },
        // RFC 5321 §4.1.1.2: after EHLO, outside a transaction.
        Request::Mail { .. } => match state {
            Connected => refuse(replies::SEND_EHLO_FIRST),
            Greeted => Ok(()),
            Mail(_) | Rcpt(_) | Bdat(_) => refuse(replies::NESTED_MAIL),
        },
        // RFC 5321 §4.1.1.3: inside a transaction.
        Request::Rcpt { .. } => match state {
            Connected | Greeted => refuse(replies::SEND_MAIL_FIRST),
            Mail(_) | Rcpt(_) | Bdat(_) => Ok(()),
        },
        // RFC 5321 §4.1.1.4, §3.3: after a recipient; RFC 3030 §2: not after BDAT.
        Request::Data => match state {
            Connected | Greeted => refuse(replies::SEND_MAIL_FIRST),
            Mail(_) => refuse(replies::NO_VALID_RECIPIENTS),
            Rcpt(_) => Ok(()),
            Bdat(_) => refuse(replies::DATA_AFTER_BDAT),
        },
        // RFC 3030 §2.
        Request::Bdat { .. } => match state {
            Connected | Greeted => refuse(replies::SEND_MAIL_FIRST),
            Mail(_) => refuse(replies::NO_VALID_RECIPIENTS),
            Rcpt(_) | Bdat(_) => Ok(()),
        },
        // Not implemented: `run` answers 502 in every state.
        Request::Expn { .. }
        | Request::Etrn { .. }
        | Request::Atrn { .. }
        | Request::Burl { .. }
        | Request::Lhlo { .. } => Ok(()),
    }
}

/// Parses one command line (without CRLF), runs it, and writes its reply.
pub(crate) async fn dispatch(s: &mut Session, line: &[u8]) -> Next {
    match run(s, line).await {
        Ok((reply, next)) => {
            s.send(&reply);
            next
        }
        Err(e) => s.fail(e),
    }
}

/// Runs one command: its positive reply and what the read loop does next, or why it
/// failed.
async fn run(s: &mut Session, line: &[u8]) -> Result<(Reply, Next), SmtpError> {
    let request = crate::wire::parse_command(line, s.config.max_message_size as u64)
        .map_err(SmtpError::bad)?;
    // RFC 6409 §4.3: a submission port takes only a few commands before AUTH.
    if s.server.listener != Listener::Mx && s.account.is_none() {
        s.commands_before_auth += 1;
        if s.commands_before_auth > s.config.max_commands_before_auth {
            return Err(SmtpError::refused(replies::TOO_MANY_COMMANDS_BEFORE_AUTH).disconnect());
        }
    }
    if let Err(e) = allowed(&s.state, s.account.is_some(), s.conn().is_tls(), &request) {
        if let Request::Bdat { chunk_size, .. } = request {
            // The chunk follows the command whatever the answer: skip it.
            s.discard(chunk_size).await?;
        }
        return Err(e);
    }
    let reply = match request {
        Request::Ehlo { host } => s.ehlo(host, true),
        Request::Helo { host } => s.ehlo(host, false),
        Request::StartTls => return s.starttls().map(|r| (r, Next::StartTls)),
        Request::Auth {
            mechanism,
            initial_response,
        } => s.auth(mechanism, initial_response).await?,
        Request::Mail { from } => s.mail(from, line).await?,
        Request::Rcpt { to } => s.rcpt(to).await?,
        Request::Data => s.data().await?,
        Request::Bdat {
            chunk_size,
            is_last,
        } => s.bdat(chunk_size, is_last).await?,
        Request::Rset => s.rset(),
        Request::Noop { .. } => replies::OK,
        Request::Quit => return Ok((replies::BYE, Next::Close)),
        // RFC 5321 §3.5.3: VRFY may answer 252 without verifying.
        Request::Vrfy { .. } => replies::CANNOT_VRFY,
        Request::Help { .. } => replies::HELP,
        Request::Expn { .. }
        | Request::Etrn { .. }
        | Request::Atrn { .. }
        | Request::Burl { .. }
        | Request::Lhlo { .. } => return Err(SmtpError::bad(replies::NOT_IMPLEMENTED)),
    };
    Ok((reply, Next::Continue))
}
