//! IMAP sessions over real sockets and a real store (SQLite or PostgreSQL, as
//! `OSPREY_TEST_BACKEND` says), written as transcripts.

mod catenate;
mod compress;
mod condstore;
mod contexts;
mod fulltext;
mod harness;
mod keywords;
mod list_extended;
mod mailboxes;
mod messages;
mod notify;
mod password_change;
mod protocol;
mod qresync;
mod quota;
mod recent;
mod revocation;
mod search_addresses;
mod search_more;
mod searchres;
mod sort_thread;
mod structure;
mod subscriptions;
mod updates;
mod utf8;
