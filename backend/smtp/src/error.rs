//! A command that failed, with the reply that says so. `Session::fail` is the one place
//! that writes it, logs it and counts bad commands; handlers only return it.

use std::fmt::Display;

use osprey_proto::smtp::Reply;

/// Whose failure it is: decides how it is logged and whether it counts as a bad command.
#[derive(Debug)]
pub(crate) enum Fault {
    /// A malformed or out-of-sequence command: counts towards `max_errors`; logged at
    /// debug.
    Client,
    /// A command understood and refused (unknown user, relaying, size), or a session
    /// ended by a limit, a timeout or shutdown: logged at debug.
    Policy,
    /// This server failed (the store, delivery): logged at error with the cause.
    Server { what: &'static str, cause: String },
    /// The connection broke or was closed: nothing can be said.
    Gone,
}

/// Why a command got a negative reply (or none).
#[derive(Debug)]
pub(crate) struct SmtpError {
    /// The reply; `None` only for [`Fault::Gone`].
    pub reply: Option<Reply>,
    /// The session ends after the reply.
    pub disconnect: bool,
    pub fault: Fault,
}

impl SmtpError {
    /// A malformed or out-of-sequence command (a 5xx the client should not have caused).
    pub(crate) fn bad(reply: Reply) -> SmtpError {
        SmtpError {
            reply: Some(reply),
            disconnect: false,
            fault: Fault::Client,
        }
    }

    /// A command refused by policy or by the state of the mail system.
    pub(crate) fn refused(reply: Reply) -> SmtpError {
        SmtpError {
            reply: Some(reply),
            disconnect: false,
            fault: Fault::Policy,
        }
    }

    /// A failure of this server: `what` failed because of `cause`.
    pub(crate) fn internal(reply: Reply, what: &'static str, cause: impl Display) -> SmtpError {
        SmtpError {
            reply: Some(reply),
            disconnect: false,
            fault: Fault::Server {
                what,
                cause: cause.to_string(),
            },
        }
    }

    /// The connection is gone (EOF, a failed read or write).
    pub(crate) fn gone() -> SmtpError {
        SmtpError {
            reply: None,
            disconnect: true,
            fault: Fault::Gone,
        }
    }

    /// The same failure, ending the session after its reply.
    pub(crate) fn disconnect(mut self) -> SmtpError {
        self.disconnect = true;
        self
    }
}

/// A refusal by policy, so that `?` and `.into()` work on a named reply.
impl From<Reply> for SmtpError {
    fn from(reply: Reply) -> SmtpError {
        SmtpError::refused(reply)
    }
}
