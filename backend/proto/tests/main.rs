//! Tests of the wire formats: IMAP and POP3 codecs, SMTP replies, SASL mechanisms, and the RFC index.

mod imap;
mod pop3;
mod rfc_index;
mod sasl;
mod smtp;
