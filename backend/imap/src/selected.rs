//! The selected mailbox as this session sees it: messages in sequence-number order,
//! and how changes made elsewhere (other sessions, delivery, POP3, the API) reach it.
//!
//! Changes arrive on the store's change bus; the view reloads the mailbox when one
//! concerns it and reports the difference as untagged responses (RFC 9051 §7.5.1).
//! Expunged messages stay in the view, unreported, until EXPUNGE may be sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use osprey_proto::imap::{Data, FetchData, SequenceSet};
use osprey_store::{Change, MailboxRecord, MessageRecord, Store, StoreError};
use tokio::sync::broadcast::{self, error::TryRecvError};

use crate::message::flag_list;

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
}

impl From<MessageRecord> for Msg {
    fn from(r: MessageRecord) -> Self {
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
    changes: broadcast::Receiver<Change>,
    /// A change of this mailbox arrived that the view has not applied.
    dirty: bool,
}

impl Selected {
    /// Opens the view. The bus is subscribed before the mailbox is read, so no change
    /// committed after the read is missed.
    pub(crate) async fn open(
        store: &Store,
        mailbox: MailboxRecord,
        read_only: bool,
    ) -> Result<Selected, StoreError> {
        let changes = store.subscribe();
        let msgs = store
            .messages(&mailbox.id)
            .await?
            .into_iter()
            .map(Msg::from)
            .collect();
        Ok(Selected {
            mailbox,
            read_only,
            msgs,
            saved: Vec::new(),
            changes,
            dirty: false,
        })
    }

    /// The number of messages the client knows of (RFC 9051 §7.4.1 EXISTS).
    pub(crate) fn exists(&self) -> u32 {
        self.msgs.len() as u32
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

    /// Marks the view as needing a reload (after this session's own writes).
    pub(crate) fn touch(&mut self) {
        self.dirty = true;
    }

    /// Brings the view up to date and appends the untagged responses that say what
    /// changed: EXPUNGE (VANISHED with `qresync`) only if `allow_expunge` (RFC 9051
    /// §7.5.1), then flag changes as
    /// FETCH (with MODSEQ once CONDSTORE is enabled, RFC 7162 §3.1.4.1), then EXISTS.
    pub(crate) async fn sync(
        &mut self,
        store: &Store,
        allow_expunge: bool,
        condstore: bool,
        qresync: bool,
        out: &mut Vec<Data>,
    ) -> Result<(), StoreError> {
        self.poll();
        let mut added = Vec::new();
        if self.dirty {
            let records = store.messages(&self.mailbox.id).await?;
            self.dirty = false;
            let high = self.msgs.iter().map(|m| m.uid).max().unwrap_or(0);
            let mut by_uid: HashMap<u32, MessageRecord> =
                records.into_iter().map(|r| (r.uid, r)).collect();
            let mut flag_changes = Vec::new();
            for m in &mut self.msgs {
                match by_uid.remove(&m.uid) {
                    None => m.expunged = true,
                    Some(r) => {
                        if r.flags != m.flags || r.keywords != m.keywords {
                            flag_changes.push(m.uid);
                        }
                        m.flags = r.flags;
                        m.keywords = r.keywords;
                        m.modseq = r.modseq;
                    }
                }
            }
            if allow_expunge {
                self.remove_expunged(qresync, out);
            }
            for uid in flag_changes {
                if let Some((i, m)) = self
                    .msgs
                    .iter()
                    .enumerate()
                    .find(|(_, m)| m.uid == uid && !m.expunged)
                {
                    let mut items = vec![
                        FetchData::Flags(flag_list(m.flags, &m.keywords)),
                        FetchData::Uid(m.uid),
                    ];
                    if condstore {
                        items.push(FetchData::ModSeq(m.modseq));
                    }
                    out.push(Data::Fetch {
                        seq: i as u32 + 1,
                        items,
                    });
                }
            }
            added = by_uid.into_values().filter(|r| r.uid > high).collect();
            added.sort_by_key(|r| r.uid);
        } else if allow_expunge {
            self.remove_expunged(qresync, out);
        }
        if !added.is_empty() {
            self.msgs.extend(added.into_iter().map(Msg::from));
            out.push(Data::Exists(self.exists()));
        }
        Ok(())
    }

    fn remove_expunged(&mut self, qresync: bool, out: &mut Vec<Data>) {
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
                out.push(Data::Vanished {
                    earlier: false,
                    uids: SequenceSet::from_numbers(&gone),
                });
            }
            return;
        }
        let mut i = 0;
        while i < self.msgs.len() {
            if self.msgs[i].expunged {
                // RFC 9051 §7.5.1: each EXPUNGE renumbers the messages after it.
                out.push(Data::Expunge(i as u32 + 1));
                self.msgs.remove(i);
            } else {
                i += 1;
            }
        }
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
