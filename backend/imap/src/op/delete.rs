//! DELETE, RFC 9051 §6.3.5: the mailbox and its messages. INBOX and the special-use
//! mailboxes every account has cannot be deleted, nor a mailbox with children (Osprey
//! keeps no `\Noselect` placeholders, so children would be orphaned: `[HASCHILDREN]`).
//! The rules are `osprey_mail::MailboxManager`'s.

use osprey_mail::MailboxManager;
use osprey_proto::imap::Mailbox;

use crate::{
    op::{Completion, OpResult, create::refused},
    session::{Session, State},
};

impl Session {
    pub(crate) async fn delete(&mut self, m: &Mailbox) -> OpResult {
        let mb = self.find_mailbox(m).await?;
        let account_id = self.account().id.clone();
        MailboxManager::new(self.server.store.clone())
            .delete(&account_id, &mb, false)
            .await
            .map_err(refused)?;
        // Deleting the selected mailbox leaves the selected state.
        if let State::Selected { mailbox, .. } = &self.state
            && mailbox.mailbox.id == mb.id
        {
            self.deselect();
        }
        Ok(Completion::ok(None, "DELETE completed"))
    }
}
