//! The osprey-rules tests: one binary, a module per concept.
mod engine;
mod engine_actions;
mod loops;
mod model;
mod sieve;
mod sieve_scripts;
mod srs;
mod support;
mod vacation;
mod validate;
