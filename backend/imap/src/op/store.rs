//! STORE and UID STORE, RFC 9051 §6.4.6 and §6.4.9: `FLAGS`, `+FLAGS`, `-FLAGS`, with
//! `.SILENT`. The store applies the change to the current flags in one transaction and
//! bumps the MODSEQ of the messages that changed (RFC 7162 §3.1). With CONDSTORE,
//! `UNCHANGEDSINCE` leaves alone the messages changed since (RFC 7162 §3.1.3), named in
//! `[MODIFIED]`, and the FETCH answers carry UID and MODSEQ, even with `.SILENT`.

use osprey_proto::imap::{Code, Data, FetchData, Flag, Response, SequenceSet, StoreAction};
use osprey_store::{FlagChange, FlagUpdate};

use crate::{
    message::flag_bits,
    op::{Completion, OpResult},
    session::Session,
};

/// The arguments of STORE besides the set.
pub(crate) struct StoreRequest {
    pub uid: bool,
    pub action: StoreAction,
    pub silent: bool,
    pub flags: Vec<Flag>,
    pub unchanged_since: Option<u64>,
}

impl Session {
    pub(crate) async fn store(&mut self, set: &SequenceSet, req: StoreRequest) -> OpResult {
        // RFC 7162 §3.1: UNCHANGEDSINCE is a CONDSTORE enabling command.
        if req.unchanged_since.is_some() {
            self.enable_condstore();
        }
        let condstore = self.condstore;
        let view = self.selected();
        if view.read_only {
            return Err(Completion::no(None, "the mailbox is read-only"));
        }
        let positions = match view.resolve(set, req.uid) {
            Ok(p) => p,
            Err(why) => {
                return Err(Completion::bad(None, why));
            }
        };
        let ids: Vec<String> = positions.iter().map(|&i| view.msgs[i].id.clone()).collect();
        let mailbox_id = view.mailbox.id.clone();
        let (bits, keywords) = flag_bits(&req.flags);
        let update = FlagUpdate {
            change: match req.action {
                StoreAction::Add => FlagChange::Add,
                StoreAction::Remove => FlagChange::Remove,
                StoreAction::Replace => FlagChange::Replace,
            },
            flags: bits,
            keywords,
        };
        // What the view shows: a STORE it sees changing a message goes straight to the
        // write.
        let seen_change = positions.iter().any(|&i| {
            let m = &view.msgs[i];
            req.unchanged_since.is_none_or(|n| m.modseq <= n)
                && update.changes(m.flags, &m.keywords)
        });
        let (done, modified) = match self
            .server
            .store
            .messages()
            .update_flags_unchanged_since(
                &mailbox_id,
                &ids,
                &update,
                req.unchanged_since,
                seen_change,
            )
            .await
        {
            Ok(d) => d,
            Err(e) => {
                return Err(Completion::store_failed(&e));
            }
        };
        let view = self.selected();
        // RFC 9051 §7.3.5: a keyword new to the mailbox is announced in FLAGS (and
        // PERMANENTFLAGS) before the FETCH that shows it, even with `.SILENT`.
        let mut responses = Vec::new();
        if view.keywords.learn(done.iter().flat_map(|f| &f.keywords)) {
            responses.extend(view.keywords.announcement(view.read_only));
        }
        for f in done {
            let Some(i) = view.msgs.iter().position(|m| m.uid == f.uid) else {
                continue;
            };
            let m = &mut view.msgs[i];
            m.flags = f.flags;
            m.keywords = f.keywords;
            let changed = m.modseq != f.modseq;
            m.modseq = f.modseq;
            if req.silent && !(condstore && changed) {
                continue;
            }
            let mut items = Vec::new();
            if !req.silent {
                items.push(FetchData::Flags(m.flag_list()));
            }
            // RFC 7162 §3.2.4: "Once a CONDSTORE enabling command is issued by the
            // client, the server MUST automatically include both UID and mod-sequence
            // data in all subsequent untagged FETCH responses ... whether they were
            // caused by a regular STORE/UID STORE, a STORE/UID STORE with an
            // UNCHANGEDSINCE modifier, ..." (RFC 4551 verified erratum 1807 added UID).
            if req.uid || condstore {
                items.push(FetchData::Uid(m.uid));
            }
            if condstore {
                // RFC 7162 §3.1.3 example 3: MODSEQ even after `.SILENT`.
                items.push(FetchData::ModSeq(m.modseq));
            }
            responses.push(Response::Data(Data::Fetch {
                seq: i as u32 + 1,
                items,
            }));
        }
        // RFC 7162 §3.1.3: the messages that failed the test, as sequence numbers for
        // STORE and UIDs for UID STORE.
        let failed: Vec<u32> = if req.uid {
            modified
        } else {
            modified
                .iter()
                .filter_map(|u| view.msgs.iter().position(|m| m.uid == *u))
                .map(|i| i as u32 + 1)
                .collect()
        };
        for r in responses {
            self.respond(r);
        }
        let code = (!failed.is_empty()).then(|| Code::Modified(SequenceSet::from_numbers(&failed)));
        Ok(Completion::ok(code, "STORE completed"))
    }
}
