//! Osprey's wire formats (IMAP, POP3, SMTP replies, SASL): bytes in, typed commands out; typed replies in, bytes out.
//!
//! This crate does no I/O, knows no store and never panics on input.

pub mod imap;
pub mod managesieve;
pub mod pop3;
pub mod sasl;
pub mod smtp;
