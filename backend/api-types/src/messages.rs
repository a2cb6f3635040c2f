//! Sending mail as the signed-in user.

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A message from the signed-in user, as `POST /api/v1/messages/send` sends it and
/// `POST /api/v1/drafts` saves it. Bcc recipients get the message but are not named in
/// it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// The sender address: the account's own (the default), an alias that delivers to
    /// it, or an address an administrator let it send as (422 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recipients: `bob@example.com` or `Bob Lee <bob@example.com>`.
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    /// Blind copies: delivered, kept in the sender's Sent copy, never in the delivered
    /// header.
    #[serde(default)]
    pub bcc: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reply_to: Vec<String>,
    #[serde(default)]
    pub subject: String,
    /// The body, as plain text (derived from `html` when empty and `html` is given).
    #[serde(default)]
    pub text: String,
    /// An HTML alternative to the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Files uploaded at `/uploads`, attached (and removed from the uploads).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uploads: Vec<String>,
    /// Attachments of the account's stored messages (a forward's, a draft's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<AttachedPart>,
    /// The id of the message this answers: it gets `\Answered`, and this one its
    /// `In-Reply-To` and `References`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// The id of the message this forwards: it gets `$Forwarded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_of: Option<String>,
    /// The draft's key (from a save): sending removes the draft; saving replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
}

/// An attachment of a stored message: `index` as the message lists its attachments, or
/// no `index` for the whole message as `message/rfc822`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachedPart {
    /// The message's id.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
}

/// An attachment of a draft or of a reply or forward being written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DraftAttachment {
    /// Where it is; send it back in `attached`.
    pub at: AttachedPart,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub content_type: String,
    pub size: u64,
}

/// A message being written: a saved draft, or a reply or forward to start from. Its
/// `message` is what `/messages/send` and `/drafts` take.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DraftMessage {
    /// The saved draft's message id; absent for a reply or forward not saved yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub message: SendMessage,
    pub attachments: Vec<DraftAttachment>,
}

/// A saved draft.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedDraft {
    /// This version's message id (in Drafts).
    pub id: String,
    pub uid: u32,
    /// The draft's key: send it as `draft` with the next save or the send.
    pub draft: String,
    /// Its attachments, now parts of this version.
    pub attachments: Vec<DraftAttachment>,
}

/// A file uploaded to be attached.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Upload {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
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
    /// The copy in the sender's Sent mailbox.
    pub sent_id: String,
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

/// Where to open the signed-in account's live updates (Server-Sent Events): a path
/// that works without other credentials for a minute, for a browser's `EventSource`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventsTicket {
    /// A path on this server (`/api/v1/events/...`).
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The data of a live update: the mailbox it is about and its MODSEQ after the change
/// (absent for `mailboxes` and `resync`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MailEventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modseq: Option<u64>,
}

/// The form of `POST /api/v1/uploads` (`multipart/form-data`): one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The file, with its name and type.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Binary))]
    pub file: Vec<u8>,
}
