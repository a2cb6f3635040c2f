//! SORT and UID SORT, RFC 5256 §3: the messages a search finds, ordered by the sort
//! criteria with the store's summary columns (the address fields from the message's
//! envelope), ties broken by sequence number. DISPLAYFROM and DISPLAYTO (SORT=DISPLAY,
//! RFC 5957 §3); `SORT RETURN (...)` answers with ESEARCH (ESORT, RFC 5267 §3).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use osprey_mail::message::{Group, ParsedMessage, subject_key};
use osprey_proto::imap::{
    Data, ESearch, SearchKey, SearchReturn, SequenceSet, SortCriterion, SortKey, Tag,
};

use super::search::{Hit, partial_of, without_context_options};
use crate::{
    op::{Completion, OpResult, context::ContextOrder},
    session::Session,
};

/// What one message sorts by.
pub(crate) struct Row {
    id: u32,
    pub(crate) uid: u32,
    arrival: DateTime<Utc>,
    date: DateTime<Utc>,
    size: u64,
    subject: String,
    addresses: AddressKeys,
}

/// The sort keys the address fields give (from the envelope).
#[derive(Default)]
struct AddressKeys {
    from: String,
    to: String,
    cc: String,
    display_from: String,
    display_to: String,
}

impl AddressKeys {
    fn of(raw: &[u8]) -> Self {
        let parsed = ParsedMessage::parse(raw);
        let e = parsed.envelope();
        AddressKeys {
            from: first_mailbox(&e.from),
            to: first_mailbox(&e.to),
            cc: first_mailbox(&e.cc),
            display_from: display(&e.from),
            display_to: display(&e.to),
        }
    }
}

/// RFC 5957 §3: DISPLAYFROM and DISPLAYTO sort by the display name of the first address
/// (encoded words decoded), or, without one, by the address (`mailbox@host`); a group
/// displays as its name. Compared case-insensitively.
pub(crate) fn display(groups: &[Group]) -> String {
    let Some(first) = groups
        .iter()
        .find(|g| g.name.is_some() || !g.mailboxes.is_empty())
    else {
        return String::new();
    };
    let shown = match (&first.name, first.mailboxes.first()) {
        (Some(group), _) => group.clone(),
        (None, Some(m)) => match m.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => match &m.domain {
                Some(d) => format!("{}@{d}", m.local.as_deref().unwrap_or_default()),
                None => m.local.clone().unwrap_or_default(),
            },
        },
        (None, None) => String::new(),
    };
    shown.to_lowercase()
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

pub(crate) fn compare(a: &Row, b: &Row, criteria: &[SortCriterion]) -> Ordering {
    for c in criteria {
        let o = match c.key {
            SortKey::Arrival => a.arrival.cmp(&b.arrival),
            SortKey::Cc => a.addresses.cc.cmp(&b.addresses.cc),
            SortKey::Date => a.date.cmp(&b.date),
            SortKey::From => a.addresses.from.cmp(&b.addresses.from),
            SortKey::Size => a.size.cmp(&b.size),
            SortKey::Subject => a.subject.cmp(&b.subject),
            SortKey::To => a.addresses.to.cmp(&b.addresses.to),
            SortKey::DisplayFrom => a.addresses.display_from.cmp(&b.addresses.display_from),
            SortKey::DisplayTo => a.addresses.display_to.cmp(&b.addresses.display_to),
        };
        let o = if c.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    // RFC 5256 §3: ties go by sequence number, which is UID order (and stays so when
    // the numbers change: a context keeps its rows, `op/context.rs`).
    a.uid.cmp(&b.uid)
}

impl Session {
    pub(crate) async fn sort(
        &mut self,
        tag: &Tag,
        uid: bool,
        returns: Option<&[SearchReturn]>,
        criteria: &[SortCriterion],
        charset: &str,
        key: &SearchKey,
    ) -> OpResult {
        // RFC 5267 §4.3: UPDATE with a tag in use by another context is BAD.
        let update = returns.is_some_and(|r| r.contains(&SearchReturn::Update));
        if update {
            self.check_context_tag(tag)?;
        }
        let returns = returns.map(|r| without_context_options(r.to_vec()));
        Self::check_charset(Some(charset))?;
        let hits = self.search_hits(key).await?;
        let mut rows = self.sort_rows(hits, uid, criteria).await;
        rows.sort_by(|a, b| compare(a, b, criteria));
        match returns.as_deref() {
            None => self.data(Data::Sort(rows.iter().map(|r| r.id).collect())),
            Some(returns) => {
                if returns.contains(&SearchReturn::Save) {
                    // RFC 5182 §2.1 with RFC 5267: `$` is the set the SORT found.
                    self.selected().saved = rows.iter().map(|r| r.uid).collect();
                    self.selected().saved.sort_unstable();
                }
                let ids: Vec<u32> = rows.iter().map(|r| r.id).collect();
                if returns != [SearchReturn::Save] {
                    self.data(Data::ESearch(esort(tag, uid, returns, &ids)));
                }
            }
        }
        if update {
            let order = ContextOrder::Sorted {
                criteria: criteria.to_vec(),
                rows,
            };
            self.open_context(tag, uid, key, order);
            return Ok(Completion::ok(None, "SORT completed, updates follow"));
        }
        Ok(Completion::ok(None, "SORT completed"))
    }

    /// The sort rows of `hits`, unsorted; the address keys are read from the messages
    /// only when `criteria` use them.
    pub(crate) async fn sort_rows(
        &self,
        hits: Vec<Hit>,
        uid: bool,
        criteria: &[SortCriterion],
    ) -> Vec<Row> {
        // The address keys read the envelope, groups included.
        let with_addresses = criteria.iter().any(|c| {
            matches!(
                c.key,
                SortKey::From
                    | SortKey::To
                    | SortKey::Cc
                    | SortKey::DisplayFrom
                    | SortKey::DisplayTo
            )
        });
        let mut rows = Vec::with_capacity(hits.len());
        for h in hits {
            let addresses = match (&h.record, with_addresses) {
                (Some(r), true) => match self.server.blobs.get(&r.blob_hash).await {
                    Ok(raw) => AddressKeys::of(&raw),
                    Err(_) => AddressKeys::default(),
                },
                _ => AddressKeys::default(),
            };
            rows.push(row(h, uid, addresses));
        }
        rows
    }
}

/// ESORT's answer, RFC 5267 §3.1: like ESEARCH's (`RETURN ()` is ALL), but in sort
/// order: "MIN Return the message number/UID of the lowest sorted message", MAX of the
/// highest sorted, ALL "in the requested sort order" (as a sequence set whose runs go
/// up only), COUNT.
fn esort(tag: &Tag, uid: bool, returns: &[SearchReturn], ids: &[u32]) -> ESearch {
    let has = |r| returns.contains(&r);
    let all = returns.is_empty() || has(SearchReturn::All);
    ESearch {
        tag: Some(tag.clone()),
        uid,
        min: has(SearchReturn::Min)
            .then(|| ids.first().copied())
            .flatten(),
        max: has(SearchReturn::Max)
            .then(|| ids.last().copied())
            .flatten(),
        all: (all && !ids.is_empty()).then(|| SequenceSet::from_numbers(ids)),
        count: has(SearchReturn::Count).then_some(ids.len() as u32),
        partial: partial_of(returns, ids),
        ..ESearch::default()
    }
}

/// The sort row of a hit.
fn row(h: Hit, uid: bool, addresses: AddressKeys) -> Row {
    let id = if uid { h.uid } else { h.seq };
    let Some(r) = h.record else {
        return Row {
            id,
            uid: h.uid,
            arrival: DateTime::<Utc>::MIN_UTC,
            date: DateTime::<Utc>::MIN_UTC,
            size: 0,
            subject: String::new(),
            addresses,
        };
    };
    let s = &r.summary;
    Row {
        id,
        uid: h.uid,
        arrival: r.internal_date,
        // RFC 5256 §2.2: the internal date stands in for a missing or bad Date.
        date: s.sent_date.unwrap_or(r.internal_date),
        size: r.size,
        subject: subject_key(s.subject.as_deref().unwrap_or_default()),
        addresses,
    }
}

#[cfg(test)]
mod tests {
    use osprey_mail::message::ParsedMessage;

    use super::{display, first_mailbox};

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

    fn shown(field: &str) -> String {
        let raw = format!("To: {field}\r\n\r\nbody\r\n");
        let parsed = ParsedMessage::parse(raw.as_bytes());
        display(&parsed.envelope().to)
    }

    #[test]
    fn display_names() {
        assert_eq!(shown("Bob Smith <bob@x.example>, ann@y"), "bob smith");
        assert_eq!(shown("ann@y.example"), "ann@y.example");
        assert_eq!(shown("=?utf-8?q?J=C3=B6rg?= <j@x>"), "j\u{f6}rg");
        assert_eq!(shown("Team: a@b;"), "team");
        assert_eq!(display(&[]), "");
    }
}
