//! SEARCH and UID SEARCH, RFC 9051 §6.4.4: flags, sets, sizes, dates and the subject
//! from the store's summary columns; BODY and TEXT through the store's full-text index
//! (a substring of the decoded, case-folded text); FROM, TO, CC and BCC in the address
//! fields as the envelope renders them (every address, display names and group names,
//! encoded words decoded); header fields, and BODY and TEXT for messages the index has
//! not reached yet, from the raw message (substring, ASCII case-insensitive, not
//! decoded).
//! ESEARCH answers for rev2 clients and RETURN (§7.3.4), SEARCH for rev1 (RFC 3501).
//! The MODSEQ key (RFC 7162 §3.1.5) adds the highest MODSEQ of the answer. RETURN
//! (SAVE) keeps the result for `$` (RFC 5182), which search keys may name too.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use osprey_mail::message::{Group, ParsedMessage, fields_end, split_header, written_day};
use osprey_proto::imap::{Code, Data, Date, ESearch, SearchKey, SearchReturn, SequenceSet, Tag};
use osprey_store::{MessageRecord, Store, StoreError, TextField, flags};

use crate::{
    op::{Completion, OpResult, context::ContextOrder},
    session::Session,
};

/// The address fields of a message as its envelope renders them (RFC 9051 §7.5.2):
/// what FROM, TO, CC and BCC search.
#[derive(Default)]
struct AddressText {
    from: String,
    to: String,
    cc: String,
    bcc: String,
}

impl AddressText {
    /// RFC 3501 §6.4.4: FROM and its kin match "messages that contain the specified
    /// string in the envelope structure's FROM field": every address of the field, its
    /// display name, and the names of its groups, as `Name <local@domain>` and
    /// `Group: ...;`.
    fn of(raw: &[u8]) -> Self {
        let parsed = ParsedMessage::parse(raw);
        let e = parsed.envelope();
        AddressText {
            from: render(&e.from),
            to: render(&e.to),
            cc: render(&e.cc),
            bcc: render(&e.bcc),
        }
    }
}

/// An address field as text: `Name <local@domain>, Group: Name <a@b>;`.
fn render(groups: &[Group]) -> String {
    let mut out = String::new();
    for g in groups {
        if let Some(name) = &g.name {
            out.push_str(name);
            out.push_str(": ");
        }
        for (i, m) in g.mailboxes.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if let Some(name) = &m.name {
                out.push_str(name);
                out.push(' ');
            }
            out.push('<');
            out.push_str(m.local.as_deref().unwrap_or_default());
            if let Some(d) = &m.domain {
                out.push('@');
                out.push_str(d);
            }
            out.push('>');
        }
        if g.name.is_some() {
            out.push(';');
        }
        out.push_str(", ");
    }
    out
}

/// One candidate message.
struct Candidate<'a> {
    seq: u32,
    uid: u32,
    flags: u64,
    keywords: &'a [String],
    modseq: u64,
    /// `\Recent` to this session (RFC 3501 §2.3.2).
    recent: bool,
    record: Option<&'a MessageRecord>,
    blob_hash: &'a str,
    raw: Option<&'a [u8]>,
    /// The address fields, when a key needs them.
    addresses: Option<&'a AddressText>,
}

/// What the full-text index answered for the BODY and TEXT keys of one search.
#[derive(Default)]
struct TextMatches {
    /// Per key (field and needle): the blobs whose indexed text contains the needle.
    found: Vec<(TextField, Vec<u8>, HashSet<String>)>,
    /// Blobs of the mailbox the index has not reached yet: their raw bytes are searched.
    unindexed: HashSet<String>,
}

impl TextMatches {
    /// Asks the store about every BODY and TEXT key of `key`.
    async fn find(store: &Store, mailbox_id: &str, key: &SearchKey) -> Result<Self, StoreError> {
        let mut keys = Vec::new();
        text_keys(key, &mut keys);
        let mut out = TextMatches::default();
        if keys.is_empty() {
            return Ok(out);
        }
        // Unindexed first: a blob indexed in between is then searched raw, never missed.
        out.unindexed = store.text_index().unindexed_blobs(mailbox_id).await?;
        for (field, needle) in keys {
            if out.get(field, needle).is_none() {
                let blobs = store
                    .text_index()
                    .search_text(mailbox_id, field, needle)
                    .await?;
                out.found.push((field, needle.to_vec(), blobs));
            }
        }
        Ok(out)
    }

    /// Whether the index has `needle` in `field` of `blob`; `None` if it has not reached
    /// the blob yet.
    fn lookup(&self, field: TextField, needle: &[u8], blob: &str) -> Option<bool> {
        if self.unindexed.contains(blob) {
            return None;
        }
        Some(self.get(field, needle).is_some_and(|f| f.contains(blob)))
    }

    fn get(&self, field: TextField, needle: &[u8]) -> Option<&HashSet<String>> {
        self.found
            .iter()
            .find(|(f, n, _)| *f == field && n == needle)
            .map(|(_, _, blobs)| blobs)
    }
}

/// The BODY and TEXT keys in `k`.
fn text_keys<'k>(k: &'k SearchKey, out: &mut Vec<(TextField, &'k [u8])>) {
    match k {
        SearchKey::Body(s) => out.push((TextField::Body, s)),
        SearchKey::Text(s) => out.push((TextField::Text, s)),
        SearchKey::And(ks) => ks.iter().for_each(|k| text_keys(k, out)),
        SearchKey::Not(k) => text_keys(k, out),
        SearchKey::Or(a, b) => {
            text_keys(a, out);
            text_keys(b, out);
        }
        _ => {}
    }
}

/// The dates of the SENTBEFORE, SENTON and SENTSINCE keys of `k`.
fn sent_keys(k: &SearchKey, out: &mut Vec<NaiveDate>) {
    match k {
        SearchKey::SentBefore(d) | SearchKey::SentOn(d) | SearchKey::SentSince(d) => {
            out.extend(day(d));
        }
        SearchKey::And(ks) => ks.iter().for_each(|k| sent_keys(k, out)),
        SearchKey::Not(k) => sent_keys(k, out),
        SearchKey::Or(a, b) => {
            sent_keys(a, out);
            sent_keys(b, out);
        }
        _ => {}
    }
}

/// Whether the sent date needs the Date field itself for these keys. The SENT* keys
/// compare the date as written, its time and zone disregarded (RFC 9051 §6.4.4); the
/// store keeps it in UTC, a day off at most (zones span less than ±24 h). Two days or
/// more from every key's date, the UTC date answers alike; nearer, only the field does.
fn needs_written_date(sent_utc: Option<&DateTime<Utc>>, keys: &[NaiveDate]) -> bool {
    sent_utc.is_some_and(|t| {
        let utc = t.date_naive();
        keys.iter().any(|d| (utc - *d).num_days().abs() <= 1)
    })
}

struct Bounds {
    max_seq: u32,
    max_uid: u32,
    /// The UIDs `$` names (RFC 5182 §2.2).
    saved: Vec<u32>,
}

/// Whether `k` reads the raw message of every candidate (BODY and TEXT read it only
/// for messages the index has not reached).
fn needs_raw(k: &SearchKey) -> bool {
    match k {
        SearchKey::Header(..) => true,
        SearchKey::And(ks) => ks.iter().any(needs_raw),
        SearchKey::Not(k) => needs_raw(k),
        SearchKey::Or(a, b) => needs_raw(a) || needs_raw(b),
        _ => needs_addresses(k),
    }
}

/// Whether `k` searches the address fields.
fn needs_addresses(k: &SearchKey) -> bool {
    match k {
        SearchKey::From(_) | SearchKey::To(_) | SearchKey::Cc(_) | SearchKey::Bcc(_) => true,
        SearchKey::And(ks) => ks.iter().any(needs_addresses),
        SearchKey::Not(k) => needs_addresses(k),
        SearchKey::Or(a, b) => needs_addresses(a) || needs_addresses(b),
        _ => false,
    }
}

fn has_modseq(k: &SearchKey) -> bool {
    match k {
        SearchKey::ModSeq { .. } => true,
        SearchKey::And(ks) => ks.iter().any(has_modseq),
        SearchKey::Not(k) => has_modseq(k),
        SearchKey::Or(a, b) => has_modseq(a) || has_modseq(b),
        _ => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let h = haystack.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    h.windows(n.len()).any(|w| w == n)
}

fn text_has(field: Option<&str>, needle: &[u8]) -> bool {
    field.is_some_and(|f| {
        let lower = f.to_lowercase();
        let n = String::from_utf8_lossy(needle).to_lowercase();
        lower.contains(&n)
    })
}

fn day(d: &Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

fn date_cmp(t: Option<&DateTime<Utc>>, d: &Date) -> Option<std::cmp::Ordering> {
    Some(t?.date_naive().cmp(&day(d)?))
}

/// The header fields called `name` of the raw message, values only.
pub(crate) fn header_values(raw: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut keep = false;
    for line in raw[..fields_end(raw)].split_inclusive(|&b| b == b'\n') {
        if !matches!(line.first(), Some(b' ' | b'\t')) {
            let mut kv = line.splitn(2, |&b| b == b':');
            let n = kv.next().unwrap_or_default();
            keep = String::from_utf8_lossy(n).trim().eq_ignore_ascii_case(name);
            if keep {
                out.extend_from_slice(kv.next().unwrap_or_default());
            }
        } else if keep {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The message's sent date against `d`: the Date field as written when the raw message
/// was read for it (see [`needs_written_date`]), else the stored UTC date.
fn sent_cmp(c: &Candidate<'_>, d: &Date) -> Option<std::cmp::Ordering> {
    let written = c.raw.and_then(written_day);
    match written {
        Some(w) => Some(w.cmp(&day(d)?)),
        None => date_cmp(c.record.and_then(|r| r.summary.sent_date.as_ref()), d),
    }
}

fn matches(k: &SearchKey, c: &Candidate<'_>, b: &Bounds, t: &TextMatches) -> bool {
    use std::cmp::Ordering::*;
    let flag = |bit: u64| c.flags & bit != 0;
    let rec = c.record;
    let summary = rec.map(|r| &r.summary);
    let raw = c.raw.unwrap_or_default();
    match k {
        SearchKey::And(ks) => ks.iter().all(|k| matches(k, c, b, t)),
        SearchKey::All => true,
        // RFC 3501 §6.4.4: RECENT "Messages that have the \Recent flag set", NEW
        // "Messages that have the \Recent flag set but not the \Seen flag", OLD
        // "Messages that do not have the \Recent flag set". IMAP4rev2 sessions never
        // have it.
        SearchKey::Recent => c.recent,
        SearchKey::New => c.recent && !flag(flags::SEEN),
        SearchKey::Old => !c.recent,
        SearchKey::Not(k) => !matches(k, c, b, t),
        SearchKey::Or(x, y) => matches(x, c, b, t) || matches(y, c, b, t),
        SearchKey::Answered => flag(flags::ANSWERED),
        SearchKey::Deleted => flag(flags::DELETED),
        SearchKey::Draft => flag(flags::DRAFT),
        SearchKey::Flagged => flag(flags::FLAGGED),
        SearchKey::Seen => flag(flags::SEEN),
        SearchKey::Unanswered => !flag(flags::ANSWERED),
        SearchKey::Undeleted => !flag(flags::DELETED),
        SearchKey::Undraft => !flag(flags::DRAFT),
        SearchKey::Unflagged => !flag(flags::FLAGGED),
        SearchKey::Unseen => !flag(flags::SEEN),
        SearchKey::Keyword(kw) => c.keywords.iter().any(|x| x.eq_ignore_ascii_case(kw)),
        SearchKey::Unkeyword(kw) => !c.keywords.iter().any(|x| x.eq_ignore_ascii_case(kw)),
        SearchKey::Uid(SequenceSet::Saved) | SearchKey::SequenceSet(SequenceSet::Saved) => {
            b.saved.contains(&c.uid)
        }
        SearchKey::Uid(set) => set.contains(c.uid, b.max_uid),
        SearchKey::SequenceSet(set) => set.contains(c.seq, b.max_seq),
        SearchKey::Larger(n) => rec.is_some_and(|r| r.size > *n),
        SearchKey::Smaller(n) => rec.is_some_and(|r| r.size < *n),
        SearchKey::From(s) => text_has(c.addresses.map(|a| a.from.as_str()), s),
        SearchKey::To(s) => text_has(c.addresses.map(|a| a.to.as_str()), s),
        SearchKey::Cc(s) => text_has(c.addresses.map(|a| a.cc.as_str()), s),
        SearchKey::Bcc(s) => text_has(c.addresses.map(|a| a.bcc.as_str()), s),
        SearchKey::Subject(s) => text_has(summary.and_then(|s| s.subject.as_deref()), s),
        SearchKey::Header(name, s) => {
            let v = header_values(raw, name);
            contains(&v, s) && (!v.is_empty() || raw_has_field(raw, name))
        }
        SearchKey::Body(s) => t
            .lookup(TextField::Body, s, c.blob_hash)
            .unwrap_or_else(|| contains(split_header(raw).1, s)),
        SearchKey::Text(s) => t
            .lookup(TextField::Text, s, c.blob_hash)
            .unwrap_or_else(|| contains(raw, s)),
        SearchKey::Since(d) => {
            date_cmp(rec.map(|r| &r.internal_date), d).is_some_and(|o| o != Less)
        }
        SearchKey::Before(d) => date_cmp(rec.map(|r| &r.internal_date), d) == Some(Less),
        SearchKey::On(d) => date_cmp(rec.map(|r| &r.internal_date), d) == Some(Equal),
        SearchKey::SentSince(d) => sent_cmp(c, d).is_some_and(|o| o != Less),
        SearchKey::SentBefore(d) => sent_cmp(c, d) == Some(Less),
        SearchKey::SentOn(d) => sent_cmp(c, d) == Some(Equal),
        // RFC 7162 §3.1.5: at or above the given value. Per-flag entries are not kept,
        // so every entry name reads as the message's MODSEQ.
        SearchKey::ModSeq { modseq, .. } => c.modseq >= *modseq,
    }
}

/// What `SEARCH RETURN (SAVE ...)` keeps, from the UIDs found in sequence order: all
/// of them, unless MIN or MAX come without ALL or COUNT, when only the messages those
/// return (RFC 5182 §2.4).
fn saved_result(returns: &[SearchReturn], found: &[u32]) -> Vec<u32> {
    let has = |r| returns.contains(&r);
    if has(SearchReturn::All)
        || has(SearchReturn::Count)
        || !(has(SearchReturn::Min) || has(SearchReturn::Max))
    {
        return found.to_vec();
    }
    let mut out = Vec::new();
    if has(SearchReturn::Min) {
        out.extend(found.first());
    }
    if has(SearchReturn::Max) {
        out.extend(
            found
                .last()
                .filter(|l| Some(*l) != found.first() || out.is_empty()),
        );
    }
    out
}

fn raw_has_field(raw: &[u8], name: &str) -> bool {
    raw[..fields_end(raw)].split(|&b| b == b'\n').any(|l| {
        let n = l.split(|&b| b == b':').next().unwrap_or_default();
        l.contains(&b':') && String::from_utf8_lossy(n).trim().eq_ignore_ascii_case(name)
    })
}

/// A message that matched, in sequence order.
pub(crate) struct Hit {
    pub seq: u32,
    pub uid: u32,
    pub modseq: u64,
    pub record: Option<MessageRecord>,
}

impl Session {
    /// `Ok` if `charset` is one the search keys can be read in; `NO [BADCHARSET]` if
    /// not (RFC 9051 §6.4.4).
    pub(crate) fn check_charset(charset: Option<&str>) -> Result<(), Completion> {
        if let Some(cs) = charset
            && !cs.eq_ignore_ascii_case("UTF-8")
            && !cs.eq_ignore_ascii_case("US-ASCII")
        {
            let code = Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()]);
            return Err(Completion::no(Some(code), "unsupported charset"));
        }
        Ok(())
    }

    /// The messages of the selected mailbox that `key` matches, in sequence order;
    /// or the store's failure. Shared by SEARCH, SORT and THREAD.
    pub(crate) async fn search_hits(&mut self, key: &SearchKey) -> Result<Vec<Hit>, Completion> {
        self.search_among(key, None).await
    }

    /// Like [`Session::search_hits`], looking only at the messages whose UIDs are in
    /// `only` when it is given (a context's update, `op/context.rs`).
    pub(crate) async fn search_among(
        &mut self,
        key: &SearchKey,
        only: Option<&HashSet<u32>>,
    ) -> Result<Vec<Hit>, Completion> {
        let wanted = |uid: u32| only.is_none_or(|o| o.contains(&uid));
        let store = self.server.store.clone();
        let blobs = self.server.blobs.clone();
        let mailbox_id = self.selected().mailbox.id.clone();
        let records = match store.messages().in_mailbox(&mailbox_id).await {
            Ok(r) => r,
            Err(e) => return Err(Completion::store_failed(&e)),
        };
        let text = match TextMatches::find(&store, &mailbox_id, key).await {
            Ok(t) => t,
            Err(e) => return Err(Completion::store_failed(&e)),
        };
        let view = self.selected();
        let by_uid: HashMap<u32, &MessageRecord> = records.iter().map(|r| (r.uid, r)).collect();
        let mut raws: HashMap<u32, Vec<u8>> = HashMap::new();
        let all_raw = needs_raw(key);
        let mut sent_dates = Vec::new();
        sent_keys(key, &mut sent_dates);
        for m in view.msgs.iter().filter(|m| !m.expunged && wanted(m.uid)) {
            let sent = by_uid
                .get(&m.uid)
                .and_then(|r| r.summary.sent_date.as_ref());
            if (all_raw
                || text.unindexed.contains(&m.blob_hash)
                || needs_written_date(sent, &sent_dates))
                && let Ok(raw) = blobs.get(&m.blob_hash).await
            {
                raws.insert(m.uid, raw);
            }
        }
        let addresses: HashMap<u32, AddressText> = if needs_addresses(key) {
            raws.iter()
                .map(|(&uid, raw)| (uid, AddressText::of(raw)))
                .collect()
        } else {
            HashMap::new()
        };
        let bounds = Bounds {
            max_seq: view.exists(),
            max_uid: view.msgs.last().map_or(0, |m| m.uid),
            saved: view.saved.clone(),
        };
        let mut hits = Vec::new();
        for (i, m) in view
            .msgs
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.expunged && wanted(m.uid))
        {
            let c = Candidate {
                seq: i as u32 + 1,
                uid: m.uid,
                flags: m.flags,
                keywords: &m.keywords,
                modseq: m.modseq,
                recent: m.recent,
                record: by_uid.get(&m.uid).copied(),
                blob_hash: &m.blob_hash,
                raw: raws.get(&m.uid).map(Vec::as_slice),
                addresses: addresses.get(&m.uid),
            };
            if matches(key, &c, &bounds, &text) {
                hits.push(Hit {
                    seq: c.seq,
                    uid: m.uid,
                    modseq: m.modseq,
                    record: c.record.cloned(),
                });
            }
        }
        Ok(hits)
    }

    pub(crate) async fn search(
        &mut self,
        tag: &Tag,
        uid: bool,
        charset: Option<&str>,
        returns: Option<Vec<SearchReturn>>,
        key: &SearchKey,
    ) -> OpResult {
        // RFC 5267 §4.3: UPDATE with a tag in use by another context is BAD, before
        // anything changes.
        let update = returns
            .as_ref()
            .is_some_and(|r| r.contains(&SearchReturn::Update));
        if update {
            self.check_context_tag(tag)?;
        }
        // CONTEXT and UPDATE do not change the answer (RFC 5267 §4.1: "no interaction"
        // with the other return options).
        let returns = returns.map(without_context_options);
        let save = returns
            .as_ref()
            .is_some_and(|r| r.contains(&SearchReturn::Save));
        if save {
            // RFC 5182 §2.1: a failed SEARCH with SAVE leaves `$` empty.
            self.selected().saved.clear();
        }
        // RFC 6855 §3: after ENABLE UTF8=ACCEPT the client must not name a charset; the
        // server should answer BAD (the labels would conflict).
        if self.utf8_accept && charset.is_some() {
            return Err(Completion::bad(None, "no CHARSET after ENABLE UTF8=ACCEPT"));
        }
        Self::check_charset(charset)?;
        // RFC 7162 §3.1: a search by MODSEQ enables CONDSTORE.
        let by_modseq = has_modseq(key);
        if by_modseq {
            self.enable_condstore();
        }
        let hits = self.search_hits(key).await?;
        let found: Vec<(u32, u64)> = hits
            .iter()
            .map(|h| (if uid { h.uid } else { h.seq }, h.modseq))
            .collect();
        let found_uids: Vec<u32> = hits.iter().map(|h| h.uid).collect();
        if let Some(r) = returns.as_ref().filter(|_| save) {
            self.selected().saved = saved_result(r, &found_uids);
        }
        // RFC 7162 §3.1.5: the highest MODSEQ of the messages found, none if none.
        let highest =
            |f: &[(u32, u64)]| by_modseq.then(|| f.iter().map(|&(_, m)| m).max()).flatten();
        match returns {
            // RFC 5182 §2.1: SAVE alone answers with no ESEARCH.
            Some(r) if r == [SearchReturn::Save] => {}
            // RFC 9051 §6.4.4: a rev2 client always gets ESEARCH.
            Some(r) => self.esearch(tag, uid, &r, &found, by_modseq),
            None if self.rev2 => self.esearch(tag, uid, &[], &found, by_modseq),
            None => {
                let modseq = highest(&found);
                self.data(Data::Search {
                    ids: found.into_iter().map(|(n, _)| n).collect(),
                    modseq,
                })
            }
        }
        if update {
            self.open_context(tag, uid, key, ContextOrder::Mailbox(found_uids));
            return Ok(Completion::ok(None, "SEARCH completed, updates follow"));
        }
        Ok(Completion::ok(None, "SEARCH completed"))
    }

    /// ESEARCH, RFC 9051 §7.3.4; `RETURN ()` means ALL. With a MODSEQ key, the highest
    /// MODSEQ of the messages returned: of MIN and MAX alone if only they are asked
    /// for (RFC 7162 §3.1.5).
    fn esearch(
        &mut self,
        tag: &Tag,
        uid: bool,
        returns: &[SearchReturn],
        with_modseq: &[(u32, u64)],
        by_modseq: bool,
    ) {
        let found: Vec<u32> = with_modseq.iter().map(|&(n, _)| n).collect();
        let found = found.as_slice();
        let all = returns.is_empty() || returns.contains(&SearchReturn::All);
        let whole = all || returns.contains(&SearchReturn::Count);
        let min = found.iter().min().copied();
        let max = found.iter().max().copied();
        let partial = partial_of(returns, found);
        let in_partial = |n: u32| {
            partial
                .as_ref()
                .and_then(|(_, set)| set.as_ref())
                .is_some_and(|set| set.contains(n, u32::MAX))
        };
        let modseq = with_modseq
            .iter()
            .filter(|&&(n, _)| {
                whole
                    || in_partial(n)
                    || (returns.contains(&SearchReturn::Min) && Some(n) == min)
                    || (returns.contains(&SearchReturn::Max) && Some(n) == max)
            })
            .map(|&(_, m)| m)
            .max()
            .filter(|_| by_modseq);
        let e = ESearch {
            tag: Some(tag.clone()),
            uid,
            min: returns
                .contains(&SearchReturn::Min)
                .then_some(min)
                .flatten(),
            max: returns
                .contains(&SearchReturn::Max)
                .then_some(max)
                .flatten(),
            all: (all && !found.is_empty()).then(|| SequenceSet::from_numbers(found)),
            count: returns
                .contains(&SearchReturn::Count)
                .then_some(found.len() as u32),
            modseq,
            partial,
            ..ESearch::default()
        };
        self.data(Data::ESearch(e));
    }
}

/// The return options without CONTEXT and UPDATE, which change nothing in the answer.
pub(crate) fn without_context_options(returns: Vec<SearchReturn>) -> Vec<SearchReturn> {
    returns
        .into_iter()
        .filter(|r| !matches!(r, SearchReturn::Context | SearchReturn::Update))
        .collect()
}

/// RFC 5267 §4.4: `PARTIAL a:b` answers with the results from position `a` to `b`
/// (1 is the first, in the requested order; `b:a` is the same range) and the range as
/// asked; results past the end are left out, none at all is NIL.
pub(crate) fn partial_of(
    returns: &[SearchReturn],
    ids: &[u32],
) -> Option<((u32, u32), Option<SequenceSet>)> {
    returns.iter().find_map(|r| match *r {
        SearchReturn::Partial(a, b) => {
            let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
            let window = ids.get(lo - 1..hi.min(ids.len())).unwrap_or_default();
            let set = (!window.is_empty()).then(|| SequenceSet::from_numbers(window));
            Some(((a, b), set))
        }
        _ => None,
    })
}
