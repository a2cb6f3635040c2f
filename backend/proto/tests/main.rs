//! Tests of the wire formats: IMAP and POP3 codecs, SASL mechanisms, and the RFC index.

mod imap;
mod pop3;
mod rfc_index;
mod sasl;
