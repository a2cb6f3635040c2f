//! Tests of the wire formats: IMAP and POP3 codecs, SMTP replies and SASL mechanisms.

mod imap;
mod pop3;
mod sasl;
mod smtp;
