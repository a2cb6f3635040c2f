//! The audit log: every administrative change, who made it and what it changed.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Through which door a change came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditVia {
    /// A signed-in session (the web app).
    Web,
    /// An API key.
    Api,
    /// The server's command line.
    Cli,
}

/// One field a change touched. Values are shown as text: a string as it is, anything
/// else as JSON; absent where the field did not exist (a creation, a deletion).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditField {
    /// The field, dotted for nested ones (`settings.max_accounts`).
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One administrative change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Who made it: an account's address, or `operator` at the command line.
    pub actor: String,
    /// The account's id; absent for the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// The client's IP address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    pub via: AuditVia,
    /// What was done, `thing.verb`: `domain.update`, `account.create`, `ip_rule.delete`.
    pub action: String,
    /// What it was done to: an address, a domain, a network.
    pub target: String,
    /// The id of the domain it concerns; absent for server-wide changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// The fields it changed (for an update, only those whose value differs).
    pub changes: Vec<AuditField>,
}

/// The audit log's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditSettings {
    /// Days entries are kept (1 to 3650); older ones are removed.
    pub retention_days: u32,
}

/// New settings of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAuditSettings {
    /// Days entries are kept, 1 to 3650.
    pub retention_days: u32,
}
