//! Sending mail as the signed-in user.

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/messages/send`: a plain-text message from the signed-in user. Bcc
/// recipients get the message but are not named in it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// The sender address: the account's own (the default), an alias that delivers to
    /// it, or an address an administrator let it send as (422 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub bcc: Vec<String>,
    pub subject: String,
    /// The body, as plain text.
    pub text: String,
}

/// What happened to a sent message.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SentMessage {
    /// The Message-ID header, without angle brackets.
    pub message_id: String,
    /// Every recipient: local ones are delivered, remote ones queued.
    pub delivered: Vec<String>,
    /// The outbound queue id when some recipients are on other servers; their delivery
    /// state is at `/api/v1/messages/outbound/{queue_id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    /// The UID of the copy in the sender's Sent mailbox.
    pub sent_uid: u32,
}

/// `POST /messages/{id}/download`: what to download — an attachment (its `index` in the
/// message's attachment list) or, without one, the whole message as it was received.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DownloadRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<u32>,
}

/// A link that downloads without credentials until it expires (5 minutes): for a
/// browser's own download, an `<a href>` or another program.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DownloadLink {
    /// A path on this server (`/api/v1/download/...`).
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}
