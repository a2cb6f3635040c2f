//! Osprey's mail handling between the protocols and the store: turning a received
//! message into what the store keeps (CRLF line endings, a summary) and delivering it to
//! local mailboxes or handing it to the outbound queue.
//!
//! This crate knows no sockets and no HTTP. Delivery rules and mailing lists plug in at
//! [`LocalDelivery`]; SMTP, the REST API and the CLI all deliver through it.

pub mod auth;
mod commit;
mod ingest;
mod local;
mod outbox;
mod resolve;

pub use commit::Committer;
pub use ingest::{normalize_crlf, summarize};
pub use local::{AppendRequest, DeliveryError, LocalDelivery};
pub use outbox::QueueOptions;
pub use resolve::{Resolution, ResolveError, resolve};
