//! SORT and UID SORT, RFC 5256 §3: the messages a search finds, ordered by the sort
//! criteria with the store's summary columns (the Cc field from the message itself),
//! ties broken by sequence number.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use osprey_mail::message::subject_key;
use osprey_proto::imap::{Data, SearchKey, SortCriterion, SortKey};

use super::search::{Hit, header_values};
use crate::{
    op::{Completion, OpResult},
    session::Session,
};

/// What one message sorts by.
struct Row {
    id: u32,
    seq: u32,
    arrival: DateTime<Utc>,
    date: DateTime<Utc>,
    size: u64,
    subject: String,
    from: String,
    to: String,
    cc: String,
}

/// The `addr-mailbox` (local part) of the first address of an address list, ASCII
/// case folded, empty without one (RFC 5256 §3, FROM, TO and CC).
pub(crate) fn first_mailbox(list: &str) -> String {
    let first = match list.find('<') {
        Some(i) => list[i + 1..].split('>').next().unwrap_or_default(),
        None => list.split(',').next().unwrap_or_default(),
    };
    let addr = first.trim();
    let local = addr.rsplit_once('@').map_or(addr, |(l, _)| l);
    local.trim_matches('"').to_ascii_uppercase()
}

fn compare(a: &Row, b: &Row, criteria: &[SortCriterion]) -> Ordering {
    for c in criteria {
        let o = match c.key {
            SortKey::Arrival => a.arrival.cmp(&b.arrival),
            SortKey::Cc => a.cc.cmp(&b.cc),
            SortKey::Date => a.date.cmp(&b.date),
            SortKey::From => a.from.cmp(&b.from),
            SortKey::Size => a.size.cmp(&b.size),
            SortKey::Subject => a.subject.cmp(&b.subject),
            SortKey::To => a.to.cmp(&b.to),
        };
        let o = if c.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    // RFC 5256 §3: ties go by sequence number.
    a.seq.cmp(&b.seq)
}

impl Session {
    pub(crate) async fn sort(
        &mut self,
        uid: bool,
        criteria: &[SortCriterion],
        charset: &str,
        key: &SearchKey,
    ) -> OpResult {
        Self::check_charset(Some(charset))?;
        let hits = self.search_hits(key).await?;
        let with_cc = criteria.iter().any(|c| c.key == SortKey::Cc);
        let mut rows = Vec::with_capacity(hits.len());
        for h in hits {
            let cc = match (&h.record, with_cc) {
                (Some(r), true) => match self.server.blobs.get(&r.blob_hash).await {
                    Ok(raw) => first_mailbox(&String::from_utf8_lossy(&header_values(&raw, "Cc"))),
                    Err(_) => String::new(),
                },
                _ => String::new(),
            };
            rows.push(row(h, uid, cc));
        }
        rows.sort_by(|a, b| compare(a, b, criteria));
        self.data(Data::Sort(rows.into_iter().map(|r| r.id).collect()));
        Ok(Completion::ok(None, "SORT completed"))
    }
}

fn row(h: Hit, uid: bool, cc: String) -> Row {
    let id = if uid { h.uid } else { h.seq };
    let Some(r) = h.record else {
        return Row {
            id,
            seq: h.seq,
            arrival: DateTime::<Utc>::MIN_UTC,
            date: DateTime::<Utc>::MIN_UTC,
            size: 0,
            subject: String::new(),
            from: String::new(),
            to: String::new(),
            cc,
        };
    };
    let s = &r.summary;
    Row {
        id,
        seq: h.seq,
        arrival: r.internal_date,
        // RFC 5256 §2.2: the internal date stands in for a missing or bad Date.
        date: s.sent_date.unwrap_or(r.internal_date),
        size: r.size,
        subject: subject_key(s.subject.as_deref().unwrap_or_default()),
        from: first_mailbox(s.from_addr.as_deref().unwrap_or_default()),
        to: first_mailbox(s.to_addrs.as_deref().unwrap_or_default()),
        cc,
    }
}

#[cfg(test)]
mod tests {
    use super::first_mailbox;

    #[test]
    fn first_mailboxes() {
        assert_eq!(first_mailbox("ann@example.com, bob@example.com"), "ANN");
        assert_eq!(first_mailbox(" Bob <bob@x>, Ann <ann@x>"), "BOB");
        assert_eq!(first_mailbox("\"Zed\" <zed@x>"), "ZED");
        assert_eq!(first_mailbox(""), "");
    }
}
