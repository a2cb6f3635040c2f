//! COPY (RFC 9051 §6.4.7) and MOVE (§6.4.8, RFC 6851) with COPYUID (§7.1). MOVE's
//! expunges reach the client through the view's update when the command completes,
//! after the untagged `OK [COPYUID ...]` (RFC 6851 §4.3).

use osprey_proto::imap::{Code, Mailbox, SequenceSet, Tag};
use osprey_store::StoreError;

use crate::session::{Next, Session};

impl Session {
    pub(crate) async fn copy(
        &mut self,
        tag: &Tag,
        uid: bool,
        set: &SequenceSet,
        m: &Mailbox,
        is_move: bool,
    ) -> Next {
        let view = self.selected();
        if is_move && view.read_only {
            self.no(tag, None, "the mailbox is read-only");
            return Next::Continue;
        }
        let positions = match view.resolve(set, uid) {
            Ok(p) => p,
            Err(why) => {
                self.bad(tag, None, why);
                return Next::Continue;
            }
        };
        let ids: Vec<String> = positions.iter().map(|&i| view.msgs[i].id.clone()).collect();
        let from = view.mailbox.id.clone();
        let Some(name) = self.mailbox_arg(tag, m) else {
            return Next::Continue;
        };
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        let target = match store.mailbox_by_name(&account_id, &name).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => {
                // RFC 9051 §6.4.7
                self.no(tag, Some(Code::TryCreate), "no such mailbox");
                return Next::Continue;
            }
            Err(e) => {
                self.store_failed(tag, &e);
                return Next::Continue;
            }
        };
        let result = if is_move {
            store.move_messages(&from, &ids, &target.id).await
        } else {
            store.copy_messages(&from, &ids, &target.id).await
        };
        let pairs = match result {
            Ok(p) => p,
            Err(StoreError::OverQuota) => {
                self.no(tag, Some(Code::OverQuota), "the mailbox is over its quota");
                return Next::Continue;
            }
            Err(e) => {
                self.store_failed(tag, &e);
                return Next::Continue;
            }
        };
        self.selected().touch();
        let (src, dst): (Vec<u32>, Vec<u32>) = pairs.into_iter().unzip();
        let code = (!src.is_empty()).then(|| Code::CopyUid {
            uidvalidity: target.uidvalidity,
            source: SequenceSet::from_numbers(&src),
            destination: SequenceSet::from_numbers(&dst),
        });
        if is_move {
            if code.is_some() {
                self.untagged_ok(code, "moved");
            }
            self.ok(tag, None, "MOVE completed");
        } else {
            self.ok(tag, code, "COPY completed");
        }
        Next::Continue
    }
}
