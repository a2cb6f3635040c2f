//! Osprey's SMTP server (RFC 5321): mail for local domains on the MX port, and mail from
//! authenticated users on the submission ports (STARTTLS, RFC 3207; implicit TLS,
//! RFC 8314), with AUTH (RFC 4954), PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME,
//! SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034) and CHUNKING (RFC 3030).
//!
//! Implementation notes:
//! - Commands are parsed by smtp-proto; the session state machine is ours: `State`
//!   (`session.rs`) and the table of what each state takes (`op::allowed`).
//! - Every reply is a named one from `osprey_proto::smtp::replies`. A handler returns its
//!   positive reply or an `SmtpError`; `Session::fail` alone writes and logs failures and
//!   counts bad commands.
//! - `250` after DATA/BDAT LAST is sent only after the message is durable: the blob
//!   fsynced and the rows committed (group commit shares one transaction between the
//!   sessions that finish at the same moment). No socket write happens while a
//!   transaction is open.
//! - Recipients are resolved at RCPT through `osprey_mail::resolve` (accounts, aliases,
//!   catch-all). Remote recipients are refused until the outbound queue exists, so an
//!   accepted message is never one that cannot be delivered.

mod error;
mod op;
mod server;
mod session;
pub mod wire;

pub use server::{Listener, SmtpConfig, SmtpServer};
