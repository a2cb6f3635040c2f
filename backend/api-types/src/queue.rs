//! The outbound queue: messages waiting to leave the server and each recipient's
//! delivery state. Administrators see the whole queue; a user sees what it sent.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where one recipient of a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not delivered yet; it will be tried again at `next_attempt_at`.
    Pending,
    /// The receiving server accepted it.
    Delivered,
    /// It failed for good; the sender got a bounce.
    Failed,
}

/// One recipient of a queued message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueRecipient {
    pub address: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last reply or error, e.g. `550 5.1.1 no such user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The RFC 3463 status code of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// The server that answered last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_mta: Option<String>,
}

/// A queued message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueuedMessage {
    pub id: String,
    /// The envelope sender; empty for a bounce.
    pub sender: String,
    pub subject: String,
    pub size: u64,
    /// It is a bounce or delay notice.
    pub bounce: bool,
    pub created_at: DateTime<Utc>,
    pub recipients: Vec<QueueRecipient>,
}

/// `POST /api/v1/admin/queue/{id}/retry` and `/bounce`: how many recipients were made
/// due, or are being returned to the sender.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RetryResult {
    pub recipients: u64,
}
