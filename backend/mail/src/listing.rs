//! A mailbox's messages as the web app lists them: sorted on the server by arrival, the
//! Date field, sender, recipients, subject, size or flag, either way, a page at a time.
//! The cursor names the last row's sort value and UID, so the next page starts right
//! after it however much mail arrived or left in between; it is opaque to clients and
//! tied to its sort (a cursor of another sort is refused).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::DateTime;
use osprey_store::{MessageRecord, SortAfter, SortKey, SortValue, Store, StoreError, ThreadRow};

/// Why a listing was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("sort by received, sent, from, to, subject, size or flagged")]
    UnknownSort,
    #[error("the cursor is not one this listing gave")]
    BadCursor,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sort: the key, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// The key by its name in the API.
    pub fn parse(name: &str, descending: bool) -> Result<Sort, ListingError> {
        let key = match name {
            "received" | "date" => SortKey::Received,
            "sent" => SortKey::Sent,
            "from" => SortKey::From,
            "to" => SortKey::To,
            "subject" => SortKey::Subject,
            "size" => SortKey::Size,
            "flagged" => SortKey::Flagged,
            _ => return Err(ListingError::UnknownSort),
        };
        Ok(Sort { key, descending })
    }

    /// A letter per key and direction, written into cursors.
    fn tag(self) -> String {
        let key = match self.key {
            SortKey::Received => 'r',
            SortKey::Sent => 's',
            SortKey::From => 'f',
            SortKey::To => 't',
            SortKey::Subject => 'j',
            SortKey::Size => 'z',
            SortKey::Flagged => 'g',
        };
        format!("{key}{}", if self.descending { 'd' } else { 'a' })
    }
}

/// A page of a sorted listing.
#[derive(Debug, Clone)]
pub struct Page {
    pub messages: Vec<MessageRecord>,
    /// Where the next page starts; `None` on the last.
    pub next_cursor: Option<String>,
}

/// Up to `limit` messages of mailbox `mailbox_id` (already checked to be the caller's)
/// in `sort` order, after `cursor`.
pub async fn sorted(
    store: &Store,
    mailbox_id: &str,
    sort: Sort,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page, ListingError> {
    let after = cursor.map(|c| decode(&sort.tag(), c)).transpose()?;
    let mut messages = store
        .messages()
        .sorted_page(
            mailbox_id,
            sort.key,
            sort.descending,
            after.as_ref(),
            u64::from(limit) + 1,
        )
        .await?;
    let next_cursor = if messages.len() > limit as usize {
        messages.truncate(limit as usize);
        match messages.last() {
            // The end of this page: its last row's value, as the database computes it.
            Some(last) => Some(encode(
                &sort.tag(),
                &SortAfter {
                    value: store.messages().sort_value(&last.id, sort.key).await?,
                    uid: last.uid,
                },
            )),
            None => None,
        }
    } else {
        None
    };
    Ok(Page {
        messages,
        next_cursor,
    })
}

/// A page of a mailbox listed by conversation.
#[derive(Debug, Clone)]
pub struct ThreadPage {
    pub threads: Vec<ThreadRow>,
    /// Where the next page starts; `None` on the last.
    pub next_cursor: Option<String>,
}

/// Up to `limit` conversations of mailbox `mailbox_id` (already checked to be the
/// caller's), one row each, ordered by their newest message's arrival (latest first when
/// `descending`), after `cursor`.
pub async fn by_conversation(
    store: &Store,
    mailbox_id: &str,
    descending: bool,
    cursor: Option<&str>,
    limit: u32,
) -> Result<ThreadPage, ListingError> {
    let tag = if descending { "cd" } else { "ca" };
    let after = cursor.map(|c| decode(tag, c)).transpose()?;
    let mut threads = store
        .messages()
        .thread_page(mailbox_id, descending, after.as_ref(), u64::from(limit) + 1)
        .await?;
    let next_cursor = if threads.len() > limit as usize {
        threads.truncate(limit as usize);
        threads.last().map(|t| {
            encode(
                tag,
                &SortAfter {
                    value: SortValue::Time(t.newest.internal_date),
                    uid: t.newest.uid,
                },
            )
        })
    } else {
        None
    };
    Ok(ThreadPage {
        threads,
        next_cursor,
    })
}

/// The messages of conversation `thread_id` of account `account_id`, oldest first: those
/// outside Trash and Junk, or all of them when it has none elsewhere. `NotFound` when the
/// account has no such conversation.
pub async fn conversation(
    store: &Store,
    account_id: &str,
    thread_id: &str,
) -> Result<Vec<MessageRecord>, StoreError> {
    let messages = store.messages().conversation(account_id, thread_id).await?;
    if messages.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok(messages)
}

/// `<tag>.<uid>.<kind><value>`, base64url.
fn encode(tag: &str, at: &SortAfter) -> String {
    let value = match &at.value {
        SortValue::Text(s) => format!("t{s}"),
        SortValue::Number(n) => format!("n{n}"),
        SortValue::Time(t) => format!("d{}", t.timestamp_micros()),
    };
    URL_SAFE_NO_PAD.encode(format!("{tag}.{}.{value}", at.uid))
}

fn decode(tag_wanted: &str, cursor: &str) -> Result<SortAfter, ListingError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| ListingError::BadCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| ListingError::BadCursor)?;
    let mut parts = text.splitn(3, '.');
    let (Some(tag), Some(uid), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ListingError::BadCursor);
    };
    if tag != tag_wanted {
        return Err(ListingError::BadCursor);
    }
    let uid = uid.parse().map_err(|_| ListingError::BadCursor)?;
    let value = match value.split_at_checked(1) {
        Some(("t", s)) => SortValue::Text(s.to_owned()),
        Some(("n", n)) => SortValue::Number(n.parse().map_err(|_| ListingError::BadCursor)?),
        Some(("d", t)) => SortValue::Time(
            t.parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or(ListingError::BadCursor)?,
        ),
        _ => return Err(ListingError::BadCursor),
    };
    Ok(SortAfter { value, uid })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        let by_subject = Sort::parse("subject", true).unwrap();
        for value in [
            SortValue::Text("re: q3. report".into()),
            SortValue::Number(-3),
            SortValue::Time(DateTime::from_timestamp_micros(1_795_000_000_123_456).unwrap()),
        ] {
            let at = SortAfter { value, uid: 42 };
            let c = encode(&by_subject.tag(), &at);
            assert_eq!(decode(&by_subject.tag(), &c).unwrap(), at);
            assert!(matches!(
                decode(&Sort::parse("subject", false).unwrap().tag(), &c),
                Err(ListingError::BadCursor)
            ));
            assert!(matches!(decode("cd", &c), Err(ListingError::BadCursor)));
        }
        assert!(matches!(
            decode(&by_subject.tag(), "!!"),
            Err(ListingError::BadCursor)
        ));
        assert!(matches!(
            Sort::parse("colour", false),
            Err(ListingError::UnknownSort)
        ));
    }
}
