//! CLOSE (RFC 9051 §6.4.1: expunge silently, then deselect) and UNSELECT (§6.4.2:
//! deselect only).

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
            let result = store.messages().expunge_deleted(&mailbox_id).await;
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
