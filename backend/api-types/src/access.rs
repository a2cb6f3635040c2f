//! Access control: IP allow/deny rules and the kill file (server administrators only).

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What an IP rule does with a matching client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IpAction {
    Allow,
    /// The client gets `554 5.7.1` at connect.
    Deny,
}

/// An IP rule. Rules are tried in `position` order; the first that matches decides, and
/// a client no rule matches is allowed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IpRule {
    pub id: String,
    pub position: i64,
    pub action: IpAction,
    /// An IPv4 or IPv6 address or CIDR network.
    pub network: String,
    /// `smtp`, `submission` or `submissions`; absent for every listener.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// How many connections the rule has decided.
    pub hits: u64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// `PUT /api/v1/admin/ip-rules/{id}/position`: where a rule goes in the order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveIpRule {
    /// Where the rule goes: 1 is tried first; a position past the end makes it last.
    pub position: i64,
}

/// `POST /api/v1/admin/ip-rules`: the rule goes after the existing ones.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateIpRule {
    pub action: IpAction,
    pub network: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a kill-file entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KillKind {
    /// A sender address (MAIL FROM).
    Address,
    /// A sender domain and its subdomains.
    Domain,
    /// A client: an IP address or network, or an EHLO name.
    Host,
}

/// A kill-file entry: mail from it is refused at MAIL FROM with `550 5.7.1`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KillEntry {
    pub id: String,
    pub kind: KillKind,
    pub value: String,
    /// The local domain whose recipients the entry protects (refused at `RCPT TO`);
    /// absent for a server-wide entry (refused at `MAIL FROM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// How many MAIL commands it has refused.
    pub hits: u64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/kill-file`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateKillEntry {
    pub kind: KillKind,
    pub value: String,
    /// Only for recipients in this local domain; absent for the whole server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
