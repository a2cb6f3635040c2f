//! Osprey's ManageSieve server (RFC 5804): Thunderbird's, Roundcube's and other Sieve
//! editors list, read, store and activate scripts, which are the delivery rules of the
//! account seen as Sieve (`osprey_mail::DeliveryRules`' scripts: the active script is
//! the rule set the web app edits).
//!
//! Implementation notes:
//! - The session parses and answers; every rule about scripts (names, limits, which is
//!   active, translating Sieve) is the mail service's.
//! - Passwords in the clear (PLAIN) only over TLS, or from loopback when configured;
//!   SCRAM-SHA-256 always; STARTTLS re-issues the capabilities (§2.2).
//! - Client literals may be `{n+}` or `{n}`; neither waits for the server.

mod auth;
mod commands;
mod server;
mod session;

pub use server::{ManageSieveConfig, ManageSieveServer};
