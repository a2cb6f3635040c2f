//! CREATE, RFC 9051 §6.3.4: missing parents are created too; an existing name gets
//! `NO [ALREADYEXISTS]`. CREATE-SPECIAL-USE, RFC 6154 §3: `(USE (\Archive))` gives the
//! new mailbox a special-use attribute. \Archive may be given to several mailboxes;
//! \Drafts, \Junk, \Sent or \Trash already held by another mailbox, an attribute this
//! server does not know, or more than one (the store holds one per mailbox) gets
//! `NO [USEATTR]`.

use osprey_proto::imap::{Code, Flag, Mailbox, Tag};
use osprey_store::StoreError;

use crate::{
    mailbox_name,
    session::{Next, Session},
};

impl Session {
    pub(crate) async fn create(&mut self, tag: &Tag, m: &Mailbox, special_use: &[Flag]) -> Next {
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
        let special_use = match self.use_attr(tag, special_use).await {
            Ok(u) => u,
            Err(()) => return Next::Continue,
        };
        for parent in mailbox_name::parents(&name) {
            match store.create_mailbox(&account_id, &parent, None).await {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => {
                    self.store_failed(tag, &e);
                    return Next::Continue;
                }
            }
        }
        match store
            .create_mailbox(&account_id, &name, special_use.as_deref())
            .await
        {
            Ok(_) => self.ok(tag, None, "CREATE completed"),
            Err(StoreError::Conflict(_)) => {
                self.no(tag, Some(Code::AlreadyExists), "mailbox already exists")
            }
            Err(e) => self.store_failed(tag, &e),
        }
        Next::Continue
    }

    /// The special-use attribute asked for with `USE`, if any (RFC 6154 §3). `Err` if
    /// the command has been answered.
    async fn use_attr(&mut self, tag: &Tag, asked: &[Flag]) -> Result<Option<String>, ()> {
        let [attr] = asked else {
            if asked.is_empty() {
                return Ok(None);
            }
            self.no(
                tag,
                Some(use_attr_code()),
                "this server keeps one special-use attribute per mailbox",
            );
            return Err(());
        };
        let attr = attr.to_string();
        // RFC 6154 §2: the attributes of real mailboxes; \All and \Flagged name
        // virtual mailboxes, which this server does not have.
        const KNOWN: [&str; 5] = ["\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"];
        let Some(attr) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(&attr)) else {
            self.no(
                tag,
                Some(use_attr_code()),
                "this special-use attribute cannot be given here",
            );
            return Err(());
        };
        let account_id = self.account().id.clone();
        // Several archives are usual; the other roles are held by one mailbox each.
        let unique = *attr != "\\Archive";
        match self.server.store.mailboxes(&account_id).await {
            Ok(all) if unique && all.iter().any(|m| m.special_use.as_deref() == Some(*attr)) => {
                self.no(
                    tag,
                    Some(use_attr_code()),
                    "another mailbox already has this special-use attribute",
                );
                Err(())
            }
            Ok(_) => Ok(Some((*attr).to_owned())),
            Err(e) => {
                self.store_failed(tag, &e);
                Err(())
            }
        }
    }
}

/// `USEATTR`, RFC 6154 §6.
fn use_attr_code() -> Code {
    Code::Other("USEATTR".into(), None)
}
