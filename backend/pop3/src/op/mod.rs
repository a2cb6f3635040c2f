//! The commands, one file each, and which state allows which (RFC 1939 §3-§7).

mod apop;
mod auth;
mod capa;
mod dele;
mod list;
mod login;
mod quit;
mod retr;
mod rset;
mod stat;
mod stls;
mod uidl;
mod user;

use osprey_proto::pop3::Command;

use crate::session::{Next, Session, State};

/// Returns `true` if and only if `cmd` may be given in `state`. The one place that says so.
pub(crate) fn allowed(state: &State, cmd: &Command) -> bool {
    use Command::*;
    match state {
        // RFC 1939 §4, RFC 2449 §5 (CAPA in both states), RFC 2595 §4 (STLS),
        // RFC 5034 §4 (AUTH), RFC 6856 §2 (UTF8).
        State::Authorization { .. } => matches!(
            cmd,
            User(_) | Pass(_) | Apop { .. } | Auth { .. } | Capa | Stls | Utf8 | Quit
        ),
        // RFC 1939 §5 and §7.
        State::Transaction(_) => matches!(
            cmd,
            Stat | List(_) | Retr(_) | Dele(_) | Noop | Rset | Top { .. } | Uidl(_) | Capa | Quit
        ),
    }
}

/// Runs an allowed command.
pub(crate) async fn dispatch(s: &mut Session, cmd: Command) -> Next {
    // RFC 1939 §7: PASS must follow USER directly; any other command forgets the name.
    if !matches!(cmd, Command::Pass(_))
        && let State::Authorization { user, .. } = &mut s.state
    {
        user.take();
    }
    match cmd {
        Command::Capa => s.capa(),
        Command::Stls => s.stls(),
        Command::Utf8 => {
            // RFC 6856 §2: UTF-8 in commands and replies from now on. Osprey accepts and
            // sends UTF-8 in every state, so there is nothing to switch.
            s.ok("UTF8 enabled");
            Next::Continue
        }
        Command::User(name) => s.user(name),
        Command::Pass(password) => s.pass(password).await,
        Command::Auth {
            mechanism,
            initial_response,
        } => s.auth(mechanism, initial_response).await,
        Command::Apop { name, digest } => s.apop(name, digest).await,
        Command::Quit => s.quit().await,
        Command::Stat => s.stat(),
        Command::List(n) => s.list(n),
        Command::Uidl(n) => s.uidl(n),
        Command::Retr(n) => s.retr(n, None).await,
        Command::Top { msg, lines } => s.retr(msg, Some(lines)).await,
        Command::Dele(n) => s.dele(n),
        Command::Rset => s.rset(),
        Command::Noop => {
            s.ok("");
            Next::Continue
        }
    }
}
