//! SUBSCRIBE and UNSUBSCRIBE, RFC 9051 §6.3.7 and §6.3.8: a flag on the mailbox. Only
//! existing mailboxes can be subscribed.

use osprey_proto::imap::{Mailbox, Tag};

use crate::session::{Next, Session};

impl Session {
    pub(crate) async fn subscribe(&mut self, tag: &Tag, m: &Mailbox, on: bool) -> Next {
        let Some(mb) = self.find_mailbox(tag, m).await else {
            return Next::Continue;
        };
        match self.server.store.set_subscribed(&mb.id, on).await {
            Ok(()) if on => self.ok(tag, None, "SUBSCRIBE completed"),
            Ok(()) => self.ok(tag, None, "UNSUBSCRIBE completed"),
            Err(e) => self.store_failed(tag, &e),
        }
        Next::Continue
    }
}
