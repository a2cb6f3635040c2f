//! The posts lists keep: each list's archive (threads by References, full-text search,
//! every post in order for an export), the posts a digest has yet to send, and the
//! per-day counters of a list's statistics. What is kept, and who may read it, is the
//! list service's to decide; this stores.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, LikeExpr, OnConflict},
};

use crate::{
    StoreError,
    entity::{list_day, list_post},
    repo::{like_anywhere, new_id},
    views::ListPosts,
};

/// Characters of a post's text kept for search.
pub const MAX_POST_SEARCH_TEXT: usize = 32 * 1024;

/// A post to keep.
#[derive(Debug, Clone, Default)]
pub struct NewListPost {
    pub list_id: String,
    /// Without angle brackets; empty when the post has none.
    pub message_id: String,
    /// The message IDs of its References (or In-Reply-To), oldest first.
    pub references: Vec<String>,
    pub subject: String,
    pub author_name: String,
    pub author_address: String,
    pub size: u64,
    pub blob_hash: String,
    /// Its searchable text (subject, author, body), cut at [`MAX_POST_SEARCH_TEXT`].
    pub search_text: String,
    /// The list's digest is to send it.
    pub awaits_digest: bool,
}

/// A kept post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPostRecord {
    pub id: String,
    pub list_id: String,
    pub message_id: String,
    /// The id of the thread's first post.
    pub thread_id: String,
    /// The post it answers, when that one is kept.
    pub parent_id: Option<String>,
    pub subject: String,
    pub author_name: String,
    pub author_address: String,
    pub posted_at: DateTime<Utc>,
    pub size: u64,
    pub blob_hash: String,
}

/// A thread of a list's archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListThreadRecord {
    /// Its first post.
    pub first: ListPostRecord,
    pub posts: u64,
    pub last_posted_at: DateTime<Utc>,
}

/// What a digest has waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DigestBacklog {
    pub posts: u64,
    pub bytes: u64,
    pub oldest: Option<DateTime<Utc>>,
}

/// The counters of a list's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayCounter {
    Posts,
    Joined,
    Left,
    Bounces,
}

/// A list's day, as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDayRecord {
    pub day: NaiveDate,
    pub posts: u32,
    pub joined: u32,
    pub left: u32,
    pub bounces: u32,
}

fn record(m: list_post::Model) -> ListPostRecord {
    ListPostRecord {
        id: m.id,
        list_id: m.list_id,
        message_id: m.message_id,
        thread_id: m.thread_id,
        parent_id: m.parent_id,
        subject: m.subject,
        author_name: m.author_name,
        author_address: m.author_address,
        posted_at: m.posted_at,
        size: u64::try_from(m.size).unwrap_or(0),
        blob_hash: m.blob_hash,
    }
}

/// `value` cut to at most `max` characters.
fn cut(value: &str, max: usize) -> String {
    value.chars().take(max).collect()
}

impl ListPosts<'_> {
    /// Keeps a post (its id is fresh): in the thread of the latest of its references
    /// the list kept, or a thread of its own.
    pub async fn add(self, new: NewListPost) -> Result<ListPostRecord, StoreError> {
        let known: Vec<(String, String, String)> = if new.references.is_empty() {
            Vec::new()
        } else {
            list_post::Entity::find()
                .select_only()
                .column(list_post::Column::MessageId)
                .column(list_post::Column::Id)
                .column(list_post::Column::ThreadId)
                .filter(list_post::Column::ListId.eq(&new.list_id))
                .filter(list_post::Column::MessageId.is_in(new.references.clone()))
                .into_tuple()
                .all(&self.db)
                .await?
        };
        let parent = new
            .references
            .iter()
            .rev()
            .find_map(|r| known.iter().find(|(mid, _, _)| mid == r));
        let id = new_id();
        let model = list_post::Model {
            thread_id: parent.map_or_else(|| id.clone(), |(_, _, t)| t.clone()),
            parent_id: parent.map(|(_, p, _)| p.clone()),
            id,
            list_id: new.list_id,
            message_id: cut(&new.message_id, 255),
            subject: new.subject,
            author_name: cut(&new.author_name, 200),
            author_address: cut(&new.author_address, 320),
            posted_at: Utc::now(),
            size: new.size as i64,
            blob_hash: new.blob_hash,
            search_text: cut(&new.search_text, MAX_POST_SEARCH_TEXT),
            // (Empty: no digest is to send it.)
            digest_id: (!new.awaits_digest).then(String::new),
        };
        list_post::Entity::insert(list_post::ActiveModel::from(model.clone()))
            .exec_without_returning(&self.db)
            .await?;
        self.count(&model.list_id, DayCounter::Posts).await?;
        Ok(record(model))
    }

    /// One post of the list.
    pub async fn post(self, list_id: &str, id: &str) -> Result<ListPostRecord, StoreError> {
        list_post::Entity::find_by_id(id.to_owned())
            .filter(list_post::Column::ListId.eq(list_id))
            .one(&self.db)
            .await?
            .map(record)
            .ok_or(StoreError::NotFound)
    }

    /// A page of the list's threads, the latest activity first: `offset` threads
    /// skipped, at most `limit`.
    pub async fn threads(
        self,
        list_id: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ListThreadRecord>, StoreError> {
        let rows: Vec<(String, i64, DateTime<Utc>)> = list_post::Entity::find()
            .select_only()
            .column(list_post::Column::ThreadId)
            .column_as(Expr::col(list_post::Column::Id).count(), "n")
            .column_as(Expr::col(list_post::Column::PostedAt).max(), "last")
            .filter(list_post::Column::ListId.eq(list_id))
            .group_by(list_post::Column::ThreadId)
            .order_by(Expr::col(list_post::Column::PostedAt).max(), Order::Desc)
            .order_by(list_post::Column::ThreadId, Order::Desc)
            .offset(offset)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        let ids: Vec<String> = rows.iter().map(|(t, _, _)| t.clone()).collect();
        let firsts: std::collections::HashMap<String, ListPostRecord> = list_post::Entity::find()
            .filter(list_post::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id.clone(), record(m)))
            .collect();
        Ok(rows
            .into_iter()
            .filter_map(|(thread, n, last)| {
                Some(ListThreadRecord {
                    first: firsts.get(&thread)?.clone(),
                    posts: u64::try_from(n).unwrap_or(0),
                    last_posted_at: last,
                })
            })
            .collect())
    }

    /// The posts of a thread, in the order they came.
    pub async fn thread(
        self,
        list_id: &str,
        thread_id: &str,
    ) -> Result<Vec<ListPostRecord>, StoreError> {
        Ok(list_post::Entity::find()
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::ThreadId.eq(thread_id))
            .order_by_asc(list_post::Column::PostedAt)
            .order_by_asc(list_post::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// The list's posts whose searchable text holds every one of `terms` (lower case),
    /// newest first: `offset` skipped, at most `limit`.
    pub async fn search(
        self,
        list_id: &str,
        terms: &[String],
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ListPostRecord>, StoreError> {
        let mut all = Condition::all();
        for term in terms {
            all = all.add(
                Expr::col(list_post::Column::SearchText)
                    .like(LikeExpr::new(like_anywhere(term)).escape('\\')),
            );
        }
        Ok(list_post::Entity::find()
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(all)
            .order_by_desc(list_post::Column::PostedAt)
            .order_by_desc(list_post::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Up to `limit` of the list's posts in the order they came, after the post
    /// `after` (by its id, which sorts by time): an export reads them a page at a time.
    pub async fn page(
        self,
        list_id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<ListPostRecord>, StoreError> {
        let mut select = list_post::Entity::find()
            .filter(list_post::Column::ListId.eq(list_id))
            .order_by_asc(list_post::Column::Id);
        if let Some(after) = after {
            select = select.filter(list_post::Column::Id.gt(after));
        }
        Ok(select
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// What the list's next digest has waiting.
    pub async fn digest_backlog(self, list_id: &str) -> Result<DigestBacklog, StoreError> {
        let rows: Vec<(i64, DateTime<Utc>)> = list_post::Entity::find()
            .select_only()
            .column(list_post::Column::Size)
            .column(list_post::Column::PostedAt)
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(DigestBacklog {
            posts: rows.len() as u64,
            bytes: rows
                .iter()
                .map(|(s, _)| u64::try_from(*s).unwrap_or(0))
                .sum(),
            oldest: rows.iter().map(|(_, at)| *at).min(),
        })
    }

    /// The lists with posts waiting for a digest.
    pub async fn lists_with_backlog(self) -> Result<Vec<String>, StoreError> {
        Ok(list_post::Entity::find()
            .select_only()
            .column(list_post::Column::ListId)
            .filter(list_post::Column::DigestId.is_null())
            .group_by(list_post::Column::ListId)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Takes the posts waiting for the list's digest, oldest first, as digest
    /// `digest_id`: each post goes in one digest only, even with two takers at once
    /// (what another took is not returned).
    pub async fn take_backlog(
        self,
        list_id: &str,
        digest_id: &str,
    ) -> Result<Vec<ListPostRecord>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        list_post::Entity::update_many()
            .col_expr(list_post::Column::DigestId, Expr::value(digest_id))
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.is_null())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        Ok(list_post::Entity::find()
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.eq(digest_id))
            .order_by_asc(list_post::Column::PostedAt)
            .order_by_asc(list_post::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Gives the posts of digest `digest_id` back to the list's next digest (this one
    /// could not be sent).
    pub async fn release_backlog(self, list_id: &str, digest_id: &str) -> Result<(), StoreError> {
        list_post::Entity::update_many()
            .col_expr(
                list_post::Column::DigestId,
                Expr::value(Option::<String>::None),
            )
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.eq(digest_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// How many digests the list has sent.
    pub async fn digests_sent(self, list_id: &str) -> Result<u64, StoreError> {
        let ids: Vec<String> = list_post::Entity::find()
            .select_only()
            .column(list_post::Column::DigestId)
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.is_not_null())
            .filter(list_post::Column::DigestId.ne(""))
            .group_by(list_post::Column::DigestId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.len() as u64)
    }

    /// Forgets the list's posts a digest has sent (a list that keeps no archive keeps
    /// its posts only for its digests).
    pub async fn forget_digested(self, list_id: &str) -> Result<u64, StoreError> {
        Ok(list_post::Entity::delete_many()
            .filter(list_post::Column::ListId.eq(list_id))
            .filter(list_post::Column::DigestId.is_not_null())
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// Counts one more of `counter` on the list's day today.
    pub async fn count(self, list_id: &str, counter: DayCounter) -> Result<(), StoreError> {
        let column = match counter {
            DayCounter::Posts => list_day::Column::Posts,
            DayCounter::Joined => list_day::Column::Joined,
            DayCounter::Left => list_day::Column::Left,
            DayCounter::Bounces => list_day::Column::Bounces,
        };
        let one = |c: DayCounter| Set(i32::from(c == counter));
        list_day::Entity::insert(list_day::ActiveModel {
            list_id: Set(list_id.to_owned()),
            day: Set(Utc::now().date_naive().to_string()),
            posts: one(DayCounter::Posts),
            joined: one(DayCounter::Joined),
            left: one(DayCounter::Left),
            bounces: one(DayCounter::Bounces),
        })
        .on_conflict(
            OnConflict::columns([list_day::Column::ListId, list_day::Column::Day])
                .value(column, Expr::col((list_day::Entity, column)).add(1))
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    /// The list's counted days from `since` on, oldest first (days without anything
    /// counted are not there).
    pub async fn days(
        self,
        list_id: &str,
        since: NaiveDate,
    ) -> Result<Vec<ListDayRecord>, StoreError> {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        Ok(list_day::Entity::find()
            .filter(list_day::Column::ListId.eq(list_id))
            .filter(list_day::Column::Day.gte(since.to_string()))
            .order_by_asc(list_day::Column::Day)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(ListDayRecord {
                    day: m.day.parse().ok()?,
                    posts: n(m.posts),
                    joined: n(m.joined),
                    left: n(m.left),
                    bounces: n(m.bounces),
                })
            })
            .collect())
    }
}
