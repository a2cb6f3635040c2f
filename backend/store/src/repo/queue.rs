//! The outbound queue: messages waiting to leave the server and the delivery state of
//! each of their recipients. The store keeps, claims and updates rows; the schedule,
//! the SMTP client and bounces belong to `osprey-outbound`.
//!
//! Work is claimed with a lease (and `FOR UPDATE SKIP LOCKED` on PostgreSQL), so a node
//! that dies mid-delivery has its recipients retried once the lease runs out, and two
//! live nodes never attempt the same recipient at once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
    sea_query::{Expr, LockBehavior, LockType},
};

use super::new_id;
use crate::views::Queue;
use crate::{
    Backend, StoreError,
    entity::{queue_message, queue_recipient},
};

/// A recipient still to be delivered.
pub const PENDING: &str = "pending";
/// A recipient the remote server accepted.
pub const DELIVERED: &str = "delivered";
/// A recipient that failed for good (a permanent error or the queue lifetime ran out).
pub const FAILED: &str = "failed";

/// What `Queue::enqueue` needs: one message and its remote recipients.
#[derive(Debug, Clone)]
pub struct NewQueuedMessage {
    /// The envelope sender; empty for the null sender of a bounce.
    pub sender: String,
    /// The local account that sent it, if any (it may see the delivery state).
    pub account_id: Option<String>,
    pub blob_hash: String,
    pub size: u64,
    /// RFC 3461 `ENVID`.
    pub envelope_id: Option<String>,
    /// RFC 3461 `RET=FULL`: a bounce carries the whole message, not its headers only.
    pub return_full: bool,
    /// It is itself a bounce: it never causes one.
    pub is_bounce: bool,
    pub subject: String,
    /// The Message-ID field, without angle brackets.
    pub message_id: Option<String>,
    pub recipients: Vec<NewQueuedRecipient>,
}

/// One remote recipient of a [`NewQueuedMessage`].
#[derive(Debug, Clone)]
pub struct NewQueuedRecipient {
    pub address: String,
    /// RFC 3461 `NOTIFY`, as given (`NEVER`, or a list of `SUCCESS`, `FAILURE`, `DELAY`).
    pub notify: Option<String>,
    /// RFC 3461 `ORCPT`.
    pub orcpt: Option<String>,
    /// The envelope sender for this recipient instead of the message's (a list's VERP
    /// address); its reports go there.
    pub return_path: Option<String>,
    /// Header fields (CRLF-terminated) put before the body for this recipient alone
    /// (a list member's `List-Unsubscribe`), signed at delivery by the domain of
    /// `return_path`.
    pub header: Option<String>,
}

impl NewQueuedRecipient {
    /// A recipient with no options of its own.
    pub fn to(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            notify: None,
            orcpt: None,
            return_path: None,
            header: None,
        }
    }
}

/// A queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    pub id: String,
    pub sender: String,
    pub account_id: Option<String>,
    pub blob_hash: String,
    pub size: u64,
    pub envelope_id: Option<String>,
    pub return_full: bool,
    pub is_bounce: bool,
    pub subject: String,
    pub created_at: DateTime<Utc>,
}

/// One recipient of a queued message and its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRecipient {
    pub id: String,
    pub queue_id: String,
    pub address: String,
    /// The recipient's domain, lower case: deliveries are grouped by it.
    pub domain: String,
    pub notify: Option<String>,
    pub orcpt: Option<String>,
    /// [`PENDING`], [`DELIVERED`] or [`FAILED`].
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The RFC 3463 status code of the last attempt.
    pub last_status: Option<String>,
    pub remote_mta: Option<String>,
    pub delay_notified: bool,
    /// See [`NewQueuedRecipient::return_path`].
    pub return_path: Option<String>,
    /// See [`NewQueuedRecipient::header`].
    pub header: Option<String>,
    /// An administrator asked to return it to the sender undelivered ("bounce now").
    pub bounce_requested: bool,
}

impl QueuedRecipient {
    /// The envelope sender this recipient gets the message from, and its reports go to.
    pub fn sender<'a>(&'a self, message: &'a QueuedMessage) -> &'a str {
        self.return_path.as_deref().unwrap_or(&message.sender)
    }
}

/// A queued message with (some of) its recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub message: QueuedMessage,
    pub recipients: Vec<QueuedRecipient>,
}

/// The outcome of one delivery attempt for one recipient.
#[derive(Debug, Clone)]
pub enum Attempt {
    Delivered {
        status: String,
        detail: String,
        remote_mta: Option<String>,
    },
    Deferred {
        next_attempt_at: DateTime<Utc>,
        status: String,
        error: String,
        remote_mta: Option<String>,
    },
    Failed {
        status: String,
        error: String,
        remote_mta: Option<String>,
    },
}

/// Which queue entries `Queue::queue_entries` lists.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only messages with a recipient in this state.
    pub status: Option<String>,
    /// Only messages with a recipient in this domain.
    pub domain: Option<String>,
    /// Only messages from this sender.
    pub sender: Option<String>,
    /// Only messages sent by this account.
    pub account_id: Option<String>,
    /// Only messages with this Message-ID (without angle brackets).
    pub message_id: Option<String>,
    pub limit: u64,
}

fn message(m: queue_message::Model) -> QueuedMessage {
    QueuedMessage {
        id: m.id,
        sender: m.sender,
        account_id: m.account_id,
        blob_hash: m.blob_hash,
        size: u64::try_from(m.size).unwrap_or(0),
        envelope_id: m.envelope_id,
        return_full: m.return_full,
        is_bounce: m.is_bounce,
        subject: m.subject,
        created_at: m.created_at,
    }
}

fn recipient(r: queue_recipient::Model) -> QueuedRecipient {
    QueuedRecipient {
        id: r.id,
        queue_id: r.queue_id,
        address: r.address,
        domain: r.domain,
        notify: r.notify,
        orcpt: r.orcpt,
        status: r.status,
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        next_attempt_at: r.next_attempt_at,
        last_attempt_at: r.last_attempt_at,
        last_error: r.last_error,
        last_status: r.last_status,
        remote_mta: r.remote_mta,
        delay_notified: r.delay_notified,
        bounce_requested: r.bounce_requested,
        return_path: r.return_path,
        header: r.header,
    }
}

impl Queue<'_> {
    /// Queues a message for its remote recipients, due at once. The blob must already be
    /// durable. Returns the queue id.
    pub async fn enqueue(self, new: NewQueuedMessage) -> Result<String, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let id = enqueue_in(&txn, new).await?;
        self.commit(txn, turn).await?;
        Ok(id)
    }

    /// Claims up to `limit` pending recipients that are due at `now` and not leased by
    /// another worker, leasing them for `lease`. Grouped by message.
    pub async fn claim_due(
        self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mut select = queue_recipient::Entity::find()
            .filter(queue_recipient::Column::Status.eq(PENDING))
            .filter(queue_recipient::Column::NextAttemptAt.lte(now))
            .filter(
                Condition::any()
                    .add(queue_recipient::Column::LeaseUntil.is_null())
                    .add(queue_recipient::Column::LeaseUntil.lt(now)),
            )
            .order_by_asc(queue_recipient::Column::NextAttemptAt)
            .limit(limit);
        if self.backend == Backend::Postgres {
            select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let claimed = select.all(&txn).await?;
        if claimed.is_empty() {
            self.commit(txn, turn).await?;
            return Ok(Vec::new());
        }
        let ids: Vec<String> = claimed.iter().map(|r| r.id.clone()).collect();
        queue_recipient::Entity::update_many()
            .col_expr(
                queue_recipient::Column::LeaseUntil,
                Expr::value(Some(now + lease)),
            )
            .filter(queue_recipient::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
        let entries = self.attach_messages(&txn, claimed).await?;
        self.commit(txn, turn).await?;
        Ok(entries)
    }

    async fn attach_messages<C: sea_orm::ConnectionTrait>(
        self,
        conn: &C,
        recipients: Vec<queue_recipient::Model>,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let mut order: Vec<String> = Vec::new();
        let mut by_message: HashMap<String, Vec<QueuedRecipient>> = HashMap::new();
        for r in recipients {
            if !by_message.contains_key(&r.queue_id) {
                order.push(r.queue_id.clone());
            }
            by_message
                .entry(r.queue_id.clone())
                .or_default()
                .push(recipient(r));
        }
        let messages: HashMap<String, QueuedMessage> = queue_message::Entity::find()
            .filter(queue_message::Column::Id.is_in(order.clone()))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| (m.id.clone(), message(m)))
            .collect();
        Ok(order
            .into_iter()
            .filter_map(|id| {
                let recipients = by_message.remove(&id)?;
                Some(QueueEntry {
                    message: messages.get(&id)?.clone(),
                    recipients,
                })
            })
            .collect())
    }

    /// Records the outcome of an attempt for one recipient and releases its lease.
    pub async fn record_attempt(
        self,
        recipient_id: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let Some(row) = queue_recipient::Entity::find_by_id(recipient_id.to_owned())
            .one(&self.db)
            .await?
        else {
            // Deleted by an administrator while it was in flight.
            return Ok(());
        };
        let attempts = row.attempts.saturating_add(1);
        let mut row: queue_recipient::ActiveModel = row.into();
        row.attempts = Set(attempts);
        row.lease_until = Set(None);
        row.last_attempt_at = Set(Some(now));
        row.updated_at = Set(now);
        match attempt {
            Attempt::Delivered {
                status,
                detail,
                remote_mta,
            } => {
                row.status = Set(DELIVERED.into());
                row.last_status = Set(Some(status));
                row.last_error = Set(Some(detail));
                row.remote_mta = Set(remote_mta);
            }
            Attempt::Deferred {
                next_attempt_at,
                status,
                error,
                remote_mta,
            } => {
                row.next_attempt_at = Set(next_attempt_at);
                row.last_status = Set(Some(status));
                row.last_error = Set(Some(error));
                row.remote_mta = Set(remote_mta);
            }
            Attempt::Failed {
                status,
                error,
                remote_mta,
            } => {
                row.status = Set(FAILED.into());
                row.last_status = Set(Some(status));
                row.last_error = Set(Some(error));
                row.remote_mta = Set(remote_mta);
            }
        }
        row.update(&self.db).await?;
        Ok(())
    }

    /// Notes that the sender was told these recipients are delayed.
    pub async fn mark_delay_notified(self, recipient_ids: &[String]) -> Result<(), StoreError> {
        queue_recipient::Entity::update_many()
            .col_expr(queue_recipient::Column::DelayNotified, Expr::value(true))
            .filter(queue_recipient::Column::Id.is_in(recipient_ids.to_vec()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// When the next pending recipient is due, if any is pending.
    pub async fn next_due_at(self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(queue_recipient::Entity::find()
            .filter(queue_recipient::Column::Status.eq(PENDING))
            .order_by_asc(queue_recipient::Column::NextAttemptAt)
            .one(&self.db)
            .await?
            .map(|r| {
                r.next_attempt_at
                    .max(r.lease_until.unwrap_or(r.next_attempt_at))
            }))
    }

    /// Messages with at least one recipient still to be delivered.
    pub async fn waiting_messages(self) -> Result<u64, StoreError> {
        let n: Option<i64> = queue_recipient::Entity::find()
            .select_only()
            .column_as(
                Expr::cust("CAST(COUNT(DISTINCT queue_recipients.queue_id) AS BIGINT)"),
                "n",
            )
            .filter(queue_recipient::Column::Status.eq(PENDING))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    }

    /// Queue entries, newest first, with all their recipients.
    pub async fn queue_entries(self, filter: &QueueFilter) -> Result<Vec<QueueEntry>, StoreError> {
        let mut select = queue_message::Entity::find().order_by_desc(queue_message::Column::Id);
        if let Some(sender) = &filter.sender {
            select = select.filter(queue_message::Column::Sender.eq(sender.as_str()));
        }
        if let Some(account) = &filter.account_id {
            select = select.filter(queue_message::Column::AccountId.eq(account.as_str()));
        }
        if let Some(id) = &filter.message_id {
            select = select.filter(queue_message::Column::MessageId.eq(id.as_str()));
        }
        if filter.status.is_some() || filter.domain.is_some() {
            let mut sub = queue_recipient::Entity::find()
                .select_only()
                .column(queue_recipient::Column::QueueId);
            if let Some(status) = &filter.status {
                sub = sub.filter(queue_recipient::Column::Status.eq(status.as_str()));
            }
            if let Some(domain) = &filter.domain {
                sub = sub.filter(queue_recipient::Column::Domain.eq(domain.to_ascii_lowercase()));
            }
            select = select.filter(queue_message::Column::Id.in_subquery(sub.into_query()));
        }
        let messages = select.limit(filter.limit.max(1)).all(&self.db).await?;
        let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
        let mut recipients: HashMap<String, Vec<QueuedRecipient>> = HashMap::new();
        for r in queue_recipient::Entity::find()
            .filter(queue_recipient::Column::QueueId.is_in(ids))
            .order_by_asc(queue_recipient::Column::Address)
            .all(&self.db)
            .await?
        {
            recipients
                .entry(r.queue_id.clone())
                .or_default()
                .push(recipient(r));
        }
        Ok(messages
            .into_iter()
            .map(|m| QueueEntry {
                recipients: recipients.remove(&m.id).unwrap_or_default(),
                message: message(m),
            })
            .collect())
    }

    /// One queue entry with all its recipients.
    pub async fn queue_entry(self, id: &str) -> Result<QueueEntry, StoreError> {
        let m = queue_message::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let recipients = queue_recipient::Entity::find()
            .filter(queue_recipient::Column::QueueId.eq(id))
            .order_by_asc(queue_recipient::Column::Address)
            .all(&self.db)
            .await?
            .into_iter()
            .map(recipient)
            .collect();
        Ok(QueueEntry {
            message: message(m),
            recipients,
        })
    }

    /// Makes every pending recipient of a queued message due now. Returns how many.
    pub async fn queue_retry_now(self, id: &str) -> Result<u64, StoreError> {
        self.pending_due_now(id, false).await
    }

    /// Asks the queue worker to return every pending recipient of a queued message to
    /// the sender undelivered, now. Returns how many.
    pub async fn queue_bounce_now(self, id: &str) -> Result<u64, StoreError> {
        self.pending_due_now(id, true).await
    }

    /// Makes the pending recipients of the queued message `id` due now, marked to be
    /// returned when `bounce`. Returns how many.
    async fn pending_due_now(self, id: &str, bounce: bool) -> Result<u64, StoreError> {
        self.queue_entry(id).await?;
        let mut update = queue_recipient::Entity::update_many().col_expr(
            queue_recipient::Column::NextAttemptAt,
            Expr::value(Utc::now()),
        );
        if bounce {
            update = update.col_expr(queue_recipient::Column::BounceRequested, Expr::value(true));
        }
        let res = update
            .filter(queue_recipient::Column::QueueId.eq(id))
            .filter(queue_recipient::Column::Status.eq(PENDING))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Removes a queued message and its recipients. Its blob stays until the blob sweep.
    pub async fn queue_delete(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        queue_recipient::Entity::delete_many()
            .filter(queue_recipient::Column::QueueId.eq(id))
            .exec(&txn)
            .await?;
        let res = queue_message::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await?;
        Ok(())
    }

    /// Removes messages created before `before` that have no pending recipient left.
    /// Returns how many.
    pub async fn purge_finished_queue(self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let pending = queue_recipient::Entity::find()
            .select_only()
            .column(queue_recipient::Column::QueueId)
            .filter(queue_recipient::Column::Status.eq(PENDING));
        let old: Vec<String> = queue_message::Entity::find()
            .select_only()
            .column(queue_message::Column::Id)
            .filter(queue_message::Column::CreatedAt.lt(before))
            .filter(queue_message::Column::Id.not_in_subquery(pending.into_query()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut n = 0;
        for id in old {
            self.queue_delete(&id).await?;
            n += 1;
        }
        Ok(n)
    }
}

/// The rows of `Queue::enqueue`, inside `txn`.
pub(crate) async fn enqueue_in(
    txn: &DatabaseTransaction,
    new: NewQueuedMessage,
) -> Result<String, StoreError> {
    if new.recipients.is_empty() {
        return Err(StoreError::Invalid(
            "a queued message needs a recipient".into(),
        ));
    }
    let now = Utc::now();
    let id = new_id();
    queue_message::ActiveModel {
        id: Set(id.clone()),
        sender: Set(new.sender),
        account_id: Set(new.account_id),
        blob_hash: Set(new.blob_hash),
        size: Set(i64::try_from(new.size).unwrap_or(i64::MAX)),
        envelope_id: Set(new.envelope_id),
        return_full: Set(new.return_full),
        is_bounce: Set(new.is_bounce),
        subject: Set(new.subject),
        created_at: Set(now),
        message_id: Set(new.message_id.map(|m| m.chars().take(998).collect())),
    }
    .insert(txn)
    .await?;
    let mut rows: Vec<queue_recipient::ActiveModel> = new
        .recipients
        .into_iter()
        .map(|r| {
            let domain = r
                .address
                .rsplit_once('@')
                .map_or("", |(_, d)| d)
                .to_ascii_lowercase();
            queue_recipient::ActiveModel {
                id: Set(new_id()),
                queue_id: Set(id.clone()),
                address: Set(r.address),
                domain: Set(domain),
                notify: Set(r.notify),
                orcpt: Set(r.orcpt),
                status: Set(PENDING.into()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                lease_until: Set(None),
                last_attempt_at: Set(None),
                last_error: Set(None),
                last_status: Set(None),
                remote_mta: Set(None),
                delay_notified: Set(false),
                bounce_requested: Set(false),
                updated_at: Set(now),
                return_path: Set(r.return_path),
                header: Set(r.header),
            }
        })
        .collect();
    // A list's post has thousands of recipients; one statement may hold 32,766 values
    // on SQLite (65,535 on PostgreSQL), so the rows go in chunks.
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(RECIPIENT_CHUNK));
        queue_recipient::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec(txn)
            .await?;
    }
    Ok(id)
}

/// Recipient rows per insert: 18 values each.
const RECIPIENT_CHUNK: usize = 1_000;
