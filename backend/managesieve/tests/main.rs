//! ManageSieve sessions over real sockets and a real store (SQLite or PostgreSQL, as
//! `OSPREY_TEST_BACKEND` says), written as transcripts quoting RFC 5804.

mod harness;
mod protocol;
mod scripts;
