//! sea-orm entities, one module per table. Private to the store: the rest of Osprey sees
//! the record types of [`crate::repo`], never these models.

pub mod account;
pub mod account_admin_domain;
pub mod account_preference;
pub mod alias;
pub mod api_key;
pub mod auto_reply;
pub mod contact;
pub mod contact_email;
pub mod contact_group;
pub mod contact_group_member;
pub mod dkim_key;
pub mod domain;
pub mod domain_alias;
pub mod expunged;
pub mod ip_rule;
pub mod kill_entry;
pub mod list_address;
pub mod list_day;
pub mod list_held_post;
pub mod list_member;
pub mod list_post;
pub mod list_token;
pub mod mailbox;
pub mod mailing_list;
pub mod message;
pub mod personal_word;
pub mod queue_message;
pub mod queue_recipient;
pub mod refresh_token;
pub mod rule_set;
pub mod send_as_grant;
pub mod server_setting;
pub mod sieve_script;
pub mod subscription;
pub mod thread_link;
