//! Calendars, their shares with other accounts, and their objects (events; tasks and
//! notes later) as iCalendar text with the columns a range query needs. The store checks
//! no iCalendar and no access: the calendar service parses, validates and decides who may
//! do what, and hands the store the derived columns.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
    sea_query::{Expr, ExprTrait, LikeExpr},
};

use super::{
    calendar_reminders::{ReminderDue, write_reminder},
    like_anywhere, new_id,
};
use crate::{
    Backend, StoreError,
    entity::{calendar, calendar_object, calendar_share},
    error::conflict_on_unique,
    views::Calendars,
};

/// A stored calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRecord {
    pub id: String,
    /// The owner.
    pub account_id: String,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub description: String,
    /// The IANA name new events default to; `None`: the owner's.
    pub time_zone: Option<String>,
    /// The default reminders as the calendar service wrote them (JSON).
    pub default_reminders: String,
    pub position: i32,
    pub hidden: bool,
    /// The calendar made with the account; it cannot be deleted.
    pub is_default: bool,
    /// It has a private subscription feed.
    pub has_feed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A calendar's fields as the calendar service writes them.
#[derive(Debug, Clone, Copy)]
pub struct CalendarRow<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub description: &'a str,
    pub time_zone: Option<&'a str>,
    pub default_reminders: &'a str,
    pub hidden: bool,
}

/// A calendar object (an event) as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarObjectRecord {
    pub id: String,
    pub calendar_id: String,
    pub kind: String,
    pub uid: String,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub recurring: bool,
    /// The object as iCalendar text (a VCALENDAR with the object and its exceptions).
    pub ical: String,
    /// What the calendar service keeps of an event that does not repeat, to show its
    /// occurrence without parsing `ical`.
    pub brief: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What the calendar service derived from an object, for the store to keep.
#[derive(Debug, Clone, Copy)]
pub struct CalendarObjectRow<'a> {
    /// `event` (tasks and notes will have their own kinds).
    pub kind: &'a str,
    pub uid: &'a str,
    pub title: &'a str,
    /// Lower-cased text a search looks through.
    pub search_text: &'a str,
    /// The earliest instant any occurrence can cover.
    pub starts_at: Option<DateTime<Utc>>,
    /// The latest instant any occurrence can cover; `None` when a rule has no end.
    pub ends_at: Option<DateTime<Utc>>,
    pub recurring: bool,
    pub ical: &'a str,
    /// See [`CalendarObjectRecord::brief`].
    pub brief: Option<&'a str>,
    /// The object's next reminder, kept in the reminder schedule; `None`: none to come.
    pub reminder: Option<ReminderDue<'a>>,
}

fn calendar_record(m: calendar::Model) -> CalendarRecord {
    CalendarRecord {
        id: m.id,
        account_id: m.account_id,
        name: m.name,
        color: m.color,
        description: m.description,
        time_zone: m.time_zone,
        default_reminders: m.default_reminders,
        position: m.position,
        hidden: m.hidden,
        is_default: m.is_default,
        has_feed: m.feed_token.is_some(),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn object_record(m: calendar_object::Model) -> CalendarObjectRecord {
    CalendarObjectRecord {
        id: m.id,
        calendar_id: m.calendar_id,
        kind: m.kind,
        uid: m.uid,
        title: m.title,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        recurring: m.recurring,
        ical: m.ical,
        brief: m.brief,
        updated_at: m.updated_at,
    }
}

fn object_model(
    id: &str,
    calendar_id: &str,
    row: &CalendarObjectRow<'_>,
) -> calendar_object::ActiveModel {
    calendar_object::ActiveModel {
        id: Set(id.to_owned()),
        calendar_id: Set(calendar_id.to_owned()),
        kind: Set(row.kind.to_owned()),
        uid: Set(row.uid.chars().take(255).collect()),
        title: Set(row.title.chars().take(255).collect()),
        search_text: Set(row.search_text.to_owned()),
        starts_at: Set(row.starts_at),
        ends_at: Set(row.ends_at),
        recurring: Set(row.recurring),
        long_span: Set(long_span(row)),
        brief: Set(row.brief.map(str::to_owned)),
        ical: Set(row.ical.to_owned()),
        updated_at: Set(Utc::now()),
    }
}

/// The longest an object found by its start may last (its indexed bounds included).
fn short_span() -> chrono::Duration {
    chrono::Duration::days(4)
}

/// Whether an object is found by its end: it repeats, never ends, or lasts long.
fn long_span(row: &CalendarObjectRow<'_>) -> bool {
    row.recurring
        || match (row.starts_at, row.ends_at) {
            (Some(s), Some(e)) => e - s > short_span(),
            _ => true,
        }
}

fn same_uid() -> impl FnOnce(sea_orm::DbErr) -> StoreError {
    conflict_on_unique("the calendar has an object with that UID")
}

impl Calendars<'_> {
    /// The account's own calendars in their order.
    pub async fn calendars_of(self, account_id: &str) -> Result<Vec<CalendarRecord>, StoreError> {
        Ok(calendar::Entity::find()
            .filter(calendar::Column::AccountId.eq(account_id))
            .order_by_asc(calendar::Column::Position)
            .order_by_asc(calendar::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(calendar_record)
            .collect())
    }

    /// The calendar `id`, whoever owns it.
    pub async fn calendar(self, id: &str) -> Result<CalendarRecord, StoreError> {
        calendar::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(calendar_record)
            .ok_or(StoreError::NotFound)
    }

    /// Adds a calendar to the account's, after its others.
    pub async fn insert_calendar(
        self,
        account_id: &str,
        row: CalendarRow<'_>,
    ) -> Result<CalendarRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let made = insert(&txn, account_id, &row, false).await?;
        self.commit(txn, turn).await?;
        Ok(made)
    }

    /// The account's default calendar, made from `row` if it has none yet. Two callers
    /// at once both get the one calendar: the database keeps one default per account
    /// (a unique index), and the caller whose insert it refuses reads the other's.
    pub async fn ensure_default(
        self,
        account_id: &str,
        row: CalendarRow<'_>,
    ) -> Result<CalendarRecord, StoreError> {
        if let Some(found) = self.default_of(account_id).await? {
            return Ok(found);
        }
        let (txn, turn) = self.begin_write().await?;
        match insert(&txn, account_id, &row, true).await {
            Ok(made) => {
                self.commit(txn, turn).await?;
                Ok(made)
            }
            Err(StoreError::Conflict(_)) => {
                txn.rollback().await?;
                drop(turn);
                self.default_of(account_id)
                    .await?
                    .ok_or_else(|| StoreError::Conflict("default calendar".into()))
            }
            Err(e) => Err(e),
        }
    }

    async fn default_of(self, account_id: &str) -> Result<Option<CalendarRecord>, StoreError> {
        Ok(calendar::Entity::find()
            .filter(calendar::Column::AccountId.eq(account_id))
            .filter(calendar::Column::IsDefault.eq(true))
            .one(&self.db)
            .await?
            .map(calendar_record))
    }

    /// Replaces the fields of the calendar `id`; `position` moves it when given.
    pub async fn update_calendar(
        self,
        id: &str,
        row: CalendarRow<'_>,
        position: Option<i32>,
    ) -> Result<CalendarRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let m = calendar::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: calendar::ActiveModel = m.into();
        active.name = Set(row.name.to_owned());
        active.color = Set(row.color.to_owned());
        active.description = Set(row.description.to_owned());
        active.time_zone = Set(row.time_zone.map(str::to_owned));
        active.default_reminders = Set(row.default_reminders.to_owned());
        active.hidden = Set(row.hidden);
        if let Some(p) = position {
            active.position = Set(p);
        }
        active.updated_at = Set(Utc::now());
        let done = active.update(&txn).await?;
        self.commit(txn, turn).await?;
        Ok(calendar_record(done))
    }

    /// Sets (or, with `None`, removes) the digest of the calendar's feed token.
    pub async fn set_feed(self, id: &str, token_digest: Option<&str>) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let m = calendar::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: calendar::ActiveModel = m.into();
        active.feed_token = Set(token_digest.map(str::to_owned));
        active.update(&txn).await?;
        self.commit(txn, turn).await
    }

    /// The calendar whose feed token has this digest.
    pub async fn calendar_by_feed(self, token_digest: &str) -> Result<CalendarRecord, StoreError> {
        calendar::Entity::find()
            .filter(calendar::Column::FeedToken.eq(token_digest))
            .one(&self.db)
            .await?
            .map(calendar_record)
            .ok_or(StoreError::NotFound)
    }

    /// Deletes the calendar `id` with its objects and shares.
    pub async fn delete_calendar(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        // SQLite enforces the cascades only with foreign keys on; say it outright.
        calendar_object::Entity::delete_many()
            .filter(calendar_object::Column::CalendarId.eq(id))
            .exec(&txn)
            .await?;
        calendar_share::Entity::delete_many()
            .filter(calendar_share::Column::CalendarId.eq(id))
            .exec(&txn)
            .await?;
        let gone = calendar::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await
    }

    /// The calendars shared with the account, each with the access it was given.
    pub async fn shared_with(
        self,
        account_id: &str,
    ) -> Result<Vec<(CalendarRecord, String)>, StoreError> {
        let shares = calendar_share::Entity::find()
            .filter(calendar_share::Column::AccountId.eq(account_id))
            .all(&self.db)
            .await?;
        if shares.is_empty() {
            return Ok(Vec::new());
        }
        let cals = calendar::Entity::find()
            .filter(calendar::Column::Id.is_in(shares.iter().map(|s| s.calendar_id.clone())))
            .order_by_asc(calendar::Column::Name)
            .all(&self.db)
            .await?;
        Ok(cals
            .into_iter()
            .filter_map(|c| {
                let access = shares
                    .iter()
                    .find(|s| s.calendar_id == c.id)?
                    .access
                    .clone();
                Some((calendar_record(c), access))
            })
            .collect())
    }

    /// The access the account `account_id` was given to the calendar, if any.
    pub async fn share_access(
        self,
        calendar_id: &str,
        account_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            calendar_share::Entity::find_by_id((calendar_id.to_owned(), account_id.to_owned()))
                .one(&self.db)
                .await?
                .map(|s| s.access),
        )
    }

    /// Who the calendar is shared with: account ids and their access, oldest share first.
    pub async fn shares_of(self, calendar_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(calendar_share::Entity::find()
            .filter(calendar_share::Column::CalendarId.eq(calendar_id))
            .order_by_asc(calendar_share::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.account_id, s.access))
            .collect())
    }

    /// Shares the calendar with the account at `access`, or changes the access it has.
    pub async fn set_share(
        self,
        calendar_id: &str,
        account_id: &str,
        access: &str,
    ) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let existing =
            calendar_share::Entity::find_by_id((calendar_id.to_owned(), account_id.to_owned()))
                .one(&txn)
                .await?;
        match existing {
            Some(m) => {
                let mut active: calendar_share::ActiveModel = m.into();
                active.access = Set(access.to_owned());
                active.update(&txn).await?;
            }
            None => {
                calendar_share::ActiveModel {
                    calendar_id: Set(calendar_id.to_owned()),
                    account_id: Set(account_id.to_owned()),
                    access: Set(access.to_owned()),
                    created_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
        }
        self.commit(txn, turn).await
    }

    /// Stops sharing the calendar with the account; `NotFound` when it was not shared.
    pub async fn remove_share(self, calendar_id: &str, account_id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let gone =
            calendar_share::Entity::delete_by_id((calendar_id.to_owned(), account_id.to_owned()))
                .exec(&txn)
                .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await
    }

    /// The objects with this UID in any of the calendars (an event and the copies in
    /// its attendees' calendars share one).
    pub async fn objects_by_uid(
        self,
        calendar_ids: &[String],
        uid: &str,
    ) -> Result<Vec<CalendarObjectRecord>, StoreError> {
        if calendar_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(calendar_object::Entity::find()
            .filter(calendar_object::Column::CalendarId.is_in(calendar_ids.iter().cloned()))
            .filter(calendar_object::Column::Uid.eq(uid))
            .all(&self.db)
            .await?
            .into_iter()
            .map(object_record)
            .collect())
    }

    /// Adds an object to the calendar; `Conflict` when it has one with the same UID.
    pub async fn insert_object(
        self,
        calendar_id: &str,
        row: CalendarObjectRow<'_>,
    ) -> Result<CalendarObjectRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let made = object_model(&new_id(), calendar_id, &row)
            .insert(&txn)
            .await
            .map_err(same_uid())?;
        if row.reminder.is_some() {
            write_reminder(&txn, &made.id, row.reminder).await?;
        }
        self.commit(txn, turn).await?;
        Ok(object_record(made))
    }

    /// Replaces the object `id` of the calendar; `NotFound` when it has none such.
    pub async fn replace_object(
        self,
        calendar_id: &str,
        id: &str,
        row: CalendarObjectRow<'_>,
    ) -> Result<CalendarObjectRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        calendar_object::Entity::find_by_id(id.to_owned())
            .filter(calendar_object::Column::CalendarId.eq(calendar_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = object_model(id, calendar_id, &row)
            .update(&txn)
            .await
            .map_err(same_uid())?;
        write_reminder(&txn, id, row.reminder).await?;
        self.commit(txn, turn).await?;
        Ok(object_record(done))
    }

    /// Adds the objects in one transaction, each replacing the calendar's object with the
    /// same UID if there is one (so that importing a file again changes nothing).
    /// Returns, for each, whether it was new.
    pub async fn upsert_objects(
        self,
        calendar_id: &str,
        rows: &[CalendarObjectRow<'_>],
    ) -> Result<Vec<bool>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mut done = Vec::with_capacity(rows.len());
        for row in rows {
            let existing = calendar_object::Entity::find()
                .filter(calendar_object::Column::CalendarId.eq(calendar_id))
                .filter(calendar_object::Column::Uid.eq(row.uid))
                .one(&txn)
                .await?;
            match existing {
                Some(m) => {
                    object_model(&m.id, calendar_id, row).update(&txn).await?;
                    write_reminder(&txn, &m.id, row.reminder).await?;
                    done.push(false);
                }
                None => {
                    let id = new_id();
                    object_model(&id, calendar_id, row)
                        .insert(&txn)
                        .await
                        .map_err(same_uid())?;
                    // A new object has no schedule row to clear.
                    if row.reminder.is_some() {
                        write_reminder(&txn, &id, row.reminder).await?;
                    }
                    done.push(true);
                }
            }
        }
        self.commit(txn, turn).await?;
        Ok(done)
    }

    /// Every object of `kind` of the calendar, by start (for export).
    pub async fn all_objects(
        self,
        calendar_id: &str,
        kind: &str,
    ) -> Result<Vec<CalendarObjectRecord>, StoreError> {
        Ok(calendar_object::Entity::find()
            .filter(calendar_object::Column::CalendarId.eq(calendar_id))
            .filter(calendar_object::Column::Kind.eq(kind))
            .order_by_asc(calendar_object::Column::StartsAt)
            .order_by_asc(calendar_object::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(object_record)
            .collect())
    }

    /// The object `id` of the calendar.
    pub async fn object(
        self,
        calendar_id: &str,
        id: &str,
    ) -> Result<CalendarObjectRecord, StoreError> {
        calendar_object::Entity::find_by_id(id.to_owned())
            .filter(calendar_object::Column::CalendarId.eq(calendar_id))
            .one(&self.db)
            .await?
            .map(object_record)
            .ok_or(StoreError::NotFound)
    }

    /// Deletes the object `id` of the calendar.
    pub async fn delete_object(self, calendar_id: &str, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let gone = calendar_object::Entity::delete_many()
            .filter(calendar_object::Column::Id.eq(id))
            .filter(calendar_object::Column::CalendarId.eq(calendar_id))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await
    }

    /// The objects of `kind` in the calendars that can have an occurrence between `from`
    /// and `to`: those that start before `to` and end after `from` or never. Most
    /// `limit` rows, earliest first.
    pub async fn objects_between(
        self,
        calendar_ids: &[String],
        kind: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CalendarObjectRecord>, StoreError> {
        if calendar_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Short objects by a start just before the window, long ones by their end: each
        // lookup reads an index range instead of every object that started before `to`.
        let short = calendar_object::Entity::find()
            .filter(calendar_object::Column::CalendarId.is_in(calendar_ids.iter().cloned()))
            .filter(calendar_object::Column::Kind.eq(kind))
            .filter(calendar_object::Column::LongSpan.eq(false))
            .filter(calendar_object::Column::StartsAt.gte(from - short_span()))
            .filter(calendar_object::Column::StartsAt.lt(to))
            .filter(calendar_object::Column::EndsAt.gt(from))
            .order_by_asc(calendar_object::Column::StartsAt)
            .limit(limit)
            .all(&self.db)
            .await?;
        // Long ones by their end: those that end after the window starts (the index by
        // end holds their start too, so the start's bound is checked there), and those
        // that never end. Two lookups: with the two ends in one condition the planner
        // walks every long object that started before the window instead. SQLite, which
        // has no statistics, would take the index by start for the start's bound even
        // so; `+starts_at` keeps that bound out of its index choice (SQLite's documented
        // way), and the lookup by end is the one left.
        let started_before = match self.backend {
            Backend::Sqlite => Expr::cust_with_values(
                r#"+"calendar_objects"."starts_at" < ?"#,
                [sea_orm::Value::from(to)],
            ),
            Backend::Postgres => Expr::col(calendar_object::Column::StartsAt).lt(to),
        };
        let long_by = |ends: Condition| {
            calendar_object::Entity::find()
                .filter(calendar_object::Column::CalendarId.is_in(calendar_ids.iter().cloned()))
                .filter(calendar_object::Column::Kind.eq(kind))
                .filter(calendar_object::Column::LongSpan.eq(true))
                .filter(ends)
                .filter(started_before.clone())
                .order_by_asc(calendar_object::Column::StartsAt)
                .limit(limit)
                .all(&self.db)
        };
        let ending =
            long_by(Condition::all().add(calendar_object::Column::EndsAt.gt(from))).await?;
        let endless =
            long_by(Condition::all().add(calendar_object::Column::EndsAt.is_null())).await?;
        let mut rows: Vec<CalendarObjectRecord> = short
            .into_iter()
            .chain(ending)
            .chain(endless)
            .map(object_record)
            .collect();
        rows.sort_by_key(|r| r.starts_at);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(rows)
    }

    /// Up to `limit` objects of the calendars whose search text holds `needle`, newest
    /// start first.
    pub async fn search_objects(
        self,
        calendar_ids: &[String],
        needle: &str,
        limit: u64,
    ) -> Result<Vec<CalendarObjectRecord>, StoreError> {
        let needle = needle.trim().to_lowercase();
        if calendar_ids.is_empty() || needle.is_empty() {
            return Ok(Vec::new());
        }
        Ok(calendar_object::Entity::find()
            .filter(calendar_object::Column::CalendarId.is_in(calendar_ids.iter().cloned()))
            .filter(
                calendar_object::Column::SearchText
                    .like(LikeExpr::new(like_anywhere(&needle)).escape('\\')),
            )
            .order_by_desc(calendar_object::Column::StartsAt)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(object_record)
            .collect())
    }
}

/// Writes a new calendar of `account_id` after its others, through `db`.
async fn insert<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: &str,
    row: &CalendarRow<'_>,
    is_default: bool,
) -> Result<CalendarRecord, StoreError> {
    let last: Option<i32> = calendar::Entity::find()
        .select_only()
        .column_as(calendar::Column::Position.max(), "max")
        .filter(calendar::Column::AccountId.eq(account_id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let now = Utc::now();
    let made = calendar::ActiveModel {
        id: Set(new_id()),
        account_id: Set(account_id.to_owned()),
        name: Set(row.name.to_owned()),
        color: Set(row.color.to_owned()),
        description: Set(row.description.to_owned()),
        time_zone: Set(row.time_zone.map(str::to_owned)),
        default_reminders: Set(row.default_reminders.to_owned()),
        position: Set(last.map_or(0, |p| p.saturating_add(1))),
        hidden: Set(row.hidden),
        is_default: Set(is_default),
        feed_token: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(conflict_on_unique("default calendar"))?;
    Ok(calendar_record(made))
}
