//! SUBSCRIBE and UNSUBSCRIBE, RFC 9051 §6.3.7 and §6.3.8: names in the account's
//! subscriptions, kept apart from the mailboxes (RFC 3501 §6.3.6: a server "MUST NOT
//! unilaterally remove an existing mailbox name from the subscription list even if a
//! mailbox by that name no longer exists"). SUBSCRIBE checks that the mailbox exists,
//! as RFC 3501 §6.3.6 allows; UNSUBSCRIBE takes any name, so a subscription whose
//! mailbox was deleted can be removed.

use osprey_proto::imap::Mailbox;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn subscribe(&mut self, m: &Mailbox, on: bool) -> OpResult {
        let name = if on {
            self.find_mailbox(m).await?.name
        } else {
            self.mailbox_arg(m)?
        };
        let account_id = self.account().id.clone();
        let mailboxes = self.server.store.mailboxes();
        let done = if on {
            mailboxes.subscribe(&account_id, &name).await
        } else {
            // RFC 9051 §6.3.8: OK "if the unsubscription is successful or if the
            // mailbox is not subscribed".
            mailboxes.unsubscribe(&account_id, &name).await
        };
        match done {
            Ok(()) if on => Ok(Completion::ok(None, "SUBSCRIBE completed")),
            Ok(()) => Ok(Completion::ok(None, "UNSUBSCRIBE completed")),
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }
}
