//! The dashboard: what the servers did hour by hour or day by day, the figures now, and
//! the "top" lists (`GET /api/v1/admin/stats`).

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The span of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum StatsRange {
    /// The last 24 hours, a point per hour.
    #[default]
    #[serde(rename = "24h")]
    Day,
    /// The last 30 days, a point per day (UTC).
    #[serde(rename = "30d")]
    Month,
}

/// Events counted in a span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsCounts {
    /// Messages accepted over SMTP from other servers.
    pub received: u64,
    /// Messages sent by signed-in users (SMTP submission and the web app).
    pub submitted: u64,
    /// Recipients delivered to other servers.
    pub sent: u64,
    /// Recipients given up on (their senders got a failure report).
    pub bounced: u64,
    /// SMTP connections and commands refused by policy for good.
    pub rejected: u64,
    /// Sign-ins that succeeded, over every protocol and the web.
    pub logins: u64,
    /// Sign-ins refused.
    pub failed_logins: u64,
}

/// What is counted at a moment: the queue and the sessions open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsLevels {
    /// Messages waiting in the queue for at least one recipient.
    pub queue: u64,
    pub smtp_sessions: u64,
    pub imap_sessions: u64,
    pub pop3_sessions: u64,
    pub managesieve_sessions: u64,
}

/// One point of the series.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsPoint {
    /// Where the span starts; it lasts `step_seconds`.
    pub start: DateTime<Utc>,
    pub counts: StatsCounts,
    /// The highest levels sampled in the span.
    pub peaks: StatsLevels,
}

/// A domain's accounts and the mail they keep.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DomainUsage {
    pub domain: String,
    pub accounts: u64,
    pub used_bytes: u64,
}

/// One of the accounts that keep the most mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MailboxUsage {
    pub account_id: String,
    pub address: String,
    pub used_bytes: u64,
    /// Absent: no quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_bytes: Option<u64>,
}

/// A name counted in a "top" list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RankedName {
    /// An address (`<>` is the null sender; `(others)` gathers names past the limit of
    /// one interval).
    pub name: String,
    pub count: u64,
}

/// `GET /api/v1/admin/stats`: the dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServerStats {
    pub range: StatsRange,
    /// Seconds each point covers (3600 or 86400).
    pub step_seconds: i64,
    /// Oldest first; spans with nothing counted are there with zeros.
    pub points: Vec<StatsPoint>,
    /// The sums of the points.
    pub totals: StatsCounts,
    /// The latest sample of every node that sampled lately, sessions added up.
    pub now: StatsLevels,
    /// When that sample was taken; absent when no node sampled lately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampled_at: Option<DateTime<Utc>>,
    /// Every domain, the most mail first.
    pub storage: Vec<DomainUsage>,
    /// The ten accounts that keep the most mail.
    pub largest_mailboxes: Vec<MailboxUsage>,
    /// The ten envelope senders of the most accepted messages in the span.
    pub top_senders: Vec<RankedName>,
    /// The ten client addresses refused most in the span.
    pub top_rejected_ips: Vec<RankedName>,
}
