//! A mailbox's messages sorted by a key, a page at a time: keyset paging on `(key, uid)`,
//! so a page starts right after the last row of the one before whatever arrived or left
//! since (no offsets that shift). Each key is an expression with an index of its own
//! (migration 21), led by the mailbox: a page is a range of that index.

use chrono::{DateTime, Utc};
use osprey_core::subject::base_subject;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Statement, Value,
    sea_query::{Expr, ExprTrait},
};

use super::MessageRecord;
use crate::views::Messages;
use crate::{Backend, Store, StoreError, entity::message};

/// What a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Arrival (the internal date).
    Received,
    /// The Date field (arrival when it has none).
    Sent,
    /// The first sender's address, case-folded.
    From,
    /// The recipients' addresses, case-folded.
    To,
    /// The base subject (RFC 5256 §2.1: without `Re:`, `Fwd:` or `[list]` tags),
    /// case-folded.
    Subject,
    Size,
    /// Flagged before (or after) the others.
    Flagged,
}

impl SortKey {
    /// The SQL expression sorted on: exactly migration 21's index expressions (and
    /// migration 24's column).
    fn expression(self) -> &'static str {
        match self {
            SortKey::Received => "internal_date",
            SortKey::Sent => "coalesce(sent_date, internal_date)",
            SortKey::From => "lower(coalesce(from_addr, ''))",
            SortKey::To => "lower(coalesce(to_addrs, ''))",
            // Migration 24's column and index (every row has it: see `fill_sort_subjects`).
            SortKey::Subject => "sort_subject",
            SortKey::Size => "size",
            SortKey::Flagged => "(flags & 4)",
        }
    }
}

/// A sort key's value, as the database gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Text(String),
    Number(i64),
    Time(DateTime<Utc>),
}

/// Where a page ends: the last row's key and UID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortAfter {
    pub value: SortValue,
    pub uid: u32,
}

impl Messages<'_> {
    /// Up to `limit` messages of a mailbox sorted by `key` (then UID), `descending` or
    /// not, after `after` (the end of the previous page).
    pub async fn sorted_page(
        self,
        mailbox_id: &str,
        key: SortKey,
        descending: bool,
        after: Option<&SortAfter>,
        limit: u64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let expr = key.expression();
        let order = if descending { Order::Desc } else { Order::Asc };
        let mut q = message::Entity::find().filter(message::Column::MailboxId.eq(mailbox_id));
        if let Some(a) = after {
            // The row value comparison `(key, uid) > (value, uid)`, bound as values.
            let row = Expr::tuple([Expr::cust(expr), Expr::col(message::Column::Uid)]);
            let at = Expr::tuple([Expr::val(value_of(&a.value)), Expr::val(i64::from(a.uid))]);
            q = q.filter(if descending { row.lt(at) } else { row.gt(at) });
        }
        let rows = q
            .order_by(Expr::cust(expr), order.clone())
            .order_by(message::Column::Uid, order)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(MessageRecord::with_preview).collect())
    }

    /// The value of `key` for message `id`, computed by the database (its `lower` is the
    /// one the order uses): where a page that ends with it ends.
    pub async fn sort_value(self, id: &str, key: SortKey) -> Result<SortValue, StoreError> {
        let expr = key.expression();
        let p = match self.backend {
            Backend::Sqlite => "?1",
            Backend::Postgres => "$1",
        };
        let db = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                db,
                format!("SELECT {expr} AS k FROM messages WHERE id = {p}"),
                [Value::from(id)],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(match key {
            SortKey::Received | SortKey::Sent => SortValue::Time(row.try_get("", "k")?),
            SortKey::From | SortKey::To | SortKey::Subject => {
                SortValue::Text(row.try_get("", "k")?)
            }
            SortKey::Size | SortKey::Flagged => SortValue::Number(row.try_get("", "k")?),
        })
    }
}

/// What a list sorted by subject compares for a message with `subject`: its base
/// subject (RFC 5256 §2.1), lower-cased.
pub(crate) fn subject_sort_key(subject: Option<&str>) -> String {
    base_subject(subject.unwrap_or_default()).0.to_lowercase()
}

/// Rows at a time when filling in the sort subject.
const FILL_BATCH: u64 = 1_000;

/// Writes the sort subject of every message stored before migration 24 added it (run
/// when the store opens, before anything reads a list); returns how many it wrote.
pub(crate) async fn fill_sort_subjects(store: &Store) -> Result<u64, StoreError> {
    let mut written = 0;
    let mut after = String::new();
    loop {
        let rows: Vec<(String, Option<String>)> = message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .column(message::Column::Subject)
            .filter(message::Column::SortSubject.is_null())
            .filter(message::Column::Id.gt(after.as_str()))
            .order_by_asc(message::Column::Id)
            .limit(FILL_BATCH)
            .into_tuple()
            .all(&store.db)
            .await?;
        let Some((last, _)) = rows.last() else {
            return Ok(written);
        };
        after = last.clone();
        let (txn, turn) = store.begin_write().await?;
        for (id, subject) in &rows {
            message::Entity::update_many()
                .col_expr(
                    message::Column::SortSubject,
                    Expr::val(subject_sort_key(subject.as_deref())),
                )
                .filter(message::Column::Id.eq(id.as_str()))
                .exec(&txn)
                .await?;
        }
        store.commit(txn, turn).await?;
        written += rows.len() as u64;
    }
}

fn value_of(v: &SortValue) -> Value {
    match v {
        SortValue::Text(s) => Value::from(s.as_str()),
        SortValue::Number(n) => Value::from(*n),
        SortValue::Time(t) => Value::from(*t),
    }
}
