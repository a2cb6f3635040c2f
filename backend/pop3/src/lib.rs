//! Osprey's POP3 server (RFC 1939 with RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL and
//! RFC 6856 UTF8) over the shared store: the maildrop is the account's INBOX.
//!
//! Implementation notes:
//! - A session takes the account's maildrop lock when it enters the TRANSACTION state and
//!   holds it until it ends; a second session gets `-ERR [IN-USE]`. IMAP, delivery and
//!   the web API do not take this lock: the session works on a snapshot taken at login,
//!   so its message numbers never shift, and a message that another client expunged
//!   meanwhile is simply gone at `QUIT`.
//! - Nothing changes in the store before `QUIT` in the TRANSACTION state (RFC 1939 §6):
//!   deletions, the \Seen flag and the download time are applied there in one
//!   transaction per kind; a dropped connection applies nothing.
//! - Replies are built in memory and written with no store transaction open.

mod locks;
mod maildrop;
mod op;
pub mod retention;
mod server;
mod session;

pub use locks::MaildropLocks;
pub use server::{Pop3Config, Pop3Server};
