//! The POP3 retention period (RFC 2449 §6.7 EXPIRE): messages that POP3 downloaded longer
//! ago than the account's period are expunged from its INBOX. It runs when a maildrop is
//! opened and, for every account with a period, from a periodic sweep, so that IMAP and
//! webmail users see the same result without a POP3 login.

use std::time::Duration;

use chrono::{Duration as Days, Utc};
use osprey_net::Shutdown;
use osprey_store::{Store, StoreError};

use crate::MaildropLocks;

/// Expunges the INBOX messages of `account_id` that POP3 downloaded more than `days`
/// days ago. Returns how many.
pub async fn expire_downloaded(
    store: &Store,
    account_id: &str,
    days: u32,
) -> Result<usize, StoreError> {
    let inbox = store
        .messages()
        .mailbox_by_name(account_id, "INBOX")
        .await?;
    let before = Utc::now() - Days::days(i64::from(days));
    let expired = store.messages().retrieved_before(&inbox.id, before).await?;
    Ok(store
        .messages()
        .expunge_messages(&inbox.id, &expired)
        .await?
        .len())
}

/// Applies every account's retention once, skipping accounts that a POP3 session holds
/// (RFC 1939 §8: nothing leaves a locked maildrop before its UPDATE state). Returns how
/// many messages were removed.
pub async fn sweep(store: &Store, locks: &MaildropLocks) -> Result<usize, StoreError> {
    let mut removed = 0;
    for (account_id, days) in store.accounts().accounts_with_pop3_retention().await? {
        let Some(_held) = locks.try_lock(&account_id) else {
            continue;
        };
        match expire_downloaded(store, &account_id, days).await {
            Ok(n) => removed += n,
            // The account was deleted meanwhile.
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

/// Sweeps every `interval` until shutdown.
pub async fn run_sweeper(
    store: Store,
    locks: MaildropLocks,
    interval: Duration,
    mut shutdown: Shutdown,
) {
    loop {
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(interval) => {}
        }
        match sweep(&store, &locks).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "POP3 retention removed downloaded mail"),
            Err(e) => tracing::error!(error = %e, "POP3 retention sweep failed"),
        }
    }
}
