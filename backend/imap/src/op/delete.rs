//! DELETE, RFC 9051 §6.3.5: the mailbox and its messages. INBOX and the special-use
//! mailboxes every account has cannot be deleted, nor a mailbox with children (Osprey
//! keeps no `\Noselect` placeholders, so children would be orphaned: `[HASCHILDREN]`).

use osprey_proto::imap::{Code, Mailbox};

use crate::{
    mailbox_name,
    op::{Completion, OpResult},
    session::{Session, State},
};

impl Session {
    pub(crate) async fn delete(&mut self, m: &Mailbox) -> OpResult {
        let mb = self.find_mailbox(m).await?;
        if mb.name == "INBOX" || mb.special_use.is_some() {
            return Err(Completion::no(
                Some(Code::Cannot),
                "this mailbox cannot be deleted",
            ));
        }
        let account_id = self.account().id.clone();
        let all = match self.server.store.mailboxes().of_account(&account_id).await {
            Ok(all) => all,
            Err(e) => {
                return Err(Completion::store_failed(&e));
            }
        };
        if mailbox_name::has_children(&mb.name, all.iter().map(|m| m.name.as_str())) {
            return Err(Completion::no(
                Some(Code::HasChildren),
                "delete the mailboxes below it first",
            ));
        }
        if let Err(e) = self.server.store.mailboxes().delete_mailbox(&mb.id).await {
            return Err(Completion::store_failed(&e));
        }
        // Deleting the selected mailbox leaves the selected state.
        if let State::Selected { mailbox, .. } = &self.state
            && mailbox.mailbox.id == mb.id
        {
            self.deselect();
        }
        Ok(Completion::ok(None, "DELETE completed"))
    }
}
