//! The outbound building blocks: notifications parsed back with mail-parser, static and
//! MX-derived routes, the SMTP client against scripted servers on loopback, and the queue
//! worker against a rule-driven receiving server and a real store.

mod client;
mod client_security;
mod dns;
mod dsn;
mod mx;
mod queue;
mod scripted;
