//! CREATE, RFC 9051 §6.3.4: missing parents are created too; an existing name gets
//! `NO [ALREADYEXISTS]`. CREATE-SPECIAL-USE, RFC 6154 §3: `(USE (\Archive))` gives the
//! new mailbox a special-use attribute. \Archive may be given to several mailboxes;
//! \Drafts, \Junk, \Sent or \Trash already held by another mailbox, an attribute this
//! server does not know, or more than one (the store holds one per mailbox) gets
//! `NO [USEATTR]`.

use osprey_proto::imap::{Code, Flag, Mailbox};
use osprey_store::StoreError;

use crate::{
    mailbox_name,
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn create(&mut self, m: &Mailbox, special_use: &[Flag]) -> OpResult {
        let name = self.mailbox_arg(m)?;
        if name.eq_ignore_ascii_case("INBOX") {
            return Err(Completion::no(
                Some(Code::AlreadyExists),
                "INBOX always exists",
            ));
        }
        let name = match mailbox_name::valid_new(&name) {
            Ok(n) => n,
            Err(why) => {
                return Err(Completion::no(Some(Code::Cannot), why));
            }
        };
        let account_id = self.account().id.clone();
        let store = self.server.store.clone();
        let special_use = self.use_attr(special_use).await?;
        for parent in mailbox_name::parents(&name) {
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
        match store
            .mailboxes()
            .create_mailbox(&account_id, &name, special_use.as_deref())
            .await
        {
            Ok(_) => Ok(Completion::ok(None, "CREATE completed")),
            Err(StoreError::Conflict(_)) => Err(Completion::no(
                Some(Code::AlreadyExists),
                "mailbox already exists",
            )),
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }

    /// The special-use attribute asked for with `USE`, if any (RFC 6154 §3), or the
    /// `NO` that refuses it.
    async fn use_attr(&self, asked: &[Flag]) -> Result<Option<String>, Completion> {
        let [attr] = asked else {
            if asked.is_empty() {
                return Ok(None);
            }
            return Err(Completion::no(
                Some(use_attr_code()),
                "this server keeps one special-use attribute per mailbox",
            ));
        };
        let attr = attr.to_string();
        // RFC 6154 §2: the attributes of real mailboxes; \All and \Flagged name
        // virtual mailboxes, which this server does not have.
        const KNOWN: [&str; 5] = ["\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"];
        let Some(attr) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(&attr)) else {
            return Err(Completion::no(
                Some(use_attr_code()),
                "this special-use attribute cannot be given here",
            ));
        };
        let account_id = self.account().id.clone();
        // Several archives are usual; the other roles are held by one mailbox each.
        let unique = *attr != "\\Archive";
        match self.server.store.mailboxes().of_account(&account_id).await {
            Ok(all) if unique && all.iter().any(|m| m.special_use.as_deref() == Some(*attr)) => {
                Err(Completion::no(
                    Some(use_attr_code()),
                    "another mailbox already has this special-use attribute",
                ))
            }
            Ok(_) => Ok(Some((*attr).to_owned())),
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }
}

/// `USEATTR`, RFC 6154 §6.
fn use_attr_code() -> Code {
    Code::Other("USEATTR".into(), None)
}
