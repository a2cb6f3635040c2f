//! SUBSCRIBE and UNSUBSCRIBE, RFC 9051 §6.3.7 and §6.3.8: a flag on the mailbox. Only
//! existing mailboxes can be subscribed.

use osprey_proto::imap::Mailbox;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn subscribe(&mut self, m: &Mailbox, on: bool) -> OpResult {
        let mb = self.find_mailbox(m).await?;
        let account_id = self.account().id.clone();
        let mailboxes = self.server.store.mailboxes();
        let done = if on {
            mailboxes.subscribe(&account_id, &mb.name).await
        } else {
            mailboxes.unsubscribe(&account_id, &mb.name).await
        };
        match done {
            Ok(()) if on => Ok(Completion::ok(None, "SUBSCRIBE completed")),
            Ok(()) => Ok(Completion::ok(None, "UNSUBSCRIBE completed")),
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }
}
