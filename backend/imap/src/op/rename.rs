//! RENAME, RFC 9051 §6.3.6: the mailbox and those below it; missing parents of the
//! new name are created. Renaming INBOX (RFC 9051 §6.3.6) creates the new mailbox and
//! moves every message of INBOX there in one store transaction, with fresh UIDs;
//! INBOX stays, empty, and the mailboxes below it keep their names. The rules are
//! `osprey_mail::MailboxManager`'s.

use osprey_mail::MailboxManager;
use osprey_proto::imap::Mailbox;

use crate::{
    op::{Completion, OpResult, create::refused},
    session::Session,
};

impl Session {
    pub(crate) async fn rename(&mut self, from: &Mailbox, to: &Mailbox) -> OpResult {
        let mb = self.find_mailbox(from).await?;
        let to = self.mailbox_arg(to)?;
        let account_id = self.account().id.clone();
        MailboxManager::new(self.server.store.clone())
            .rename(&account_id, &mb, &to)
            .await
            .map_err(refused)?;
        Ok(Completion::ok(None, "RENAME completed"))
    }
}
