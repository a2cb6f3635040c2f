//! CLOSE (RFC 9051 §6.4.1: expunge silently, then deselect) and UNSELECT (§6.4.2:
//! deselect only).

use osprey_store::flags;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn close(&mut self, expunge: bool) -> OpResult {
        let store = self.server.store.clone();
        let view = self.selected();
        if expunge && !view.read_only {
            let mailbox_id = view.mailbox.id.clone();
            let result = match store.messages().in_mailbox(&mailbox_id).await {
                Ok(records) => {
                    let ids: Vec<String> = records
                        .into_iter()
                        .filter(|r| r.flags & flags::DELETED != 0)
                        .map(|r| r.id)
                        .collect();
                    store
                        .messages()
                        .expunge_messages(&mailbox_id, &ids)
                        .await
                        .map(|_| ())
                }
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                return Err(Completion::store_failed(&e));
            }
        }
        self.deselect();
        let text = if expunge {
            "CLOSE completed"
        } else {
            "UNSELECT completed"
        };
        Ok(Completion::ok(None, text))
    }
}
