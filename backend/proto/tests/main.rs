//! Tests of the wire formats: POP3 codec, SASL mechanisms, and the RFC index.

mod pop3;
mod rfc_index;
mod sasl;
