//! COPY (RFC 9051 §6.4.7) and MOVE (§6.4.8, RFC 6851) with COPYUID (§7.1). MOVE's
//! expunges reach the client through the view's update when the command completes,
//! after the untagged `OK [COPYUID ...]` (RFC 6851 §4.3).

use osprey_proto::imap::{Code, Mailbox, SequenceSet};
use osprey_store::StoreError;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn copy(
        &mut self,
        uid: bool,
        set: &SequenceSet,
        m: &Mailbox,
        is_move: bool,
    ) -> OpResult {
        let view = self.selected();
        if is_move && view.read_only {
            return Err(Completion::no(None, "the mailbox is read-only"));
        }
        let positions = match view.resolve(set, uid) {
            Ok(p) => p,
            Err(why) => {
                return Err(Completion::bad(None, why));
            }
        };
        let ids: Vec<String> = positions.iter().map(|&i| view.msgs[i].id.clone()).collect();
        let from = view.mailbox.id.clone();
        let name = self.mailbox_arg(m)?;
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        let target = match store.messages().mailbox_by_name(&account_id, &name).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => {
                // RFC 9051 §6.4.7
                return Err(Completion::no(Some(Code::TryCreate), "no such mailbox"));
            }
            Err(e) => {
                return Err(Completion::store_failed(&e));
            }
        };
        let result = if is_move {
            store
                .messages()
                .move_messages(&from, &ids, &target.id)
                .await
        } else {
            store
                .messages()
                .copy_messages(&from, &ids, &target.id)
                .await
        };
        let pairs = match result {
            Ok(p) => p,
            Err(StoreError::OverQuota) => {
                return Err(Completion::no(
                    Some(Code::OverQuota),
                    "the mailbox is over its quota",
                ));
            }
            Err(e) => {
                return Err(Completion::store_failed(&e));
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
            Ok(Completion::ok(None, "MOVE completed"))
        } else {
            Ok(Completion::ok(code, "COPY completed"))
        }
    }
}
