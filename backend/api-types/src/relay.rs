//! The relay policy and the "would this relay?" check (server administrators only).

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who may send mail through this server to domains it does not host. Authenticated
/// users may relay in every mode but `no_relay`; an unauthenticated client only in
/// `local_hosts` from a listed network, or in `listed_addresses` to a listed destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RelayMode {
    LocalHosts,
    LocalUsers,
    ListedAddresses,
    NoRelay,
}

/// `GET` and `PUT /api/v1/admin/relay`: the whole policy (a `PUT` replaces it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayPolicy {
    pub mode: RelayMode,
    /// The local networks of `local_hosts` (CIDR, IPv4 or IPv6).
    #[serde(default)]
    pub networks: Vec<String>,
    /// The destinations of `listed_addresses`: domains (with their subdomains) or single
    /// addresses.
    #[serde(default)]
    pub destinations: Vec<String>,
}

/// `POST /api/v1/admin/relay/check`: a hypothetical SMTP transaction.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayCheck {
    pub client_ip: String,
    /// Whether the client has authenticated as a local user.
    #[serde(default)]
    pub authenticated: bool,
    /// The envelope sender; it does not change the answer, and is echoed for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    pub recipient: String,
}

/// The answer to a [`RelayCheck`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RelayVerdict {
    /// The recipient would be accepted (for local delivery or for relaying).
    pub accepted: bool,
    /// The recipient is in a local domain: no relaying is involved.
    pub local: bool,
    /// The rule that decided, in words.
    pub rule: String,
}
