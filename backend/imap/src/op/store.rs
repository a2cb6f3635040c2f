//! STORE and UID STORE, RFC 9051 §6.4.6 and §6.4.9: `FLAGS`, `+FLAGS`, `-FLAGS`, with
//! `.SILENT`. The store applies the change to the current flags in one transaction and
//! bumps the MODSEQ of the messages that changed (RFC 7162 §3.1).

use osprey_proto::imap::{Data, FetchData, Flag, SequenceSet, StoreAction, Tag};
use osprey_store::{FlagChange, FlagUpdate};

use crate::{
    message::{flag_bits, flag_list},
    session::{Next, Session},
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
    pub(crate) async fn store(&mut self, tag: &Tag, set: &SequenceSet, req: StoreRequest) -> Next {
        if req.unchanged_since.is_some() {
            self.bad(tag, None, "UNCHANGEDSINCE is not supported");
            return Next::Continue;
        }
        let view = self.selected();
        if view.read_only {
            self.no(tag, None, "the mailbox is read-only");
            return Next::Continue;
        }
        let positions = match view.resolve(set, req.uid) {
            Ok(p) => p,
            Err(why) => {
                self.bad(tag, None, why);
                return Next::Continue;
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
        let done = match self
            .server
            .store
            .update_flags(&mailbox_id, &ids, &update)
            .await
        {
            Ok(d) => d,
            Err(e) => {
                self.store_failed(tag, &e);
                return Next::Continue;
            }
        };
        let view = self.selected();
        let mut responses = Vec::new();
        for f in done {
            let Some(i) = view.msgs.iter().position(|m| m.uid == f.uid) else {
                continue;
            };
            let m = &mut view.msgs[i];
            m.flags = f.flags;
            m.keywords = f.keywords;
            m.modseq = f.modseq;
            if !req.silent {
                let mut items = vec![FetchData::Flags(flag_list(m.flags, &m.keywords))];
                if req.uid {
                    items.push(FetchData::Uid(m.uid));
                }
                responses.push(Data::Fetch {
                    seq: i as u32 + 1,
                    items,
                });
            }
        }
        for d in responses {
            self.data(d);
        }
        self.ok(tag, None, "STORE completed");
        Next::Continue
    }
}
