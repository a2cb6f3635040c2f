//! DELETE, RFC 9051 §6.3.5: the mailbox and its messages. INBOX and the special-use
//! mailboxes every account has cannot be deleted, nor a mailbox with children (Osprey
//! keeps no `\Noselect` placeholders, so children would be orphaned: `[HASCHILDREN]`).

use osprey_proto::imap::{Code, Mailbox, Tag};

use crate::{
    mailbox_name,
    session::{Next, Session, State},
};

impl Session {
    pub(crate) async fn delete(&mut self, tag: &Tag, m: &Mailbox) -> Next {
        let Some(mb) = self.find_mailbox(tag, m).await else {
            return Next::Continue;
        };
        if mb.name == "INBOX" || mb.special_use.is_some() {
            self.no(tag, Some(Code::Cannot), "this mailbox cannot be deleted");
            return Next::Continue;
        }
        let account_id = self.account().id.clone();
        let all = match self.server.store.mailboxes(&account_id).await {
            Ok(all) => all,
            Err(e) => {
                self.store_failed(tag, &e);
                return Next::Continue;
            }
        };
        if mailbox_name::has_children(&mb.name, all.iter().map(|m| m.name.as_str())) {
            self.no(
                tag,
                Some(Code::HasChildren),
                "delete the mailboxes below it first",
            );
            return Next::Continue;
        }
        if let Err(e) = self.server.store.delete_mailbox(&mb.id).await {
            self.store_failed(tag, &e);
            return Next::Continue;
        }
        // Deleting the selected mailbox leaves the selected state.
        if let State::Selected { mailbox, .. } = &self.state
            && mailbox.mailbox.id == mb.id
        {
            self.deselect();
        }
        self.ok(tag, None, "DELETE completed");
        Next::Continue
    }
}
