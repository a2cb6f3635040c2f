//! SMTP sessions over real sockets and a real store, written as transcripts.

mod harness;
mod reception;
mod submission;
