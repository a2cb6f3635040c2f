//! API tests: the whole router in-process, on a fresh database of the engine named by
//! OSPREY_TEST_BACKEND.

mod support;

mod account_import;
mod admin;
mod ads;
mod audit;
mod auth;
mod authorization;
mod bodies;
mod branding;
mod calendars;
mod client_setup;
mod compose;
mod contacts;
mod contract;
mod dkim;
mod domain_admins;
mod domain_dns;
mod events;
mod list_archive;
mod listing;
mod lists;
mod mailbox_edit;
mod mailboxes;
mod messages;
mod organize;
mod password_change;
mod reading;
mod relay;
mod rules;
mod senders;
mod server_settings;
mod stats;
mod threads;
