//! Keyset pagination: a page is the rows after the cursor in key order.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, sea_query::ExprTrait};

use crate::StoreError;

/// A request for one page of a listing.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Keep rows whose key contains this text (case-insensitive).
    pub q: Option<String>,
    /// Most rows to return; 1 to 500.
    pub limit: u64,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only rows of these domains; `None` means every domain.
    pub domain_ids: Option<Vec<String>>,
}

/// One page of records and the cursor of the next page, if there is one.
#[derive(Debug, Clone)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl ListQuery {
    /// The decoded cursor: the key after which the page starts.
    pub(crate) fn after(&self) -> Result<Option<String>, StoreError> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }

    /// The search text, lower-cased, as a `LIKE` pattern with wildcards escaped.
    pub(crate) fn pattern(&self) -> Option<String> {
        let q = self.q.as_deref()?.trim().to_lowercase();
        if q.is_empty() {
            return None;
        }
        Some(super::like_anywhere(&q))
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit.clamp(1, 500)
    }
}

/// The order of a listing of domains or aliases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// By name (an alias's address).
    #[default]
    Key,
    /// The newest first (ties by name).
    Newest,
}

fn bad_cursor() -> StoreError {
    StoreError::Invalid("the cursor is not one this server issued".into())
}

/// The rows after `after`, the cursor of a newest-first page (ties by `key`): those made
/// before its time, and those made at it with a later key.
pub(crate) fn newest_after<C: ColumnTrait>(
    after: &str,
    created_at: C,
    key: C,
) -> Result<Condition, StoreError> {
    let (at, last) = after.split_once('\n').ok_or_else(bad_cursor)?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| bad_cursor())?
        .with_timezone(&Utc);
    Ok(Condition::any()
        .add(created_at.lt(at))
        .add(created_at.eq(at).and(key.gt(last))))
}

/// The key of a cursor of a page in key order: a cursor of another order (a sort value,
/// a line break, a key) is refused rather than read as a key.
pub(crate) fn plain_key(after: String) -> Result<String, StoreError> {
    if after.contains('\n') {
        Err(bad_cursor())
    } else {
        Ok(after)
    }
}

/// The cursor key of a row of a newest-first page: its creation time, in full, and key.
pub(crate) fn newest_key(created_at: &DateTime<Utc>, key: &str) -> String {
    format!(
        "{}\n{key}",
        created_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
    )
}

/// The key a cursor this server issued stands for.
pub(crate) fn decode_cursor(cursor: &str) -> Result<String, StoreError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| StoreError::Invalid("the cursor is not one this server issued".into()))
}

/// Cuts `rows` (fetched with one extra) to the page size and makes the next cursor from
/// the last row's key.
pub(crate) fn finish<T>(rows: Vec<T>, limit: u64, key: impl Fn(&T) -> &str) -> PageOf<T> {
    finish_by(rows, limit, |r| key(r).to_owned())
}

/// [`finish`] with a key made for the cursor (a sort value and the row's key, say).
pub(crate) fn finish_by<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> String) -> PageOf<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| URL_SAFE_NO_PAD.encode(key(r)))
    } else {
        None
    };
    PageOf {
        items: rows,
        next_cursor,
    }
}
