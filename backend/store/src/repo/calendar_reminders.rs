//! The reminder schedule: each calendar object's next reminder, claimed by the reminder
//! worker with a lease (and `FOR UPDATE SKIP LOCKED` on PostgreSQL) as the outbound
//! queue claims recipients, so that two nodes never send the same one and a node that
//! dies mid-send has its reminder taken up again once the lease runs out. The calendar
//! service computes what is due; the store keeps, claims and moves rows on.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{LockBehavior, LockType},
};

use crate::{
    Backend, StoreError,
    entity::{calendar_object, calendar_reminder},
    views::Calendars,
};

/// An object's next reminder: whom it reminds, when, and of which occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderDue<'a> {
    pub account_id: &'a str,
    pub due_at: DateTime<Utc>,
    /// The start of the occurrence it is for.
    pub occurrence_at: DateTime<Utc>,
}

/// A claimed reminder to move on: the row as claimed and what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderAdvance<'a> {
    pub object_id: &'a str,
    pub due_at: DateTime<Utc>,
    pub occurrence_at: DateTime<Utc>,
    pub next: Option<ReminderDue<'a>>,
}

/// A reminder a worker claimed, with the object it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedReminder {
    pub object_id: String,
    pub calendar_id: String,
    pub account_id: String,
    pub due_at: DateTime<Utc>,
    pub occurrence_at: DateTime<Utc>,
    /// The object's iCalendar text.
    pub ical: String,
    /// An earlier claim's lease ran out: that worker may have sent it before it
    /// stopped.
    pub retried: bool,
}

/// Sets the object's schedule row to `due` (none: no row). A row that already says the
/// same is left as it is, with its lease: a worker may be sending it.
pub(crate) async fn write_reminder<C: ConnectionTrait>(
    db: &C,
    object_id: &str,
    due: Option<ReminderDue<'_>>,
) -> Result<(), StoreError> {
    let Some(due) = due else {
        calendar_reminder::Entity::delete_by_id(object_id.to_owned())
            .exec(db)
            .await?;
        return Ok(());
    };
    let found = calendar_reminder::Entity::find_by_id(object_id.to_owned())
        .one(db)
        .await?;
    match found {
        Some(row)
            if row.due_at == due.due_at
                && row.occurrence_at == due.occurrence_at
                && row.account_id == due.account_id => {}
        Some(row) => {
            let mut active: calendar_reminder::ActiveModel = row.into();
            active.account_id = Set(due.account_id.to_owned());
            active.due_at = Set(due.due_at);
            active.occurrence_at = Set(due.occurrence_at);
            active.lease_until = Set(None);
            active.updated_at = Set(Utc::now());
            active.update(db).await?;
        }
        None => {
            calendar_reminder::ActiveModel {
                object_id: Set(object_id.to_owned()),
                account_id: Set(due.account_id.to_owned()),
                due_at: Set(due.due_at),
                occurrence_at: Set(due.occurrence_at),
                lease_until: Set(None),
                updated_at: Set(Utc::now()),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

impl Calendars<'_> {
    /// Claims up to `limit` reminders due at `now` that no live lease holds, leasing them
    /// for `lease`; earliest first.
    pub async fn claim_due_reminders(
        self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<ClaimedReminder>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mut select = calendar_reminder::Entity::find()
            .filter(calendar_reminder::Column::DueAt.lte(now))
            .filter(
                Condition::any()
                    .add(calendar_reminder::Column::LeaseUntil.is_null())
                    .add(calendar_reminder::Column::LeaseUntil.lt(now)),
            )
            .order_by_asc(calendar_reminder::Column::DueAt)
            .limit(limit);
        if self.backend == Backend::Postgres {
            select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let rows = select.all(&txn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(object) = calendar_object::Entity::find_by_id(row.object_id.clone())
                .one(&txn)
                .await?
            else {
                continue;
            };
            let mut active: calendar_reminder::ActiveModel = row.clone().into();
            active.lease_until = Set(Some(now + lease));
            active.update(&txn).await?;
            out.push(ClaimedReminder {
                object_id: row.object_id,
                calendar_id: object.calendar_id,
                account_id: row.account_id,
                due_at: row.due_at,
                occurrence_at: row.occurrence_at,
                ical: object.ical,
                retried: row.lease_until.is_some(),
            });
        }
        self.commit(txn, turn).await?;
        Ok(out)
    }

    /// Moves a claimed reminder on to `next` (none: the object has no more) and releases
    /// its lease — only if its row still says what was claimed (`due_at`,
    /// `occurrence_at`); `false` when the object was changed or deleted meanwhile (its
    /// new row stands).
    pub async fn advance_reminder(
        self,
        object_id: &str,
        due_at: DateTime<Utc>,
        occurrence_at: DateTime<Utc>,
        next: Option<ReminderDue<'_>>,
    ) -> Result<bool, StoreError> {
        Ok(self
            .advance_reminders(&[ReminderAdvance {
                object_id,
                due_at,
                occurrence_at,
                next,
            }])
            .await?
            == 1)
    }

    /// [`Calendars::advance_reminder`] for many in one transaction; how many moved.
    pub async fn advance_reminders(
        self,
        items: &[ReminderAdvance<'_>],
    ) -> Result<usize, StoreError> {
        if items.is_empty() {
            return Ok(0);
        }
        let (txn, turn) = self.begin_write().await?;
        let mut moved = 0;
        for a in items {
            let mut select = calendar_reminder::Entity::find_by_id(a.object_id.to_owned());
            if self.backend == Backend::Postgres {
                select = select.lock(LockType::Update);
            }
            let same = select
                .one(&txn)
                .await?
                .is_some_and(|r| r.due_at == a.due_at && r.occurrence_at == a.occurrence_at);
            if same {
                calendar_reminder::Entity::delete_by_id(a.object_id.to_owned())
                    .exec(&txn)
                    .await?;
                write_reminder(&txn, a.object_id, a.next).await?;
                moved += 1;
            }
        }
        self.commit(txn, turn).await?;
        Ok(moved)
    }

    /// The schedule row of the object, if it has reminders to come: (due, occurrence).
    pub async fn next_reminder(
        self,
        object_id: &str,
    ) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
        Ok(calendar_reminder::Entity::find_by_id(object_id.to_owned())
            .one(&self.db)
            .await?
            .map(|r| (r.due_at, r.occurrence_at)))
    }
}
