//! Untagged data responses, RFC 9051 §7.2–§7.4 and the extensions' responses: what the
//! server tells about capabilities, mailboxes, messages and searches.
//!
//! Owns their types and bytes; FETCH items are in `fetch`. Names that cannot be
//! atoms are left out, sets that would be empty are left out, so output always parses.

use super::command::StatusItem;
use super::fetch::FetchData;
use super::response::{WriteOptions, atoms, is_atom};
use super::types::{Flag, SequenceSet, Tag, is_atom_char};
use super::write::{astring, flag_list, nstring, sequence_set, string};

/// Untagged data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// RFC 9051 §7.2.2.
    Capability(Vec<String>),
    /// RFC 9051 §7.3.1.
    List(ListItem),
    /// RFC 3501 §7.2.3 (rev1).
    Lsub(ListItem),
    /// RFC 9051 §7.3.2. The mailbox as it goes on the wire (modified UTF-7 unless UTF-8).
    Status {
        mailbox: String,
        items: Vec<(StatusItem, u64)>,
    },
    /// RFC 9051 §7.4.1.
    Flags(Vec<Flag>),
    /// RFC 9051 §7.4.1.
    Exists(u32),
    /// RFC 3501 §7.3.2 (rev1).
    Recent(u32),
    /// RFC 9051 §7.5.1.
    Expunge(u32),
    /// RFC 7162 §3.2.10.
    Vanished { earlier: bool, uids: SequenceSet },
    /// RFC 9051 §7.3.4.
    ESearch(ESearch),
    /// RFC 3501 §7.2.5 (rev1), MODSEQ from RFC 7162 §3.1.5.
    Search { ids: Vec<u32>, modseq: Option<u64> },
    /// RFC 5256 §4.
    Sort(Vec<u32>),
    /// RFC 5256 §4: one entry per thread.
    Thread(Vec<Thread>),
    /// RFC 9051 §7.2.1.
    Enabled(Vec<String>),
    /// RFC 9051 §7.3.5: personal, other users', shared.
    Namespace {
        personal: Vec<Namespace>,
        other: Vec<Namespace>,
        shared: Vec<Namespace>,
    },
    /// RFC 2971 §3.2.
    Id(Option<Vec<(String, Option<String>)>>),
    /// RFC 9208 §5.1.
    Quota {
        root: String,
        resources: Vec<QuotaResource>,
    },
    /// RFC 9208 §5.2.
    QuotaRoot { mailbox: String, roots: Vec<String> },
    /// RFC 9051 §7.5.2.
    Fetch { seq: u32, items: Vec<FetchData> },
}

/// One LIST or LSUB line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// Attributes with their backslash: `\HasNoChildren`, `\Sent` (RFC 6154 §2).
    pub attributes: Vec<String>,
    pub delimiter: Option<char>,
    pub mailbox: String,
    /// `mbox-list-extended`, RFC 5258 §3.5.
    pub extended: Vec<ListExtended>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListExtended {
    /// `CHILDINFO`, RFC 5258 §3.5: e.g. `SUBSCRIBED`.
    ChildInfo(Vec<String>),
    /// `OLDNAME`, RFC 9051 §6.3.9.
    OldName(String),
}

/// ESEARCH, RFC 9051 §7.3.4.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ESearch {
    pub tag: Option<Tag>,
    pub uid: bool,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Left out when empty.
    pub all: Option<SequenceSet>,
    pub count: Option<u32>,
    /// RFC 7162 §3.1.5.
    pub modseq: Option<u64>,
    /// RFC 5267 §4.4: the range asked for, as asked, and the results in it (`None`:
    /// NIL, no results there).
    pub partial: Option<((u32, u32), Option<SequenceSet>)>,
    /// RFC 5267 §4.3.4: context positions and the results removed there, written
    /// before `addto`.
    pub removefrom: Vec<(u32, SequenceSet)>,
    /// RFC 5267 §4.3.3: context positions and the results inserted there.
    pub addto: Vec<(u32, SequenceSet)>,
}

/// A thread: a message and its children. `id: None` is a dummy root (RFC 5256 §4:
/// siblings without a common parent message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: Option<u32>,
    pub children: Vec<Thread>,
}

/// `namespace-descr`, RFC 9051 §7.3.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub prefix: String,
    pub delimiter: Option<char>,
}

/// `quota-resource`, RFC 9208 §5.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    /// Upper-case atom: STORAGE, MESSAGE, MAILBOX, ANNOTATION-STORAGE.
    pub name: String,
    pub usage: u64,
    pub limit: u64,
}

fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

/// A delimiter: `DQUOTE QUOTED-CHAR DQUOTE` or NIL.
fn delimiter(out: &mut Vec<u8>, d: Option<char>, utf8: bool) {
    match d {
        Some(c) if c.is_ascii_graphic() || c == ' ' => {
            let mut b = [0; 4];
            string(out, c.encode_utf8(&mut b).as_bytes(), utf8);
        }
        _ => put(out, "NIL"),
    }
}

fn is_attribute(a: &str) -> bool {
    a.strip_prefix('\\')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(is_atom_char))
}

fn list_item(out: &mut Vec<u8>, item: &ListItem, utf8: bool) {
    out.push(b'(');
    let attrs: Vec<&String> = item.attributes.iter().filter(|a| is_attribute(a)).collect();
    for (i, a) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        put(out, a);
    }
    put(out, ") ");
    delimiter(out, item.delimiter, utf8);
    out.push(b' ');
    astring(out, item.mailbox.as_bytes(), utf8);
    if !item.extended.is_empty() {
        put(out, " (");
        for (i, e) in item.extended.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            match e {
                ListExtended::ChildInfo(opts) => {
                    put(out, "\"CHILDINFO\" (");
                    for (j, o) in opts.iter().enumerate() {
                        if j > 0 {
                            out.push(b' ');
                        }
                        string(out, o.as_bytes(), utf8);
                    }
                    out.push(b')');
                }
                ListExtended::OldName(name) => {
                    put(out, "\"OLDNAME\" (");
                    astring(out, name.as_bytes(), utf8);
                    out.push(b')');
                }
            }
        }
        out.push(b')');
    }
}

fn numbers(out: &mut Vec<u8>, ids: &[u32]) {
    for id in ids.iter().filter(|&&n| n > 0) {
        put(out, &format!(" {id}"));
    }
}

/// `thread-list` for one thread, RFC 5256 §4.
fn thread(out: &mut Vec<u8>, t: &Thread) {
    match t.id {
        Some(id) if id > 0 => {
            out.push(b'(');
            members(out, id, &t.children);
            out.push(b')');
        }
        _ => match t.children.as_slice() {
            [] => {}
            [only] => thread(out, only),
            many => {
                out.push(b'(');
                for c in many {
                    thread(out, c);
                }
                out.push(b')');
            }
        },
    }
}

/// `thread-members [SP thread-nested]`: a chain of single children, then the
/// branches.
fn members(out: &mut Vec<u8>, id: u32, children: &[Thread]) {
    put(out, &id.to_string());
    let mut children = children;
    loop {
        match children {
            [] => return,
            [
                Thread {
                    id: Some(next),
                    children: grand,
                },
            ] if *next > 0 => {
                put(out, &format!(" {next}"));
                children = grand;
            }
            many => {
                let mut nested = Vec::new();
                for c in many {
                    thread(&mut nested, c);
                }
                if !nested.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(&nested);
                }
                return;
            }
        }
    }
}

fn namespaces(out: &mut Vec<u8>, list: &[Namespace], utf8: bool) {
    if list.is_empty() {
        put(out, "NIL");
        return;
    }
    out.push(b'(');
    for n in list {
        out.push(b'(');
        string(out, n.prefix.as_bytes(), utf8);
        out.push(b' ');
        delimiter(out, n.delimiter, utf8);
        out.push(b')');
    }
    out.push(b')');
}

impl Data {
    /// Returns `false` for data that has no valid form: an empty VANISHED, a FETCH
    /// without items, message number 0, a QUOTA without resources, CAPABILITY
    /// without capabilities. Such data is not written at all.
    pub fn is_writable(&self) -> bool {
        match self {
            Data::Vanished { uids, .. } => !uids.is_empty() && *uids != SequenceSet::Saved,
            Data::Fetch { seq, items } => *seq > 0 && !items.is_empty(),
            Data::Expunge(n) => *n > 0,
            // RFC 9051 §7.2.2: at least IMAP4rev2 (or IMAP4rev1) is listed.
            Data::Capability(caps) => caps.iter().any(|c| is_atom(c)),
            Data::Quota { resources, .. } => resources
                .iter()
                .any(|r| !r.name.is_empty() && r.name.bytes().all(is_atom_char)),
            _ => true,
        }
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, opts: WriteOptions) {
        if !self.is_writable() {
            return;
        }
        let utf8 = opts.utf8;
        put(out, "* ");
        match self {
            Data::Capability(caps) => {
                put(out, "CAPABILITY");
                atoms(out, caps);
            }
            Data::List(item) => {
                put(out, "LIST ");
                list_item(out, item, utf8);
            }
            Data::Lsub(item) => {
                put(out, "LSUB ");
                list_item(out, item, utf8);
            }
            Data::Status { mailbox, items } => {
                put(out, "STATUS ");
                astring(out, mailbox.as_bytes(), utf8);
                put(out, " (");
                for (i, (item, n)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    put(out, &format!("{} {n}", item.as_str()));
                }
                out.push(b')');
            }
            Data::Flags(flags) => {
                put(out, "FLAGS ");
                flag_list(out, flags);
            }
            Data::Exists(n) => put(out, &format!("{n} EXISTS")),
            Data::Recent(n) => put(out, &format!("{n} RECENT")),
            Data::Expunge(n) => put(out, &format!("{n} EXPUNGE")),
            Data::Vanished { earlier, uids } => {
                put(out, "VANISHED");
                if *earlier {
                    put(out, " (EARLIER)");
                }
                out.push(b' ');
                sequence_set(out, uids);
            }
            Data::ESearch(e) => {
                put(out, "ESEARCH");
                if let Some(tag) = &e.tag {
                    put(out, " (TAG ");
                    string(out, tag.as_str().as_bytes(), utf8);
                    out.push(b')');
                }
                if e.uid {
                    put(out, " UID");
                }
                if let Some(n) = e.min.filter(|&n| n > 0) {
                    put(out, &format!(" MIN {n}"));
                }
                if let Some(n) = e.max.filter(|&n| n > 0) {
                    put(out, &format!(" MAX {n}"));
                }
                if let Some(all) = e
                    .all
                    .as_ref()
                    .filter(|a| !a.is_empty() && **a != SequenceSet::Saved)
                {
                    put(out, " ALL ");
                    sequence_set(out, all);
                }
                if let Some(n) = e.count {
                    put(out, &format!(" COUNT {n}"));
                }
                if let Some(n) = e.modseq {
                    put(out, &format!(" MODSEQ {n}"));
                }
                if let Some(((a, b), results)) = &e.partial {
                    put(out, &format!(" PARTIAL ({a}:{b} "));
                    match results.as_ref().filter(|r| !r.is_empty()) {
                        Some(set) => sequence_set(out, set),
                        None => put(out, "NIL"),
                    }
                    out.push(b')');
                }
                for (name, pairs) in [("REMOVEFROM", &e.removefrom), ("ADDTO", &e.addto)] {
                    let pairs: Vec<_> = pairs.iter().filter(|(_, s)| !s.is_empty()).collect();
                    if pairs.is_empty() {
                        continue;
                    }
                    put(out, &format!(" {name} ("));
                    for (i, (position, set)) in pairs.into_iter().enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        put(out, &format!("{position} "));
                        sequence_set(out, set);
                    }
                    out.push(b')');
                }
            }
            Data::Search { ids, modseq } => {
                put(out, "SEARCH");
                numbers(out, ids);
                if let Some(m) = modseq {
                    put(out, &format!(" (MODSEQ {m})"));
                }
            }
            Data::Sort(ids) => {
                put(out, "SORT");
                numbers(out, ids);
            }
            Data::Thread(threads) => {
                put(out, "THREAD");
                let mut body = Vec::new();
                for t in threads {
                    thread(&mut body, t);
                }
                if !body.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(&body);
                }
            }
            Data::Enabled(caps) => {
                put(out, "ENABLED");
                atoms(out, caps);
            }
            Data::Namespace {
                personal,
                other,
                shared,
            } => {
                put(out, "NAMESPACE ");
                namespaces(out, personal, utf8);
                out.push(b' ');
                namespaces(out, other, utf8);
                out.push(b' ');
                namespaces(out, shared, utf8);
            }
            Data::Id(None) => put(out, "ID NIL"),
            Data::Id(Some(pairs)) => {
                put(out, "ID (");
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    string(out, k.as_bytes(), utf8);
                    out.push(b' ');
                    nstring(out, v.as_deref().map(str::as_bytes), utf8);
                }
                out.push(b')');
            }
            Data::Quota { root, resources } => {
                put(out, "QUOTA ");
                astring(out, root.as_bytes(), utf8);
                put(out, " (");
                let valid = resources
                    .iter()
                    .filter(|r| !r.name.is_empty() && r.name.bytes().all(is_atom_char));
                for (i, r) in valid.enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    put(out, &format!("{} {} {}", r.name, r.usage, r.limit));
                }
                out.push(b')');
            }
            Data::QuotaRoot { mailbox, roots } => {
                put(out, "QUOTAROOT ");
                astring(out, mailbox.as_bytes(), utf8);
                for r in roots {
                    out.push(b' ');
                    astring(out, r.as_bytes(), utf8);
                }
            }
            Data::Fetch { seq, items } => {
                put(out, &format!("{seq} FETCH "));
                super::fetch::write_items(out, items, utf8);
            }
        }
        put(out, "\r\n");
    }
}
