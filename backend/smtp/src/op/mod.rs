//! The commands, one file each, and the parse step in front of them (smtp-proto).

mod auth;
mod data;
mod ehlo;
mod mail;
mod misc;
mod rcpt;
mod starttls;

use smtp_proto::{Error as ParseError, Request};

use crate::{
    reply::Reply,
    server::Listener,
    session::{Next, Session},
};

/// Parses one command line (without CRLF) and runs it.
pub(crate) async fn dispatch(s: &mut Session, line: &[u8]) -> Next {
    let mut bytes = Vec::with_capacity(line.len() + 2);
    bytes.extend_from_slice(line);
    bytes.extend_from_slice(b"\r\n");
    let request = match Request::parse(&mut bytes.iter()) {
        Ok(r) => r.into_owned(),
        Err(e) => return s.bad(parse_error(e)),
    };
    // RFC 4954 §4 / RFC 6409: a submission port takes only a few commands before AUTH.
    if s.server.listener != Listener::Mx && s.account.is_none() {
        s.commands_before_auth += 1;
        if s.commands_before_auth > s.server.config.max_commands_before_auth {
            return s.reply(
                Reply::new(421, "4.7.0", "Too many commands without authentication").closing(),
            );
        }
    }
    match request {
        Request::Ehlo { host } => s.ehlo(host, true),
        Request::Helo { host } => s.ehlo(host, false),
        Request::StartTls => s.starttls(),
        Request::Auth {
            mechanism,
            initial_response,
        } => s.auth(mechanism, initial_response).await,
        Request::Mail { from } => s.mail(from).await,
        Request::Rcpt { to } => s.rcpt(to).await,
        Request::Data => s.data().await,
        Request::Bdat {
            chunk_size,
            is_last,
        } => s.bdat(chunk_size, is_last).await,
        Request::Rset => s.rset(),
        Request::Noop { .. } => s.reply(Reply::new(250, "2.0.0", "OK")),
        Request::Quit => s.reply(Reply::new(221, "2.0.0", "Bye").closing()),
        // RFC 5321 §3.5.3: VRFY may answer 252 without verifying.
        Request::Vrfy { .. } => s.reply(Reply::new(
            252,
            "2.5.0",
            "Cannot VRFY user, but will accept the message and attempt delivery",
        )),
        Request::Help { .. } => s.reply(Reply::new(
            214,
            "2.0.0",
            "See RFC 5321; this server speaks ESMTP",
        )),
        Request::Expn { .. }
        | Request::Etrn { .. }
        | Request::Atrn { .. }
        | Request::Burl { .. }
        | Request::Lhlo { .. } => s.bad(Reply::new(502, "5.5.1", "Command not implemented")),
    }
}

/// The reply for a line smtp-proto could not parse (RFC 5321 §4.2.4, RFC 3463).
fn parse_error(e: ParseError) -> Reply {
    match e {
        ParseError::UnknownCommand => Reply::new(500, "5.5.1", "Command unrecognized"),
        ParseError::InvalidSenderAddress => Reply::new(501, "5.1.7", "Bad sender address syntax"),
        ParseError::InvalidRecipientAddress => {
            Reply::new(501, "5.1.3", "Bad recipient address syntax")
        }
        ParseError::SyntaxError { syntax } => Reply::new(501, "5.5.4", format!("Syntax: {syntax}")),
        ParseError::InvalidParameter { param } => {
            Reply::new(501, "5.5.4", format!("Invalid parameter {param}"))
        }
        ParseError::UnsupportedParameter { param } => {
            Reply::new(555, "5.5.4", format!("Unsupported parameter {param}"))
        }
        _ => Reply::new(500, "5.5.2", "Syntax error"),
    }
}
