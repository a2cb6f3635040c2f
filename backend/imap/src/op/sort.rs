//! SORT and UID SORT, RFC 5256 §3: the messages a search finds, ordered by the sort
//! criteria with the store's summary columns (the address fields from the message's
//! envelope), ties broken by sequence number.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use osprey_mail::message::{Group, ParsedMessage, subject_key};
use osprey_proto::imap::{Data, SearchKey, SortCriterion, SortKey};

use super::search::Hit;
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

/// RFC 5256 §3: FROM, TO and CC sort by the "addr-mailbox of the first" address of
/// the field, ASCII case folded, empty without one. The first address is the envelope's
/// (RFC 9051 §7.5.2): for a field that starts with a group, the group's start, whose
/// mailbox name is the group's name.
pub(crate) fn first_mailbox(groups: &[Group]) -> String {
    let Some(first) = groups
        .iter()
        .find(|g| g.name.is_some() || !g.mailboxes.is_empty())
    else {
        return String::new();
    };
    let mailbox = match &first.name {
        Some(group) => group.as_str(),
        None => first.mailboxes[0].local.as_deref().unwrap_or_default(),
    };
    mailbox.to_ascii_uppercase()
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
        // The address keys read the envelope, groups included.
        let with_addresses = criteria
            .iter()
            .any(|c| matches!(c.key, SortKey::From | SortKey::To | SortKey::Cc));
        let mut rows = Vec::with_capacity(hits.len());
        for h in hits {
            let addresses = match (&h.record, with_addresses) {
                (Some(r), true) => match self.server.blobs.get(&r.blob_hash).await {
                    Ok(raw) => {
                        let parsed = ParsedMessage::parse(&raw);
                        let e = parsed.envelope();
                        [&e.from, &e.to, &e.cc].map(|g| first_mailbox(g))
                    }
                    Err(_) => Default::default(),
                },
                _ => Default::default(),
            };
            rows.push(row(h, uid, addresses));
        }
        rows.sort_by(|a, b| compare(a, b, criteria));
        self.data(Data::Sort(rows.into_iter().map(|r| r.id).collect()));
        Ok(Completion::ok(None, "SORT completed"))
    }
}

/// The sort row of a hit; `addresses` are the sort keys of From, To and Cc.
fn row(h: Hit, uid: bool, addresses: [String; 3]) -> Row {
    let [from, to, cc] = addresses;
    let id = if uid { h.uid } else { h.seq };
    let Some(r) = h.record else {
        return Row {
            id,
            seq: h.seq,
            arrival: DateTime::<Utc>::MIN_UTC,
            date: DateTime::<Utc>::MIN_UTC,
            size: 0,
            subject: String::new(),
            from,
            to,
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
        from,
        to,
        cc,
    }
}

#[cfg(test)]
mod tests {
    use osprey_mail::message::ParsedMessage;

    use super::first_mailbox;

    fn key(field: &str) -> String {
        let raw = format!("To: {field}\r\n\r\nbody\r\n");
        let parsed = ParsedMessage::parse(raw.as_bytes());
        first_mailbox(&parsed.envelope().to)
    }

    #[test]
    fn first_mailboxes() {
        assert_eq!(key("ann@example.com, bob@example.com"), "ANN");
        assert_eq!(key(" Bob <bob@x>, Ann <ann@x>"), "BOB");
        assert_eq!(key("\"Zed\" <zed@x>"), "ZED");
        assert_eq!(key("Team: ann@x, bob@x;"), "TEAM");
        assert_eq!(key("Nobody: ;"), "NOBODY");
        assert_eq!(first_mailbox(&[]), "");
    }
}
