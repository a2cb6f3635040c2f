//! Saving a draft into Drafts, and opening one (or any message of the account) back
//! into the fields of the composer.

use osprey_store::{AccountRecord, MessageRecord, flags};

use super::{AttachedRef, ComposeError, Composer, Draft, address::written_parts};
use crate::reading::{self, AttachmentInfo, Named};

/// An attachment of a stored message, as the composer lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAttachment {
    /// Where it is: send it back in [`Draft::attached`].
    pub at: AttachedRef,
    pub info: AttachmentInfo,
}

/// A saved draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedDraft {
    /// The message id of this version.
    pub id: String,
    pub uid: u32,
    /// The draft's key (its Message-ID): send it with the next save.
    pub draft: String,
    /// Its attachments, now parts of this version.
    pub attachments: Vec<ListedAttachment>,
}

/// A message as the composer's fields: a draft to go on with, or a reply or forward to
/// start from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftView {
    /// The saved draft's message id, when it is one.
    pub id: Option<String>,
    pub fields: Draft,
    pub attachments: Vec<ListedAttachment>,
}

impl Composer {
    /// Saves `draft` into the account's Drafts mailbox with `\Draft` (and `\Seen`),
    /// under its key (a new one for a first save), replacing every earlier version.
    /// Recipients need not be complete, but those given must be addresses.
    pub async fn save_draft(
        &self,
        account: &AccountRecord,
        draft: &Draft,
    ) -> Result<SavedDraft, ComposeError> {
        let p = self.prepare(account, draft, false).await?;
        let bytes = self.bytes(&p.compose, true)?;
        let listed = reading::read(&bytes).attachments;
        let (id, uid) = self
            .keep(
                account,
                "\\Drafts",
                "Drafts",
                bytes,
                flags::DRAFT | flags::SEEN,
            )
            .await?;
        self.remove_draft_versions(account, &p.message_id, Some(&id))
            .await?;
        self.use_up(account, &draft.uploads).await;
        Ok(SavedDraft {
            attachments: listed_at(&id, listed),
            id,
            uid,
            draft: p.message_id,
        })
    }

    /// The Drafts mailbox's id and the versions of the draft `key` in it.
    async fn versions(
        &self,
        account: &AccountRecord,
        key: &str,
    ) -> Result<Option<(String, Vec<MessageRecord>)>, ComposeError> {
        let Some(drafts) = self.special(account, "\\Drafts").await? else {
            return Ok(None);
        };
        let versions = self
            .submission
            .delivery()
            .store()
            .messages()
            .in_mailbox(&drafts.id)
            .await?
            .into_iter()
            .filter(|m| m.summary.message_id.as_deref() == Some(key))
            .collect();
        Ok(Some((drafts.id, versions)))
    }

    /// The newest version of the draft `key` in Drafts.
    pub(super) async fn current_draft(
        &self,
        account: &AccountRecord,
        key: &str,
    ) -> Result<Option<MessageRecord>, ComposeError> {
        Ok(self
            .versions(account, key)
            .await?
            .and_then(|(_, v)| v.into_iter().max_by_key(|m| m.uid)))
    }

    /// Expunges the messages of Drafts whose Message-ID is `key`, but `keep`.
    pub(super) async fn remove_draft_versions(
        &self,
        account: &AccountRecord,
        key: &str,
        keep: Option<&str>,
    ) -> Result<(), ComposeError> {
        let Some((drafts, versions)) = self.versions(account, key).await? else {
            return Ok(());
        };
        let old: Vec<String> = versions
            .into_iter()
            .filter(|m| Some(m.id.as_str()) != keep)
            .map(|m| m.id)
            .collect();
        self.submission
            .delivery()
            .store()
            .messages()
            .expunge_messages(&drafts, &old)
            .await?;
        Ok(())
    }

    /// The account's message `id` as composer fields: its recipients, subject, text and
    /// attachments, its Message-ID as the draft key.
    pub async fn open_draft(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<DraftView, ComposeError> {
        let m = self.own_message(account, id).await?;
        let raw = self.submission.delivery().blobs().get(&m.blob_hash).await?;
        // The HTML part as the reader gets it (sanitised, remote images not loaded): the
        // rich-text editor shows it again.
        let r = reading::read_with(
            &raw,
            reading::ReadOptions {
                html: true,
                remote_images: false,
            },
        );
        Ok(DraftView {
            id: Some(m.id.clone()),
            fields: Draft {
                from: r.from.first().and_then(written_named),
                to: r.to.iter().filter_map(written_named).collect(),
                cc: r.cc.iter().filter_map(written_named).collect(),
                bcc: r.bcc.iter().filter_map(written_named).collect(),
                reply_to: r.reply_to.iter().filter_map(written_named).collect(),
                subject: r.subject.unwrap_or_default(),
                text: r.text,
                html: r.html.map(|h| h.html),
                draft: r.message_id,
                ..Draft::default()
            },
            attachments: listed_at(&m.id, r.attachments),
        })
    }
}

pub(super) fn written_named(n: &Named) -> Option<String> {
    written_parts(n.name.as_deref(), n.address.as_deref())
}

pub(super) fn listed_at(id: &str, list: Vec<AttachmentInfo>) -> Vec<ListedAttachment> {
    list.into_iter()
        .map(|info| ListedAttachment {
            at: AttachedRef {
                message: id.to_owned(),
                index: Some(info.index),
            },
            info,
        })
        .collect()
}
