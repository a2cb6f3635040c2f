//! RENAME, RFC 9051 §6.3.6: the mailbox and those below it; missing parents of the
//! new name are created. Renaming INBOX (RFC 9051 §6.3.6) creates the new mailbox and
//! moves every message of INBOX there in one store transaction, with fresh UIDs;
//! INBOX stays, empty, and the mailboxes below it keep their names.

use osprey_proto::imap::{Code, Mailbox};
use osprey_store::StoreError;

use crate::{
    mailbox_name::{self, DELIMITER},
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn rename(&mut self, from: &Mailbox, to: &Mailbox) -> OpResult {
        let mb = self.find_mailbox(from).await?;
        let to = self.mailbox_arg(to)?;
        if mb.name != "INBOX" && mb.special_use.is_some() {
            return Err(Completion::no(
                Some(Code::Cannot),
                "this mailbox cannot be renamed",
            ));
        }
        let to = match mailbox_name::valid_new(&to) {
            Ok(n) if n.eq_ignore_ascii_case("INBOX") => {
                return Err(Completion::no(Some(Code::AlreadyExists), "INBOX exists"));
            }
            Ok(n) if n.starts_with(&format!("{}{DELIMITER}", mb.name)) => {
                return Err(Completion::no(
                    Some(Code::Cannot),
                    "cannot move a mailbox below itself",
                ));
            }
            Ok(n) => n,
            Err(why) => {
                return Err(Completion::no(Some(Code::Cannot), why));
            }
        };
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        for parent in mailbox_name::parents(&to) {
            match store
                .mailboxes()
                .create_mailbox(&account_id, &parent, None)
                .await
            {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => {
                    return Err(Completion::store_failed(&e));
                }
            }
        }
        if mb.name == "INBOX" {
            return self.rename_inbox(&mb.id, &to).await;
        }
        match store
            .mailboxes()
            .rename_mailbox(&account_id, &mb.name, &to, DELIMITER)
            .await
        {
            Ok(()) => Ok(Completion::ok(None, "RENAME completed")),
            Err(StoreError::Conflict(_)) => Err(Completion::no(
                Some(Code::AlreadyExists),
                "the new name is taken",
            )),
            Err(StoreError::NotFound) => {
                Err(Completion::no(Some(Code::Nonexistent), "no such mailbox"))
            }
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }

    /// RFC 9051 §6.3.6: renaming INBOX "moves all messages in INBOX to a new mailbox
    /// with the given name, leaving INBOX empty".
    async fn rename_inbox(&mut self, inbox_id: &str, to: &str) -> OpResult {
        let store = self.server.store.clone();
        match store
            .mailboxes()
            .move_all_to_new_mailbox(inbox_id, to)
            .await
        {
            Ok(_) => Ok(Completion::ok(None, "RENAME completed")),
            Err(StoreError::Conflict(_)) => Err(Completion::no(
                Some(Code::AlreadyExists),
                "the new name is taken",
            )),
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }
}
