//! QUOTA, RFC 9208: each account has one quota root, `""`, holding all its mailboxes,
//! with the STORAGE resource (§5.1: in units of 1024 octets) from the account's quota
//! and usage. An account without a quota has no quota root. Quotas are set by the
//! administrator: SETQUOTA is refused.

use osprey_proto::imap::{Code, Data, Mailbox, QuotaResource, Tag};
use osprey_store::AccountRecord;

use crate::{
    mailbox_name,
    session::{Next, Session},
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
    async fn fresh_account(&mut self, tag: &Tag) -> Option<AccountRecord> {
        let id = self.account().id.clone();
        match self.server.store.account(&id).await {
            Ok(a) => Some(a),
            Err(e) => {
                self.store_failed(tag, &e);
                None
            }
        }
    }

    /// GETQUOTA, RFC 9208 §4.2.
    pub(crate) async fn get_quota(&mut self, tag: &Tag, root: &str) -> Next {
        let Some(account) = self.fresh_account(tag).await else {
            return Next::Continue;
        };
        match storage(&account).filter(|_| root == ROOT) {
            Some(r) => {
                self.data(Data::Quota {
                    root: ROOT.into(),
                    resources: vec![r],
                });
                self.ok(tag, None, "GETQUOTA completed");
            }
            None => self.no(tag, Some(Code::Nonexistent), "no such quota root"),
        }
        Next::Continue
    }

    /// GETQUOTAROOT, RFC 9208 §4.3: the mailbox's roots, then each root's QUOTA.
    pub(crate) async fn get_quota_root(&mut self, tag: &Tag, m: &Mailbox) -> Next {
        let Some(mb) = self.find_mailbox(tag, m).await else {
            return Next::Continue;
        };
        let Some(account) = self.fresh_account(tag).await else {
            return Next::Continue;
        };
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
        self.ok(tag, None, "GETQUOTAROOT completed");
        Next::Continue
    }

    /// SETQUOTA, RFC 9208 §4.1: not for users here.
    pub(crate) fn set_quota(&mut self, tag: &Tag) -> Next {
        self.no(
            tag,
            Some(Code::NoPerm),
            "quotas are set by the administrator",
        );
        Next::Continue
    }
}
