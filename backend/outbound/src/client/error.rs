//! Why a connection or transaction failed, with the stage it failed in, whether trying
//! again can help, and the status code to report.

use std::{fmt, io};

use osprey_proto::smtp::Reply;

/// The step of the session a reply or failure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Connect,
    Greeting,
    Ehlo,
    StartTls,
    Auth,
    MailFrom,
    RcptTo,
    /// The `DATA` command and the message content.
    Data,
    /// The reply after the terminating dot.
    DataEnd,
    Rset,
    Quit,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Connect => "connect",
            Stage::Greeting => "greeting",
            Stage::Ehlo => "EHLO",
            Stage::StartTls => "STARTTLS",
            Stage::Auth => "AUTH",
            Stage::MailFrom => "MAIL FROM",
            Stage::RcptTo => "RCPT TO",
            Stage::Data => "DATA",
            Stage::DataEnd => "end of DATA",
            Stage::Rset => "RSET",
            Stage::Quit => "QUIT",
        })
    }
}

/// A failure of the connection or of the whole transaction.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The TCP connection could not be made.
    #[error("cannot connect: {0}")]
    Connect(#[source] io::Error),
    /// The connection broke (reset, closed by the server) during `stage`.
    #[error("connection lost during {stage}: {source}")]
    Io {
        stage: Stage,
        #[source]
        source: io::Error,
    },
    /// The server did not answer in time (RFC 5321 §4.5.3.2 limits).
    #[error("timeout during {0}")]
    Timeout(Stage),
    /// The TLS handshake failed.
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    /// The server's bytes were not an SMTP reply (or it sent data it should not have).
    #[error("protocol error during {stage}: {text}")]
    Protocol { stage: Stage, text: String },
    /// The server refused: a 4xx/5xx reply (or an unexpected code) to a command.
    #[error("{stage} refused: {reply}")]
    Reply { stage: Stage, reply: Reply },
    /// The client would not go on: a configured or required feature is missing on the
    /// server (TLS required, SMTPUTF8 needed, message larger than `SIZE`).
    #[error("{status} {text}")]
    Policy { status: &'static str, text: String },
}

impl SmtpError {
    /// Returns `true` if and only if repeating the transaction cannot help: a 5xx reply or
    /// a permanent policy failure. Everything else (network, timeouts, TLS, 4xx) is
    /// temporary. A permanent error at [`Stage::Greeting`] or [`Stage::Ehlo`] concerns
    /// that host; the caller may still try the next MX.
    pub fn is_permanent(&self) -> bool {
        match self {
            SmtpError::Reply { reply, .. } => reply.is_permanent(),
            SmtpError::Policy { status, .. } => status.starts_with('5'),
            _ => false,
        }
    }

    /// The enhanced status code to report for the affected recipients.
    // RFC 3463 §3.4, §3.5, §3.8
    pub fn status(&self) -> String {
        match self {
            SmtpError::Connect(_) => "4.4.1".to_owned(),
            SmtpError::Io { .. } | SmtpError::Timeout(_) => "4.4.2".to_owned(),
            SmtpError::Tls(_) => "4.7.5".to_owned(),
            SmtpError::Protocol { .. } => "4.5.0".to_owned(),
            SmtpError::Reply { reply, .. } => reply.status().to_string(),
            SmtpError::Policy { status, .. } => (*status).to_owned(),
        }
    }

    /// The server's reply, when the failure is one.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            SmtpError::Reply { reply, .. } => Some(reply),
            _ => None,
        }
    }
}
