//! Conversations. Each message belongs to one (`thread_id`): when it is stored it joins
//! the conversation of the first Message-ID it names — its References (or In-Reply-To)
//! from the root down, then its own — that the account has already seen, or starts its
//! own; every ID it names is then linked to that conversation (`thread_links`), so a
//! reply that arrives before the message it answers still meets it. A message that names
//! IDs of two conversations joins them into the first (a reply quoting two threads, or
//! the message two unrelated replies both answered arriving last). Copies and moves keep
//! their conversation.
//!
//! The web app lists a mailbox one row per conversation: its newest message there,
//! with how many messages the conversation has and how many are unread — in every
//! mailbox but Trash and Junk (a reply in Sent counts), or, listing Trash or Junk, in
//! that mailbox; opening it shows the conversation's messages in every mailbox but
//! Trash and Junk.

use std::collections::{HashMap, HashSet, hash_map::Entry};

use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait, Set,
    sea_query::{Expr, ExprTrait, SelectStatement},
};

use super::messages::CHUNK;
use super::{MessageRecord, MessageSummary, SortAfter, SortValue, flags};
use crate::views::Messages;
use crate::{
    StoreError,
    batch::Batch,
    entity::{mailbox, message, thread_link},
};

/// The longest Message-ID linked (as migration 23 made the column).
const MAX_ID: usize = 255;

/// The Message-IDs of a summary that link it to a conversation: its references, root
/// first, then its own.
fn named_ids(summary: &MessageSummary) -> Vec<&str> {
    let mut seen = HashSet::new();
    summary
        .references
        .iter()
        .chain(summary.message_id.iter())
        .flat_map(|field| field.split(|c: char| c.is_whitespace() || c == ','))
        .map(|id| id.trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID && seen.insert(*id))
        .collect()
}

/// The conversations of messages about to be stored: the links the account has that
/// they name, read once for all of them ([`Links::queries`], in the append's first round
/// trip), then each message's conversation worked out in order ([`Links::assign`]), the
/// writes that follow from it added to the append's second round trip.
#[derive(Debug, Default)]
pub(super) struct Links {
    /// (account, Message-ID) → conversation: as read, then as this batch leaves them.
    known: HashMap<(String, String), String>,
    /// The keys of `known` this batch adds, in order, written by [`Links::write`].
    added: Vec<(String, String)>,
}

impl Links {
    /// The reads of the links that `names` (Message-IDs the messages of `account_id`
    /// name) have, a query per chunk; their rows have a `thread_id` column.
    pub(super) fn queries(account_id: &str, names: &[&str]) -> Vec<SelectStatement> {
        names
            .chunks(CHUNK)
            .map(|chunk| {
                thread_link::Entity::find()
                    .filter(thread_link::Column::AccountId.eq(account_id))
                    .filter(thread_link::Column::MessageId.is_in(chunk.iter().copied()))
                    .into_query()
            })
            .collect()
    }

    /// Takes in a row a query of [`Links::queries`] returned.
    pub(super) fn read(&mut self, row: &QueryResult) -> Result<(), StoreError> {
        let link = thread_link::Model::from_query_result(row, "")?;
        self.known
            .insert((link.account_id, link.message_id), link.thread_id);
        Ok(())
    }

    /// The Message-IDs a message names (see [`named_ids`]).
    pub(super) fn names(summary: &MessageSummary) -> Vec<&str> {
        named_ids(summary)
    }

    /// The conversation of a message about to be stored as `id` for `account_id`, after
    /// the messages assigned before it in this batch: links the IDs it names to it (in
    /// memory, written by [`Links::write`]) and, if it joins conversations, adds to `out`
    /// the moves of the stored messages and links; `pending` are the (account,
    /// conversation) of this batch's messages not yet written, moved along in memory.
    pub(super) fn assign(
        &mut self,
        db: DbBackend,
        account_id: &str,
        id: &str,
        summary: &MessageSummary,
        pending: &mut [(String, String)],
        out: &mut Batch,
    ) -> String {
        let named = named_ids(summary);
        if named.is_empty() {
            return id.to_owned();
        }
        let key = |n: &str| (account_id.to_owned(), n.to_owned());
        let known: Vec<&String> = named
            .iter()
            .filter_map(|n| self.known.get(&key(n)))
            .collect();
        let thread = known
            .first()
            .map_or_else(|| id.to_owned(), |t| (*t).clone());
        // A message that names two conversations joins them: the later ones (by the order
        // of its references, root first) become the first.
        let joined: HashSet<String> = known
            .into_iter()
            .filter(|t| **t != thread)
            .cloned()
            .collect();
        if !joined.is_empty() {
            let joined: Vec<String> = joined.into_iter().collect();
            out.push(
                db,
                &message::Entity::update_many()
                    .col_expr(message::Column::ThreadId, Expr::val(thread.clone()))
                    .filter(message::Column::AccountId.eq(account_id))
                    .filter(message::Column::ThreadId.is_in(joined.clone()))
                    .into_query(),
            );
            out.push(
                db,
                &thread_link::Entity::update_many()
                    .col_expr(thread_link::Column::ThreadId, Expr::val(thread.clone()))
                    .filter(thread_link::Column::AccountId.eq(account_id))
                    .filter(thread_link::Column::ThreadId.is_in(joined.clone()))
                    .into_query(),
            );
            let moved = |(a, t): (&String, &String)| a == account_id && joined.contains(t);
            for ((a, _), t) in self.known.iter_mut() {
                if moved((a, &*t)) {
                    *t = thread.clone();
                }
            }
            for (a, t) in pending.iter_mut() {
                if moved((&*a, &*t)) {
                    *t = thread.clone();
                }
            }
        }
        for n in named {
            if let Entry::Vacant(e) = self.known.entry(key(n)) {
                e.insert(thread.clone());
                self.added.push(key(n));
            }
        }
        thread
    }

    /// Adds to `out` the links this batch made, each to its conversation as the batch
    /// leaves it (after the moves [`Links::assign`] added).
    pub(super) fn write(self, db: DbBackend, out: &mut Batch) {
        let rows: Vec<thread_link::ActiveModel> = self
            .added
            .into_iter()
            .filter_map(|key| {
                let thread = self.known.get(&key)?.clone();
                Some(thread_link::ActiveModel {
                    account_id: Set(key.0),
                    message_id: Set(key.1),
                    thread_id: Set(thread),
                })
            })
            .collect();
        for chunk in rows.chunks(CHUNK) {
            // Another delivery may link the same ID a moment earlier: its link stands.
            out.push(
                db,
                &thread_link::Entity::insert_many(chunk.to_vec())
                    .on_conflict_do_nothing_on([
                        thread_link::Column::AccountId,
                        thread_link::Column::MessageId,
                    ])
                    .into_query(),
            );
        }
    }
}

/// A conversation's row in a mailbox listed by conversation: its newest message there.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub newest: MessageRecord,
    /// The conversation's messages (outside Trash and Junk, or in the Trash or Junk
    /// listed).
    pub count: u32,
    /// Of those, the ones without `\Seen`.
    pub unread: u32,
}

#[derive(FromQueryResult)]
struct Counts {
    thread_id: String,
    total: i64,
    unread: i64,
}

/// A message is its conversation's newest in its mailbox: no later one (by arrival,
/// then UID) of the same conversation there. Read through `idx_messages_thread`, one
/// probe per message of the page: `LIMIT 1 OFFSET 0` keeps PostgreSQL from turning the
/// test into an anti-join, which, before the table had statistics, read the whole
/// mailbox for every row (372 ms for a page of 20,000 messages, 0.75 ms probed).
const NEWEST_IN_MAILBOX: &str = "NOT EXISTS (SELECT 1 FROM messages n \
     WHERE n.thread_id = messages.thread_id AND n.mailbox_id = messages.mailbox_id \
     AND (n.internal_date > messages.internal_date \
          OR (n.internal_date = messages.internal_date AND n.uid > messages.uid)) \
     LIMIT 1 OFFSET 0)";

impl Messages<'_> {
    /// Whether the account was ever delivered a message with this Message-ID (without
    /// its angle brackets), even one deleted since: what makes a retried notice that
    /// may have gone out already (a reminder) go at most once.
    pub async fn has_seen_message_id(
        self,
        account_id: &str,
        message_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(
            thread_link::Entity::find_by_id((account_id.to_owned(), message_id.to_owned()))
                .one(&self.db)
                .await?
                .is_some(),
        )
    }

    /// Up to `limit` conversations of a mailbox by their newest message's arrival,
    /// latest first when `descending`, after `after` (the last row of the page before:
    /// its arrival and UID).
    pub async fn thread_page(
        self,
        mailbox_id: &str,
        descending: bool,
        after: Option<&SortAfter>,
        limit: u64,
    ) -> Result<Vec<ThreadRow>, StoreError> {
        let order = if descending { Order::Desc } else { Order::Asc };
        let mut q = message::Entity::find()
            .filter(message::Column::MailboxId.eq(mailbox_id))
            .filter(Expr::cust(NEWEST_IN_MAILBOX));
        if let Some(a) = after {
            let SortValue::Time(at) = a.value else {
                return Err(StoreError::Invalid(
                    "a conversation page ends at a time".into(),
                ));
            };
            let row = Expr::tuple([
                Expr::col(message::Column::InternalDate),
                Expr::col(message::Column::Uid),
            ]);
            let at = Expr::tuple([Expr::val(at), Expr::val(i64::from(a.uid))]);
            q = q.filter(if descending { row.lt(at) } else { row.gt(at) });
        }
        let rows = q
            .order_by(message::Column::InternalDate, order.clone())
            .order_by(message::Column::Uid, order)
            .limit(limit)
            .all(&self.db)
            .await?;
        let threads: Vec<String> = rows.iter().filter_map(|m| m.thread_id.clone()).collect();
        let counts: HashMap<String, (u32, u32)> = if let Some(first) = rows.first() {
            let set_aside = self.set_aside(&first.account_id).await?;
            let mut q = message::Entity::find();
            q = if set_aside.contains(mailbox_id) {
                q.filter(message::Column::MailboxId.eq(mailbox_id))
            } else {
                // (A conversation is one account's: its id is one of the account's
                // messages'. Led by `thread_id`, the count reads `idx_messages_thread`.)
                q.filter(message::Column::MailboxId.is_not_in(set_aside))
            };
            q.select_only()
                .column(message::Column::ThreadId)
                .column_as(Expr::col(message::Column::Id).count(), "total")
                .column_as(
                    Expr::cust(format!(
                        "sum(CASE WHEN (flags & {}) = 0 THEN 1 ELSE 0 END)",
                        flags::SEEN
                    )),
                    "unread",
                )
                .filter(message::Column::ThreadId.is_in(threads))
                .group_by(message::Column::ThreadId)
                .into_model::<Counts>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|c| {
                    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
                    (c.thread_id, (n(c.total), n(c.unread)))
                })
                .collect()
        } else {
            HashMap::new()
        };
        Ok(rows
            .into_iter()
            .map(|m| {
                let unread_self = u32::from(m.flags as u64 & flags::SEEN == 0);
                let (count, unread) = m
                    .thread_id
                    .as_ref()
                    .and_then(|t| counts.get(t).copied())
                    .unwrap_or((1, unread_self));
                ThreadRow {
                    newest: MessageRecord::with_preview(m),
                    count,
                    unread,
                }
            })
            .collect())
    }

    /// The messages of conversation `thread_id` of account `account_id`, oldest first:
    /// those outside Trash and Junk, or, when it has none there, all of them. Empty when
    /// the account has no such conversation.
    pub async fn conversation(
        self,
        account_id: &str,
        thread_id: &str,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = message::Entity::find()
            .filter(message::Column::ThreadId.eq(thread_id))
            .filter(message::Column::AccountId.eq(account_id))
            .order_by(message::Column::InternalDate, Order::Asc)
            .order_by(message::Column::Id, Order::Asc)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let set_aside = self.set_aside(account_id).await?;
        let kept: Vec<&message::Model> = rows
            .iter()
            .filter(|m| !set_aside.contains(&m.mailbox_id))
            .collect();
        let chosen: Vec<message::Model> = if kept.is_empty() {
            rows
        } else {
            kept.into_iter().cloned().collect()
        };
        Ok(chosen
            .into_iter()
            .map(MessageRecord::with_preview)
            .collect())
    }
}

impl Messages<'_> {
    /// The account's Trash and Junk, whose messages a conversation leaves aside.
    async fn set_aside(self, account_id: &str) -> Result<HashSet<String>, StoreError> {
        Ok(mailbox::Entity::find()
            .filter(mailbox::Column::AccountId.eq(account_id))
            .filter(mailbox::Column::SpecialUse.is_in(["\\Trash", "\\Junk"]))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_its_references_root_first_then_itself() {
        let s = MessageSummary {
            message_id: Some("3@x".into()),
            references: Some("<1@x> 2@x,1@x".into()),
            ..MessageSummary::default()
        };
        assert_eq!(named_ids(&s), ["1@x", "2@x", "3@x"]);
        let long = "a".repeat(MAX_ID + 1);
        let s = MessageSummary {
            message_id: Some(long),
            ..MessageSummary::default()
        };
        assert!(named_ids(&s).is_empty());
    }
}
