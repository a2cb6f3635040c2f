//! Searching an account's mail the way a person types it:
//! `from:bob subject:"q3 report" has:attachment after:2026-01-01 invoice`. [`Query::parse`]
//! turns the text into filters (a clear error, with the place, for anything else);
//! [`Searcher`] runs them over the account's mailboxes as the store's search conditions —
//! header filters on the stored summaries, words on the full-text index IMAP SEARCH uses,
//! flags, dates and sizes on the rows — newest first, a page of candidates at a time,
//! each checked here too (and, for messages the index has not reached yet, the words on
//! the raw message).

use chrono::{NaiveDate, NaiveTime};
use osprey_store::{
    MailboxRecord, MessageRecord, SearchAfter, SearchCondition, Store, StoreError, TextField,
    blob::BlobStore, flags,
};

/// One filter of a query; a message must pass all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    From(String),
    To(String),
    Subject(String),
    /// In the body.
    Body(String),
    /// Anywhere: the sender, recipients, subject or the text.
    Text(String),
    HasAttachment,
    Unread,
    Read,
    Flagged,
    /// Received before this day (UTC).
    Before(NaiveDate),
    /// Received on or after this day (UTC).
    After(NaiveDate),
    /// Larger than this many bytes.
    Larger(u64),
    Smaller(u64),
    /// In the mailbox of this name.
    In(String),
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub filters: Vec<Filter>,
}

/// What is wrong with a query, and where (in characters from its start).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

/// The longest query, in characters.
pub const MAX_QUERY: usize = 1_000;

const KEYS: &str = "from:, to:, subject:, body:, has:attachment, is:unread, is:read, \
                    is:flagged, before:, after:, larger:, smaller:, in:";

fn size(v: &str) -> Option<u64> {
    let v = v.trim().to_ascii_lowercase();
    let (digits, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v.as_str(), ""),
    };
    let n: u64 = digits.parse().ok()?;
    let factor = match unit {
        "" | "b" => 1,
        "k" | "kb" => 1024,
        "m" | "mb" => 1024 * 1024,
        "g" | "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(factor)
}

impl Query {
    /// Parses what a person typed: `key:value` filters (a value in double quotes may hold
    /// spaces) and words, which match anywhere.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() > MAX_QUERY {
            return Err(QueryError {
                position: MAX_QUERY,
                message: format!("a query has at most {MAX_QUERY} characters"),
            });
        }
        let mut filters = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            // A key: letters up to a colon, before any space or quote.
            let mut key = None;
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_alphabetic() {
                j += 1;
            }
            if j > i && j < chars.len() && chars[j] == ':' {
                key = Some(chars[i..j].iter().collect::<String>().to_ascii_lowercase());
                i = j + 1;
            }
            let value_at = i;
            let value = if i < chars.len() && chars[i] == '"' {
                let close = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '"')
                    .ok_or(QueryError {
                        position: i,
                        message: "a quote is not closed".into(),
                    })?;
                let v: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 2;
                v
            } else {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace())
                    .map_or(chars.len(), |e| i + e);
                let v: String = chars[i..end].iter().collect();
                i = end;
                v
            };
            let bad = |message: String| QueryError {
                position: value_at,
                message,
            };
            let Some(key) = key else {
                if !value.trim().is_empty() {
                    filters.push(Filter::Text(value));
                }
                continue;
            };
            if value.trim().is_empty() {
                return Err(QueryError {
                    position: start,
                    message: format!("{key}: needs a value"),
                });
            }
            let date = |v: &str| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| bad(format!("{key}: takes a date as YYYY-MM-DD, not {v}")))
            };
            let bytes = |v: &str| {
                size(v)
                    .ok_or_else(|| bad(format!("{key}: takes a size such as 500K or 2M, not {v}")))
            };
            filters.push(match key.as_str() {
                "from" => Filter::From(value),
                "to" => Filter::To(value),
                "subject" => Filter::Subject(value),
                "body" => Filter::Body(value),
                "in" => Filter::In(value),
                "before" => Filter::Before(date(&value)?),
                "after" => Filter::After(date(&value)?),
                "larger" => Filter::Larger(bytes(&value)?),
                "smaller" => Filter::Smaller(bytes(&value)?),
                "has" if value.eq_ignore_ascii_case("attachment") => Filter::HasAttachment,
                "is" if value.eq_ignore_ascii_case("unread") => Filter::Unread,
                "is" if value.eq_ignore_ascii_case("read") => Filter::Read,
                "is" if value.eq_ignore_ascii_case("flagged") => Filter::Flagged,
                "has" | "is" => {
                    return Err(bad(format!("{key}:{value} is not a filter; use {KEYS}")));
                }
                other => {
                    return Err(QueryError {
                        position: start,
                        message: format!("{other}: is not a filter; use {KEYS}"),
                    });
                }
            });
        }
        Ok(Query { filters })
    }
}

/// Searches an account's mail.
#[derive(Clone)]
pub struct Searcher {
    store: Store,
    blobs: std::sync::Arc<dyn BlobStore>,
    /// How many of the newest messages a search for words looks at first.
    recent: u64,
}

fn contains(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase()))
}

impl Searcher {
    pub fn new(store: Store, blobs: std::sync::Arc<dyn BlobStore>) -> Self {
        Self {
            store,
            blobs,
            recent: RECENT_WINDOW,
        }
    }

    /// Looks at the `n` newest messages first when searching for words (2,000 unless
    /// set; the answer is the same, only the way there differs).
    pub fn recent_window(mut self, n: u64) -> Self {
        self.recent = n;
        self
    }

    /// The messages of the account (in `mailbox_id`, or in every mailbox) that pass
    /// every filter, newest first, at most `limit`. An `in:` naming no mailbox of the
    /// account finds nothing.
    pub async fn search(
        &self,
        account_id: &str,
        query: &Query,
        mailbox_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut mailboxes: Vec<MailboxRecord> =
            self.store.mailboxes().of_account(account_id).await?;
        if let Some(id) = mailbox_id {
            mailboxes.retain(|m| m.id == id);
            if mailboxes.is_empty() {
                return Err(StoreError::NotFound);
            }
        }
        for f in &query.filters {
            if let Filter::In(name) = f {
                mailboxes.retain(|m| m.name.eq_ignore_ascii_case(name.trim_end_matches('/')));
            }
        }
        let ids: Vec<String> = mailboxes.into_iter().map(|m| m.id).collect();
        let words = query
            .filters
            .iter()
            .any(|f| matches!(f, Filter::Body(_) | Filter::Text(_)));
        // With every message's text indexed, words are looked up in the index alone
        // (no row is read for its sender or subject, none checked for a missing text).
        let indexed = words && !self.store.text_index().queued_in(&ids).await?;
        // Words: first among the newest messages only, each one's text looked at — a
        // common word fills the page there at once, where gathering all of its matches
        // from the index would take long; then, if that did not find enough, everywhere
        // through the index (quick for the rarer words that get there).
        if words
            && let Some(cutoff) = self
                .store
                .messages()
                .nth_newest_arrival(&ids, self.recent)
                .await?
        {
            let mut recent: Vec<SearchCondition> = query
                .filters
                .iter()
                .filter_map(|f| condition(f, true, indexed))
                .collect();
            recent.push(SearchCondition::ArrivedFrom(cutoff));
            let found = self.pages(&ids, query, &recent, limit).await?;
            if found.len() >= limit {
                return Ok(found);
            }
        }
        let conditions: Vec<SearchCondition> = query
            .filters
            .iter()
            .filter_map(|f| condition(f, false, indexed))
            .collect();
        self.pages(&ids, query, &conditions, limit).await
    }

    /// Up to `limit` messages of `ids` meeting `conditions` (and `query`, checked here),
    /// newest first: pages of candidates from the database, each row checked here as
    /// well (SQL lets through what it cannot decide exactly).
    async fn pages(
        &self,
        ids: &[String],
        query: &Query,
        conditions: &[SearchCondition],
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let page = (limit as u64).clamp(50, 500);
        let mut found = Vec::new();
        let mut after: Option<SearchAfter> = None;
        loop {
            let rows = self
                .store
                .messages()
                .search_page(ids, conditions, after.as_ref(), page)
                .await?;
            let Some(last) = rows.last() else { break };
            after = Some(SearchAfter {
                internal_date: last.internal_date,
                id: last.id.clone(),
            });
            let hashes: Vec<String> = rows.iter().map(|m| m.blob_hash.clone()).collect();
            let indexed = self.store.text_index().indexed_of(&hashes).await?;
            let full = rows.len() as u64 == page;
            for m in rows {
                if !query.filters.iter().all(|f| row_passes(f, &m)) {
                    continue;
                }
                if !indexed.contains(&m.blob_hash) && !self.unindexed_passes(query, &m).await? {
                    continue;
                }
                found.push(m);
                if found.len() >= limit {
                    return Ok(found);
                }
            }
            if !full {
                break;
            }
        }
        Ok(found)
    }

    /// A message the index has not reached: each word filter checked on its summary
    /// (sender, recipients, subject, for words anywhere) or its raw text.
    async fn unindexed_passes(&self, query: &Query, m: &MessageRecord) -> Result<bool, StoreError> {
        for f in &query.filters {
            let (needle, anywhere) = match f {
                Filter::Body(n) => (n, false),
                Filter::Text(n) => (n, true),
                _ => continue,
            };
            let summary_hit = anywhere
                && [
                    m.summary.from_addr.as_deref(),
                    m.summary.to_addrs.as_deref(),
                    m.summary.subject.as_deref(),
                ]
                .into_iter()
                .any(|h| contains(h, needle));
            if !summary_hit && !self.raw_has(m, needle).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the raw message contains `needle` (ASCII case-insensitive): for messages
    /// the index has not reached yet.
    async fn raw_has(&self, m: &MessageRecord, needle: &str) -> Result<bool, StoreError> {
        let raw = self.blobs.get(&m.blob_hash).await?;
        let text = String::from_utf8_lossy(&raw).to_lowercase();
        Ok(text.contains(&needle.to_lowercase()))
    }
}

/// How many of the newest messages a search for words looks at first, by default.
const RECENT_WINDOW: u64 = 2_000;

/// A filter as the store's search condition (`in:` is the choice of mailboxes); words
/// looked for in each row's text when `probe`, in the index alone when `indexed`.
fn condition(f: &Filter, probe: bool, indexed: bool) -> Option<SearchCondition> {
    let day = |d: &NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    Some(match f {
        Filter::From(n) => SearchCondition::FromContains(n.clone()),
        Filter::To(n) => SearchCondition::ToContains(n.clone()),
        Filter::Subject(n) => SearchCondition::SubjectContains(n.clone()),
        Filter::Body(n) => SearchCondition::Words {
            field: TextField::Body,
            needle: n.clone(),
            anywhere: false,
            probe,
            indexed,
        },
        Filter::Text(n) => SearchCondition::Words {
            field: TextField::Text,
            needle: n.clone(),
            anywhere: true,
            probe,
            indexed,
        },
        Filter::HasAttachment => SearchCondition::HasAttachment,
        Filter::Unread => SearchCondition::FlagsClear(flags::SEEN),
        Filter::Read => SearchCondition::FlagsSet(flags::SEEN),
        Filter::Flagged => SearchCondition::FlagsSet(flags::FLAGGED),
        Filter::Before(d) => SearchCondition::ArrivedBefore(day(d)),
        Filter::After(d) => SearchCondition::ArrivedFrom(day(d)),
        Filter::Larger(n) => SearchCondition::LargerThan(*n),
        Filter::Smaller(n) => SearchCondition::SmallerThan(*n),
        Filter::In(_) => return None,
    })
}

/// The filters a stored row answers by itself (the others pass here).
fn row_passes(f: &Filter, m: &MessageRecord) -> bool {
    let day = |d: &NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    match f {
        Filter::From(n) => contains(m.summary.from_addr.as_deref(), n),
        Filter::To(n) => contains(m.summary.to_addrs.as_deref(), n),
        Filter::Subject(n) => contains(m.summary.subject.as_deref(), n),
        Filter::HasAttachment => m.summary.has_attachments,
        Filter::Unread => m.flags & flags::SEEN == 0,
        Filter::Read => m.flags & flags::SEEN != 0,
        Filter::Flagged => m.flags & flags::FLAGGED != 0,
        Filter::Before(d) => m.internal_date < day(d),
        Filter::After(d) => m.internal_date >= day(d),
        Filter::Larger(n) => m.size > *n,
        Filter::Smaller(n) => m.size < *n,
        Filter::Body(_) | Filter::Text(_) | Filter::In(_) => true,
    }
}
