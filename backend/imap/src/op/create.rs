//! CREATE, RFC 9051 §6.3.4: missing parents are created too; an existing name gets
//! `NO [ALREADYEXISTS]`. CREATE-SPECIAL-USE, RFC 6154 §3: `(USE (\Archive))` gives the
//! new mailbox a special-use attribute; one the server does not give, one already held
//! (all but \Archive are held once), or more than one (the store holds one per mailbox)
//! gets `NO [USEATTR]`. The rules are `osprey_mail::MailboxManager`'s; this file maps
//! its refusals to response codes for CREATE, RENAME and DELETE.

use osprey_mail::{MailboxError, MailboxManager};
use osprey_proto::imap::{Code, Flag, Mailbox};

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn create(&mut self, m: &Mailbox, special_use: &[Flag]) -> OpResult {
        let name = self.mailbox_arg(m)?;
        let attr = match special_use {
            [] => None,
            [attr] => Some(attr.to_string()),
            _ => {
                return Err(Completion::no(
                    Some(use_attr_code()),
                    "this server keeps one special-use attribute per mailbox",
                ));
            }
        };
        let account_id = self.account().id.clone();
        MailboxManager::new(self.server.store.clone())
            .create(&account_id, &name, attr.as_deref())
            .await
            .map_err(refused)?;
        Ok(Completion::ok(None, "CREATE completed"))
    }
}

/// A refusal of the mailbox service as the `NO` of CREATE, RENAME or DELETE.
pub(crate) fn refused(e: MailboxError) -> Completion {
    let code = match &e {
        MailboxError::Exists => Code::AlreadyExists,
        MailboxError::NotFound => Code::Nonexistent,
        MailboxError::HasChildren => Code::HasChildren,
        MailboxError::SpecialUse(_) => use_attr_code(),
        MailboxError::InvalidName(_) | MailboxError::Protected(_) | MailboxError::BelowItself => {
            Code::Cannot
        }
        MailboxError::Store(e) => return Completion::store_failed(e),
    };
    Completion::no(Some(code), e.to_string())
}

/// `USEATTR`, RFC 6154 §6.
fn use_attr_code() -> Code {
    Code::Other("USEATTR".into(), None)
}
