//! What administrators do to the outbound queue — make a message due now, return it to
//! its sender undelivered, remove it —
//! for server administrators only, each recorded in the audit log. Delivery itself is
//! the queue worker's.

use serde_json::json;

use crate::{
    Actor, Directory, DirectoryError,
    audit::{Change, record},
};

impl Directory {
    /// Makes every pending recipient of the queued message `id` due now; returns how
    /// many. The caller wakes the queue worker.
    pub async fn retry_queued(&self, actor: &Actor, id: &str) -> Result<u64, DirectoryError> {
        actor.server_admin()?;
        let due = self.store.queue().queue_retry_now(id).await?;
        record(
            &self.store,
            actor,
            Change::new("queue.retry", id).after(json!({ "recipients_due": due })),
        )
        .await;
        Ok(due)
    }

    /// Returns every pending recipient of the queued message `id` to its sender
    /// undelivered ("bounce now"); returns how many. The queue worker sends the failure
    /// reports; the caller wakes it.
    pub async fn bounce_queued(&self, actor: &Actor, id: &str) -> Result<u64, DirectoryError> {
        actor.server_admin()?;
        let returned = self.store.queue().queue_bounce_now(id).await?;
        record(
            &self.store,
            actor,
            Change::new("queue.bounce", id).after(json!({ "recipients_returned": returned })),
        )
        .await;
        Ok(returned)
    }

    /// Removes the queued message `id`: its pending recipients are never tried again.
    pub async fn delete_queued(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        actor.server_admin()?;
        let entry = self.store.queue().queue_entry(id).await?;
        self.store.queue().queue_delete(id).await?;
        let pending: Vec<&str> = entry
            .recipients
            .iter()
            .filter(|r| r.status == osprey_store::PENDING)
            .map(|r| r.address.as_str())
            .collect();
        record(
            &self.store,
            actor,
            Change::new("queue.delete", id).before(json!({
                "sender": entry.message.sender,
                "subject": entry.message.subject,
                "pending_recipients": pending,
            })),
        )
        .await;
        Ok(())
    }
}
