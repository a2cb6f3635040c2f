//! What the server does, counted as it happens: messages received, sent, bounced and
//! refused, sign-ins, the sessions open now, and who sends and who is refused most.
//!
//! The counters live in this process only; the directory's activity recorder takes
//! them ([`take`]) at a fixed interval and adds them to the store, which is what the
//! dashboard reads (so the figures survive restarts and add up over several nodes).
//! A write that fails gives them back ([`give_back`]): nothing counted is lost.
//!
//! Counting is a few atomic operations; the ranked counts hold at most
//! [`MAX_RANKED_KEYS`] names of a kind between two takes, the rest under [`OTHERS`].

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
};

/// Events counted by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// A message accepted over SMTP from another server (not signed in).
    Received,
    /// A message accepted from a signed-in user (SMTP submission or the web app).
    Submitted,
    /// A recipient the queue delivered to another server.
    Sent,
    /// A recipient the queue gave up on (its sender gets a failure report).
    Bounced,
    /// An SMTP command or connection refused by policy with a permanent reply.
    Rejected,
    /// A sign-in that succeeded, over any protocol.
    Login,
    /// A sign-in refused (wrong password, unknown user, throttled).
    FailedLogin,
}

impl Count {
    pub const ALL: [Count; 7] = [
        Count::Received,
        Count::Submitted,
        Count::Sent,
        Count::Bounced,
        Count::Rejected,
        Count::Login,
        Count::FailedLogin,
    ];

    /// The name the store keeps it under.
    pub fn name(self) -> &'static str {
        match self {
            Count::Received => "received",
            Count::Submitted => "submitted",
            Count::Sent => "sent",
            Count::Bounced => "bounced",
            Count::Rejected => "rejected",
            Count::Login => "logins",
            Count::FailedLogin => "failed_logins",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Events counted per name, for the "top" lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ranked {
    /// The envelope sender of an accepted message (`<>` for the null sender).
    Sender,
    /// The client address of a refused SMTP command or connection.
    RejectedIp,
}

impl Ranked {
    pub const ALL: [Ranked; 2] = [Ranked::Sender, Ranked::RejectedIp];

    /// The name the store keeps it under.
    pub fn name(self) -> &'static str {
        match self {
            Ranked::Sender => "sender",
            Ranked::RejectedIp => "rejected_ip",
        }
    }
}

/// The protocols whose open sessions are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    Smtp,
    Imap,
    Pop3,
    ManageSieve,
}

impl SessionKind {
    pub const ALL: [SessionKind; 4] = [
        SessionKind::Smtp,
        SessionKind::Imap,
        SessionKind::Pop3,
        SessionKind::ManageSieve,
    ];

    /// The name the store keeps its gauge under (`sessions.imap`).
    pub fn name(self) -> &'static str {
        match self {
            SessionKind::Smtp => "sessions.smtp",
            SessionKind::Imap => "sessions.imap",
            SessionKind::Pop3 => "sessions.pop3",
            SessionKind::ManageSieve => "sessions.managesieve",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Most distinct names of one ranked kind kept between two takes.
pub const MAX_RANKED_KEYS: usize = 1_000;

/// The name under which further names are counted once [`MAX_RANKED_KEYS`] is reached.
pub const OTHERS: &str = "(others)";

/// Longest name kept; longer ones are cut (an address is at most 254 octets).
const MAX_KEY_LEN: usize = 254;

static COUNTS: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];
static SESSIONS: [AtomicI64; 4] = [const { AtomicI64::new(0) }; 4];
static RANKED: Mutex<Option<HashMap<(Ranked, String), u64>>> = Mutex::new(None);

/// Counts one `event`.
pub fn count(event: Count) {
    add(event, 1);
}

/// Counts `n` of `event`.
pub fn add(event: Count, n: u64) {
    COUNTS[event.index()].fetch_add(n, Ordering::Relaxed);
}

/// Counts one `event` for the name `key`.
pub fn rank(event: Ranked, key: &str) {
    rank_n(event, key, 1);
}

fn rank_n(event: Ranked, key: &str, n: u64) {
    let mut key = key.trim();
    if key.len() > MAX_KEY_LEN {
        let mut end = MAX_KEY_LEN;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key = &key[..end];
    }
    let mut guard = RANKED.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    let entry = (event, key.to_owned());
    if let Some(v) = map.get_mut(&entry) {
        *v += n;
        return;
    }
    let of_kind = map.keys().filter(|(k, _)| *k == event).count();
    let entry = if of_kind >= MAX_RANKED_KEYS {
        (event, OTHERS.to_owned())
    } else {
        entry
    };
    *map.entry(entry).or_insert(0) += n;
}

/// Counts a message from the envelope sender `sender` (empty: the null sender, `<>`),
/// letter case aside.
pub fn rank_sender(sender: &str) {
    let sender = sender.trim();
    if sender.is_empty() {
        rank(Ranked::Sender, "<>");
    } else {
        rank(Ranked::Sender, &sender.to_ascii_lowercase());
    }
}

/// A session of `kind` open for as long as the guard lives.
#[must_use = "the session counts as open only while the guard lives"]
pub struct OpenSession(SessionKind);

/// Counts a session of `kind` as open until the returned guard is dropped.
pub fn session_opened(kind: SessionKind) -> OpenSession {
    SESSIONS[kind.index()].fetch_add(1, Ordering::Relaxed);
    OpenSession(kind)
}

impl Drop for OpenSession {
    fn drop(&mut self) {
        SESSIONS[self.0.index()].fetch_sub(1, Ordering::Relaxed);
    }
}

/// Sessions of `kind` open now in this process.
pub fn open_sessions(kind: SessionKind) -> u64 {
    u64::try_from(SESSIONS[kind.index()].load(Ordering::Relaxed)).unwrap_or(0)
}

/// What was counted since the last take, and the sessions open at the take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Each count that is not zero.
    pub counts: Vec<(Count, u64)>,
    /// Each name counted, with its count.
    pub ranked: Vec<(Ranked, String, u64)>,
    /// Open sessions of each kind (all kinds, zeros included).
    pub sessions: Vec<(SessionKind, u64)>,
}

impl Snapshot {
    /// Nothing was counted (open sessions aside).
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.ranked.is_empty()
    }
}

/// Takes what was counted since the last take, leaving the counters at zero.
pub fn take() -> Snapshot {
    let counts = Count::ALL
        .iter()
        .filter_map(|c| {
            let n = COUNTS[c.index()].swap(0, Ordering::Relaxed);
            (n > 0).then_some((*c, n))
        })
        .collect();
    let ranked = RANKED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(|((kind, key), n)| (kind, key, n))
        .collect();
    let sessions = SessionKind::ALL
        .iter()
        .map(|k| (*k, open_sessions(*k)))
        .collect();
    Snapshot {
        counts,
        ranked,
        sessions,
    }
}

/// Puts back the counts of a snapshot that could not be stored, to go with the next.
pub fn give_back(snapshot: Snapshot) {
    for (c, n) in snapshot.counts {
        add(c, n);
    }
    for (kind, key, n) in snapshot.ranked {
        rank_n(kind, &key, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test: the counters are the process's, so tests of them must not run side by side.
    #[test]
    fn counts_are_taken_once_given_back_and_capped_by_name() {
        let _ = take();
        count(Count::Received);
        add(Count::Received, 2);
        rank(Ranked::Sender, "a@example.com");
        rank(Ranked::Sender, " a@example.com ");
        let open = session_opened(SessionKind::Imap);
        let first = take();
        assert_eq!(first.counts, vec![(Count::Received, 3)]);
        assert_eq!(
            first.ranked,
            vec![(Ranked::Sender, "a@example.com".to_owned(), 2)]
        );
        assert!(first.sessions.contains(&(SessionKind::Imap, 1)));
        drop(open);
        assert_eq!(open_sessions(SessionKind::Imap), 0);

        let again = take();
        assert!(again.is_empty(), "taken counts are gone: {again:?}");

        give_back(first.clone());
        assert_eq!(take().counts, first.counts);

        for i in 0..MAX_RANKED_KEYS + 5 {
            rank(Ranked::RejectedIp, &format!("192.0.2.{i}"));
        }
        let capped = take();
        assert_eq!(capped.ranked.len(), MAX_RANKED_KEYS + 1);
        assert!(
            capped
                .ranked
                .contains(&(Ranked::RejectedIp, OTHERS.to_owned(), 5))
        );

        rank(Ranked::Sender, &"x".repeat(400));
        assert_eq!(take().ranked[0].1.len(), MAX_KEY_LEN);
    }
}
