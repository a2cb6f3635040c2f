//! [`Composer`]: mail a person writes in the web app or sends over REST — recipients
//! checked as SMTP checks them at RCPT, the message built with [`Compose`] (text, an
//! HTML alternative, uploaded files and attachments of stored messages), sent through
//! [`Submission`] (relay policy, sender rights, DKIM, rules, the queue), a copy with
//! its Bcc kept in Sent. Replies and forwards carry `In-Reply-To` and `References`
//! (RFC 5322 §3.6.4) and flag the original `\Answered` or `$Forwarded`.
//!
//! Drafts live in the account's Drafts mailbox with `\Draft`, so IMAP clients see them.
//! A draft is known by its Message-ID, which every save keeps: saving appends the new
//! version and expunges every other message of Drafts with that Message-ID, so the last
//! save wins and two editors of one draft never leave two copies. Sending from a draft
//! removes it the same way.

mod address;
mod drafts;
mod replies;
pub mod uploads;

use std::net::IpAddr;

use osprey_core::{Address, Live};
use osprey_store::{
    AccountRecord, FlagChange, FlagUpdate, MailboxRecord, MessageRecord, NewQueuedRecipient,
    StoreError, flags,
};

pub use address::{parse_named, written};
pub use drafts::{DraftView, ListedAttachment, SavedDraft};
pub use replies::ReplyMode;
pub use uploads::{UPLOAD_LIFETIME, UploadInfo, Uploads};

use crate::{
    AppendRequest, Client, DeliveryError, Envelope, QueueOptions, Refusal, Submission, Verdict,
    message::{AttachmentPart, Compose, NamedAddress, message_ids},
    reading,
};

/// Recipients of one message, all fields together.
pub const MAX_RECIPIENTS: usize = 100;
/// The longest subject, in bytes (RFC 5322 §2.1.1's line).
pub const MAX_SUBJECT: usize = 998;
/// The longest text or HTML body, in bytes.
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// Files attached to one message.
pub const MAX_ATTACHMENTS: usize = 50;
/// The longest draft key (a Message-ID without its angle brackets).
const MAX_DRAFT_KEY: usize = 250;

/// A stored message's attachment, or (`index: None`) the whole message as
/// `message/rfc822`, as a forward attaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedRef {
    /// The message's id.
    pub message: String,
    pub index: Option<u32>,
}

/// What a person writes: every field as typed. Addresses are `a@b` or `Name <a@b>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The sender: the account's own address when absent.
    pub from: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub reply_to: Vec<String>,
    pub subject: String,
    pub text: String,
    /// An HTML alternative; its text part is `text`, or derived from it when `text` is
    /// empty.
    pub html: Option<String>,
    /// Uploaded files (ids of [`Uploads`]); each is used up by the send or save.
    pub uploads: Vec<String>,
    /// Attachments of stored messages (a forward's, or a saved draft's own).
    pub attached: Vec<AttachedRef>,
    /// The message this answers: it gets `\Answered`.
    pub in_reply_to: Option<String>,
    /// The message this forwards: it gets `$Forwarded`.
    pub forward_of: Option<String>,
    /// The draft's key (its Message-ID) when it was saved before.
    pub draft: Option<String>,
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// As the request names it: `to[1]`, `subject`, `uploads[0]`.
    pub field: String,
    pub message: String,
}

/// Why a message was not sent or saved.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("invalid fields")]
    Invalid(Vec<FieldIssue>),
    /// A message or upload named that is not the account's (or no longer exists).
    #[error("there is no such message or upload")]
    NotFound,
    #[error("the message would be larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the account has no {0} mailbox")]
    NoMailbox(&'static str),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the upload area: {0}")]
    Io(#[from] std::io::Error),
}

/// What a send did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The Message-ID, without angle brackets.
    pub message_id: String,
    /// Every recipient, as addresses.
    pub recipients: Vec<String>,
    pub queue_id: Option<String>,
    /// The copy in Sent.
    pub sent_id: String,
    pub sent_uid: u32,
}

/// The compose service. Cheap to clone.
#[derive(Clone)]
pub struct Composer {
    submission: Submission,
    uploads: Uploads,
    hostname: String,
    /// The SMTP message size limit, which an administrator may change.
    max_size: Live<usize>,
}

/// A draft read and checked: what [`Compose`] needs, and what the send then touches.
struct Prepared {
    compose: Compose,
    message_id: String,
    from: Address,
    /// Every recipient with the field it came from (`to[0]`).
    recipients: Vec<(String, Address)>,
    answered: Option<MessageRecord>,
    forwarded: Option<MessageRecord>,
}

impl Composer {
    /// Mail of at most `max_size` bytes (the SMTP message size limit), Message-IDs on
    /// `hostname`.
    pub fn new(
        submission: Submission,
        uploads: Uploads,
        hostname: impl Into<String>,
        max_size: impl Into<Live<usize>>,
    ) -> Self {
        Self {
            submission,
            uploads,
            hostname: hostname.into(),
            max_size: max_size.into(),
        }
    }

    pub fn uploads(&self) -> &Uploads {
        &self.uploads
    }

    /// The largest message (and so upload), in bytes.
    pub fn max_size(&self) -> usize {
        *self.max_size.get()
    }

    /// Checks that every identity's address is one `account` may send as; the others are
    /// named (`identities[1].address`).
    pub async fn check_identities(
        &self,
        account: &AccountRecord,
        identities: &[osprey_directory::Identity],
    ) -> Result<(), ComposeError> {
        let mut issues = Vec::new();
        for (i, id) in identities.iter().enumerate() {
            // An address that does not parse is the directory's to name.
            if Address::parse(id.address.trim()).is_ok()
                && self
                    .submission
                    .sender_right(account, id.address.trim())
                    .await?
                    .is_none()
            {
                issues.push(FieldIssue {
                    field: format!("identities[{i}].address"),
                    message: format!("{} is not an address you may send as", id.address),
                });
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ComposeError::Invalid(issues))
        }
    }

    /// The account's identities (its preferences').
    async fn identities(
        &self,
        account: &AccountRecord,
    ) -> Result<Vec<osprey_directory::Identity>, ComposeError> {
        let prefs = osprey_directory::Directory::new(self.submission.delivery().store().clone())
            .preferences(&account.id)
            .await
            .map_err(|e| match e {
                osprey_directory::DirectoryError::Store(e) => ComposeError::Store(e),
                other => ComposeError::Invalid(vec![FieldIssue {
                    field: "from".into(),
                    message: other.to_string(),
                }]),
            })?;
        Ok(prefs.identities)
    }

    /// Sends `draft` as `account` from `ip`: every recipient must be accepted (as SMTP
    /// would at RCPT) or nothing is sent. Local recipients get it at once, remote ones
    /// through the queue; then a copy with the Bcc goes to Sent, the original of a
    /// reply or forward is flagged, and the draft it came from is removed.
    pub async fn send(
        &self,
        account: &AccountRecord,
        ip: Option<IpAddr>,
        draft: &Draft,
    ) -> Result<Sent, ComposeError> {
        let p = self.prepare(account, draft, true).await?;
        let client = Client {
            ip,
            account: Some(account.clone()),
            sender: p.from.to_string(),
        };
        let mut envelope = Envelope {
            sender: p.from.to_string(),
            options: QueueOptions {
                account_id: Some(account.id.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut issues = Vec::new();
        for (field, address) in &p.recipients {
            match self.submission.recipient(&client, address, 0).await? {
                Verdict::Refused(refusal) => issues.push(FieldIssue {
                    field: field.clone(),
                    message: format!("{address}: {}", refused(&refusal)),
                }),
                verdict => envelope.add(verdict, NewQueuedRecipient::to(address.to_string())),
            }
        }
        if !issues.is_empty() {
            return Err(ComposeError::Invalid(issues));
        }
        let message = self.bytes(&p.compose, false)?;
        let own_copy = self.bytes(&p.compose, true)?;

        // The recipients first: a copy in Sent means the message went out.
        let submitted = self.submission.submit(&envelope, &message, "INBOX").await?;
        let sent = self
            .keep(account, "\\Sent", "Sent", own_copy, flags::SEEN)
            .await?;
        if let Some(m) = &p.answered {
            self.flag(m, flags::ANSWERED, None).await?;
        }
        if let Some(m) = &p.forwarded {
            self.flag(m, 0, Some("$Forwarded")).await?;
        }
        if let Some(key) = &draft.draft {
            self.remove_draft_versions(account, key, None).await?;
        }
        self.use_up(account, &draft.uploads).await;
        Ok(Sent {
            message_id: p.message_id,
            recipients: p.recipients.iter().map(|(_, a)| a.to_string()).collect(),
            queue_id: submitted.queue_id,
            sent_id: sent.0,
            sent_uid: sent.1,
        })
    }

    /// Reads and checks `draft`; `sending` asks for at least one recipient.
    async fn prepare(
        &self,
        account: &AccountRecord,
        draft: &Draft,
        sending: bool,
    ) -> Result<Prepared, ComposeError> {
        let mut issues = Vec::new();
        let mut fail = |field: String, message: String| issues.push(FieldIssue { field, message });
        let mut lists: [(&str, Vec<NamedAddress>); 4] = Default::default();
        let mut recipients = Vec::new();
        let book = osprey_contacts::AddressBook::new(self.submission.delivery().store().clone());
        for (slot, (field, raw)) in lists.iter_mut().zip([
            ("to", &draft.to),
            ("cc", &draft.cc),
            ("bcc", &draft.bcc),
            ("reply_to", &draft.reply_to),
        ]) {
            slot.0 = field;
            for (i, typed) in raw.iter().enumerate() {
                let name = format!("{field}[{i}]");
                let found = match parse_named(typed) {
                    Some(a) => vec![a],
                    // A contact group, named as one recipient, is its members.
                    None if !typed.contains('@') && field != "reply_to" => book
                        .group_addresses(&account.id, typed)
                        .await
                        .map_err(|e| match e {
                            osprey_contacts::ContactsError::Store(e) => ComposeError::Store(e),
                            other => ComposeError::Invalid(vec![FieldIssue {
                                field: name.clone(),
                                message: other.to_string(),
                            }]),
                        })?
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|a| parse_named(a))
                        .collect(),
                    None => Vec::new(),
                };
                if found.is_empty() {
                    fail(
                        name,
                        format!("\"{typed}\" is neither an e-mail address nor a group of yours"),
                    );
                    continue;
                }
                for a in found {
                    if field != "reply_to" {
                        recipients.push((name.clone(), a.address.clone()));
                    }
                    slot.1.push(a);
                }
            }
        }
        if sending && draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            fail("to".into(), "name at least one recipient".into());
        }
        if recipients.len() > MAX_RECIPIENTS {
            fail(
                "to".into(),
                format!("at most {MAX_RECIPIENTS} recipients in all"),
            );
        }
        if draft.subject.len() > MAX_SUBJECT || draft.subject.contains(['\r', '\n']) {
            fail(
                "subject".into(),
                format!("one line of at most {MAX_SUBJECT} bytes"),
            );
        }
        if draft.text.len() > MAX_BODY {
            fail("text".into(), format!("at most {MAX_BODY} bytes"));
        }
        if draft.html.as_ref().is_some_and(|h| h.len() > MAX_BODY) {
            fail("html".into(), format!("at most {MAX_BODY} bytes"));
        }
        if draft.uploads.len() + draft.attached.len() > MAX_ATTACHMENTS {
            fail(
                "uploads".into(),
                format!("at most {MAX_ATTACHMENTS} attachments"),
            );
        }
        if let Some(key) = &draft.draft
            && !valid_key(key)
        {
            fail("draft".into(), "not a draft's key".into());
        }
        let from = match &draft.from {
            Some(raw) => {
                let parsed = parse_named(raw).map(|a| a.address);
                if parsed.is_none() {
                    fail("from".into(), format!("\"{raw}\" is not an e-mail address"));
                }
                parsed
            }
            None => None,
        };
        if !issues.is_empty() {
            return Err(ComposeError::Invalid(issues));
        }
        // Without a sender: the default identity (the first), else the account's own
        // address; the name is the identity's, else the account's.
        let identities = self.identities(account).await?;
        let from = match from {
            Some(a) => a,
            None => identities
                .first()
                .and_then(|i| Address::parse(i.address.trim()).ok())
                .or_else(|| Address::parse(&account.address()).ok())
                .ok_or(ComposeError::NotFound)?,
        };
        let key = from.key();
        let name = identities
            .into_iter()
            .find(|i| i.address.trim().eq_ignore_ascii_case(&key))
            .map(|i| i.name)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| account.display_name.clone());

        let answered = match &draft.in_reply_to {
            Some(id) => Some(self.own_message(account, id).await?),
            None => None,
        };
        let forwarded = match &draft.forward_of {
            Some(id) => Some(self.own_message(account, id).await?),
            None => None,
        };
        let message_id = match &draft.draft {
            Some(key) => key.clone(),
            None => format!("{}@{}", uuid::Uuid::now_v7(), self.hostname),
        };
        let [to, cc, bcc, reply_to] = lists.map(|(_, l)| l);
        let mut compose = Compose::new(
            NamedAddress {
                name: Some(name),
                address: from.clone(),
            },
            message_id.clone(),
        )
        .to(to)
        .cc(cc)
        .bcc(bcc)
        .reply_to(reply_to)
        .subject(draft.subject.as_str());
        compose = match &draft.html {
            Some(html) if draft.text.trim().is_empty() => compose
                .text(mail_parser::decoders::html::html_to_text(html))
                .html(html.as_str()),
            Some(html) => compose.text(draft.text.as_str()).html(html.as_str()),
            None => compose.text(draft.text.as_str()),
        };
        if let Some(m) = &answered {
            let own = m.summary.message_id.clone();
            let mut refs = m
                .summary
                .references
                .as_deref()
                .map(message_ids)
                .unwrap_or_default();
            refs.extend(own.clone());
            compose = compose.in_reply_to(own).references(refs);
        }
        for part in self.attachments(account, draft).await? {
            compose = compose.attachment(part);
        }
        Ok(Prepared {
            compose,
            message_id,
            from,
            recipients,
            answered,
            forwarded,
        })
    }

    /// The files `draft` attaches: its uploads, then attachments of stored messages.
    async fn attachments(
        &self,
        account: &AccountRecord,
        draft: &Draft,
    ) -> Result<Vec<AttachmentPart>, ComposeError> {
        let mut parts = Vec::new();
        let mut total = 0usize;
        let mut add = |part: AttachmentPart| {
            total += part.content.len();
            let limit = self.max_size();
            if total > limit {
                return Err(ComposeError::TooLarge { limit });
            }
            parts.push(part);
            Ok(())
        };
        for id in &draft.uploads {
            let (info, content) = self
                .uploads
                .get(&account.id, id)
                .await?
                .ok_or(ComposeError::NotFound)?;
            add(AttachmentPart {
                name: info.name,
                content_type: info.content_type,
                content,
            })?;
        }
        // Each stored message is read and parsed once, however many of its attachments
        // are taken (a forward takes them all).
        let mut sources: Vec<(MessageRecord, Vec<u32>)> = Vec::new();
        let mut wanted = Vec::with_capacity(draft.attached.len());
        for r in &draft.attached {
            let m = match self.own_message(account, &r.message).await {
                // A version of this draft that a later save (in another window) replaced:
                // its attachments are in the version that replaced it.
                Err(ComposeError::NotFound) if draft.draft.is_some() => self
                    .current_draft(account, draft.draft.as_deref().unwrap_or(""))
                    .await?
                    .ok_or(ComposeError::NotFound)?,
                other => other?,
            };
            let at = match sources.iter().position(|(s, _)| s.id == m.id) {
                Some(at) => at,
                None => {
                    sources.push((m, Vec::new()));
                    sources.len() - 1
                }
            };
            if let Some(index) = r.index {
                sources[at].1.push(index);
            }
            wanted.push((at, r.index));
        }
        let mut decoded = Vec::with_capacity(sources.len());
        for (m, indices) in &sources {
            let raw = self.submission.delivery().blobs().get(&m.blob_hash).await?;
            let found = reading::attachments(&raw, indices);
            decoded.push((raw, indices.clone(), found));
        }
        for (at, index) in wanted {
            let (raw, indices, found) = &mut decoded[at];
            add(match index {
                None => AttachmentPart {
                    name: format!(
                        "{}.eml",
                        sources[at]
                            .0
                            .summary
                            .subject
                            .as_deref()
                            .unwrap_or("message")
                            .trim()
                    ),
                    content_type: "message/rfc822".into(),
                    content: raw.clone(),
                },
                Some(index) => {
                    // One slot per reference, so an attachment named twice is there twice.
                    let a = indices
                        .iter()
                        .zip(found.iter_mut())
                        .find(|(i, a)| **i == index && a.is_some())
                        .and_then(|(_, a)| a.take())
                        .ok_or(ComposeError::NotFound)?;
                    AttachmentPart {
                        name: a
                            .info
                            .name
                            .unwrap_or_else(|| format!("attachment-{}", index + 1)),
                        content_type: crate::message::mime_type(&a.info.content_type),
                        content: a.content,
                    }
                }
            })?;
        }
        Ok(parts)
    }

    /// The message written, within the size limit.
    fn bytes(&self, compose: &Compose, with_bcc: bool) -> Result<Vec<u8>, ComposeError> {
        let bytes = if with_bcc {
            compose.to_bytes_with_bcc()
        } else {
            compose.to_bytes()
        };
        let limit = self.max_size();
        if bytes.len() > limit {
            return Err(ComposeError::TooLarge { limit });
        }
        Ok(bytes)
    }

    /// The message `id` when it is `account`'s.
    async fn own_message(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<MessageRecord, ComposeError> {
        let store = self.submission.delivery().store();
        let m = match store.messages().message(id).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => return Err(ComposeError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let mailboxes = store.mailboxes().of_account(&account.id).await?;
        if !mailboxes.iter().any(|b| b.id == m.mailbox_id) {
            return Err(ComposeError::NotFound);
        }
        Ok(m)
    }

    /// The account's mailbox with the special use `use_` (`\Drafts`).
    async fn special(
        &self,
        account: &AccountRecord,
        use_: &str,
    ) -> Result<Option<MailboxRecord>, StoreError> {
        let store = self.submission.delivery().store();
        Ok(store
            .mailboxes()
            .of_account(&account.id)
            .await?
            .into_iter()
            .find(|b| b.special_use.as_deref() == Some(use_)))
    }

    /// Appends `message` to the account's mailbox of special use `use_` (or the one
    /// named `name`, made when missing); its id and UID.
    async fn keep(
        &self,
        account: &AccountRecord,
        use_: &str,
        name: &str,
        message: Vec<u8>,
        flags: u64,
    ) -> Result<(String, u32), ComposeError> {
        let delivery = self.submission.delivery();
        let appended = match self.special(account, use_).await? {
            Some(mailbox) => {
                delivery
                    .append(
                        &account.id,
                        &mailbox.id,
                        vec![AppendRequest {
                            message,
                            exact: false,
                            flags,
                            keywords: Vec::new(),
                            internal_date: chrono::Utc::now(),
                        }],
                    )
                    .await?
            }
            None => {
                delivery
                    .deliver(std::slice::from_ref(&account.id), name, &message, flags)
                    .await?
            }
        };
        let a = appended.into_iter().next().ok_or(ComposeError::NotFound)?;
        Ok((a.id, a.uid))
    }

    /// Adds the system `flags` and the `keyword` to `m`.
    async fn flag(
        &self,
        m: &MessageRecord,
        flags: u64,
        keyword: Option<&str>,
    ) -> Result<(), StoreError> {
        let update = FlagUpdate {
            change: FlagChange::Add,
            flags,
            keywords: keyword.map(str::to_owned).into_iter().collect(),
        };
        self.submission
            .delivery()
            .store()
            .messages()
            .update_flags(&m.mailbox_id, std::slice::from_ref(&m.id), &update)
            .await?;
        Ok(())
    }

    /// Removes the uploads a message used; one that cannot be removed is swept later.
    async fn use_up(&self, account: &AccountRecord, ids: &[String]) {
        for id in ids {
            if let Err(e) = self.uploads.remove(&account.id, id).await {
                tracing::warn!(error = %e, "an upload stays until the sweep");
            }
        }
    }
}

/// A draft key is a Message-ID without its brackets: printable, no spaces.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_DRAFT_KEY
        && key.contains('@')
        && key
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'))
}

/// A refused recipient's reason, for the person who typed it.
fn refused(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Unknown | Refusal::Disabled => "no such mailbox here".into(),
        Refusal::AliasLoop => "an alias loop".into(),
        Refusal::MailboxFull => "the mailbox is full".into(),
        Refusal::RelayDenied { rule } => format!("relaying refused: {rule}"),
        Refusal::List { reason } => reason.clone(),
        Refusal::ListTooLarge { limit } => format!("the list takes messages up to {limit} bytes"),
    }
}
