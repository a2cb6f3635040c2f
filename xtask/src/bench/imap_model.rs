//! What one stress session knows of its selected mailbox, and the rules every response
//! the server sends is checked against (`cargo xtask bench imap-stress`).
//!
//! The view: UIDVALIDITY, the sequence-number-to-UID map (a message whose UID the
//! session has not seen yet is a gap, always at the end: new messages get higher UIDs),
//! the keywords announced in FLAGS. The history of a client thread (kept over its
//! reconnects): per mailbox its UIDVALIDITY, the highest UID and UIDNEXT seen, the UIDs
//! seen expunged, the highest HIGHESTMODSEQ and per-message MODSEQ seen. The witness,
//! shared by every thread: the flags a message had at a MODSEQ (every change of a
//! message's flags gives it a new MODSEQ, RFC 7162 §3.1: one MODSEQ, one state).
//!
//! A tagged NO is a violation, except for FETCH, STORE, COPY and MOVE answered with
//! `NO [EXPUNGEISSUED]`: another session expunged a message of the set and the server
//! says so (RFC 2180 §4.1.2 and §4.2.2 allow the NO, RFC 5530 §3 names the code). A BAD,
//! an untagged NO or BAD, and a BYE the client did not ask for are always violations.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use super::imap_wire::{Response, Tok};

/// What a client thread learnt of one mailbox, over all its sessions.
#[derive(Default, Clone)]
pub struct Known {
    pub uidvalidity: Option<u64>,
    /// The highest UID seen in the mailbox.
    pub max_uid: u64,
    /// The highest UIDNEXT seen.
    pub uidnext: u64,
    pub expunged: HashSet<u64>,
    /// The highest HIGHESTMODSEQ seen.
    pub highest_modseq: u64,
    /// The highest MODSEQ of a message seen.
    pub max_modseq: u64,
    pub modseq: HashMap<u64, u64>,
}

impl Known {
    /// The lowest UID a message new to the mailbox can have.
    fn next_uid_floor(&self) -> u64 {
        (self.max_uid + 1).max(self.uidnext)
    }
}

/// The flags of a message at a MODSEQ, for every session of the run: `(mailbox key,
/// UID, MODSEQ)` to the flags in lower case, sorted, without `\Recent`.
pub type Witness = Arc<Mutex<HashMap<(String, u64, u64), String>>>;

/// The selected mailbox as the session sees it.
pub struct View {
    /// `account/mailbox`.
    pub key: String,
    pub read_only: bool,
    /// Sequence number - 1 to UID; `None` where the UID is not known yet.
    pub uids: Vec<Option<u64>>,
    /// The keywords the last FLAGS response named, in lower case.
    announced: HashSet<String>,
    flags_seen: bool,
    uidvalidity_seen: bool,
    /// Opened with SELECT/EXAMINE (QRESYNC ...): what it had to report.
    resync: Option<Resync>,
}

/// A quick resynchronisation (RFC 7162 §3.2.5): the client knew the mailbox up to
/// MODSEQ `since` and UID `max_uid`; the server said it reported everything up to
/// `highest`. A message of those UIDs seen later with a MODSEQ in `since + 1..=highest`
/// must have been among the FETCHes of the SELECT.
struct Resync {
    since: u64,
    max_uid: u64,
    highest: Option<u64>,
    reported: HashSet<u64>,
}

impl View {
    fn new(key: String, read_only: bool) -> View {
        View {
            key,
            read_only,
            uids: Vec::new(),
            announced: HashSet::new(),
            flags_seen: false,
            uidvalidity_seen: false,
            resync: None,
        }
    }

    pub fn count(&self) -> usize {
        self.uids.len()
    }

    /// The UIDs the session knows.
    pub fn known_uids(&self) -> Vec<u64> {
        self.uids.iter().flatten().copied().collect()
    }

    /// A position whose UID is unknown and may be `uid` (between the known UIDs around
    /// it).
    fn gap_for(&self, uid: u64) -> Option<usize> {
        let mut below = 0;
        for (i, u) in self.uids.iter().enumerate() {
            match u {
                Some(u) if *u >= uid => return None,
                Some(u) => below = *u,
                None => {
                    let above = self.uids[i..].iter().flatten().next().copied();
                    if below < uid && above.is_none_or(|a| uid < a) {
                        return Some(i);
                    }
                }
            }
        }
        None
    }

    fn position(&self, uid: u64) -> Option<usize> {
        self.uids.iter().position(|u| *u == Some(uid))
    }
}

/// The command being answered, as far as the checks need it.
#[derive(Default, Clone)]
pub struct Cmd {
    /// The command's name, for reports and latency (`UID STORE`).
    pub name: &'static str,
    pub uid: bool,
    /// FETCH, STORE or SEARCH by sequence number: no EXPUNGE may be sent (RFC 9051
    /// §7.4.1, RFC 7162 §3.2.10 for VANISHED).
    pub no_expunge: bool,
    /// A FETCH, and whether it asked for FLAGS.
    pub fetch: Option<bool>,
    pub store: bool,
    /// SELECT or EXAMINE of this mailbox key, read-only or not.
    pub select: Option<(String, bool)>,
    /// The mailbox key APPEND, COPY or MOVE writes to.
    pub target: Option<String>,
    /// VANISHED (EARLIER) may answer it (SELECT with QRESYNC, UID FETCH ... VANISHED).
    pub earlier: bool,
    /// SELECT or EXAMINE with (QRESYNC (uidvalidity modseq ...)): the MODSEQ.
    pub qresync_since: Option<u64>,
    /// The session said LOGOUT.
    pub logout: bool,
    /// A NO with EXPUNGEISSUED is acceptable.
    pub may_miss: bool,
    /// The UIDs COPY or MOVE names (by UID, or the UIDs at its sequence numbers when
    /// the session knows them all): COPYUID's source UIDs must be among them.
    pub sources: Option<Vec<u64>>,
}

pub struct Model {
    pub condstore: bool,
    pub qresync: bool,
    pub rev2: bool,
    pub view: Option<View>,
    /// The mailbox a SELECT in progress opens, while the old one is still selected
    /// (until `OK [CLOSED]`).
    pending: Option<View>,
    pub history: HashMap<String, Known>,
    witness: Witness,
    cmd: Cmd,
    /// The session's violations since the driver last took them.
    pub violations: Vec<String>,
    /// Responses checked.
    pub checked: u64,
}

impl Model {
    pub fn new(witness: Witness) -> Model {
        Model {
            condstore: false,
            qresync: false,
            rev2: false,
            view: None,
            pending: None,
            history: HashMap::new(),
            witness,
            cmd: Cmd::default(),
            violations: Vec::new(),
            checked: 0,
        }
    }

    /// A new connection: nothing enabled or selected; the history stays.
    pub fn reconnect(&mut self) {
        self.condstore = false;
        self.qresync = false;
        self.rev2 = false;
        self.view = None;
        self.pending = None;
    }

    fn violation(&mut self, what: String) {
        self.violations.push(format!("{}: {what}", self.cmd.name));
    }

    /// The command about to be sent.
    pub fn begin(&mut self, cmd: Cmd) {
        if let Some((key, read_only)) = &cmd.select {
            let mut new = View::new(key.clone(), *read_only);
            new.resync = cmd.qresync_since.map(|since| Resync {
                since,
                max_uid: self.history.get(key).map_or(0, |k| k.max_uid),
                highest: None,
                reported: HashSet::new(),
            });
            // Until the new mailbox's FLAGS (or `OK [CLOSED]`, which rev2 and QRESYNC
            // sessions hear: RFC 9051 §6.3.2, RFC 7162 §3.2.11), responses are about
            // the old one.
            if self.view.is_some() {
                self.pending = Some(new);
            } else {
                self.view = Some(new);
            }
        }
        self.cmd = cmd;
    }

    /// Checks and applies one response; `true` when it is the tagged one of `tag`.
    pub fn apply(&mut self, tag: &str, r: &Response) -> bool {
        self.checked += 1;
        if r.eight_bit_quoted && !self.rev2 {
            // RFC 3501 §4.3: a quoted string is 7-bit; 8-bit text goes in a literal
            // until the client enables IMAP4rev2 or UTF8=ACCEPT.
            self.violation(format!("8-bit quoted string: {}", r.shown));
        }
        if r.tag == tag {
            self.tagged(r);
            return true;
        }
        if r.tag != "*" {
            if r.tag != "+" {
                self.violation(format!("a response with another tag: {}", r.shown));
            }
            return false;
        }
        if let Some(status) = &r.status {
            match status.word.as_str() {
                "OK" => self.code(r, false),
                "BYE" if self.cmd.logout => {}
                _ => self.violation(format!("untagged {}", r.shown)),
            }
            return false;
        }
        self.data(r);
        false
    }

    fn tagged(&mut self, r: &Response) {
        let word = r.word().to_owned();
        match word.as_str() {
            "OK" => self.code(r, true),
            "NO" if self.cmd.may_miss && r.code() == "EXPUNGEISSUED" => {}
            _ => self.violation(format!("tagged {}", r.shown)),
        }
        if let Some((key, _)) = self.cmd.select.clone() {
            if let Some(p) = self.pending.take() {
                // No CLOSED came: the old mailbox is closed all the same.
                if self.rev2 || self.qresync {
                    self.violation(format!("no OK [CLOSED] before {key} was selected"));
                }
                self.view = Some(p);
            }
            if word != "OK" {
                self.view = None;
            } else if let Some(v) = &self.view
                && (!v.flags_seen || !v.uidvalidity_seen)
            {
                self.violation(format!("{key} selected without FLAGS or UIDVALIDITY"));
            }
        }
    }

    /// A response code, of an untagged OK or of the tagged reply.
    fn code(&mut self, r: &Response, tagged: bool) {
        let Some(status) = &r.status else { return };
        let code = status.code.clone();
        let n = |i: usize| code.get(i).and_then(Tok::number);
        match r.code().as_str() {
            "CLOSED" => {
                if self.cmd.select.is_none() {
                    self.violation("OK [CLOSED] outside SELECT or EXAMINE".into());
                } else if let Some(p) = self.pending.take() {
                    self.view = Some(p);
                }
            }
            "UIDVALIDITY" if !tagged => {
                let (Some(v), Some(view)) = (n(1), self.view.as_mut()) else {
                    return;
                };
                view.uidvalidity_seen = true;
                let key = view.key.clone();
                let known = self.history.entry(key.clone()).or_default();
                match known.uidvalidity {
                    Some(old) if old != v => {
                        self.violation(format!("UIDVALIDITY of {key} changed from {old} to {v}"))
                    }
                    _ => known.uidvalidity = Some(v),
                }
            }
            "UIDNEXT" if !tagged => {
                let (Some(next), Some(view)) = (n(1), self.view.as_ref()) else {
                    return;
                };
                let key = view.key.clone();
                let known = self.history.entry(key.clone()).or_default();
                if next <= known.max_uid || next < known.uidnext {
                    let (max, old) = (known.max_uid, known.uidnext);
                    self.violation(format!(
                        "UIDNEXT {next} of {key}, after UID {max} and UIDNEXT {old} were seen"
                    ));
                }
                let known = self.history.entry(key).or_default();
                known.uidnext = known.uidnext.max(next);
            }
            "HIGHESTMODSEQ" if !tagged => {
                let (Some(h), Some(view)) = (n(1), self.view.as_ref()) else {
                    return;
                };
                let key = view.key.clone();
                let known = self.history.entry(key.clone()).or_default();
                if h < known.highest_modseq || h < known.max_modseq {
                    let (old, max) = (known.highest_modseq, known.max_modseq);
                    self.violation(format!(
                        "HIGHESTMODSEQ {h} of {key}, after HIGHESTMODSEQ {old} and a message's MODSEQ {max} were seen"
                    ));
                }
                let known = self.history.entry(key).or_default();
                known.highest_modseq = known.highest_modseq.max(h);
                if self.cmd.select.is_some()
                    && let Some(r) = self.view.as_mut().and_then(|v| v.resync.as_mut())
                {
                    r.highest = Some(h);
                }
            }
            "APPENDUID" => {
                if let (Some(v), Some(uid)) = (n(1), n(2)) {
                    self.new_uids(v, &[uid]);
                }
            }
            "COPYUID" => {
                let (Some(v), Some(Tok::Atom(src)), Some(Tok::Atom(dst))) =
                    (n(1), code.get(2), code.get(3))
                else {
                    return;
                };
                if let Some(sources) = &self.cmd.sources {
                    let strangers: Vec<u64> = uid_set(src)
                        .into_iter()
                        .filter(|u| !sources.contains(u))
                        .collect();
                    if !strangers.is_empty() {
                        // The command's numbers were read against another numbering
                        // than the one the client wrote them in.
                        self.violation(format!(
                            "COPYUID names source UIDs {strangers:?}, not among the messages the command named {sources:?}"
                        ));
                    }
                }
                let uids: Vec<u64> = uid_set(dst);
                self.new_uids(v, &uids);
            }
            _ => {}
        }
    }

    /// UIDs that APPEND, COPY or MOVE gave messages of the target mailbox: above every
    /// UID and UIDNEXT this thread saw there.
    fn new_uids(&mut self, uidvalidity: u64, uids: &[u64]) {
        let Some(key) = self.cmd.target.clone() else {
            self.violation("APPENDUID or COPYUID without APPEND, COPY or MOVE".into());
            return;
        };
        let known = self.history.entry(key.clone()).or_default();
        if known.uidvalidity.is_some_and(|v| v != uidvalidity) {
            let old = known.uidvalidity;
            self.violation(format!(
                "UIDVALIDITY {uidvalidity} of {key} in a response code, {old:?} before"
            ));
            return;
        }
        let floor = known.next_uid_floor();
        if let Some(low) = uids.iter().copied().filter(|&u| u < floor).min() {
            self.violation(format!(
                "new UID {low} in {key}, where UIDs up to {} were seen",
                floor - 1
            ));
        }
        let known = self.history.entry(key).or_default();
        known.uidvalidity = Some(uidvalidity);
        known.max_uid = known.max_uid.max(uids.iter().copied().max().unwrap_or(0));
    }

    /// Untagged data.
    fn data(&mut self, r: &Response) {
        let d = &r.data;
        let first = d.first().and_then(Tok::atom).unwrap_or("");
        let second = d
            .get(1)
            .and_then(Tok::atom)
            .unwrap_or("")
            .to_ascii_uppercase();
        let update = matches!(second.as_str(), "EXISTS" | "RECENT" | "EXPUNGE" | "FETCH")
            || first.eq_ignore_ascii_case("VANISHED");
        if update && self.pending.is_some() && !(self.rev2 || self.qresync) {
            // RFC 9051 §6.3.2: "The SELECT command automatically deselects any
            // currently selected mailbox before attempting the new selection." An update
            // of the old mailbox now, with no OK [CLOSED] to set it apart, cannot be
            // told from the new mailbox's data by a client.
            self.violation(format!(
                "{} of the old mailbox while selecting another, with no OK [CLOSED] before",
                r.shown
            ));
        }
        match (first.to_ascii_uppercase().as_str(), second.as_str()) {
            ("FLAGS", _) => {
                // Without OK [CLOSED] to wait for, the new mailbox's data begins here;
                // with it, this is still the old mailbox's.
                if self.pending.is_some() && !(self.rev2 || self.qresync) {
                    self.view = self.pending.take();
                }
                let list = d.get(1).and_then(Tok::list).unwrap_or(&[]);
                let Some(view) = self.view.as_mut() else {
                    return;
                };
                view.flags_seen = true;
                view.announced = list
                    .iter()
                    .filter_map(Tok::atom)
                    .filter(|f| !f.starts_with('\\'))
                    .map(str::to_ascii_lowercase)
                    .collect();
            }
            ("ENABLED", _) => {
                for t in &d[1..] {
                    match t.atom().map(str::to_ascii_uppercase).as_deref() {
                        Some("CONDSTORE") => self.condstore = true,
                        Some("QRESYNC") => {
                            self.condstore = true;
                            self.qresync = true;
                        }
                        Some("IMAP4REV2") => self.rev2 = true,
                        _ => {}
                    }
                }
            }
            ("VANISHED", _) => self.vanished(d),
            ("SEARCH", _) => {
                let numbers: Vec<u64> = d[1..].iter().filter_map(Tok::number).collect();
                self.search(&numbers);
            }
            ("ESEARCH", _) => {
                // (TAG "x") [UID] ALL set | COUNT n | MIN n | MAX n
                let mut it = d[1..].iter().skip_while(|t| t.list().is_some());
                let mut numbers = Vec::new();
                while let Some(t) = it.next() {
                    match t.atom().map(str::to_ascii_uppercase).as_deref() {
                        Some("ALL") => {
                            if let Some(Tok::Atom(set)) = it.next() {
                                numbers.extend(uid_set(set));
                            }
                        }
                        Some("MIN") | Some("MAX") => {
                            numbers.extend(it.next().and_then(Tok::number));
                        }
                        _ => {}
                    }
                }
                self.search(&numbers);
            }
            (_, "EXISTS") => {
                let Some(n) = d[0].number() else { return };
                let Some(view) = self.view.as_mut() else {
                    self.violation("EXISTS with no mailbox selected".into());
                    return;
                };
                let n = n as usize;
                if n < view.count() {
                    let had = view.count();
                    self.violation(format!("EXISTS {n} after {had}, with no EXPUNGE between"));
                    return;
                }
                view.uids.resize(n, None);
            }
            (_, "RECENT") => {
                let n = d[0].number().unwrap_or(0) as usize;
                if self.view.as_ref().is_some_and(|v| n > v.count()) {
                    self.violation(format!("RECENT {n} above EXISTS"));
                }
            }
            (_, "EXPUNGE") => {
                let n = d[0].number().unwrap_or(0) as usize;
                self.expunge(n);
            }
            (_, "FETCH") => {
                let n = d[0].number().unwrap_or(0) as usize;
                let items = d.get(2).and_then(Tok::list).unwrap_or(&[]).to_vec();
                self.fetch(n, &items);
            }
            ("STATUS", _) => self.status(d),
            ("CAPABILITY", _) | ("LIST", _) | ("ID", _) | ("NAMESPACE", _) => {}
            _ => self.violation(format!("unexpected data: {}", r.shown)),
        }
    }

    /// `STATUS name (UIDNEXT n UIDVALIDITY n HIGHESTMODSEQ n ...)` of the command's
    /// target: the same rules as at SELECT.
    fn status(&mut self, d: &[Tok]) {
        let Some(key) = self.cmd.target.clone() else {
            return;
        };
        let items = d.get(2).and_then(Tok::list).unwrap_or(&[]);
        let value = |name: &str| {
            items
                .chunks(2)
                .find(|p| p[0].atom().is_some_and(|a| a.eq_ignore_ascii_case(name)))
                .and_then(|p| p.get(1))
                .and_then(Tok::number)
        };
        let known = self.history.entry(key.clone()).or_default().clone();
        let mut problems = Vec::new();
        if let Some(v) = value("UIDVALIDITY")
            && known.uidvalidity.is_some_and(|old| old != v)
        {
            problems.push(format!(
                "STATUS UIDVALIDITY {v} of {key}, {:?} before",
                known.uidvalidity
            ));
        }
        if let Some(next) = value("UIDNEXT")
            && (next <= known.max_uid || next < known.uidnext)
        {
            problems.push(format!(
                "STATUS UIDNEXT {next} of {key}, after UID {} and UIDNEXT {} were seen",
                known.max_uid, known.uidnext
            ));
        }
        if let Some(h) = value("HIGHESTMODSEQ")
            && (h < known.highest_modseq || h < known.max_modseq)
        {
            problems.push(format!(
                    "STATUS HIGHESTMODSEQ {h} of {key}, after HIGHESTMODSEQ {} and a message's MODSEQ {} were seen",
                    known.highest_modseq, known.max_modseq
                ));
        }
        let k = self.history.entry(key).or_default();
        if let Some(v) = value("UIDVALIDITY") {
            k.uidvalidity.get_or_insert(v);
        }
        k.uidnext = k.uidnext.max(value("UIDNEXT").unwrap_or(0));
        k.highest_modseq = k.highest_modseq.max(value("HIGHESTMODSEQ").unwrap_or(0));
        for p in problems {
            self.violation(p);
        }
    }

    fn expunge(&mut self, n: usize) {
        if self.qresync {
            // RFC 7162 §3.2.10: VANISHED replaces EXPUNGE once QRESYNC is enabled.
            self.violation(format!("EXPUNGE {n} after ENABLE QRESYNC"));
        }
        if self.cmd.no_expunge {
            self.violation(format!("EXPUNGE {n} while answering {}", self.cmd.name));
        }
        let Some(view) = self.view.as_mut() else {
            self.violation(format!("EXPUNGE {n} with no mailbox selected"));
            return;
        };
        if n == 0 || n > view.count() {
            let count = view.count();
            self.violation(format!("EXPUNGE {n} of {count} messages"));
            return;
        }
        if let Some(uid) = view.uids.remove(n - 1) {
            let key = view.key.clone();
            self.history.entry(key).or_default().expunged.insert(uid);
        }
    }

    fn vanished(&mut self, d: &[Tok]) {
        let earlier = d
            .get(1)
            .and_then(Tok::list)
            .is_some_and(|l| l.first().and_then(Tok::atom) == Some("EARLIER"));
        let set = d.last().and_then(Tok::atom).unwrap_or("");
        let uids = uid_set(set);
        if !self.qresync {
            self.violation("VANISHED without ENABLE QRESYNC".into());
        }
        if self.view.is_none() {
            self.violation("VANISHED with no mailbox selected".into());
            return;
        }
        if earlier && !self.cmd.earlier {
            self.violation("VANISHED (EARLIER) unasked".into());
        }
        if !earlier && self.cmd.no_expunge {
            self.violation(format!("VANISHED while answering {}", self.cmd.name));
        }
        let view = self.view.as_mut().expect("checked");
        let key = view.key.clone();
        if earlier {
            // The session's view does not change; none of them may show up again.
            let present: Vec<u64> = uids
                .iter()
                .copied()
                .filter(|u| view.position(*u).is_some())
                .collect();
            self.history.entry(key).or_default().expunged.extend(uids);
            if !present.is_empty() {
                self.violation(format!(
                    "VANISHED (EARLIER) names UIDs the session still has: {present:?}"
                ));
            }
            return;
        }
        let mut unknown = Vec::new();
        for uid in &uids {
            match view.position(*uid).or_else(|| view.gap_for(*uid)) {
                Some(i) => {
                    view.uids.remove(i);
                }
                None => unknown.push(*uid),
            }
        }
        self.history
            .entry(key)
            .or_default()
            .expunged
            .extend(uids.iter().copied());
        if !unknown.is_empty() {
            self.violation(format!(
                "VANISHED of UIDs not in the session's view: {unknown:?}"
            ));
        }
    }

    fn search(&mut self, numbers: &[u64]) {
        let Some(view) = self.view.as_ref() else {
            self.violation("a search result with no mailbox selected".into());
            return;
        };
        let bad: Vec<u64> = if self.cmd.uid {
            numbers
                .iter()
                .copied()
                .filter(|&u| view.position(u).is_none() && view.gap_for(u).is_none())
                .collect()
        } else {
            numbers
                .iter()
                .copied()
                .filter(|&n| n == 0 || n as usize > view.count())
                .collect()
        };
        if !bad.is_empty() {
            let what = if self.cmd.uid { "UIDs" } else { "numbers" };
            self.violation(format!("search result {what} not in the view: {bad:?}"));
        }
    }

    fn fetch(&mut self, n: usize, items: &[Tok]) {
        let Some(view) = self.view.as_mut() else {
            self.violation(format!("FETCH {n} with no mailbox selected"));
            return;
        };
        if n == 0 || n > view.count() {
            let count = view.count();
            self.violation(format!("FETCH {n} of {count} messages"));
            return;
        }
        let key = view.key.clone();
        let mut uid = None;
        let mut flags = None;
        let mut modseq = None;
        let mut problems = Vec::new();
        let mut size = None;
        let mut body = None;
        let mut it = items.iter();
        while let Some(name) = it.next() {
            let value = it.next();
            match name.atom().map(str::to_ascii_uppercase).as_deref() {
                Some("UID") => uid = value.and_then(Tok::number),
                Some("FLAGS") => flags = value.and_then(Tok::list).map(<[Tok]>::to_vec),
                Some("MODSEQ") => {
                    modseq = value
                        .and_then(Tok::list)
                        .and_then(|l| l.first())
                        .and_then(Tok::number)
                }
                Some("RFC822.SIZE") => size = value.and_then(Tok::number),
                Some("BODY[]") => {
                    if let Some(Tok::Str(b)) = value {
                        body = Some(b.len() as u64);
                    }
                }
                _ => {}
            }
        }
        if let (Some(size), Some(body)) = (size, body)
            && size != body
        {
            // RFC 9051 §7.5.2: RFC822.SIZE is the number of octets of BODY[].
            problems.push(format!(
                "FETCH {n}: RFC822.SIZE {size}, BODY[] of {body} octets"
            ));
        }
        // The message's UID: the one the view knows, or one that fits its place.
        match (view.uids[n - 1], uid) {
            (Some(had), Some(u)) if had != u => {
                problems.push(format!("message {n} is UID {had}, FETCH says UID {u}"))
            }
            (None, Some(u)) => {
                let known = self.history.entry(key.clone()).or_default();
                if known.expunged.contains(&u) {
                    problems.push(format!("UID {u} shown again after it was expunged"));
                } else if view.position(u).is_some() {
                    problems.push(format!("UID {u} at message {n} and elsewhere"));
                } else {
                    let below = view.uids[..n - 1].iter().flatten().next_back();
                    let above = view.uids[n..].iter().flatten().next();
                    if below.is_some_and(|b| *b >= u) || above.is_some_and(|a| *a <= u) {
                        problems.push(format!(
                            "UID {u} at message {n}, between UIDs {below:?} and {above:?}"
                        ));
                    } else {
                        view.uids[n - 1] = Some(u);
                    }
                }
                known.max_uid = known.max_uid.max(u);
            }
            _ => {}
        }
        let uid = view.uids[n - 1].or(uid);
        let solicited = match self.cmd.fetch {
            Some(asked_flags) => asked_flags || flags.is_none(),
            None => false,
        };
        if self.condstore && (!solicited || self.cmd.store) {
            // RFC 7162 §3.2.4 (a QRESYNC server's duties): "Once a CONDSTORE enabling command is
            // issued by the client, the server MUST automatically include both UID and
            // mod-sequence data in all subsequent untagged FETCH responses (until the
            // connection is closed), whether they were caused by a regular STORE/UID
            // STORE, a STORE/UID STORE with an UNCHANGEDSINCE modifier, a FETCH/UID
            // FETCH that implicitly set the \Seen flag, or an external agent."
            if items.iter().all(|t| t.atom() != Some("UID")) || modseq.is_none() {
                problems.push(format!(
                    "FETCH {n} without UID and MODSEQ after CONDSTORE was enabled"
                ));
            }
        } else if self.cmd.uid && uid.is_some() && items.iter().all(|t| t.atom() != Some("UID")) {
            // RFC 9051 §6.4.9: every FETCH response to a UID command carries the UID.
            problems.push(format!(
                "FETCH {n} without UID, answering {}",
                self.cmd.name
            ));
        }
        if let Some(flags) = &flags {
            let unannounced: Vec<String> = flags
                .iter()
                .filter_map(Tok::atom)
                .filter(|f| !f.starts_with('\\'))
                .filter(|f| !view.announced.contains(&f.to_ascii_lowercase()))
                .map(str::to_owned)
                .collect();
            if !unannounced.is_empty() {
                // RFC 9051 §7.3.5.
                problems.push(format!(
                    "FETCH {n} shows {unannounced:?}, not announced in FLAGS"
                ));
            }
        }
        if let (Some(uid), Some(r)) = (uid, view.resync.as_mut()) {
            if self.cmd.select.is_some() {
                r.reported.insert(uid);
            } else if let (Some(m), Some(highest)) = (modseq, r.highest)
                && r.since < m
                && m <= highest
                && uid <= r.max_uid
                && !r.reported.contains(&uid)
            {
                problems.push(format!(
                    "UID {uid} has MODSEQ {m}, above the {} the client resynchronised from and up to the HIGHESTMODSEQ {highest} of SELECT (QRESYNC), which did not report it",
                    r.since
                ));
            }
        }
        if let (Some(uid), Some(m)) = (uid, modseq) {
            let known = self.history.entry(key.clone()).or_default();
            let before = known.modseq.get(&uid).copied().unwrap_or(0);
            if m < before {
                problems.push(format!("UID {uid}: MODSEQ {m} after MODSEQ {before}"));
            }
            known.modseq.insert(uid, m.max(before));
            known.max_modseq = known.max_modseq.max(m);
            if let Some(flags) = &flags {
                let mut f: Vec<String> = flags
                    .iter()
                    .filter_map(Tok::atom)
                    .map(str::to_ascii_lowercase)
                    .filter(|f| f != "\\recent")
                    .collect();
                f.sort();
                let f = f.join(" ");
                let mut w = self.witness.lock().expect("witness");
                match w.entry((key, uid, m)) {
                    std::collections::hash_map::Entry::Occupied(e) if *e.get() != f => {
                        problems.push(format!(
                            "UID {uid} at MODSEQ {m} has flags ({f}); another response gave ({})",
                            e.get()
                        ));
                    }
                    std::collections::hash_map::Entry::Occupied(_) => {}
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(f);
                    }
                }
            }
        }
        for p in problems {
            self.violation(p);
        }
    }
}

/// The numbers of a sequence set without `*` (`1:3,7`).
pub fn uid_set(set: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in set.split(',') {
        let mut ends = part.splitn(2, ':').map(|s| s.parse::<u64>().ok());
        match (ends.next().flatten(), ends.next()) {
            (Some(a), None) => out.push(a),
            (Some(a), Some(Some(b))) => out.extend(a.min(b)..=a.max(b)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::imap_wire::parse;

    fn model() -> Model {
        let mut m = Model::new(Witness::default());
        m.begin(Cmd {
            name: "SELECT",
            select: Some(("a/INBOX".into(), false)),
            ..Cmd::default()
        });
        for l in [
            "* FLAGS (\\Seen $Label1)",
            "* 3 EXISTS",
            "* OK [UIDVALIDITY 9] x",
            "* OK [UIDNEXT 10] x",
            "s1 OK [READ-WRITE] done",
        ] {
            m.apply("s1", &parse(format!("{l}\r\n").as_bytes(), l.into()));
        }
        m
    }

    fn feed(m: &mut Model, cmd: Cmd, lines: &[&str]) -> Vec<String> {
        m.begin(cmd);
        for l in lines {
            m.apply("s2", &parse(format!("{l}\r\n").as_bytes(), (*l).into()));
        }
        std::mem::take(&mut m.violations)
    }

    #[test]
    fn a_consistent_conversation_passes() {
        let mut m = model();
        let fetch = Cmd {
            name: "FETCH",
            fetch: Some(true),
            no_expunge: true,
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            fetch,
            &[
                "* 1 FETCH (UID 4 FLAGS (\\Seen))",
                "* 3 FETCH (UID 9 FLAGS ($label1))",
                "s2 OK done",
            ],
        );
        assert!(v.is_empty(), "{v:?}");
        let noop = Cmd {
            name: "NOOP",
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            noop.clone(),
            &[
                "* 2 EXPUNGE",
                "* 3 EXISTS",
                "* 3 FETCH (UID 12 FLAGS ())",
                "s2 OK",
            ],
        );
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(m.view.as_ref().unwrap().uids, [Some(4), Some(9), Some(12)]);
    }

    #[test]
    fn inconsistencies_are_caught() {
        let mut m = model();
        let noop = Cmd {
            name: "NOOP",
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            noop.clone(),
            &[
                "* 1 FETCH (UID 4 FLAGS (Work))",
                "* 2 FETCH (UID 3)",
                "* 2 EXISTS",
                "* 4 EXPUNGE",
                "s2 BAD no",
            ],
        );
        assert_eq!(v.len(), 5, "{v:?}");
        let v = feed(&mut m, noop.clone(), &["* 1 EXPUNGE", "s2 OK"]);
        assert!(v.is_empty(), "{v:?}");
        let v = feed(&mut m, noop, &["* 3 EXISTS", "* 3 FETCH (UID 4)", "s2 OK"]);
        assert_eq!(v.len(), 1, "{v:?}");
    }

    #[test]
    fn a_quick_resync_that_left_out_a_change_is_caught() {
        let mut m = model();
        m.qresync = true;
        m.condstore = true;
        let fetch = Cmd {
            name: "FETCH",
            fetch: Some(true),
            no_expunge: true,
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            fetch.clone(),
            &["* 3 FETCH (UID 9 FLAGS () MODSEQ (4))", "s2 OK"],
        );
        assert!(v.is_empty(), "{v:?}");
        let select = Cmd {
            name: "SELECT",
            select: Some(("a/INBOX".into(), false)),
            earlier: true,
            qresync_since: Some(5),
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            select,
            &[
                "* OK [CLOSED] x",
                "* FLAGS (\\Seen)",
                "* 3 EXISTS",
                "* OK [UIDVALIDITY 9] x",
                "* OK [HIGHESTMODSEQ 9] x",
                "* VANISHED (EARLIER) 5",
                "* 1 FETCH (UID 2 FLAGS () MODSEQ (6))",
                "s2 OK",
            ],
        );
        assert!(v.is_empty(), "{v:?}");
        let v = feed(
            &mut m,
            fetch,
            &[
                "* 1 FETCH (UID 2 FLAGS () MODSEQ (6))",
                "* 2 FETCH (UID 4 FLAGS () MODSEQ (7))",
                "* 3 FETCH (UID 9 FLAGS () MODSEQ (10))",
                "s2 OK",
            ],
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("UID 4 has MODSEQ 7"), "{v:?}");
    }

    #[test]
    fn vanished_fits_gaps() {
        let mut m = model();
        m.qresync = true;
        m.condstore = true;
        let noop = Cmd {
            name: "NOOP",
            ..Cmd::default()
        };
        let v = feed(
            &mut m,
            noop.clone(),
            &[
                "* 2 FETCH (UID 5 MODSEQ (7) FLAGS ())",
                "* VANISHED 2,7",
                "s2 OK",
            ],
        );
        // UID 2 fits the gap before UID 5, UID 7 the one after it.
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(m.view.as_ref().unwrap().uids, [Some(5)]);
        let v = feed(
            &mut m,
            noop,
            &["* 1 FETCH (UID 5 MODSEQ (6) FLAGS (\\Seen))", "s2 OK"],
        );
        assert_eq!(v.len(), 1, "{v:?}");
    }
}
