//! [`MailboxManager`]: creating, renaming and deleting an account's mailboxes, with the
//! rules every client shares — IMAP's CREATE/RENAME/DELETE and the REST API call it, so
//! a folder made in the web app shows up in IMAP at once and the other way round.
//!
//! - Names follow `osprey_core::mailbox_name`; missing parents are created.
//! - INBOX always exists and cannot be renamed away (renaming INBOX moves its messages
//!   to the new mailbox and leaves it empty, RFC 9051 §6.3.6) nor deleted; the
//!   special-use mailboxes every account has (Sent, Drafts, Trash, Junk, Archive) cannot
//!   be renamed or deleted.
//! - A special-use attribute (RFC 6154) is one of `\Archive`, `\Drafts`, `\Junk`,
//!   `\Sent`, `\Trash`; all but `\Archive` are held by one mailbox at most.
//! - Deleting a mailbox with children is refused unless the caller deletes them too.

use osprey_core::{MailboxNameError, mailbox_name};
use osprey_store::{MailboxRecord, Store, StoreError};

/// Why a mailbox operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error(transparent)]
    InvalidName(#[from] MailboxNameError),
    #[error("a mailbox with this name exists")]
    Exists,
    #[error("there is no such mailbox")]
    NotFound,
    /// INBOX or a special-use mailbox.
    #[error("{0}")]
    Protected(&'static str),
    #[error("the mailbox has mailboxes below it; delete those first")]
    HasChildren,
    /// Not a special-use attribute this server gives, or one held by another mailbox.
    #[error("{0}")]
    SpecialUse(&'static str),
    #[error("a mailbox cannot be moved below itself")]
    BelowItself,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for MailboxError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => MailboxError::NotFound,
            StoreError::Conflict(_) => MailboxError::Exists,
            e => MailboxError::Store(e),
        }
    }
}

/// RFC 6154 §2: the attributes of real mailboxes (`\All` and `\Flagged` name virtual
/// ones, which this server does not have).
pub const SPECIAL_USES: [&str; 5] = ["\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"];

/// The mailbox service. Cheap to clone.
#[derive(Clone)]
pub struct MailboxManager {
    store: Store,
}

impl MailboxManager {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Creates `name` (without a trailing delimiter: `foo/` is `foo`) for `account_id`,
    /// with its missing parents, and the special-use attribute if one is asked for.
    pub async fn create(
        &self,
        account_id: &str,
        name: &str,
        special_use: Option<&str>,
    ) -> Result<MailboxRecord, MailboxError> {
        let name = name.strip_suffix(mailbox_name::DELIMITER).unwrap_or(name);
        mailbox_name::check(name)?;
        if name.eq_ignore_ascii_case("INBOX") {
            return Err(MailboxError::Exists);
        }
        let special_use = match special_use {
            Some(attr) => Some(self.special_use(account_id, attr).await?),
            None => None,
        };
        self.create_parents(account_id, name).await?;
        Ok(self
            .store
            .mailboxes()
            .create_mailbox(account_id, name, special_use)
            .await?)
    }

    /// Renames `mailbox` of `account_id` (and those below it) to `to`, creating the
    /// missing parents of the new name. Renaming INBOX moves its messages into a new
    /// mailbox `to` and leaves INBOX empty.
    pub async fn rename(
        &self,
        account_id: &str,
        mailbox: &MailboxRecord,
        to: &str,
    ) -> Result<(), MailboxError> {
        if mailbox.account_id != account_id {
            return Err(MailboxError::NotFound);
        }
        if mailbox.name != "INBOX" && mailbox.special_use.is_some() {
            return Err(MailboxError::Protected("this mailbox cannot be renamed"));
        }
        let to = to.strip_suffix(mailbox_name::DELIMITER).unwrap_or(to);
        mailbox_name::check(to)?;
        if to.eq_ignore_ascii_case("INBOX") {
            return Err(MailboxError::Exists);
        }
        if to.starts_with(&format!("{}{}", mailbox.name, mailbox_name::DELIMITER)) {
            return Err(MailboxError::BelowItself);
        }
        self.create_parents(account_id, to).await?;
        let mailboxes = self.store.mailboxes();
        if mailbox.name == "INBOX" {
            mailboxes.move_all_to_new_mailbox(&mailbox.id, to).await?;
        } else {
            mailboxes
                .rename_mailbox(account_id, &mailbox.name, to, mailbox_name::DELIMITER)
                .await?;
        }
        Ok(())
    }

    /// Deletes `mailbox` of `account_id` with its messages (their size leaves the
    /// account's usage); with `children`, the mailboxes below it too, deepest first.
    pub async fn delete(
        &self,
        account_id: &str,
        mailbox: &MailboxRecord,
        children: bool,
    ) -> Result<(), MailboxError> {
        if mailbox.account_id != account_id {
            return Err(MailboxError::NotFound);
        }
        if mailbox.name == "INBOX" || mailbox.special_use.is_some() {
            return Err(MailboxError::Protected("this mailbox cannot be deleted"));
        }
        let all = self.store.mailboxes().of_account(account_id).await?;
        let prefix = format!("{}{}", mailbox.name, mailbox_name::DELIMITER);
        let mut below: Vec<&MailboxRecord> =
            all.iter().filter(|m| m.name.starts_with(&prefix)).collect();
        if !below.is_empty() && !children {
            return Err(MailboxError::HasChildren);
        }
        if below.iter().any(|m| m.special_use.is_some()) {
            return Err(MailboxError::Protected(
                "a mailbox below it is a special-use mailbox, which cannot be deleted",
            ));
        }
        below.sort_by_key(|m| std::cmp::Reverse(m.name.len()));
        for m in below {
            self.store.mailboxes().delete_mailbox(&m.id).await?;
        }
        self.store.mailboxes().delete_mailbox(&mailbox.id).await?;
        Ok(())
    }

    async fn create_parents(&self, account_id: &str, name: &str) -> Result<(), MailboxError> {
        for parent in mailbox_name::parents(name) {
            match self
                .store
                .mailboxes()
                .create_mailbox(account_id, &parent, None)
                .await
            {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The special-use attribute `asked` as this server spells it, if it may be given to
    /// a new mailbox of `account_id`.
    async fn special_use(
        &self,
        account_id: &str,
        asked: &str,
    ) -> Result<&'static str, MailboxError> {
        let Some(attr) = SPECIAL_USES.iter().find(|k| k.eq_ignore_ascii_case(asked)) else {
            return Err(MailboxError::SpecialUse(
                "this special-use attribute cannot be given here",
            ));
        };
        // Several archives are usual; the other roles are held by one mailbox each.
        if *attr != "\\Archive"
            && self
                .store
                .mailboxes()
                .of_account(account_id)
                .await?
                .iter()
                .any(|m| m.special_use.as_deref() == Some(*attr))
        {
            return Err(MailboxError::SpecialUse(
                "another mailbox already has this special-use attribute",
            ));
        }
        Ok(attr)
    }
}
