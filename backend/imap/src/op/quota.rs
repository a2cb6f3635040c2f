//! QUOTA, RFC 9208: each account has one quota root, `""`, holding all its mailboxes,
//! with the STORAGE resource (§5.1: in units of 1024 octets) from the account's quota
//! and usage. An account without a quota has no quota root. Quotas are set by the
//! administrator: SETQUOTA is refused.

use osprey_proto::imap::{Code, Data, Mailbox, QuotaResource};
use osprey_store::AccountRecord;

use crate::{
    mailbox_name,
    op::{Completion, OpResult},
    session::Session,
};

/// The one quota root of an account that has a quota.
const ROOT: &str = "";

/// STORAGE of the account's root, `None` without a quota (RFC 9208 §5.1).
fn storage(account: &AccountRecord) -> Option<QuotaResource> {
    let limit = account.quota_bytes?;
    Some(QuotaResource {
        name: "STORAGE".into(),
        usage: account.used_bytes.div_ceil(1024),
        limit: limit / 1024,
    })
}

impl Session {
    /// The account as it is now: usage changes under the session.
    async fn fresh_account(&self) -> Result<AccountRecord, Completion> {
        let id = &self.account().id;
        self.server
            .store
            .accounts()
            .account(id)
            .await
            .map_err(|e| Completion::store_failed(&e))
    }

    /// GETQUOTA, RFC 9208 §4.2.
    pub(crate) async fn get_quota(&mut self, root: &str) -> OpResult {
        let account = self.fresh_account().await?;
        match storage(&account).filter(|_| root == ROOT) {
            Some(r) => {
                self.data(Data::Quota {
                    root: ROOT.into(),
                    resources: vec![r],
                });
                Ok(Completion::ok(None, "GETQUOTA completed"))
            }
            None => Err(Completion::no(
                Some(Code::Nonexistent),
                "no such quota root",
            )),
        }
    }

    /// GETQUOTAROOT, RFC 9208 §4.3: the mailbox's roots, then each root's QUOTA.
    pub(crate) async fn get_quota_root(&mut self, m: &Mailbox) -> OpResult {
        let mb = self.find_mailbox(m).await?;
        let account = self.fresh_account().await?;
        let storage = storage(&account);
        self.data(Data::QuotaRoot {
            mailbox: mailbox_name::to_wire(&mb.name, self.utf8()),
            roots: storage.iter().map(|_| ROOT.to_owned()).collect(),
        });
        if let Some(r) = storage {
            self.data(Data::Quota {
                root: ROOT.into(),
                resources: vec![r],
            });
        }
        Ok(Completion::ok(None, "GETQUOTAROOT completed"))
    }

    /// SETQUOTA, RFC 9208 §4.1: not for users here.
    pub(crate) fn set_quota(&mut self) -> OpResult {
        Err(Completion::no(
            Some(Code::NoPerm),
            "quotas are set by the administrator",
        ))
    }
}
