//! Webmail search in the database: the messages of some mailboxes that meet a query's
//! conditions, newest first, a page at a time — the conditions in SQL (the text ones
//! through the full-text index), so that a search over a large account reads the rows
//! it shows rather than every row.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Condition, Expr, ExprTrait, SimpleExpr},
};

use super::{MessageRecord, TextField, text_index::text_condition};
use crate::views::Messages;
use crate::{Backend, StoreError, entity::message};

/// One condition a message must meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchCondition {
    /// The sender's, recipients' or subject's text contains this (case-folded).
    FromContains(String),
    ToContains(String),
    SubjectContains(String),
    HasAttachment,
    /// These flag bits all set, or all clear.
    FlagsSet(u64),
    FlagsClear(u64),
    ArrivedBefore(DateTime<Utc>),
    ArrivedFrom(DateTime<Utc>),
    LargerThan(u64),
    SmallerThan(u64),
    /// The indexed text (`field`) holds the words, or, when `anywhere`, the sender,
    /// recipients or subject do; a message the index has not reached yet also passes
    /// (the caller checks it). `probe`: each row's text looked at, rather than the
    /// index's matches gathered first (for a few recent rows). `indexed`: the caller
    /// knows every message searched has its text in the index (none is queued, see
    /// `TextIndex::queued_in`), so the index's matches are the only ones — its header
    /// text holds the sender, recipients and subject — and no row is read for the others.
    Words {
        field: TextField,
        needle: String,
        anywhere: bool,
        probe: bool,
        indexed: bool,
    },
}

/// Where a page of results ends: the last row's arrival and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchAfter {
    pub internal_date: DateTime<Utc>,
    pub id: String,
}

/// `lower(column) LIKE %needle%`, or nothing when the needle is not ASCII (SQLite's
/// `lower` folds ASCII only; the caller checks every row itself).
fn contains(backend: Backend, column: &str, needle: &str) -> Option<SimpleExpr> {
    if !needle.is_ascii() {
        return None;
    }
    let mut pattern = String::from("%");
    for c in needle.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    // A custom expression's value is `?` on SQLite, `$1` (of its own) on PostgreSQL.
    let mark = match backend {
        Backend::Sqlite => "?",
        Backend::Postgres => "$1",
    };
    Some(Expr::cust_with_values(
        format!("lower(coalesce({column}, '')) LIKE {mark} ESCAPE '\\'"),
        [pattern],
    ))
}

fn condition(backend: Backend, c: &SearchCondition) -> Option<SimpleExpr> {
    use message::Column as M;
    Some(match c {
        SearchCondition::FromContains(n) => return contains(backend, "from_addr", n),
        SearchCondition::ToContains(n) => return contains(backend, "to_addrs", n),
        SearchCondition::SubjectContains(n) => return contains(backend, "subject", n),
        SearchCondition::HasAttachment => M::HasAttachments.eq(true),
        SearchCondition::FlagsSet(bits) => Expr::cust(format!("(flags & {bits}) = {bits}")),
        SearchCondition::FlagsClear(bits) => Expr::cust(format!("(flags & {bits}) = 0")),
        SearchCondition::ArrivedBefore(t) => M::InternalDate.lt(*t),
        SearchCondition::ArrivedFrom(t) => M::InternalDate.gte(*t),
        SearchCondition::LargerThan(n) => M::Size.gt(i64::try_from(*n).unwrap_or(i64::MAX)),
        SearchCondition::SmallerThan(n) => M::Size.lt(i64::try_from(*n).unwrap_or(i64::MAX)),
        SearchCondition::Words {
            field,
            needle,
            anywhere,
            probe,
            indexed,
        } => {
            if *indexed {
                return Some(text_condition(backend, *field, needle, *probe));
            }
            let mut any = Condition::any()
                .add(text_condition(backend, *field, needle, *probe))
                .add(Expr::cust(
                    "NOT EXISTS (SELECT 1 FROM message_text u \
                     WHERE u.blob_hash = messages.blob_hash)",
                ));
            if *anywhere {
                for column in ["from_addr", "to_addrs", "subject"] {
                    if let Some(e) = contains(backend, column, needle) {
                        any = any.add(e);
                    }
                }
            }
            any.into()
        }
    })
}

impl Messages<'_> {
    /// The arrival of the `n`th newest message of `mailbox_ids` (from 0), if there are
    /// that many: where a search of the newest messages only stops.
    pub async fn nth_newest_arrival(
        self,
        mailbox_ids: &[String],
        n: u64,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(message::Entity::find()
            .select_only()
            .column(message::Column::InternalDate)
            .filter(message::Column::MailboxId.is_in(mailbox_ids.iter().map(String::as_str)))
            .order_by(message::Column::InternalDate, Order::Desc)
            .offset(n)
            .limit(1)
            .into_tuple::<DateTime<Utc>>()
            .one(&self.db)
            .await?)
    }

    /// Up to `limit` messages of `mailbox_ids` meeting `conditions`, newest first (by
    /// arrival, then id), after `after`. Conditions SQL cannot decide exactly (text
    /// that is not ASCII, messages not yet indexed) let rows through: the caller checks
    /// what it gets.
    pub async fn search_page(
        self,
        mailbox_ids: &[String],
        conditions: &[SearchCondition],
        after: Option<&SearchAfter>,
        limit: u64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        if mailbox_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = message::Entity::find()
            .filter(message::Column::MailboxId.is_in(mailbox_ids.iter().map(String::as_str)));
        for c in conditions {
            if let Some(e) = condition(self.backend, c) {
                q = q.filter(e);
            }
        }
        if let Some(a) = after {
            let row = Expr::tuple([
                Expr::col(message::Column::InternalDate),
                Expr::col(message::Column::Id),
            ]);
            let at = Expr::tuple([Expr::val(a.internal_date), Expr::val(a.id.as_str())]);
            q = q.filter(row.lt(at));
        }
        let rows = q
            .order_by(message::Column::InternalDate, Order::Desc)
            .order_by(message::Column::Id, Order::Desc)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(MessageRecord::with_preview).collect())
    }
}
