//! A mailbox's messages sorted by a key, a page at a time: keyset paging on `(key, uid)`,
//! so a page starts right after the last row of the one before whatever arrived or left
//! since (no offsets that shift). Each key is an expression with an index of its own
//! (migration 21), led by the mailbox: a page is a range of that index.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Statement, Value,
    sea_query::{Expr, ExprTrait},
};

use super::MessageRecord;
use crate::views::Messages;
use crate::{Backend, StoreError, entity::message};

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
    /// The subject, case-folded.
    Subject,
    Size,
    /// Flagged before (or after) the others.
    Flagged,
}

impl SortKey {
    /// The SQL expression sorted on: exactly migration 21's index expressions.
    fn expression(self) -> &'static str {
        match self {
            SortKey::Received => "internal_date",
            SortKey::Sent => "coalesce(sent_date, internal_date)",
            SortKey::From => "lower(coalesce(from_addr, ''))",
            SortKey::To => "lower(coalesce(to_addrs, ''))",
            SortKey::Subject => "lower(coalesce(subject, ''))",
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

fn value_of(v: &SortValue) -> Value {
    match v {
        SortValue::Text(s) => Value::from(s.as_str()),
        SortValue::Number(n) => Value::from(*n),
        SortValue::Time(t) => Value::from(*t),
    }
}
