//! A domain's DNS setup: the records it publishes for this server, and what the DNS
//! answers for them.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How the published records compare with one the domain should publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsStatus {
    /// Published as it should be.
    Ok,
    /// Nothing is published.
    Missing,
    /// Something else is published (see `found` and `advice`).
    Different,
    /// The DNS did not answer; try again later.
    Unknown,
}

/// One record a domain should publish, and (when checked) what the DNS has.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DnsRecord {
    /// `mx`, `spf`, `dkim`, `dmarc`, `srv`, `autoconfig`, `autodiscover`, `mta_sts`,
    /// `mta_sts_host` or `tlsrpt`.
    pub purpose: String,
    /// The owner name, without the final dot: `_dmarc.example.com`.
    pub name: String,
    /// `MX`, `TXT`, `SRV` or `CNAME`.
    #[serde(rename = "type")]
    pub record_type: String,
    /// The record's data (a TXT record's text, unquoted).
    pub value: String,
    /// The record as a zone-file line, ready to paste.
    pub zone_line: String,
    /// Mail is refused or distrusted without it; the others help mail clients.
    pub required: bool,
    /// What the record does.
    pub about: String,
    /// Set when checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DnsStatus>,
    /// When checked: the records of that type at that name, as the DNS answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub found: Vec<String>,
    /// When checked: what to do about it, or what to know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// The records a domain publishes so that mail reaches this server and receivers trust
/// the mail it sends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DomainDns {
    pub domain: String,
    /// The host the MX and service records point at: this server.
    pub mail_host: String,
    pub records: Vec<DnsRecord>,
    /// When the records were looked up (`check=true`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<DateTime<Utc>>,
}
