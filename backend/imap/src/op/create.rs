//! CREATE, RFC 9051 §6.3.4: missing parents are created too; an existing name gets
//! `NO [ALREADYEXISTS]`.

use osprey_proto::imap::{Code, Mailbox, Tag};
use osprey_store::StoreError;

use crate::{
    mailbox_name,
    session::{Next, Session},
};

impl Session {
    pub(crate) async fn create(&mut self, tag: &Tag, m: &Mailbox) -> Next {
        let Some(name) = self.mailbox_arg(tag, m) else {
            return Next::Continue;
        };
        if name.eq_ignore_ascii_case("INBOX") {
            self.no(tag, Some(Code::AlreadyExists), "INBOX always exists");
            return Next::Continue;
        }
        let name = match mailbox_name::valid_new(&name) {
            Ok(n) => n,
            Err(why) => {
                self.no(tag, Some(Code::Cannot), why);
                return Next::Continue;
            }
        };
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        for parent in mailbox_name::parents(&name) {
            match store.create_mailbox(&account_id, &parent, None).await {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => {
                    self.store_failed(tag, &e);
                    return Next::Continue;
                }
            }
        }
        match store.create_mailbox(&account_id, &name, None).await {
            Ok(_) => self.ok(tag, None, "CREATE completed"),
            Err(StoreError::Conflict(_)) => {
                self.no(tag, Some(Code::AlreadyExists), "mailbox already exists")
            }
            Err(e) => self.store_failed(tag, &e),
        }
        Next::Continue
    }
}
