//! End-to-end tests: the real `osprey` binary on free loopback ports with a fresh data
//! directory, on the database engine named by OSPREY_TEST_BACKEND.

mod support;

mod api;
mod browser;
mod bulk;
mod cli;
mod crash;
mod exchange;
mod forwarding;
mod imap;
mod large;
mod lettre;
mod limits;
mod lists;
mod managesieve;
mod openapi;
mod pop3;
mod reminders;
mod scheduling;
mod security;
mod settings;
mod smtp;
mod stats;
mod web;
