//! The outbound building blocks: notifications parsed back with mail-parser, static and
//! MX-derived routes, and the SMTP client against scripted servers on loopback.

mod client;
mod client_security;
mod dns;
mod dsn;
mod scripted;
