//! Administration: domains (virtual hosts), accounts and aliases.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::double_option;

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the whole server.
    Admin,
    /// Manages the accounts and aliases of the domains in `admin_domains`.
    DomainAdmin,
    /// Manages only itself.
    User,
}

/// What POP3 does with the messages a client downloads and deletes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pop3Mode {
    /// Off-line: `DELE` then `QUIT` removes the messages from the server (RFC 1939).
    #[default]
    Offline,
    /// Online: `DELE` is ignored; mail stays on the server for IMAP and webmail.
    Keep,
    /// Online: "deleted" messages move to Trash instead of being removed.
    Trash,
}

/// An account's POP3 behaviour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Pop3Settings {
    pub mode: Pop3Mode,
    /// Days (1–3650) after which messages that POP3 downloaded are removed from the
    /// server whatever the mode; absent keeps them. Announced as `EXPIRE` in `CAPA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

/// Per-domain settings. Absent values fall back to the server's defaults.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DomainSettings {
    /// A note for administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Most accounts the domain may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_accounts: Option<u32>,
    /// Most aliases (catch-all included) the domain may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_aliases: Option<u32>,
    /// The largest quota an account of the domain may have, in bytes; with it every
    /// account has a quota (the default, else this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_quota_bytes: Option<u64>,
    /// Quota given to new accounts that do not name one, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_quota_bytes: Option<u64>,
    /// Largest message accepted for the domain, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<u64>,
    /// Accounts of the domain may send as any address (off by default). Without it an
    /// account sends only as its own address, the aliases that deliver to it and the
    /// addresses an administrator granted it; DKIM signs only those either way.
    #[serde(default)]
    pub any_sender: bool,
    /// The domain's accounts are offered to each other as recipients in the composer (a
    /// read-only directory); off by default.
    #[serde(default)]
    pub directory_visible: bool,
    /// The domain's pages show no banner ads, server-wide campaigns included.
    #[serde(default)]
    pub no_ads: bool,
}

/// A domain (virtual host) that Osprey receives mail for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Domain {
    pub id: String,
    /// The domain name, lower case.
    pub name: String,
    /// Other names that deliver to the same accounts (`user@alias` = `user@name`).
    pub aliases: Vec<String>,
    pub settings: DomainSettings,
    pub enabled: bool,
    pub account_count: u64,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/domains`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDomain {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<DomainSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `PATCH /api/v1/admin/domains/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDomain {
    /// Replaces every alias name of the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// Replaces all settings; send the ones to keep too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<DomainSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A mail account; its login is the full address.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Account {
    pub id: String,
    pub address: String,
    pub domain_id: String,
    pub domain: String,
    pub display_name: String,
    pub role: Role,
    /// The domains a `domain_admin` manages (names); empty for other roles.
    pub admin_domains: Vec<String>,
    /// Storage quota in bytes; absent means unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_bytes: Option<u64>,
    /// Bytes the account's messages take.
    pub used_bytes: u64,
    pub enabled: bool,
    pub pop3: Pop3Settings,
    /// The account's time zone (an IANA name); absent for UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The owner must choose a new password at the next sign-in: until then the web app
    /// asks for one and mail clients are refused.
    #[serde(default)]
    pub must_change_password: bool,
    /// In `/me` only: the account's pages show banner ads (its domain has not turned
    /// them off, the account is not exempt, and a campaign for webmail or the calendar
    /// runs), so the web app keeps them a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/accounts`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    /// The full address; its domain must exist.
    pub address: String,
    pub password: String,
    /// Defaults to `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Defaults to the domain's `default_quota_bytes`, else unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_bytes: Option<u64>,
    /// For a `domain_admin`: the domains it manages (names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The owner must choose a new password at the first sign-in (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
}

/// `PATCH /api/v1/admin/accounts/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A number sets the quota; `null` makes it unlimited.
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>))]
    pub quota_bytes: Option<Option<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Resets the password (administrators only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Replaces the POP3 settings as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pop3: Option<Pop3Settings>,
    /// `true` demands a new password at the next sign-in; `false` withdraws the demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
}

/// An alias: mail to `address` goes to every one of `targets`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Alias {
    pub id: String,
    /// `name@domain`, or `@domain` for the domain's catch-all.
    pub address: String,
    pub domain_id: String,
    pub domain: String,
    /// Local accounts, other aliases or remote addresses.
    pub targets: Vec<String>,
    /// `true` for the domain's catch-all (`@domain`).
    pub catch_all: bool,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/aliases`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAlias {
    /// `name@domain`, or `@domain` for a catch-all; the domain must exist.
    pub address: String,
    pub targets: Vec<String>,
}

/// `PATCH /api/v1/admin/aliases/{id}`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAlias {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
}

/// A domain's DKIM key as DNS must publish it: a TXT record named `dns_name` with the
/// value `dns_value`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DkimRecord {
    pub selector: String,
    /// `<selector>._domainkey.<domain>`
    pub dns_name: String,
    /// `v=DKIM1; k=rsa; p=...`
    pub dns_value: String,
    pub created_at: DateTime<Utc>,
}

/// An address (or every address of a domain) an account may send as, granted by an
/// administrator. An account may always send as its own address and the aliases that
/// deliver to it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SendAsGrant {
    pub id: String,
    /// `local@domain` in lower case, or `@domain` for every address of the domain.
    pub address: String,
    pub created_at: DateTime<Utc>,
}

/// A new "send as" grant.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSendAsGrant {
    /// `local@domain`, or `@domain` for every address of the domain.
    pub address: String,
}

/// The account that receives mail for `postmaster` at every local domain (RFC 5321
/// §4.5.1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Postmaster {
    /// The account's address; absent when the server has no enabled administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// `POST /api/v1/admin/accounts/import`: accounts as CSV, a line each:
/// `address[,display name[,password[,quota in MiB]]]`, or with a first line naming the
/// columns (`address,name,password,quota_mib` in any order; others are ignored, so an
/// export imports again). A line without a password gets one drawn by the server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportAccounts {
    pub csv: String,
    /// Check every line and say what would happen; create nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Create the good lines' accounts even when other lines are bad; without it, a bad
    /// line refuses the whole import (422 naming each bad line).
    #[serde(default)]
    pub skip_invalid: bool,
}

/// What became of one line of an account import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountImportLine {
    /// The line's number in the CSV, from 1.
    pub line: u64,
    pub address: String,
    /// Created (in a dry run: would be).
    pub added: bool,
    /// Why the line was not taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The password the server drew for a line without one; shown this once (never in a
    /// dry run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// What an account import did, or in a dry run would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountImportReport {
    pub dry_run: bool,
    /// Accounts created (that would be).
    pub added: u64,
    /// Lines not taken.
    pub problems: u64,
    pub lines: Vec<AccountImportLine>,
}

/// `POST /api/v1/admin/domains/{id}/admins`: an existing account to make an
/// administrator of the domain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddDomainAdmin {
    /// The account's address (login).
    pub address: String,
}

/// One folder of an account, in its statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FolderStats {
    pub name: String,
    /// `\Sent`, `\Trash`, ... (RFC 6154), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_use: Option<String>,
    pub messages: u64,
    pub unread: u64,
    pub bytes: u64,
}

/// `GET /api/v1/admin/accounts/{id}/stats`: an account's mail figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountStats {
    /// Its folders, INBOX first, empty ones included.
    pub folders: Vec<FolderStats>,
    pub messages: u64,
    pub unread: u64,
    /// What its messages take, as the quota counts it.
    pub used_bytes: u64,
    /// Absent: no quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_bytes: Option<u64>,
    /// Messages that arrived in the last 24 hours.
    pub arrived_day: u64,
    /// In the last 7 days.
    pub arrived_week: u64,
    /// In the last 30 days.
    pub arrived_month: u64,
}
