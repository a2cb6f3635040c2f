//! Osprey's mail handling between the protocols and the store: turning a received
//! message into what the store keeps (CRLF line endings, a summary), delivering it to
//! local mailboxes or handing it to the outbound queue, and indexing its text for search
//! in the background ([`TextIndexer`]). [`message`] is what every protocol and the web
//! API know about a message as MIME: one parse into plain data, the end of the header
//! section, line endings, transfer decoding, RFC 5256 threading, and composing the
//! messages the server writes.
//!
//! This crate knows no sockets and no HTTP. Delivery rules and mailing lists plug in at
//! [`LocalDelivery`]; SMTP, the REST API and the CLI all deliver through it.

pub mod auth;
pub mod client_setup;
mod commit;
pub mod dns;
pub mod events;
mod fulltext;
pub mod html;
mod indexer;
mod ingest;
pub mod listing;
pub mod lists;
mod local;
pub mod mailboxes;
pub mod message;
pub mod organize;
mod outbox;
pub mod outgoing;
pub mod policy;
pub mod reading;
mod resolve;
pub mod rules;
mod scheduling;
pub mod search;
mod sender;
pub mod stored;
mod submission;

pub use commit::Committer;
pub use fulltext::extract_text;
pub use indexer::TextIndexer;
pub use ingest::summarize;
pub use lists::{ListHook, ListTarget};
pub use local::{AppendRequest, DeliveryError, LocalDelivery};
pub use mailboxes::{MailboxError, MailboxManager};
pub use organize::{Deleted, OrganizeError, Organizer};
pub use outbox::{Outbox, QueueOptions};
pub use outgoing::{ComposeError, Composer, Draft};
pub use policy::{KillVerdict, Policy};
pub use resolve::{Resolution, ResolveError, resolve};
pub use rules::{DeliveryRules, RulesError, ScriptEntry, ScriptError};
pub use scheduling::{SchedulingHook, calendar_objects};
pub use sender::{SenderCheck, SenderRefused, SenderRight};
pub use submission::{Client, Envelope, Refusal, Submission, Submitted, Verdict};
