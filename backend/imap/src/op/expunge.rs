//! EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (§6.4.9): removes the messages marked
//! `\Deleted` (within the set, for UID EXPUNGE). The `* n EXPUNGE` responses come from
//! the view's update when the command completes, like everyone else's expunges.

use osprey_proto::imap::SequenceSet;
use osprey_store::flags;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn expunge(&mut self, uids: Option<&SequenceSet>) -> OpResult {
        let store = self.server.store.clone();
        let view = self.selected();
        if view.read_only {
            return Err(Completion::no(None, "the mailbox is read-only"));
        }
        let mailbox_id = view.mailbox.id.clone();
        // RFC 5182 §2.2: UID EXPUNGE $ names the saved result.
        let saved;
        let uids = match uids {
            Some(SequenceSet::Saved) => {
                saved = SequenceSet::from_numbers(&view.saved);
                Some(&saved)
            }
            other => other,
        };
        let done = match uids {
            // The messages flagged when the write runs, chosen inside it.
            None => store.messages().expunge_deleted(&mailbox_id).await,
            Some(uids) => expunge_in_set(&store, &mailbox_id, uids).await,
        };
        if let Err(e) = done {
            return Err(Completion::store_failed(&e));
        }
        self.selected().touch();
        Ok(Completion::ok(None, "EXPUNGE completed"))
    }
}

/// UID EXPUNGE's choice: the `\Deleted` messages whose UIDs are in `uids`, where `*` is
/// the largest UID in use, read now (RFC 4315 §2.1).
async fn expunge_in_set(
    store: &osprey_store::Store,
    mailbox_id: &str,
    uids: &SequenceSet,
) -> Result<Vec<u32>, osprey_store::StoreError> {
    let records = store.messages().states_in_mailbox(mailbox_id).await?;
    let max_uid = records.last().map_or(0, |r| r.uid);
    let ids: Vec<String> = records
        .into_iter()
        .filter(|r| r.flags & flags::DELETED != 0)
        .filter(|r| uids.contains(r.uid, max_uid))
        .map(|r| r.id)
        .collect();
    store.messages().expunge_messages(mailbox_id, &ids).await
}
