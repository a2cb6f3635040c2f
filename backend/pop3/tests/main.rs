//! POP3 sessions over real sockets and a real store (SQLite or PostgreSQL, as
//! `OSPREY_TEST_BACKEND` says), written as transcripts.

mod harness;
mod maildrop;
mod password_change;
mod protocol;
mod revocation;
mod sasl_tls;
