//! The maildrop of one session: a snapshot of the INBOX taken at login, with the marks
//! the session makes, applied at `QUIT` according to the account's POP3 mode.

use chrono::Utc;
use osprey_core::Pop3Mode;
use osprey_store::{AccountRecord, MailboxRecord, Store, StoreError, flags};

use crate::locks::MaildropGuard;

/// One message of the snapshot.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub uid: u32,
    /// Octets with CRLF line endings: the stored size (RFC 1939 §5).
    pub size: u64,
    pub blob_hash: String,
    pub deleted: bool,
    pub retrieved: bool,
}

/// The session's view of the INBOX.
pub struct Maildrop {
    pub account: AccountRecord,
    pub mailbox: MailboxRecord,
    pub entries: Vec<Entry>,
    _lock: MaildropGuard,
}

impl Maildrop {
    /// Applies the account's retention (messages POP3 downloaded longer ago than the
    /// retention period are expunged), then takes the snapshot.
    pub async fn open(
        store: &Store,
        account: AccountRecord,
        lock: MaildropGuard,
    ) -> Result<Maildrop, StoreError> {
        if let Some(days) = account.pop3.retention_days {
            crate::retention::expire_downloaded(store, &account.id, days).await?;
        }
        let mailbox = store
            .messages()
            .mailbox_by_name(&account.id, "INBOX")
            .await?;
        let entries = store
            .messages()
            .in_mailbox(&mailbox.id)
            .await?
            .into_iter()
            .map(|m| Entry {
                id: m.id,
                uid: m.uid,
                size: m.size,
                blob_hash: m.blob_hash,
                deleted: false,
                retrieved: false,
            })
            .collect();
        Ok(Maildrop {
            account,
            mailbox,
            entries,
            _lock: lock,
        })
    }

    /// The message numbered `n` (1-based) unless it is marked deleted.
    pub fn get(&self, n: u32) -> Option<&Entry> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        self.entries.get(i).filter(|e| !e.deleted)
    }

    /// Mutable access to the message numbered `n` unless it is marked deleted.
    pub fn get_mut(&mut self, n: u32) -> Option<&mut Entry> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        self.entries.get_mut(i).filter(|e| !e.deleted)
    }

    /// Messages not marked deleted, and their octets (STAT, RFC 1939 §5).
    pub fn stat(&self) -> (usize, u64) {
        self.entries
            .iter()
            .filter(|e| !e.deleted)
            .fold((0, 0), |(n, o), e| (n + 1, o + e.size))
    }

    /// The unique-id of a message: UIDVALIDITY and UID, which IMAP never reuses
    /// (RFC 1939 §7 UIDL: 1 to 70 characters from 0x21 to 0x7E).
    pub fn unique_id(&self, e: &Entry) -> String {
        format!("{}.{}", self.mailbox.uidvalidity, e.uid)
    }

    /// The UPDATE state (RFC 1939 §6): records what was downloaded (\Seen and the
    /// download time) and applies the deletions as the account's mode says.
    pub async fn commit(&self, store: &Store) -> Result<(), StoreError> {
        let retrieved: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.retrieved)
            .map(|e| e.id.clone())
            .collect();
        store
            .messages()
            .mark_retrieved(&self.mailbox.id, &retrieved, flags::SEEN, Utc::now())
            .await?;
        let deleted: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.deleted)
            .map(|e| e.id.clone())
            .collect();
        match self.account.pop3.mode {
            Pop3Mode::Offline => {
                store
                    .messages()
                    .expunge_messages(&self.mailbox.id, &deleted)
                    .await?;
            }
            Pop3Mode::Keep => {}
            Pop3Mode::Trash => {
                let trash = store
                    .messages()
                    .mailbox_by_name(&self.account.id, "Trash")
                    .await?;
                store
                    .messages()
                    .move_messages(&self.mailbox.id, &deleted, &trash.id)
                    .await?;
            }
        }
        Ok(())
    }
}
