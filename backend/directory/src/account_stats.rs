//! A mailbox owner's figures for administrators: each folder's messages, unread ones
//! and size, the totals against the quota, what arrived lately, and recent failed
//! sign-ins — what a help desk asks first.

use chrono::{Duration, Utc};

use crate::{Actor, Directory, DirectoryError};

/// One folder's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderStats {
    pub name: String,
    pub special_use: Option<String>,
    pub messages: u64,
    pub unread: u64,
    pub bytes: u64,
}

/// An account's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStats {
    /// Its folders by name, empty ones included.
    pub folders: Vec<FolderStats>,
    pub messages: u64,
    pub unread: u64,
    /// What its messages take, as the quota counts it.
    pub used_bytes: u64,
    pub quota_bytes: Option<u64>,
    /// Messages stored in the last 24 hours, 7 days and 30 days.
    pub arrived_day: u64,
    pub arrived_week: u64,
    pub arrived_month: u64,
}

impl Directory {
    /// The figures of the account `id`, for an administrator who may see it.
    pub async fn account_stats(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<AccountStats, DirectoryError> {
        let (_, account) = self.managed_account(actor, id, false).await?;
        let mailboxes = self.store.mailboxes();
        let counts = mailboxes.counts(&account.id).await?;
        let mut folders: Vec<FolderStats> = mailboxes
            .of_account(&account.id)
            .await?
            .into_iter()
            .map(|m| {
                let c = counts.get(&m.id);
                FolderStats {
                    messages: c.map_or(0, |c| c.total),
                    unread: c.map_or(0, |c| c.unread),
                    bytes: c.map_or(0, |c| c.bytes),
                    name: m.name,
                    special_use: m.special_use,
                }
            })
            .collect();
        folders.sort_by(|a, b| (a.name != "INBOX", &a.name).cmp(&(b.name != "INBOX", &b.name)));
        let now = Utc::now();
        let since = |days: i64| mailboxes.arrived_since(&account.id, now - Duration::days(days));
        Ok(AccountStats {
            messages: folders.iter().map(|f| f.messages).sum(),
            unread: folders.iter().map(|f| f.unread).sum(),
            used_bytes: account.used_bytes,
            quota_bytes: account.quota_bytes,
            arrived_day: since(1).await?,
            arrived_week: since(7).await?,
            arrived_month: since(30).await?,
            folders,
        })
    }
}
