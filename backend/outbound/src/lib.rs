//! Building blocks of outbound mail delivery: DNS route resolution (`dns`, injectable so
//! tests and static routes can point domains at loopback ports), an SMTP client (`client`:
//! STARTTLS, AUTH, PIPELINING, RFC 5321 client timeouts) and delivery status notifications
//! (`dsn`). This crate owns neither the queue nor the schedule: it never touches the store,
//! never retries and never decides when to bounce; the queue worker composes these pieces.

pub mod client;
pub mod dns;
pub mod dsn;
mod text;

pub use client::{
    Capabilities, ClientConfig, Credentials, RcptResult, Reply, SmtpClient, SmtpError, Stage,
    TlsPolicy,
};
pub use dns::{BoxFuture, DnsError, HickoryResolver, Resolver, StaticResolver, Target};
pub use dsn::{Action, DsnInput, DsnRecipient, must_not_bounce};
