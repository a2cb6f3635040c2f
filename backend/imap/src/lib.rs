//! Osprey's IMAP server (RFC 9051 IMAP4rev2, serving RFC 3501 IMAP4rev1 clients too) over
//! the shared store. Wire format comes from `osprey_proto::imap`; this crate owns the
//! sessions: states, commands (one file each under `op/`), the selected mailbox's view.
//! Messages are read by `osprey_mail::message` (one parse per message per FETCH): this
//! crate maps that plain data to IMAP's envelope and body structure and addresses parts
//! by IMAP's numbering (`message.rs`, `structure.rs`); it parses no MIME itself.
//!
//! Implementation notes:
//! - Replies are built in memory and written only after the store call that produced
//!   them has returned: no socket write happens while a store transaction is open.
//! - The store publishes every change after its commit; a selected session subscribes
//!   to the change bus before it reads the mailbox, so it misses nothing, and applies
//!   what changed at command boundaries and during IDLE (`selected.rs`), never sending
//!   EXPUNGE (VANISHED once QRESYNC is enabled, RFC 7162 §3.2.10) while answering
//!   FETCH, STORE, SEARCH, SORT or THREAD by sequence number (RFC 9051 §7.5.1).
//! - The store keeps a tombstone with its MODSEQ for every expunged message, so a
//!   QRESYNC client learns exactly what vanished since any MODSEQ it knows.
//! - A command never writes its own tagged answer: it returns an `op::Completion`, and
//!   `op::dispatch` writes the updates that arrived meanwhile, then the tagged line.
//! - No lock is held between commands: concurrent sessions on one mailbox each keep
//!   their own numbering and learn of the others' changes through the bus.

mod keywords;
mod mailbox_name;
mod message;
mod op;
mod recent;
mod selected;
mod server;
mod session;
mod structure;

pub use server::{ImapConfig, ImapServer};
