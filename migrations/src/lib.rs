//! Osprey's schema migrations, one module per migration, run in order on SQLite and
//! PostgreSQL alike.
//!
//! A migration that has landed is never edited: a change to the schema is a new module
//! named `mYYYYMMDD_NNNNNN_verb_noun`, appended to [`Migrator::migrations`].
//! `migrations/landed.sha256` holds the hash of every landed module, and `cargo xtask
//! tidy` fails when one changes; a new module is added to it with `cargo xtask tidy
//! --bless-migration migrations/src/<module>.rs` once it is final.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_directory;
mod m20261126_000002_create_mail_store;
mod m20261126_000003_create_credentials;
mod m20261126_000004_add_protocol_settings;
mod m20261126_000005_create_access_rules;
mod m20261127_000006_create_server_settings;
mod m20261127_000007_create_outbound_queue;
mod m20261127_000008_create_dkim_keys;
mod m20261127_000010_add_kill_file_scope;
mod m20261127_000011_create_text_index;
mod m20261204_000012_add_recent_and_subscriptions;
mod m20261204_000013_add_token_generation;
mod m20261204_000014_create_send_as_grants;
mod m20261204_000015_create_rule_sets;
mod m20261204_000016_create_sieve_scripts;
mod m20261204_000017_add_account_time_zone;
mod m20261204_000018_create_address_book;
mod m20261204_000019_create_personal_words;
mod m20261204_000020_create_account_preferences;
mod m20261204_000021_add_message_sort_indexes;
mod m20261204_000022_add_queue_message_id;
mod m20261205_000023_create_thread_links;
mod m20261205_000024_add_message_sort_subject;
mod m20261205_000025_create_mailing_lists;
mod m20261205_000026_create_list_tokens;
mod m20261205_000027_create_list_held_posts;
mod m20261205_000028_add_list_member_tokens;
mod m20261205_000029_create_list_posts;
mod m20261205_000030_create_audit_log;
mod m20261205_000031_create_calendars;
mod m20261205_000032_add_calendar_feeds;
mod m20261205_000033_add_calendar_object_spans;
mod m20261205_000034_add_one_default_calendar;
mod m20261205_000035_create_calendar_reminders;
mod m20261206_000036_cover_calendar_object_ends;
mod m20261206_000037_add_queue_bounce_requests;
mod m20261206_000038_add_account_password_change;
mod m20261206_000039_create_activity_stats;
mod m20261206_000040_create_ads;
mod m20261206_000041_create_brandings;

/// Runs every migration of Osprey's schema.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_directory::Migration),
            Box::new(m20261126_000002_create_mail_store::Migration),
            Box::new(m20261126_000003_create_credentials::Migration),
            Box::new(m20261126_000004_add_protocol_settings::Migration),
            Box::new(m20261126_000005_create_access_rules::Migration),
            Box::new(m20261127_000006_create_server_settings::Migration),
            Box::new(m20261127_000007_create_outbound_queue::Migration),
            Box::new(m20261127_000008_create_dkim_keys::Migration),
            Box::new(m20261127_000010_add_kill_file_scope::Migration),
            Box::new(m20261127_000011_create_text_index::Migration),
            Box::new(m20261204_000012_add_recent_and_subscriptions::Migration),
            Box::new(m20261204_000013_add_token_generation::Migration),
            Box::new(m20261204_000014_create_send_as_grants::Migration),
            Box::new(m20261204_000015_create_rule_sets::Migration),
            Box::new(m20261204_000016_create_sieve_scripts::Migration),
            Box::new(m20261204_000017_add_account_time_zone::Migration),
            Box::new(m20261204_000018_create_address_book::Migration),
            Box::new(m20261204_000019_create_personal_words::Migration),
            Box::new(m20261204_000020_create_account_preferences::Migration),
            Box::new(m20261204_000021_add_message_sort_indexes::Migration),
            Box::new(m20261204_000022_add_queue_message_id::Migration),
            Box::new(m20261205_000023_create_thread_links::Migration),
            Box::new(m20261205_000024_add_message_sort_subject::Migration),
            Box::new(m20261205_000025_create_mailing_lists::Migration),
            Box::new(m20261205_000026_create_list_tokens::Migration),
            Box::new(m20261205_000027_create_list_held_posts::Migration),
            Box::new(m20261205_000028_add_list_member_tokens::Migration),
            Box::new(m20261205_000029_create_list_posts::Migration),
            Box::new(m20261205_000030_create_audit_log::Migration),
            Box::new(m20261205_000031_create_calendars::Migration),
            Box::new(m20261205_000032_add_calendar_feeds::Migration),
            Box::new(m20261205_000033_add_calendar_object_spans::Migration),
            Box::new(m20261205_000034_add_one_default_calendar::Migration),
            Box::new(m20261205_000035_create_calendar_reminders::Migration),
            Box::new(m20261206_000036_cover_calendar_object_ends::Migration),
            Box::new(m20261206_000037_add_queue_bounce_requests::Migration),
            Box::new(m20261206_000038_add_account_password_change::Migration),
            Box::new(m20261206_000039_create_activity_stats::Migration),
            Box::new(m20261206_000040_create_ads::Migration),
            Box::new(m20261206_000041_create_brandings::Migration),
        ]
    }
}
