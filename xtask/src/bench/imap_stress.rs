//! `cargo xtask bench imap-stress [--clients C] [--seconds T] [--messages M] [--seed S]`:
//! C client threads for T seconds on the same mailboxes, each checking every response
//! against its model of the selected mailbox (`imap_model.rs`); any violation or failed
//! session fails the run.
//!
//! Three accounts at most, shared by the clients, each with INBOX, `Work` and
//! `Archive 2026` of M messages (real-world shapes, some with 8-bit header fields, some
//! with flags and keywords). The clients come in four kinds, in turn: IMAP4rev1 with
//! nothing enabled, CONDSTORE, QRESYNC, and IMAP4rev2 with QRESYNC. Each does a random
//! sequence (from the seed, printed) of SELECT and EXAMINE (with QRESYNC parameters
//! sometimes), FETCH (flags, envelopes, bodies, CHANGEDSINCE), STORE and UID STORE
//! (system flags, `$Label1`..`$Label9`, new keywords, UNCHANGEDSINCE), EXPUNGE and UID
//! EXPUNGE, APPEND, COPY, MOVE, SEARCH, STATUS, NOOP, IDLE, CLOSE and UNSELECT, FETCH,
//! STORE and SEARCH by number pipelined, and now
//! and then LOGOUT and a new connection. Meanwhile `osprey deliver` adds a message to
//! every INBOX about once a second, from another process.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use super::{
    BenchServer, Options, Samples,
    imap::{PASSWORD, message},
    imap_model::{Cmd, Model, Witness},
    imap_wire::Conn,
};
use crate::Result;

const MAILBOXES: [&str; 3] = ["INBOX", "Work", "Archive 2026"];
/// Violations printed with their transcript: the first of each kind, up to this many.
const REPORTED: usize = 10;

/// A small deterministic generator (SplitMix64): the same seed, the same choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a client enables after login.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rev1,
    Condstore,
    Qresync,
    Rev2Qresync,
}

impl Kind {
    fn of(client: usize) -> Kind {
        [
            Kind::Rev1,
            Kind::Condstore,
            Kind::Qresync,
            Kind::Rev2Qresync,
        ][client % 4]
    }

    fn enable(self) -> Option<&'static str> {
        match self {
            Kind::Rev1 => None,
            Kind::Condstore => Some("ENABLE CONDSTORE"),
            Kind::Qresync => Some("ENABLE QRESYNC"),
            Kind::Rev2Qresync => Some("ENABLE IMAP4rev2 QRESYNC"),
        }
    }
}

/// One violation (or failed session) with the conversation that led to it.
struct Report {
    kind: String,
    what: String,
    transcript: String,
}

#[derive(Default)]
struct Tally {
    sessions: u64,
    commands: u64,
    responses: u64,
    violations: u64,
    failed: u64,
    reports: Vec<Report>,
    /// Violations by kind: the text with its numbers and lists left out.
    kinds: BTreeMap<String, u64>,
    per: BTreeMap<&'static str, Samples>,
}

/// What kind of violation `what` is: its text with numbers as `n`, up to a list.
fn kind_of(what: &str) -> String {
    let mut kind = String::new();
    for c in what.chars() {
        match c {
            '[' | '(' => break,
            '0'..='9' if kind.ends_with('n') => {}
            '0'..='9' => kind.push('n'),
            c => kind.push(c),
        }
        if kind.len() > 100 {
            break;
        }
    }
    kind.trim_end().to_owned()
}

/// Message `n` as the bench stores it: every fourth with 8-bit (UTF-8) header fields.
fn stress_message(size: usize, n: usize) -> Vec<u8> {
    let m = message(size, n);
    if n % 4 != 1 {
        return m;
    }
    String::from_utf8(m)
        .expect("the bench's messages are UTF-8")
        .replacen(
            &format!("Subject: Quarterly figures, part {n}"),
            &format!("Subject: Quartalszahlen, Teil {n} – Übersicht für Jürgen"),
            1,
        )
        .replacen("From: Ann Example", "From: Jürgen Müller", 1)
        .into_bytes()
}

/// A mailbox name as an IMAP astring.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// One client thread: its connection (when it has one), its model and its choices.
struct Client {
    id: usize,
    kind: Kind,
    port: u16,
    user: String,
    messages: usize,
    size: usize,
    rng: Rng,
    conn: Option<Conn>,
    model: Model,
    keywords: u32,
    appended: usize,
    tally: Tally,
}

impl Client {
    fn key(&self, mailbox: &str) -> String {
        format!("{}/{mailbox}", self.user)
    }

    fn conn(&mut self) -> std::io::Result<&mut Conn> {
        self.conn
            .as_mut()
            .ok_or_else(|| std::io::Error::other("not connected"))
    }

    /// Runs one command through the model; its latency goes to `cmd.name`.
    fn run(&mut self, cmd: Cmd, line: &str) -> std::io::Result<()> {
        self.run_with(cmd, |c| c.send(line))
    }

    fn run_with(
        &mut self,
        cmd: Cmd,
        send: impl FnOnce(&mut Conn) -> std::io::Result<String>,
    ) -> std::io::Result<()> {
        let name = cmd.name;
        self.model.begin(cmd);
        let started = Instant::now();
        let conn = self.conn()?;
        let tag = send(conn)?;
        loop {
            let r = self.conn()?.read()?;
            if self.model.apply(&tag, &r) {
                break;
            }
        }
        self.tally
            .per
            .entry(name)
            .or_default()
            .push(started.elapsed());
        self.tally.commands += 1;
        self.collect();
        Ok(())
    }

    /// Takes the model's violations into the tally, with the transcript of the first.
    fn collect(&mut self) {
        let found = std::mem::take(&mut self.model.violations);
        for what in found {
            self.tally.violations += 1;
            self.report(what);
        }
    }

    fn report(&mut self, what: String) {
        let kind = kind_of(&what);
        *self.tally.kinds.entry(kind.clone()).or_default() += 1;
        if self.tally.reports.len() < REPORTED && self.tally.reports.iter().all(|r| r.kind != kind)
        {
            let transcript = self.conn.as_ref().map(Conn::transcript).unwrap_or_default();
            self.tally.reports.push(Report {
                kind,
                what: format!(
                    "client {} ({:?}, {}): {what}",
                    self.id, self.kind, self.user
                ),
                transcript,
            });
        }
    }

    fn login(&mut self) -> std::io::Result<()> {
        let (conn, greeting) = Conn::connect(self.port)?;
        self.conn = Some(conn);
        self.model.reconnect();
        if greeting.word() != "OK" {
            return Err(std::io::Error::other(format!(
                "greeting: {}",
                greeting.shown
            )));
        }
        self.tally.sessions += 1;
        let login = format!("LOGIN {} {PASSWORD}", self.user);
        self.run(
            Cmd {
                name: "LOGIN",
                ..Cmd::default()
            },
            &login,
        )?;
        if let Some(enable) = self.kind.enable() {
            self.run(
                Cmd {
                    name: "ENABLE",
                    ..Cmd::default()
                },
                enable,
            )?;
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.model.view.as_ref().map_or(0, |v| v.count())
    }

    fn read_only(&self) -> bool {
        self.model.view.as_ref().is_none_or(|v| v.read_only)
    }

    /// A random range `a:b` of sequence numbers (the view must not be empty).
    fn seq_range(&mut self, max_len: usize) -> String {
        let n = self.count();
        let a = 1 + self.rng.below(n);
        let b = (a + self.rng.below(max_len)).min(n);
        if a == b {
            a.to_string()
        } else {
            format!("{a}:{b}")
        }
    }

    /// A set of a few known UIDs, or `None` if the session knows none.
    fn uid_set(&mut self, max_len: usize) -> Option<String> {
        let uids = self.model.view.as_ref()?.known_uids();
        if uids.is_empty() {
            return None;
        }
        let start = self.rng.below(uids.len());
        let len = 1 + self.rng.below(max_len);
        Some(
            uids[start..(start + len).min(uids.len())]
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
    }

    fn flag_list(&mut self) -> String {
        let mut flags = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let f = match self.rng.below(10) {
                0 => "\\Seen".to_owned(),
                1 => "\\Flagged".to_owned(),
                2 => "\\Answered".to_owned(),
                3 => "\\Deleted".to_owned(),
                _ if self.rng.chance(3) => {
                    self.keywords += 1;
                    format!("$C{}K{}", self.id, self.keywords)
                }
                _ => format!("$Label{}", 1 + self.rng.below(9)),
            };
            if !flags.contains(&f) {
                flags.push(f);
            }
        }
        flags.join(" ")
    }

    fn select(&mut self) -> std::io::Result<()> {
        let mailbox = *self.rng.pick(&MAILBOXES);
        let key = self.key(mailbox);
        let examine = self.rng.chance(20);
        let known = self.model.history.get(&key).cloned().unwrap_or_default();
        let mut params = String::new();
        let mut earlier = false;
        let mut qresync_since = None;
        if self.model.qresync && known.highest_modseq > 0 && self.rng.chance(60) {
            let v = known.uidvalidity.unwrap_or(0);
            params = if self.rng.chance(50) && known.max_uid > 0 {
                format!(
                    " (QRESYNC ({v} {} 1:{}))",
                    known.highest_modseq, known.max_uid
                )
            } else {
                format!(" (QRESYNC ({v} {}))", known.highest_modseq)
            };
            earlier = true;
            qresync_since = Some(known.highest_modseq);
        } else if self.kind == Kind::Condstore && self.rng.chance(30) {
            params = " (CONDSTORE)".into();
            self.model.condstore = true;
        }
        let name = if examine { "EXAMINE" } else { "SELECT" };
        let line = format!("{name} {}{params}", quoted(mailbox));
        self.run(
            Cmd {
                name,
                select: Some((key, examine)),
                earlier,
                qresync_since,
                ..Cmd::default()
            },
            &line,
        )?;
        // Learn the UIDs, as most clients do.
        if self.count() > 0 && self.rng.chance(70) {
            let items = if self.model.condstore {
                "(UID FLAGS MODSEQ)"
            } else {
                "(UID FLAGS)"
            };
            self.run(
                Cmd {
                    name: "FETCH",
                    fetch: Some(true),
                    no_expunge: true,
                    may_miss: true,
                    ..Cmd::default()
                },
                &format!("FETCH 1:* {items}"),
            )?;
        }
        Ok(())
    }

    fn fetch(&mut self) -> std::io::Result<()> {
        if self.count() == 0 {
            return self.noop();
        }
        let condstore = self.model.condstore;
        let modseq = if condstore { " MODSEQ" } else { "" };
        let highest = self
            .model
            .view
            .as_ref()
            .and_then(|v| self.model.history.get(&v.key))
            .map_or(0, |k| k.highest_modseq);
        let (name, uid, flags, earlier, line) = match self.rng.below(7) {
            0 | 1 => {
                let r = self.seq_range(20);
                (
                    "FETCH",
                    false,
                    true,
                    false,
                    format!("FETCH {r} (UID FLAGS{modseq})"),
                )
            }
            2 => {
                let r = self.seq_range(5);
                (
                    "FETCH",
                    false,
                    true,
                    false,
                    format!("FETCH {r} (FLAGS ENVELOPE)"),
                )
            }
            3 => {
                let n = 1 + self.rng.below(self.count());
                // A read-write FETCH of BODY[] sets \Seen (RFC 9051 §6.4.5).
                let section = if self.read_only() || self.rng.chance(70) {
                    "BODY.PEEK[]"
                } else {
                    "BODY[]"
                };
                (
                    "FETCH",
                    false,
                    false,
                    false,
                    format!("FETCH {n} (UID RFC822.SIZE {section})"),
                )
            }
            4 => match self.uid_set(4) {
                Some(set) => {
                    let first = set.split(',').next().unwrap_or("1").to_owned();
                    (
                        "UID FETCH",
                        true,
                        true,
                        false,
                        format!("UID FETCH {first}:* (FLAGS{modseq})"),
                    )
                }
                None => (
                    "UID FETCH",
                    true,
                    true,
                    false,
                    "UID FETCH 1:* (FLAGS)".into(),
                ),
            },
            5 if self.model.qresync && highest > 0 => (
                "UID FETCH",
                true,
                true,
                true,
                format!("UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest} VANISHED)"),
            ),
            5 | 6 if condstore && highest > 0 => (
                "FETCH",
                false,
                true,
                false,
                format!("FETCH 1:* (UID FLAGS) (CHANGEDSINCE {highest})"),
            ),
            _ => ("FETCH", false, true, false, "FETCH 1:* (UID FLAGS)".into()),
        };
        self.run(
            Cmd {
                name,
                uid,
                no_expunge: !uid,
                fetch: Some(flags),
                earlier,
                may_miss: true,
                ..Cmd::default()
            },
            &line,
        )
    }

    fn store(&mut self) -> std::io::Result<()> {
        if self.count() == 0 || self.read_only() {
            return self.select();
        }
        let by_uid = if self.rng.chance(50) {
            self.uid_set(4)
        } else {
            None
        };
        let (uid, set) = match by_uid {
            Some(set) => (true, set),
            None => (false, self.seq_range(4)),
        };
        let action = match self.rng.below(10) {
            0 => "FLAGS",
            1..=3 => "-FLAGS",
            _ => "+FLAGS",
        };
        let silent = if self.rng.chance(25) { ".SILENT" } else { "" };
        let flags = self.flag_list();
        let mut modifier = String::new();
        if self.model.condstore && self.rng.chance(20) {
            let key = self.model.view.as_ref().map(|v| v.key.clone());
            let m = key
                .and_then(|k| self.model.history.get(&k))
                .map_or(1, |k| k.highest_modseq.max(1));
            modifier = format!(" (UNCHANGEDSINCE {m})");
        }
        let (name, prefix) = if uid {
            ("UID STORE", "UID ")
        } else {
            ("STORE", "")
        };
        let line = format!("{prefix}STORE {set}{modifier} {action}{silent} ({flags})");
        self.run(
            Cmd {
                name,
                uid,
                no_expunge: !uid,
                store: true,
                may_miss: true,
                ..Cmd::default()
            },
            &line,
        )
    }

    fn expunge(&mut self) -> std::io::Result<()> {
        if self.read_only() {
            return self.select();
        }
        if self.count() > 3 * self.messages {
            // Keep the mailboxes near their size: delete the oldest surplus.
            let surplus = self.count() - self.messages;
            self.run(
                Cmd {
                    name: "STORE",
                    no_expunge: true,
                    store: true,
                    may_miss: true,
                    ..Cmd::default()
                },
                &format!("STORE 1:{surplus} +FLAGS.SILENT (\\Deleted)"),
            )?;
        }
        match self.rng.chance(40).then(|| self.uid_set(6)).flatten() {
            Some(set) => self.run(
                Cmd {
                    name: "UID EXPUNGE",
                    uid: true,
                    ..Cmd::default()
                },
                &format!("UID EXPUNGE {set}"),
            ),
            None => self.run(
                Cmd {
                    name: "EXPUNGE",
                    ..Cmd::default()
                },
                "EXPUNGE",
            ),
        }
    }

    fn append(&mut self) -> std::io::Result<()> {
        if self.count() > 2 * self.messages {
            return self.expunge();
        }
        let mailbox = *self.rng.pick(&MAILBOXES);
        let key = self.key(mailbox);
        self.appended += 1;
        let body = stress_message(self.size, self.id * 100_000 + self.appended);
        let flags = if self.rng.chance(40) {
            format!(" ({})", self.flag_list())
        } else {
            String::new()
        };
        let line = format!("APPEND {}{flags}", quoted(mailbox));
        self.run_with(
            Cmd {
                name: "APPEND",
                target: Some(key),
                ..Cmd::default()
            },
            |c| c.send_literal(&line, &body),
        )
    }

    fn copy_or_move(&mut self) -> std::io::Result<()> {
        if self.count() == 0 {
            return self.append();
        }
        let current = self.model.view.as_ref().map(|v| v.key.clone());
        let others: Vec<&str> = MAILBOXES
            .iter()
            .copied()
            .filter(|m| Some(self.key(m)) != current)
            .collect();
        let mailbox = *self.rng.pick(&others);
        let is_move = !self.read_only() && self.rng.chance(50);
        let verb = if is_move { "MOVE" } else { "COPY" };
        let (name, uid, set) = match self.rng.chance(50).then(|| self.uid_set(3)).flatten() {
            Some(set) => (if is_move { "UID MOVE" } else { "UID COPY" }, true, set),
            None => (verb, false, self.seq_range(3)),
        };
        let prefix = if uid { "UID " } else { "" };
        let line = format!("{prefix}{verb} {set} {}", quoted(mailbox));
        let key = self.key(mailbox);
        let sources = if uid {
            Some(set.split(',').filter_map(|u| u.parse().ok()).collect())
        } else {
            self.model.view.as_ref().and_then(|v| {
                let (a, b) = set.split_once(':').unwrap_or((&set, &set));
                let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
                v.uids[a - 1..b]
                    .iter()
                    .copied()
                    .collect::<Option<Vec<u64>>>()
            })
        };
        self.run(
            Cmd {
                name,
                uid,
                target: Some(key),
                sources,
                may_miss: true,
                ..Cmd::default()
            },
            &line,
        )
    }

    fn search(&mut self) -> std::io::Result<()> {
        let uid = self.rng.chance(60);
        let criteria = match self.rng.below(5) {
            0 => format!("KEYWORD $Label{}", 1 + self.rng.below(9)),
            1 => "UNSEEN".to_owned(),
            2 => "FLAGGED".to_owned(),
            3 if self.model.condstore => "MODSEQ 1".to_owned(),
            _ => "DELETED".to_owned(),
        };
        let (name, prefix) = if uid {
            ("UID SEARCH", "UID ")
        } else {
            ("SEARCH", "")
        };
        self.run(
            Cmd {
                name,
                uid,
                no_expunge: !uid,
                ..Cmd::default()
            },
            &format!("{prefix}SEARCH {criteria}"),
        )
    }

    fn status(&mut self) -> std::io::Result<()> {
        let current = self.model.view.as_ref().map(|v| v.key.clone());
        let mailbox = *self.rng.pick(&MAILBOXES);
        let key = self.key(mailbox);
        if Some(&key) == current.as_ref() {
            return self.noop();
        }
        let modseq = if self.model.condstore {
            " HIGHESTMODSEQ"
        } else {
            ""
        };
        self.run(
            Cmd {
                name: "STATUS",
                target: Some(key),
                ..Cmd::default()
            },
            &format!(
                "STATUS {} (MESSAGES UIDNEXT UIDVALIDITY UNSEEN{modseq})",
                quoted(mailbox)
            ),
        )
    }

    /// FETCH, STORE and SEARCH by sequence number sent together, without waiting for
    /// the answers (RFC 9051 §5.5 allows it: none of them may be answered with EXPUNGE,
    /// so the numbers hold for all of them).
    fn pipeline(&mut self) -> std::io::Result<()> {
        if self.count() == 0 || self.read_only() {
            return self.fetch();
        }
        let condstore = self.model.condstore;
        let modseq = if condstore { " MODSEQ" } else { "" };
        let fetch = format!("FETCH {} (UID FLAGS{modseq})", self.seq_range(10));
        let store = format!("STORE {} +FLAGS ({})", self.seq_range(3), self.flag_list());
        let search = format!("SEARCH KEYWORD $Label{}", 1 + self.rng.below(9));
        let again = format!("FETCH {} (FLAGS{modseq})", self.seq_range(10));
        let fetch_cmd = Cmd {
            name: "FETCH",
            no_expunge: true,
            fetch: Some(true),
            may_miss: true,
            ..Cmd::default()
        };
        let store_cmd = Cmd {
            name: "STORE",
            no_expunge: true,
            store: true,
            may_miss: true,
            ..Cmd::default()
        };
        let search_cmd = Cmd {
            name: "SEARCH",
            no_expunge: true,
            ..Cmd::default()
        };
        let started = Instant::now();
        let conn = self.conn()?;
        let mut queue = std::collections::VecDeque::new();
        for (line, cmd) in [
            (&fetch, fetch_cmd.clone()),
            (&store, store_cmd),
            (&search, search_cmd),
            (&again, fetch_cmd),
        ] {
            queue.push_back((conn.send(line)?, cmd));
        }
        // The server answers the commands in order: what comes after one's tagged reply
        // belongs to the next.
        while let Some((tag, cmd)) = queue.pop_front() {
            self.model.begin(cmd);
            loop {
                let r = self.conn()?.read()?;
                if self.model.apply(&tag, &r) {
                    break;
                }
            }
        }
        self.tally
            .per
            .entry("pipeline of 4")
            .or_default()
            .push(started.elapsed());
        self.tally.commands += 4;
        self.collect();
        Ok(())
    }

    fn noop(&mut self) -> std::io::Result<()> {
        self.run(
            Cmd {
                name: "NOOP",
                ..Cmd::default()
            },
            "NOOP",
        )
    }

    /// IDLE for a moment, then DONE; the updates are checked like any others.
    fn idle(&mut self) -> std::io::Result<()> {
        let pause = Duration::from_millis(50 + self.rng.below(250) as u64);
        self.model.begin(Cmd {
            name: "IDLE",
            ..Cmd::default()
        });
        let started = Instant::now();
        let tag = self.conn()?.send("IDLE")?;
        loop {
            let r = self.conn()?.read()?;
            if r.tag == "+" {
                break;
            }
            if self.model.apply(&tag, &r) {
                // Refused: the model counted it.
                self.collect();
                return Ok(());
            }
        }
        std::thread::sleep(pause);
        self.conn()?.send_line("DONE")?;
        loop {
            let r = self.conn()?.read()?;
            if self.model.apply(&tag, &r) {
                break;
            }
        }
        let waited = started.elapsed().saturating_sub(pause);
        self.tally.per.entry("IDLE").or_default().push(waited);
        self.tally.commands += 1;
        self.collect();
        Ok(())
    }

    fn deselect(&mut self) -> std::io::Result<()> {
        let close = !self.read_only() && self.rng.chance(30);
        let name = if close { "CLOSE" } else { "UNSELECT" };
        self.run(
            Cmd {
                name,
                ..Cmd::default()
            },
            name,
        )?;
        self.model.view = None;
        Ok(())
    }

    fn logout(&mut self) -> std::io::Result<()> {
        self.run(
            Cmd {
                name: "LOGOUT",
                logout: true,
                ..Cmd::default()
            },
            "LOGOUT",
        )?;
        self.conn = None;
        Ok(())
    }

    /// One step: connect if needed, select if nothing is, else a random command.
    fn step(&mut self) -> std::io::Result<()> {
        if self.conn.is_none() {
            return self.login();
        }
        if self.model.view.is_none() {
            return self.select();
        }
        match self.rng.below(100) {
            0..=9 => self.select(),
            10..=29 => self.fetch(),
            30..=49 => self.store(),
            50..=56 => self.expunge(),
            57..=65 => self.append(),
            66..=74 => self.copy_or_move(),
            75..=79 => self.search(),
            80..=84 => self.status(),
            85..=87 => self.noop(),
            88..=90 => self.pipeline(),
            91..=95 => self.idle(),
            96..=97 => self.deselect(),
            _ => self.logout(),
        }
    }

    fn run_until(mut self, deadline: Instant) -> Tally {
        while Instant::now() < deadline {
            if let Err(e) = self.step() {
                self.tally.failed += 1;
                self.report(format!("session failed: {e}"));
                self.conn = None;
            }
        }
        if self.conn.is_some()
            && let Err(e) = self.logout()
        {
            self.tally.failed += 1;
            self.report(format!("session failed at LOGOUT: {e}"));
        }
        self.tally.responses = self.model.checked;
        self.tally
    }
}

/// Creates the accounts' mailboxes and fills `Work` and `Archive 2026` (INBOX is filled
/// by delivery), with flags and keywords on some messages.
fn fill(port: u16, user: &str, o: &Options) -> std::io::Result<()> {
    let (mut c, _) = Conn::connect(port)?;
    let expect_ok = |c: &mut Conn, tag: String| -> std::io::Result<()> {
        loop {
            let r = c.read()?;
            if r.tag == tag {
                return if r.word() == "OK" {
                    Ok(())
                } else {
                    Err(std::io::Error::other(format!("setup: {}", r.shown)))
                };
            }
        }
    };
    let tag = c.send(&format!("LOGIN {user} {PASSWORD}"))?;
    expect_ok(&mut c, tag)?;
    for mailbox in &MAILBOXES[1..] {
        let tag = c.send(&format!("CREATE {}", quoted(mailbox)))?;
        expect_ok(&mut c, tag)?;
        for n in 0..o.messages {
            let flags = match n % 5 {
                0 => " (\\Seen)",
                1 => " (\\Seen $Label1 $Label4)",
                2 => " (\\Flagged $Label2)",
                _ => "",
            };
            let body = stress_message(o.size, n);
            let tag = c.send_literal(&format!("APPEND {}{flags}", quoted(mailbox)), &body)?;
            expect_ok(&mut c, tag)?;
        }
    }
    let tag = c.send("LOGOUT")?;
    expect_ok(&mut c, tag)
}

pub fn run(o: &Options) -> Result {
    let seed = o.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    // Every client of an account logs in from 127.0.0.1, all at once at the start. Until
    // an address has signed in to an account, the throttle counts each login in progress
    // as a failure, and more than five at once are refused
    // (`auth.login_failures_per_ip_account`); after that, only failures count.
    let server =
        BenchServer::start_with(&[("OSPREY_AUTH_LOGIN_FAILURES_PER_IP_ACCOUNT", "1000000")])?;
    let accounts = o.clients.clamp(1, 3);
    let users = server.provision("stress", accounts, PASSWORD, o.messages, |n| {
        stress_message(o.size, n)
    })?;
    for u in &users {
        fill(server.imap_port, u, o).map_err(|e| format!("filling {u}: {e}"))?;
    }
    println!(
        "bench imap-stress: {} clients on {accounts} accounts (rev1, CONDSTORE, QRESYNC, IMAP4rev2+QRESYNC in turn), {} s, {} messages per mailbox, seed {seed}, server {}",
        o.clients,
        o.seconds,
        o.messages,
        server.bin.display()
    );
    let witness = Witness::default();
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    let handles: Vec<_> = (0..o.clients)
        .map(|id| {
            let client = Client {
                id,
                kind: Kind::of(id),
                port: server.imap_port,
                user: users[id % accounts].clone(),
                messages: o.messages,
                size: o.size,
                rng: Rng(seed ^ (id as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)),
                conn: None,
                model: Model::new(Arc::clone(&witness)),
                keywords: 0,
                appended: 0,
                tally: Tally::default(),
            };
            std::thread::spawn(move || client.run_until(deadline))
        })
        .collect();
    // Meanwhile another process delivers now and then (`osprey deliver`, as a local
    // delivery agent would): changes the server's change bus does not carry, which
    // sessions find by polling.
    let mut to = vec!["deliver"];
    for u in &users {
        to.extend(["--to", u.as_str()]);
    }
    let mut delivered = 0;
    while Instant::now() + Duration::from_secs(1) < deadline {
        std::thread::sleep(Duration::from_secs(1));
        server.cli(&to, Some(&stress_message(o.size, 500_000 + delivered)))?;
        delivered += 1;
    }
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().map_err(|_| "a client thread panicked")?;
        all.sessions += t.sessions;
        all.commands += t.commands;
        all.responses += t.responses;
        all.violations += t.violations;
        all.failed += t.failed;
        for r in t.reports {
            if all.reports.len() < REPORTED && all.reports.iter().all(|a| a.kind != r.kind) {
                all.reports.push(r);
            }
        }
        for (k, n) in t.kinds {
            *all.kinds.entry(k).or_default() += n;
        }
        for (k, v) in t.per {
            all.per.entry(k).or_default().extend(v);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bench imap-stress: {} sessions, {} commands ({:.1}/s), {} responses checked, {delivered} messages delivered by another process, {} violations, {} failed sessions",
        all.sessions,
        all.commands,
        all.commands as f64 / secs,
        all.responses,
        all.violations,
        all.failed
    );
    for (what, samples) in all.per.iter_mut() {
        println!("bench imap-stress: {what:<12} {}", samples.summary());
    }
    for (kind, n) in &all.kinds {
        println!("bench imap-stress: {n:>6} x {kind} ...");
    }
    for r in &all.reports {
        println!(
            "\nbench imap-stress: {}\n  last lines:\n{}",
            r.what, r.transcript
        );
    }
    if all.violations > 0 || all.failed > 0 {
        return Err(format!(
            "{} violations, {} failed sessions (seed {seed})",
            all.violations, all.failed
        ));
    }
    Ok(())
}
