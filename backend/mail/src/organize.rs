//! [`Organizer`]: moving, copying and deleting an account's messages as a mail client's
//! user does — what the web app's reader and list do. Deleting moves to Trash; deleting
//! what is in Trash expunges it. "Mark all read", "Empty Trash" (and Junk), and
//! reporting junk or not junk (RFC 5788's `$Junk` and `$NotJunk` keywords, and a move to
//! Junk or back to INBOX). Each change goes through the store, whose change bus tells
//! IMAP sessions.

use std::collections::BTreeMap;

use osprey_store::{FlagChange, FlagUpdate, MailboxRecord, Store, StoreError, flags};

/// Messages one request may name.
pub const MAX_IDS: usize = 500;

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum OrganizeError {
    /// A message or mailbox that is not the account's (or does not exist).
    #[error("there is no such message or mailbox")]
    NotFound,
    #[error("at most {MAX_IDS} messages at once")]
    TooMany,
    #[error("name at least one message")]
    Empty,
    #[error("the account has no Trash mailbox")]
    NoTrash,
    #[error("the account has no Junk mailbox")]
    NoJunk,
    /// Emptying is for Trash and Junk only.
    #[error("only Trash and Junk are emptied")]
    NotEmptiable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a delete did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Moved to Trash.
    pub trashed: usize,
    /// Expunged (they were in Trash).
    pub expunged: usize,
}

/// The organising service. Cheap to clone.
#[derive(Clone)]
pub struct Organizer {
    store: Store,
}

impl Organizer {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The account's mailboxes, and `ids` grouped by the mailbox they are in; every id
    /// must be a message of the account.
    async fn grouped(
        &self,
        account_id: &str,
        ids: &[String],
    ) -> Result<(Vec<MailboxRecord>, BTreeMap<String, Vec<String>>), OrganizeError> {
        if ids.is_empty() {
            return Err(OrganizeError::Empty);
        }
        if ids.len() > MAX_IDS {
            return Err(OrganizeError::TooMany);
        }
        let mailboxes = self.store.mailboxes().of_account(account_id).await?;
        let found = self.store.messages().messages_by_ids(ids).await?;
        let mut by_mailbox: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for id in ids {
            let m = found
                .iter()
                .find(|m| &m.id == id)
                .filter(|m| mailboxes.iter().any(|b| b.id == m.mailbox_id))
                .ok_or(OrganizeError::NotFound)?;
            by_mailbox
                .entry(m.mailbox_id.clone())
                .or_default()
                .push(m.id.clone());
        }
        Ok((mailboxes, by_mailbox))
    }

    fn target<'a>(
        mailboxes: &'a [MailboxRecord],
        id: &str,
    ) -> Result<&'a MailboxRecord, OrganizeError> {
        mailboxes
            .iter()
            .find(|m| m.id == id)
            .ok_or(OrganizeError::NotFound)
    }

    /// Moves the messages `ids` of `account_id` into its mailbox `to`; how many moved.
    pub async fn move_to(
        &self,
        account_id: &str,
        ids: &[String],
        to: &str,
    ) -> Result<usize, OrganizeError> {
        let (mailboxes, groups) = self.grouped(account_id, ids).await?;
        let to = Self::target(&mailboxes, to)?;
        let mut moved = 0;
        for (from, ids) in groups.into_iter().filter(|(from, _)| *from != to.id) {
            moved += self
                .store
                .messages()
                .move_messages(&from, &ids, &to.id)
                .await?
                .len();
        }
        Ok(moved)
    }

    /// Copies the messages `ids` of `account_id` into its mailbox `to`; how many copies.
    pub async fn copy_to(
        &self,
        account_id: &str,
        ids: &[String],
        to: &str,
    ) -> Result<usize, OrganizeError> {
        let (mailboxes, groups) = self.grouped(account_id, ids).await?;
        let to = Self::target(&mailboxes, to)?;
        let mut copied = 0;
        for (from, ids) in groups {
            copied += self
                .store
                .messages()
                .copy_messages(&from, &ids, &to.id)
                .await?
                .len();
        }
        Ok(copied)
    }

    /// Applies `updates` (each an addition or a removal of flags) to the messages `ids`
    /// of `account_id`; how many messages it updated.
    pub async fn set_flags(
        &self,
        account_id: &str,
        ids: &[String],
        updates: &[FlagUpdate],
    ) -> Result<usize, OrganizeError> {
        let (_, groups) = self.grouped(account_id, ids).await?;
        let mut updated = std::collections::BTreeSet::new();
        for (mailbox, ids) in groups {
            for update in updates {
                let done = self
                    .store
                    .messages()
                    .update_flags(&mailbox, &ids, update)
                    .await?;
                updated.extend(
                    done.into_iter()
                        .map(|m| m.uid)
                        .map(|uid| (mailbox.clone(), uid)),
                );
            }
        }
        Ok(updated.len())
    }

    /// Deletes the messages `ids` of `account_id`: to Trash, or expunged when they are
    /// in Trash already.
    pub async fn delete(&self, account_id: &str, ids: &[String]) -> Result<Deleted, OrganizeError> {
        let (mailboxes, groups) = self.grouped(account_id, ids).await?;
        let trash = mailboxes
            .iter()
            .find(|m| m.special_use.as_deref() == Some("\\Trash"))
            .ok_or(OrganizeError::NoTrash)?;
        let mut done = Deleted::default();
        for (from, ids) in groups {
            let from_mb = Self::target(&mailboxes, &from)?;
            let final_place = from_mb.special_use.as_deref() == Some("\\Trash");
            if final_place {
                done.expunged += self
                    .store
                    .messages()
                    .expunge_messages(&from, &ids)
                    .await?
                    .len();
            } else {
                done.trashed += self
                    .store
                    .messages()
                    .move_messages(&from, &ids, &trash.id)
                    .await?
                    .len();
            }
        }
        Ok(done)
    }

    /// The account's mailbox `id`.
    async fn own_mailbox(
        &self,
        account_id: &str,
        id: &str,
    ) -> Result<MailboxRecord, OrganizeError> {
        let mailboxes = self.store.mailboxes().of_account(account_id).await?;
        Self::target(&mailboxes, id).cloned()
    }

    /// Marks every message of the account's mailbox `mailbox_id` read; how many were
    /// not.
    pub async fn mark_all_read(
        &self,
        account_id: &str,
        mailbox_id: &str,
    ) -> Result<usize, OrganizeError> {
        let mb = self.own_mailbox(account_id, mailbox_id).await?;
        let unread: Vec<String> = self
            .store
            .messages()
            .in_mailbox(&mb.id)
            .await?
            .into_iter()
            .filter(|m| m.flags & flags::SEEN == 0)
            .map(|m| m.id)
            .collect();
        let seen = FlagUpdate {
            change: FlagChange::Add,
            flags: flags::SEEN,
            keywords: Vec::new(),
        };
        for chunk in unread.chunks(MAX_IDS) {
            self.store
                .messages()
                .update_flags(&mb.id, chunk, &seen)
                .await?;
        }
        Ok(unread.len())
    }

    /// Expunges every message of the account's Trash or Junk mailbox `mailbox_id`; how
    /// many.
    pub async fn empty(&self, account_id: &str, mailbox_id: &str) -> Result<usize, OrganizeError> {
        let mb = self.own_mailbox(account_id, mailbox_id).await?;
        if !matches!(mb.special_use.as_deref(), Some("\\Trash" | "\\Junk")) {
            return Err(OrganizeError::NotEmptiable);
        }
        let all: Vec<String> = self
            .store
            .messages()
            .in_mailbox(&mb.id)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut expunged = 0;
        for chunk in all.chunks(MAX_IDS) {
            expunged += self
                .store
                .messages()
                .expunge_messages(&mb.id, chunk)
                .await?
                .len();
        }
        Ok(expunged)
    }

    /// Reports the messages `ids` as junk (`junk`: keyword `$Junk`, moved to Junk) or as
    /// not junk (`$NotJunk`, moved to INBOX); how many moved.
    pub async fn report_junk(
        &self,
        account_id: &str,
        ids: &[String],
        junk: bool,
    ) -> Result<usize, OrganizeError> {
        let (mailboxes, groups) = self.grouped(account_id, ids).await?;
        let to = if junk {
            mailboxes
                .iter()
                .find(|m| m.special_use.as_deref() == Some("\\Junk"))
                .ok_or(OrganizeError::NoJunk)?
        } else {
            mailboxes
                .iter()
                .find(|m| m.name == "INBOX")
                .ok_or(OrganizeError::NotFound)?
        };
        let (add, remove) = if junk {
            ("$Junk", "$NotJunk")
        } else {
            ("$NotJunk", "$Junk")
        };
        let mut moved = 0;
        for (from, ids) in groups {
            let messages = self.store.messages();
            for (change, keyword) in [(FlagChange::Remove, remove), (FlagChange::Add, add)] {
                let update = FlagUpdate {
                    change,
                    flags: 0,
                    keywords: vec![keyword.to_owned()],
                };
                messages.update_flags(&from, &ids, &update).await?;
            }
            if from != to.id {
                moved += messages.move_messages(&from, &ids, &to.id).await?.len();
            }
        }
        Ok(moved)
    }
}
