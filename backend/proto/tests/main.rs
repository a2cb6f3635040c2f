//! Tests of the wire formats: POP3 codec, SASL mechanisms, and the RFC index.

mod pop3;
mod sasl;
