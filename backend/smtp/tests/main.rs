//! SMTP sessions over real sockets and a real store, written as transcripts.

mod access;
mod auth;
mod harness;
mod password_change;
mod postmaster;
mod reception;
mod relay;
mod revocation;
mod rules;
mod sequence;
mod spoofing;
mod submission;
