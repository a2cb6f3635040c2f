//! The command encoder: a typed [`Command`] back to bytes, for tests and for Osprey's
//! own clients of other IMAP servers.
//!
//! Owns only serialisation, in the assembled form [`super::parse_command`] reads
//! (literals as `{n}` CRLF bytes, no final CRLF); it does not drive continuations.

use super::command::{
    CatPart, Command, CommandBody, EntryType, EventGroup, FetchAttr, FetchItems, ListReturn,
    NotifyEvent, NotifyMailboxes, Partial, SearchKey, SearchReturn, Section, SectionText,
    StatusItem, StoreAction, ThreadAlgorithm,
};
use super::types::Mailbox;
use super::write::{
    astring, date, date_time, flag_list, list_mailbox, literal, literal8, nstring, quoted,
    sequence_set, string,
};

/// Encodes a command (8-bit text as literals, so rev1 servers accept it).
pub fn encode_command(cmd: &Command) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(cmd.tag.as_str().as_bytes());
    out.push(b' ');
    body(&mut out, &cmd.body);
    out
}

fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

fn ast(out: &mut Vec<u8>, s: &str) {
    astring(out, s.as_bytes(), false);
}

fn uid_prefix(out: &mut Vec<u8>, uid: bool) {
    if uid {
        put(out, "UID ");
    }
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'(');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        each(out, item);
    }
    out.push(b')');
}

fn status_items(out: &mut Vec<u8>, items: &[StatusItem]) {
    list(out, items, |out, i| put(out, i.as_str()));
}

fn body(out: &mut Vec<u8>, b: &CommandBody) {
    use CommandBody as B;
    match b {
        B::Capability => put(out, "CAPABILITY"),
        B::Noop => put(out, "NOOP"),
        B::Logout => put(out, "LOGOUT"),
        B::StartTls => put(out, "STARTTLS"),
        B::Authenticate {
            mechanism,
            initial_response,
        } => {
            put(out, &format!("AUTHENTICATE {mechanism}"));
            match initial_response {
                Some(ir) if ir.is_empty() => put(out, " ="),
                Some(ir) => {
                    use base64::Engine as _;
                    let b64 = base64::engine::general_purpose::STANDARD.encode(ir);
                    put(out, &format!(" {b64}"));
                }
                None => {}
            }
        }
        B::Login { username, password } => {
            put(out, "LOGIN ");
            ast(out, username);
            out.push(b' ');
            ast(out, password);
        }
        B::Enable(caps) => {
            put(out, "ENABLE");
            for c in caps {
                put(out, &format!(" {c}"));
            }
        }
        B::Select {
            mailbox,
            read_only,
            params,
        } => {
            put(out, if *read_only { "EXAMINE " } else { "SELECT " });
            ast(out, mailbox.as_str());
            let mut items: Vec<Vec<u8>> = Vec::new();
            if params.condstore {
                items.push(b"CONDSTORE".to_vec());
            }
            if let Some(q) = &params.qresync {
                let mut o = format!("QRESYNC ({} {}", q.uidvalidity, q.modseq).into_bytes();
                if let Some(k) = &q.known_uids {
                    o.push(b' ');
                    sequence_set(&mut o, k);
                }
                if let Some((s, u)) = &q.seq_match {
                    o.extend_from_slice(b" (");
                    sequence_set(&mut o, s);
                    o.push(b' ');
                    sequence_set(&mut o, u);
                    o.push(b')');
                }
                o.push(b')');
                items.push(o);
            }
            if !items.is_empty() {
                out.push(b' ');
                list(out, &items, |out, i| out.extend_from_slice(i));
            }
        }
        B::Create {
            mailbox,
            special_use,
        } => {
            put(out, "CREATE ");
            ast(out, mailbox.as_str());
            if !special_use.is_empty() {
                put(out, " (USE ");
                flag_list(out, special_use);
                out.push(b')');
            }
        }
        B::Delete(m) => {
            put(out, "DELETE ");
            ast(out, m.as_str());
        }
        B::Rename { from, to } => {
            put(out, "RENAME ");
            ast(out, from.as_str());
            out.push(b' ');
            ast(out, to.as_str());
        }
        B::Subscribe(m) => {
            put(out, "SUBSCRIBE ");
            ast(out, m.as_str());
        }
        B::Unsubscribe(m) => {
            put(out, "UNSUBSCRIBE ");
            ast(out, m.as_str());
        }
        B::List(l) => {
            put(out, "LIST ");
            if !l.selection.is_empty() {
                list(out, &l.selection, |out, s| put(out, s));
                out.push(b' ');
            }
            ast(out, &l.reference);
            out.push(b' ');
            if let [p] = l.patterns.as_slice() {
                list_mailbox(out, p.as_bytes(), false);
            } else {
                list(out, &l.patterns, |out, p| {
                    list_mailbox(out, p.as_bytes(), false)
                });
            }
            if !l.returns.is_empty() {
                put(out, " RETURN ");
                list(out, &l.returns, |out, r| match r {
                    ListReturn::Subscribed => put(out, "SUBSCRIBED"),
                    ListReturn::Children => put(out, "CHILDREN"),
                    ListReturn::SpecialUse => put(out, "SPECIAL-USE"),
                    ListReturn::Status(items) => {
                        put(out, "STATUS ");
                        status_items(out, items);
                    }
                    ListReturn::Other(o) => put(out, o),
                });
            }
        }
        B::Lsub { reference, pattern } => {
            put(out, "LSUB ");
            ast(out, reference);
            out.push(b' ');
            list_mailbox(out, pattern.as_bytes(), false);
        }
        B::Namespace => put(out, "NAMESPACE"),
        B::Status { mailbox, items } => {
            put(out, "STATUS ");
            ast(out, mailbox.as_str());
            out.push(b' ');
            status_items(out, items);
        }
        B::Append { mailbox, messages } => {
            put(out, "APPEND ");
            ast(out, mailbox.as_str());
            for m in messages {
                if !m.flags.is_empty() {
                    out.push(b' ');
                    flag_list(out, &m.flags);
                }
                if let Some(d) = &m.date {
                    out.push(b' ');
                    date_time(out, d);
                }
                out.push(b' ');
                if !m.catenate.is_empty() {
                    // RFC 4469 §5
                    put(out, "CATENATE (");
                    for (i, part) in m.catenate.iter().enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        match part {
                            CatPart::Text { data, binary } => {
                                put(out, "TEXT ");
                                if *binary {
                                    literal8(out, data);
                                } else {
                                    literal(out, data);
                                }
                            }
                            CatPart::Url(u) => {
                                put(out, "URL ");
                                ast(out, u);
                            }
                        }
                    }
                    out.push(b')');
                } else if m.utf8 {
                    // RFC 6855 §4
                    put(out, "UTF8 (");
                    literal8(out, &m.data);
                    out.push(b')');
                } else if m.binary {
                    literal8(out, &m.data);
                } else {
                    literal(out, &m.data);
                }
            }
        }
        B::Idle => put(out, "IDLE"),
        B::Check => put(out, "CHECK"),
        B::Close => put(out, "CLOSE"),
        B::Unselect => put(out, "UNSELECT"),
        B::Expunge { uids: None } => put(out, "EXPUNGE"),
        B::Expunge { uids: Some(set) } => {
            put(out, "UID EXPUNGE ");
            sequence_set(out, set);
        }
        B::Search {
            uid,
            charset,
            returns,
            criteria,
        } => {
            uid_prefix(out, *uid);
            put(out, "SEARCH");
            return_options(out, returns.as_deref());
            if let Some(c) = charset {
                put(out, " CHARSET ");
                charset_name(out, c);
            }
            out.push(b' ');
            top_level_keys(out, criteria);
        }
        B::Fetch {
            uid,
            set,
            items,
            modifiers,
        } => {
            uid_prefix(out, *uid);
            put(out, "FETCH ");
            sequence_set(out, set);
            out.push(b' ');
            match items {
                FetchItems::All => put(out, "ALL"),
                FetchItems::Fast => put(out, "FAST"),
                FetchItems::Full => put(out, "FULL"),
                FetchItems::Items(items) => list(out, items, fetch_attr),
            }
            let mut mods = Vec::new();
            if let Some(n) = modifiers.changed_since {
                mods.push(format!("CHANGEDSINCE {n}"));
            }
            if modifiers.vanished {
                mods.push("VANISHED".to_owned());
            }
            if !mods.is_empty() {
                out.push(b' ');
                list(out, &mods, |out, m| put(out, m));
            }
        }
        B::Store {
            uid,
            set,
            action,
            silent,
            flags,
            unchanged_since,
        } => {
            uid_prefix(out, *uid);
            put(out, "STORE ");
            sequence_set(out, set);
            if let Some(n) = unchanged_since {
                put(out, &format!(" (UNCHANGEDSINCE {n})"));
            }
            out.push(b' ');
            put(
                out,
                match action {
                    StoreAction::Replace => "",
                    StoreAction::Add => "+",
                    StoreAction::Remove => "-",
                },
            );
            put(out, if *silent { "FLAGS.SILENT " } else { "FLAGS " });
            flag_list(out, flags);
        }
        B::Copy { uid, set, mailbox } | B::Move { uid, set, mailbox } => {
            uid_prefix(out, *uid);
            put(
                out,
                if matches!(b, B::Copy { .. }) {
                    "COPY "
                } else {
                    "MOVE "
                },
            );
            sequence_set(out, set);
            out.push(b' ');
            ast(out, mailbox.as_str());
        }
        B::Sort {
            uid,
            returns,
            criteria,
            charset,
            search,
        } => {
            uid_prefix(out, *uid);
            put(out, "SORT");
            return_options(out, returns.as_deref());
            out.push(b' ');
            list(out, criteria, |out, c| {
                if c.reverse {
                    put(out, "REVERSE ");
                }
                put(out, c.key.as_str());
            });
            out.push(b' ');
            charset_name(out, charset);
            out.push(b' ');
            top_level_keys(out, search);
        }
        B::Thread {
            uid,
            algorithm,
            charset,
            search,
        } => {
            uid_prefix(out, *uid);
            put(out, "THREAD ");
            put(
                out,
                match algorithm {
                    ThreadAlgorithm::OrderedSubject => "ORDEREDSUBJECT",
                    ThreadAlgorithm::References => "REFERENCES",
                    ThreadAlgorithm::Other(o) => o,
                },
            );
            out.push(b' ');
            charset_name(out, charset);
            out.push(b' ');
            top_level_keys(out, search);
        }
        B::CancelUpdate(tags) => {
            put(out, "CANCELUPDATE");
            for t in tags {
                out.push(b' ');
                quoted(out, t.as_bytes());
            }
        }
        B::Notify(None) => put(out, "NOTIFY NONE"),
        B::Notify(Some(set)) => {
            put(out, "NOTIFY SET");
            if set.status {
                put(out, " STATUS");
            }
            for g in &set.groups {
                out.push(b' ');
                event_group(out, g);
            }
        }
        B::GetQuota(root) => {
            put(out, "GETQUOTA ");
            ast(out, root);
        }
        B::GetQuotaRoot(m) => {
            put(out, "GETQUOTAROOT ");
            ast(out, m.as_str());
        }
        B::SetQuota { root, limits } => {
            put(out, "SETQUOTA ");
            ast(out, root);
            out.push(b' ');
            list(out, limits, |out, (name, n)| {
                put(out, &format!("{name} {n}"))
            });
        }
        B::Id(None) => put(out, "ID NIL"),
        B::Id(Some(pairs)) => {
            put(out, "ID ");
            list(out, pairs, |out, (k, v)| {
                string(out, k.as_bytes(), false);
                out.push(b' ');
                nstring(out, v.as_deref().map(str::as_bytes), false);
            });
        }
        B::Compress(m) => put(out, &format!("COMPRESS {m}")),
    }
}

fn charset_name(out: &mut Vec<u8>, c: &str) {
    if !c.is_empty() && c.bytes().all(super::types::is_atom_char) {
        put(out, c);
    } else {
        // RFC 9051 §9: charset = atom / quoted; no literal.
        quoted(out, c.as_bytes());
    }
}

/// Top-level criteria are written without parentheses; an `And` of one key keeps
/// them, so it parses back to itself.
fn top_level_keys(out: &mut Vec<u8>, key: &SearchKey) {
    match key {
        SearchKey::And(keys) if keys.len() >= 2 => {
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                search_key(out, k);
            }
        }
        _ => search_key(out, key),
    }
}

/// One search key, RFC 9051 §6.4.4.
pub(crate) fn search_key(out: &mut Vec<u8>, key: &SearchKey) {
    use SearchKey as K;
    let s = |out: &mut Vec<u8>, name: &str, v: &[u8]| {
        put(out, name);
        out.push(b' ');
        astring(out, v, false);
    };
    match key {
        // An empty list has no syntax; it matches everything.
        K::And(keys) if keys.is_empty() => put(out, "ALL"),
        K::And(keys) => list(out, keys, search_key),
        K::All => put(out, "ALL"),
        K::Answered => put(out, "ANSWERED"),
        K::Bcc(v) => s(out, "BCC", v),
        K::Before(d) => dated(out, "BEFORE", d),
        K::Body(v) => s(out, "BODY", v),
        K::Cc(v) => s(out, "CC", v),
        K::Deleted => put(out, "DELETED"),
        K::Draft => put(out, "DRAFT"),
        K::Flagged => put(out, "FLAGGED"),
        K::From(v) => s(out, "FROM", v),
        K::Header(f, v) => {
            put(out, "HEADER ");
            ast(out, f);
            out.push(b' ');
            astring(out, v, false);
        }
        K::Keyword(k) => put(out, &format!("KEYWORD {k}")),
        K::Larger(n) => put(out, &format!("LARGER {n}")),
        K::New => put(out, "NEW"),
        K::Not(k) => {
            put(out, "NOT ");
            search_key(out, k);
        }
        K::Old => put(out, "OLD"),
        K::On(d) => dated(out, "ON", d),
        K::Or(a, b) => {
            put(out, "OR ");
            search_key(out, a);
            out.push(b' ');
            search_key(out, b);
        }
        K::Recent => put(out, "RECENT"),
        K::Seen => put(out, "SEEN"),
        K::SentBefore(d) => dated(out, "SENTBEFORE", d),
        K::SentOn(d) => dated(out, "SENTON", d),
        K::SentSince(d) => dated(out, "SENTSINCE", d),
        K::Since(d) => dated(out, "SINCE", d),
        K::Smaller(n) => put(out, &format!("SMALLER {n}")),
        K::Subject(v) => s(out, "SUBJECT", v),
        K::Text(v) => s(out, "TEXT", v),
        K::To(v) => s(out, "TO", v),
        K::Uid(set) => {
            put(out, "UID ");
            sequence_set(out, set);
        }
        K::Unanswered => put(out, "UNANSWERED"),
        K::Undeleted => put(out, "UNDELETED"),
        K::Undraft => put(out, "UNDRAFT"),
        K::Unflagged => put(out, "UNFLAGGED"),
        K::Unkeyword(k) => put(out, &format!("UNKEYWORD {k}")),
        K::Unseen => put(out, "UNSEEN"),
        K::SequenceSet(set) => sequence_set(out, set),
        K::ModSeq { entry, modseq } => {
            put(out, "MODSEQ ");
            if let Some((name, kind)) = entry {
                // RFC 7162 §3.1.5: entry-name is quoted only.
                quoted(out, format!("/flags/{name}").as_bytes());
                put(
                    out,
                    match kind {
                        EntryType::Private => " priv ",
                        EntryType::Shared => " shared ",
                        EntryType::All => " all ",
                    },
                );
            }
            put(out, &modseq.to_string());
        }
    }
}

fn dated(out: &mut Vec<u8>, name: &str, d: &super::types::Date) {
    put(out, name);
    out.push(b' ');
    date(out, d);
}

pub(crate) fn part(out: &mut Vec<u8>, part: &[u32]) {
    for (i, p) in part.iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        put(out, &p.to_string());
    }
}

/// `section` without the brackets, RFC 9051 §6.4.5.
pub(crate) fn section(out: &mut Vec<u8>, s: &Section) {
    part(out, &s.part);
    let Some(text) = &s.text else {
        return;
    };
    if !s.part.is_empty() {
        out.push(b'.');
    }
    match text {
        SectionText::Header => put(out, "HEADER"),
        SectionText::Text => put(out, "TEXT"),
        SectionText::Mime => put(out, "MIME"),
        SectionText::HeaderFields(f) | SectionText::HeaderFieldsNot(f) => {
            put(out, "HEADER.FIELDS");
            if matches!(text, SectionText::HeaderFieldsNot(_)) {
                put(out, ".NOT");
            }
            out.push(b' ');
            list(out, f, |out, f| ast(out, f));
        }
    }
}

fn partial(out: &mut Vec<u8>, p: &Option<Partial>) {
    if let Some(p) = p {
        put(out, &format!("<{}.{}>", p.origin, p.length));
    }
}

fn fetch_attr(out: &mut Vec<u8>, a: &FetchAttr) {
    match a {
        FetchAttr::Envelope => put(out, "ENVELOPE"),
        FetchAttr::Flags => put(out, "FLAGS"),
        FetchAttr::InternalDate => put(out, "INTERNALDATE"),
        FetchAttr::Rfc822 => put(out, "RFC822"),
        FetchAttr::Rfc822Header => put(out, "RFC822.HEADER"),
        FetchAttr::Rfc822Text => put(out, "RFC822.TEXT"),
        FetchAttr::Rfc822Size => put(out, "RFC822.SIZE"),
        FetchAttr::Body => put(out, "BODY"),
        FetchAttr::BodyStructure => put(out, "BODYSTRUCTURE"),
        FetchAttr::Uid => put(out, "UID"),
        FetchAttr::ModSeq => put(out, "MODSEQ"),
        FetchAttr::BodySection {
            peek,
            section: s,
            partial: p,
        } => {
            put(out, if *peek { "BODY.PEEK[" } else { "BODY[" });
            section(out, s);
            out.push(b']');
            partial(out, p);
        }
        FetchAttr::Binary {
            peek,
            part: p,
            partial: pa,
        } => {
            put(out, if *peek { "BINARY.PEEK[" } else { "BINARY[" });
            part(out, p);
            out.push(b']');
            partial(out, pa);
        }
        FetchAttr::BinarySize { part: p } => {
            put(out, "BINARY.SIZE[");
            part(out, p);
            out.push(b']');
        }
    }
}

/// `event-group`, RFC 5465 §8.
fn event_group(out: &mut Vec<u8>, g: &EventGroup) {
    out.push(b'(');
    let names = |out: &mut Vec<u8>, names: &[Mailbox]| {
        list(out, names, |out, m| ast(out, m.as_str()));
    };
    match &g.mailboxes {
        NotifyMailboxes::Selected => put(out, "SELECTED"),
        NotifyMailboxes::SelectedDelayed => put(out, "SELECTED-DELAYED"),
        NotifyMailboxes::Inboxes => put(out, "INBOXES"),
        NotifyMailboxes::Personal => put(out, "PERSONAL"),
        NotifyMailboxes::Subscribed => put(out, "SUBSCRIBED"),
        NotifyMailboxes::Subtree(m) => {
            put(out, "SUBTREE ");
            names(out, m);
        }
        NotifyMailboxes::Mailboxes(m) => {
            put(out, "MAILBOXES ");
            names(out, m);
        }
    }
    out.push(b' ');
    if g.events.is_empty() {
        put(out, "NONE");
    } else {
        list(out, &g.events, |out, e| {
            put(out, e.name());
            if let NotifyEvent::MessageNew(atts) = e
                && !atts.is_empty()
            {
                out.push(b' ');
                list(out, atts, fetch_attr);
            }
        });
    }
    out.push(b')');
}

/// ` RETURN (...)` of SEARCH and SORT, when there is one.
fn return_options(out: &mut Vec<u8>, returns: Option<&[SearchReturn]>) {
    let Some(r) = returns else {
        return;
    };
    put(out, " RETURN ");
    list(out, r, |out, r| match r {
        SearchReturn::Min => put(out, "MIN"),
        SearchReturn::Max => put(out, "MAX"),
        SearchReturn::All => put(out, "ALL"),
        SearchReturn::Count => put(out, "COUNT"),
        SearchReturn::Save => put(out, "SAVE"),
        SearchReturn::Context => put(out, "CONTEXT"),
        SearchReturn::Update => put(out, "UPDATE"),
        SearchReturn::Partial(a, b) => put(out, &format!("PARTIAL {a}:{b}")),
    });
}
