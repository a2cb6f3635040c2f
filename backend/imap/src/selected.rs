//! The selected mailbox as this session sees it: messages in sequence-number order,
//! and how changes made elsewhere (other sessions, delivery, POP3, the API) reach it.
//!
//! Changes arrive on the store's change bus; when one concerns the mailbox the view
//! catches up, and reports the difference as untagged responses (RFC 9051 §7.5.1). A
//! small mailbox is read again whole (one query); a large one is asked only for what
//! changed since the MODSEQ the view is complete to (`Messages::mailbox_changes`), so a
//! flag change in a mailbox of 100,000 messages does not reload 100,000 rows in every
//! session that has it selected.
//! Expunged messages stay in the view, unreported, until EXPUNGE may be sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use osprey_proto::imap::{Data, FetchData, Flag, Response, SequenceSet};
use osprey_store::{Change, MailboxRecord, MessageState, Store, StoreError};
use tokio::sync::broadcast::{self, error::TryRecvError};

use crate::{
    keywords::Keywords,
    message::flag_list,
    op::context::Contexts,
    recent::{Recent, RecentMode},
};

/// From this many messages on, the view catches up by MODSEQ instead of reloading:
/// three small queries cost less than reading every row.
const CATCH_UP_FROM: usize = 256;

/// One message of the view.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    pub id: String,
    pub uid: u32,
    pub flags: u64,
    pub keywords: Vec<String>,
    pub modseq: u64,
    pub size: u64,
    pub internal_date: DateTime<Utc>,
    pub blob_hash: String,
    /// Gone from the store; its EXPUNGE is not sent yet.
    pub expunged: bool,
    /// `\Recent` to this session (`recent.rs`).
    pub recent: bool,
}

impl Msg {
    /// Takes the flags, keywords and MODSEQ of `r` (the same message, read again);
    /// `true` if the flags or keywords differ.
    fn update_from(&mut self, r: MessageState) -> bool {
        let changed = r.flags != self.flags || r.keywords != self.keywords;
        self.flags = r.flags;
        self.keywords = r.keywords;
        self.modseq = r.modseq;
        changed
    }

    /// The message's flags as FETCH shows them: `\Recent` with the stored ones
    /// (RFC 3501 §2.3.2).
    pub(crate) fn flag_list(&self) -> Vec<Flag> {
        let mut flags = flag_list(self.flags, &self.keywords);
        if self.recent {
            let at = flags
                .iter()
                .position(|f| matches!(f, Flag::Keyword(_)))
                .unwrap_or(flags.len());
            flags.insert(at, Flag::Recent);
        }
        flags
    }
}

impl From<MessageState> for Msg {
    fn from(r: MessageState) -> Self {
        Msg {
            id: r.id,
            uid: r.uid,
            flags: r.flags,
            keywords: r.keywords,
            modseq: r.modseq,
            size: r.size,
            internal_date: r.internal_date,
            blob_hash: r.blob_hash,
            expunged: false,
            recent: false,
        }
    }
}

pub(crate) struct Selected {
    pub mailbox: MailboxRecord,
    /// EXAMINE, RFC 9051 §6.3.3.
    pub read_only: bool,
    pub msgs: Vec<Msg>,
    /// The UIDs of the last `SEARCH RETURN (SAVE)`, what `$` names (RFC 5182 §2.1);
    /// empty when the mailbox is selected. Expunged ones drop out as the view does.
    pub saved: Vec<u32>,
    /// The keywords announced in FLAGS (RFC 9051 §7.3.5).
    pub keywords: Keywords,
    /// The searches kept up to date (RFC 5267 §4.3); they end with the view.
    pub contexts: Contexts,
    /// The messages that are `\Recent` to this session.
    pub(crate) recent: Recent,
    changes: broadcast::Receiver<Change>,
    /// A change of this mailbox arrived that the view has not applied.
    dirty: bool,
    /// Every change up to this MODSEQ is in the view.
    complete_to: u64,
    /// Ask the store at the next [`Selected::sync`] whether the mailbox changed, for
    /// changes the bus does not carry (another process's: `osprey deliver`, the CLI).
    poll_requested: bool,
    /// The HIGHESTMODSEQ that the last poll read; the next reload sees all of it.
    polled: u64,
}

impl Selected {
    /// Opens the view. The bus is subscribed before the mailbox is read, so no change
    /// committed after the read is missed; `\Recent` is taken after it, so every
    /// message read that nobody claimed before is recent here (`recent.rs`).
    pub(crate) async fn open(
        store: &Store,
        mailbox: MailboxRecord,
        read_only: bool,
        recent: RecentMode,
    ) -> Result<Selected, StoreError> {
        let changes = store.subscribe();
        // Read before the messages: a lower bound of what they include.
        let complete_to = mailbox.highestmodseq;
        let mut msgs: Vec<Msg> = store
            .messages()
            .states_in_mailbox(&mailbox.id)
            .await?
            .into_iter()
            .map(Msg::from)
            .collect();
        let mut recent = Recent::new(recent);
        // The mailbox was read before its messages, and its `recent_uid` only moves up:
        // a message of the view below it is claimed already. When none is at or above
        // it there is nothing to take, and the read that would say so is spared (a
        // message that arrives later takes its claim when it reaches the view).
        if msgs.last().is_some_and(|m| m.uid >= mailbox.recent_uid) {
            recent.take(store, &mailbox.id).await?;
        }
        for m in &mut msgs {
            m.recent = recent.contains(m.uid);
        }
        let mut keywords = Keywords::default();
        keywords.learn(msgs.iter().flat_map(|m| &m.keywords));
        Ok(Selected {
            mailbox,
            read_only,
            msgs,
            saved: Vec::new(),
            keywords,
            contexts: Contexts::default(),
            recent,
            changes,
            dirty: false,
            complete_to,
            poll_requested: false,
            polled: 0,
        })
    }

    /// The number of messages the client knows of (RFC 9051 §7.4.1 EXISTS).
    pub(crate) fn exists(&self) -> u32 {
        self.msgs.len() as u32
    }

    /// The mailbox's HIGHESTMODSEQ as this view knows it: every change up to it has
    /// been reported.
    pub(crate) fn highest_modseq(&self) -> u64 {
        let msgs = self.msgs.iter().map(|m| m.modseq).max().unwrap_or(0);
        self.complete_to.max(msgs).max(self.mailbox.highestmodseq)
    }

    /// Every change up to this MODSEQ is in the view.
    pub(crate) fn complete_to(&self) -> u64 {
        self.complete_to
    }

    /// The RECENT response (RFC 3501 §7.3.2), for IMAP4rev1 sessions only: the number
    /// of messages recent to this session.
    pub(crate) fn recent_response(&self) -> Option<Data> {
        self.recent
            .shown()
            .then(|| Data::Recent(self.msgs.iter().filter(|m| m.recent).count() as u32))
    }

    /// Takes the changes waiting on the bus; marks the view dirty if one is ours.
    fn poll(&mut self) {
        loop {
            match self.changes.try_recv() {
                Ok(c) if c.mailbox_id == self.mailbox.id => self.dirty = true,
                Ok(_) => {}
                // Fell behind: resynchronise from the store.
                Err(TryRecvError::Lagged(_)) => self.dirty = true,
                Err(TryRecvError::Empty) | Err(TryRecvError::Closed) => return,
            }
        }
    }

    /// Waits for a change of this mailbox (IDLE). Cancel-safe.
    pub(crate) async fn changed(&mut self) {
        loop {
            match self.changes.recv().await {
                Ok(c) if c.mailbox_id == self.mailbox.id => {
                    self.dirty = true;
                    return;
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.dirty = true;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }
    }

    /// Has the next [`Selected::sync`] ask the store whether the mailbox changed (NOOP,
    /// and now and then during IDLE).
    pub(crate) fn request_poll(&mut self) {
        self.poll_requested = true;
    }

    /// Marks the view as needing a reload (after this session's own writes).
    pub(crate) fn touch(&mut self) {
        self.dirty = true;
    }

    /// Brings the view up to date and appends the untagged responses that say what
    /// changed: EXPUNGE (VANISHED with `qresync`) only if `allow_expunge` (RFC 9051
    /// §7.5.1), then FLAGS and PERMANENTFLAGS if a message changed or arrived with a
    /// keyword not announced yet (RFC 9051 §7.3.5), then flag changes as FETCH (with
    /// UID and MODSEQ once CONDSTORE is enabled, RFC 7162 §3.2.4), then EXISTS.
    /// Returns the UIDs whose EXPUNGE (or VANISHED) it wrote and those of the new
    /// messages, ascending.
    pub(crate) async fn sync(
        &mut self,
        store: &Store,
        allow_expunge: bool,
        condstore: bool,
        qresync: bool,
        out: &mut Vec<Response>,
    ) -> Result<(Vec<u32>, Vec<u32>), StoreError> {
        let mut gone = Vec::new();
        self.poll();
        if std::mem::take(&mut self.poll_requested) && !self.dirty {
            let high = store.messages().highest_modseq(&self.mailbox.id).await?;
            if high > self.complete_to {
                self.dirty = true;
                self.polled = self.polled.max(high);
            }
        }
        let mut added = Vec::new();
        if self.dirty {
            // The view is in UID order.
            let high = self.msgs.last().map_or(0, |m| m.uid);
            let (flag_changes, new) = if self.msgs.len() >= CATCH_UP_FROM {
                let c = store
                    .messages()
                    .mailbox_changes(&self.mailbox.id, self.complete_to)
                    .await?;
                self.complete_to = self.complete_to.max(c.complete_to);
                self.apply_changes(c.changed, &c.expunged, high)
            } else {
                let records = store.messages().states_in_mailbox(&self.mailbox.id).await?;
                // One query sees every change up to the highest MODSEQ it shows (they
                // commit in order).
                // So does a poll made before it.
                let seen = records.iter().map(|r| r.modseq).max().unwrap_or(0);
                self.complete_to = self.complete_to.max(seen).max(self.polled);
                self.apply_reload(records, high)
            };
            self.dirty = false;
            added = new;
            if allow_expunge {
                gone = self.remove_expunged(qresync, out);
            }
            let changed = flag_changes
                .iter()
                .filter_map(|uid| self.msgs.binary_search_by_key(uid, |m| m.uid).ok())
                .flat_map(|i| &self.msgs[i].keywords);
            let arrived = added.iter().flat_map(|r| &r.keywords);
            if self.keywords.learn(changed.chain(arrived)) {
                out.extend(self.keywords.announcement(self.read_only));
            }
            for uid in flag_changes {
                let Ok(i) = self.msgs.binary_search_by_key(&uid, |m| m.uid) else {
                    continue;
                };
                let m = &self.msgs[i];
                if !m.expunged {
                    let mut items = vec![FetchData::Flags(m.flag_list()), FetchData::Uid(m.uid)];
                    if condstore {
                        items.push(FetchData::ModSeq(m.modseq));
                    }
                    out.push(Response::Data(Data::Fetch {
                        seq: i as u32 + 1,
                        items,
                    }));
                }
            }
        } else if allow_expunge {
            gone = self.remove_expunged(qresync, out);
        }
        let new_uids: Vec<u32> = added.iter().map(|r| r.uid).collect();
        if !added.is_empty() {
            // The new messages were read: those nobody claimed are recent here. When
            // this session claimed them all already (its own APPEND), there is nothing
            // to ask: a message beyond them is claimed when it reaches the view.
            if !added.iter().all(|r| self.recent.contains(r.uid)) {
                self.recent.take(store, &self.mailbox.id).await?;
            }
            let recent = &self.recent;
            self.msgs.extend(added.into_iter().map(|r| {
                let mut m = Msg::from(r);
                m.recent = recent.contains(m.uid);
                m
            }));
            out.push(Response::Data(Data::Exists(self.exists())));
            // RFC 3501 §7.3.2: RECENT comes with SELECT "and if the size of the mailbox
            // changes".
            out.extend(self.recent_response().map(Response::Data));
        }
        Ok((gone, new_uids))
    }

    /// Applies a whole new reading of the mailbox: messages missing from it are
    /// expunged. Returns the UIDs whose flags changed and the new messages.
    fn apply_reload(
        &mut self,
        records: Vec<MessageState>,
        high: u32,
    ) -> (Vec<u32>, Vec<MessageState>) {
        let mut by_uid: HashMap<u32, MessageState> =
            records.into_iter().map(|r| (r.uid, r)).collect();
        let mut flag_changes = Vec::new();
        for m in &mut self.msgs {
            match by_uid.remove(&m.uid) {
                None => m.expunged = true,
                Some(r) => {
                    if m.update_from(r) {
                        flag_changes.push(m.uid);
                    }
                }
            }
        }
        let mut added: Vec<MessageState> = by_uid.into_values().filter(|r| r.uid > high).collect();
        added.sort_by_key(|r| r.uid);
        (flag_changes, added)
    }

    /// Applies the changes since [`Selected::complete_to`]: `changed` messages as they
    /// are now (in UID order), `expunged` UIDs. Returns the UIDs whose flags changed and
    /// the new messages.
    fn apply_changes(
        &mut self,
        changed: Vec<MessageState>,
        expunged: &[u32],
        high: u32,
    ) -> (Vec<u32>, Vec<MessageState>) {
        for uid in expunged {
            if let Ok(i) = self.msgs.binary_search_by_key(uid, |m| m.uid) {
                self.msgs[i].expunged = true;
            }
        }
        let mut flag_changes = Vec::new();
        let mut added = Vec::new();
        for r in changed {
            match self.msgs.binary_search_by_key(&r.uid, |m| m.uid) {
                Ok(i) => {
                    let uid = r.uid;
                    if self.msgs[i].update_from(r) {
                        flag_changes.push(uid);
                    }
                }
                // A UID below the view's highest that the view lacks was expunged
                // before the view saw it.
                Err(_) if r.uid > high => added.push(r),
                Err(_) => {}
            }
        }
        (flag_changes, added)
    }

    /// Reports the expunged messages and drops them from the view; returns their UIDs.
    fn remove_expunged(&mut self, qresync: bool, out: &mut Vec<Response>) -> Vec<u32> {
        if qresync {
            // RFC 7162 §3.2.10: one VANISHED with the UIDs instead of EXPUNGEs.
            let gone: Vec<u32> = self
                .msgs
                .iter()
                .filter(|m| m.expunged)
                .map(|m| m.uid)
                .collect();
            if !gone.is_empty() {
                self.msgs.retain(|m| !m.expunged);
                out.push(Response::Data(Data::Vanished {
                    earlier: false,
                    uids: SequenceSet::from_numbers(&gone),
                }));
            }
            return gone;
        }
        let mut gone = Vec::new();
        let mut i = 0;
        while i < self.msgs.len() {
            if self.msgs[i].expunged {
                // RFC 9051 §7.5.1: each EXPUNGE renumbers the messages after it.
                out.push(Response::Data(Data::Expunge(i as u32 + 1)));
                gone.push(self.msgs.remove(i).uid);
            } else {
                i += 1;
            }
        }
        gone
    }

    /// The positions (0-based) of the messages `set` names, in sequence order. With
    /// `uid`, UIDs not in the mailbox are ignored (RFC 9051 §6.4.9); by sequence
    /// number, a number beyond EXISTS is an error. Expunged messages not yet reported
    /// are left out. `$` is the saved search result (RFC 5182 §2.2), by UID or not.
    pub(crate) fn resolve(&self, set: &SequenceSet, uid: bool) -> Result<Vec<usize>, &'static str> {
        if *set == SequenceSet::Saved {
            return Ok(self
                .msgs
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.expunged && self.saved.contains(&m.uid))
                .map(|(i, _)| i)
                .collect());
        }
        if uid {
            let max = self.msgs.last().map_or(0, |m| m.uid);
            return Ok(self
                .msgs
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.expunged && set.contains(m.uid, max))
                .map(|(i, _)| i)
                .collect());
        }
        let exists = self.exists();
        if let SequenceSet::Ranges(ranges) = set {
            for r in ranges {
                let (_, hi) = r.bounds(exists);
                if hi == 0 || hi > exists {
                    return Err("invalid message sequence number");
                }
            }
        }
        Ok(set
            .iter(exists)
            .map(|n| n as usize - 1)
            .filter(|&i| !self.msgs[i].expunged)
            .collect())
    }
}
