//! Outbound mail delivery: the queue worker (`worker`, `deliver`, `notify`, `schedule`)
//! and its building blocks: DNS route resolution (`dns`, injectable so tests and fixed
//! routes can point domains at loopback ports), an SMTP client (`client`: STARTTLS, AUTH,
//! PIPELINING, RFC 5321 client timeouts) and delivery status notifications (`dsn`).
//!
//! The store keeps the queue and its leases; `osprey-mail` puts messages in it. This
//! crate takes due recipients out, delivers them, records each outcome and reports back
//! to senders. The building blocks never touch the store.

pub mod client;
mod deliver;
pub mod dsn;
mod notify;
mod schedule;
mod text;
mod worker;

pub use client::{
    Capabilities, ClientConfig, Credentials, RcptResult, Reply, SmtpClient, SmtpError, Stage,
    TlsPolicy, system_roots_config,
};
pub use dns::{BoxFuture, DnsError, HickoryResolver, RecordKind, Resolver, StaticResolver, Target};
pub use dsn::{Action, DsnInput, DsnRecipient, must_not_bounce};
/// Mail's DNS (MX routes, TXT records), which the queue worker routes with.
pub use osprey_mail::dns;
pub use schedule::Schedule;
pub use worker::{QueueSettings, QueueWorker};
