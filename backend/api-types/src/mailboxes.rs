//! The signed-in user's mailboxes and the messages in them, with the flags that IMAP and
//! POP3 see on the same store.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// One mailbox of the signed-in account.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Mailbox {
    pub id: String,
    /// The full name, with `/` between levels (`INBOX`, `Projects/2026`).
    pub name: String,
    /// `\Sent`, `\Trash`, ... (RFC 6154), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_use: Option<String>,
    /// IMAP's UIDVALIDITY and UIDNEXT: a UID names one message while UIDVALIDITY stays.
    pub uidvalidity: u32,
    pub uidnext: u32,
    /// Grows with every change to the mailbox (RFC 7162 HIGHESTMODSEQ).
    pub highest_modseq: u64,
    /// Messages in it.
    #[serde(default)]
    pub total: u64,
    /// Messages in it without `\Seen`.
    #[serde(default)]
    pub unread: u64,
    /// The size of its messages, in bytes.
    #[serde(default)]
    pub size: u64,
    /// Whether the account subscribes to it (what IMAP's LSUB lists).
    #[serde(default)]
    pub subscribed: bool,
}

/// `POST /mailboxes`: a new mailbox; missing parents are made too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMailbox {
    /// The full name, `/` between levels.
    pub name: String,
    /// `\Archive`, `\Drafts`, `\Junk`, `\Sent` or `\Trash` (RFC 6154); all but
    /// `\Archive` are held by one mailbox at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_use: Option<String>,
    /// Subscribe to it as well (default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed: Option<bool>,
}

/// `PATCH /mailboxes/{id}`: rename or move (a new full name; the mailboxes below it
/// follow), and subscribe or unsubscribe. Absent members stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMailbox {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed: Option<bool>,
}

/// One message of a mailbox, as listed (the body is not included).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageItem {
    pub id: String,
    pub mailbox_id: String,
    pub uid: u32,
    /// System flags (`\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`) first,
    /// then keywords.
    pub flags: Vec<String>,
    pub modseq: u64,
    /// Bytes, as stored.
    pub size: u64,
    /// When the message arrived (IMAP's INTERNALDATE).
    pub received_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The To field's addresses, `, ` between them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The Date field, if the message has a valid one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
    pub has_attachments: bool,
    /// The start of the decoded text (about 200 characters), made at delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// The conversation it belongs to (`GET /api/v1/threads/{id}` lists it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// Listed by conversation (`threads=true`, this row is the conversation's newest
    /// message in the mailbox): how many messages the conversation has in every mailbox
    /// but Trash and Junk (listing Trash or Junk: in that mailbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_count: Option<u32>,
    /// Listed by conversation: how many of those are unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_unread: Option<u32>,
}

/// `PATCH /api/v1/messages/{id}/flags`: flags to add and to remove (a flag in both is
/// refused). System flags are written with their backslash; other words are keywords.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateFlags {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

/// A name and an address of an address field (either may be absent: a group's name has
/// no address).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NamedAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// An attachment of a message, as listed; download it at
/// `/messages/{id}/attachments/{index}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttachmentItem {
    pub index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
}

/// One message for reading: its header fields decoded, its text (the first text part,
/// or the HTML part reduced to text), and its attachments. HTML is never sent as HTML.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageDetail {
    pub id: String,
    pub mailbox_id: String,
    pub uid: u32,
    pub flags: Vec<String>,
    pub size: u64,
    pub received_at: DateTime<Utc>,
    pub from: Vec<NamedAddress>,
    pub to: Vec<NamedAddress>,
    pub cc: Vec<NamedAddress>,
    pub reply_to: Vec<NamedAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The Date field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The mailing list's identifier (List-Id), if the message came through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
    pub text: String,
    /// The text was cut at 1 MiB.
    pub truncated: bool,
    /// The message has an HTML body.
    pub has_html: bool,
    /// The HTML body made safe on the server (no scripts, event handlers, forms, frames,
    /// style sheets or `javascript:` URLs; `cid:` images inline; remote images left out
    /// unless asked for), when `?html=true` asked for it. Show it in a sandboxed frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Remote images left out of `html`.
    #[serde(default)]
    pub blocked_images: u32,
    pub attachments: Vec<AttachmentItem>,
    /// It carries a calendar invitation or answer (iMIP): `GET /messages/{id}/invitation`
    /// says what it is.
    #[serde(default)]
    pub has_invitation: bool,
}

/// `POST /messages/move` and `/messages/copy`: messages of the signed-in account (up to
/// 500) and the mailbox they go to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessagesTo {
    pub ids: Vec<String>,
    pub mailbox_id: String,
}

/// `POST /messages/delete`: messages of the signed-in account (up to 500).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageIds {
    pub ids: Vec<String>,
}

/// What a move, copy or delete did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Organized {
    /// Messages moved (to Trash, for a delete).
    pub moved: u64,
    /// Copies made.
    pub copied: u64,
    /// Messages expunged (deleted while in Trash, or Trash or Junk emptied).
    pub expunged: u64,
    /// Messages marked read (that were unread).
    #[serde(default)]
    pub marked_read: u64,
    /// Messages whose flags were set (`/messages/flags`).
    #[serde(default)]
    pub flagged: u64,
}

/// `POST /messages/flags`: flags to add to and remove from messages of the signed-in
/// account (up to 500), as `PATCH /messages/{id}/flags` takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlagMessages {
    pub ids: Vec<String>,
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}
