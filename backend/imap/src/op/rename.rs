//! RENAME, RFC 9051 §6.3.6: the mailbox and those below it; missing parents of the
//! new name are created. Renaming INBOX (RFC 9051 §6.3.6) creates the new mailbox and
//! moves every message of INBOX there in one store transaction, with fresh UIDs;
//! INBOX stays, empty, and the mailboxes below it keep their names.

use osprey_proto::imap::{Code, Mailbox, Tag};
use osprey_store::StoreError;

use crate::{
    mailbox_name::{self, DELIMITER},
    session::{Next, Session},
};

impl Session {
    pub(crate) async fn rename(&mut self, tag: &Tag, from: &Mailbox, to: &Mailbox) -> Next {
        let Some(mb) = self.find_mailbox(tag, from).await else {
            return Next::Continue;
        };
        let Some(to) = self.mailbox_arg(tag, to) else {
            return Next::Continue;
        };
        if mb.name != "INBOX" && mb.special_use.is_some() {
            self.no(tag, Some(Code::Cannot), "this mailbox cannot be renamed");
            return Next::Continue;
        }
        let to = match mailbox_name::valid_new(&to) {
            Ok(n) if n.eq_ignore_ascii_case("INBOX") => {
                self.no(tag, Some(Code::AlreadyExists), "INBOX exists");
                return Next::Continue;
            }
            Ok(n) if n.starts_with(&format!("{}{DELIMITER}", mb.name)) => {
                self.no(
                    tag,
                    Some(Code::Cannot),
                    "cannot move a mailbox below itself",
                );
                return Next::Continue;
            }
            Ok(n) => n,
            Err(why) => {
                self.no(tag, Some(Code::Cannot), why);
                return Next::Continue;
            }
        };
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        for parent in mailbox_name::parents(&to) {
            match store.create_mailbox(&account_id, &parent, None).await {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => {
                    self.store_failed(tag, &e);
                    return Next::Continue;
                }
            }
        }
        if mb.name == "INBOX" {
            return self.rename_inbox(tag, &mb.id, &to).await;
        }
        match store
            .rename_mailbox(&account_id, &mb.name, &to, DELIMITER)
            .await
        {
            Ok(()) => self.ok(tag, None, "RENAME completed"),
            Err(StoreError::Conflict(_)) => {
                self.no(tag, Some(Code::AlreadyExists), "the new name is taken")
            }
            Err(StoreError::NotFound) => self.no(tag, Some(Code::Nonexistent), "no such mailbox"),
            Err(e) => self.store_failed(tag, &e),
        }
        Next::Continue
    }

    /// RFC 9051 §6.3.6: "renaming INBOX ... moves all messages in INBOX to a new
    /// mailbox with the given name, leaving INBOX empty".
    async fn rename_inbox(&mut self, tag: &Tag, inbox_id: &str, to: &str) -> Next {
        let store = self.server.store.clone();
        match store.move_all_to_new_mailbox(inbox_id, to).await {
            Ok(_) => self.ok(tag, None, "RENAME completed"),
            Err(StoreError::Conflict(_)) => {
                self.no(tag, Some(Code::AlreadyExists), "the new name is taken")
            }
            Err(e) => self.store_failed(tag, &e),
        }
        Next::Continue
    }
}
