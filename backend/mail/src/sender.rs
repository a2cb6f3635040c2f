//! Who a signed-in account may send as, checked at submission (SMTP on the submission
//! ports and the REST send alike): the envelope sender and every address of `From:`
//! and `Sender:` must be
//!
//! - the account's own address (under any of its domain's names),
//! - an alias (not a catch-all) that delivers to the account, or
//! - an address an administrator granted it ("send as", `osprey-directory`), or any
//!   address of a granted `@domain`;
//!
//! or the account's domain lets its accounts send as anyone (`any_sender`, off by
//! default). The null sender is never a user's. DKIM signs only for the first three:
//! `any_sender` lets mail through, never under the server's signature.

use osprey_core::Address;
use osprey_directory::DomainSettings;
use osprey_store::{AccountRecord, StoreError};

use crate::{Submission, message::ParsedMessage, resolve};

/// How an account may use a sender address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderRight {
    /// Its own, an alias of it or granted: the server vouches for it (DKIM).
    Owned,
    /// Only because its domain lets accounts send as anyone.
    Permitted,
}

/// A sender address the account may not use, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderRefused {
    /// The address (`""` for the null sender, or the text of an unreadable one).
    pub address: String,
    /// Where it was: `envelope`, `From` or `Sender`.
    pub field: &'static str,
}

impl std::fmt::Display for SenderRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.address.is_empty() {
            f.write_str("the null sender is not for users")
        } else {
            write!(
                f,
                "{} ({}) is not an address you may send as",
                self.address, self.field
            )
        }
    }
}

/// The outcome of checking a message's senders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    /// Every sender may be used; the domain to DKIM-sign with, if the first `From:`
    /// address is the account's to vouch for.
    Allowed {
        dkim_domain: Option<String>,
    },
    Refused(SenderRefused),
}

impl Submission {
    /// How `account` may send as `address`; `None`: not at all.
    pub async fn sender_right(
        &self,
        account: &AccountRecord,
        address: &str,
    ) -> Result<Option<SenderRight>, StoreError> {
        let Ok(address) = Address::parse(address) else {
            return Ok(None);
        };
        if self.owns(account, &address).await? {
            return Ok(Some(SenderRight::Owned));
        }
        let store = self.delivery().store();
        let domain = store.domains().domain(&account.domain_id).await?;
        Ok(DomainSettings::of(&domain)
            .any_sender
            .then_some(SenderRight::Permitted))
    }

    async fn owns(&self, account: &AccountRecord, address: &Address) -> Result<bool, StoreError> {
        let store = self.delivery().store();
        let key = address.key();
        if key == account.address().to_lowercase() {
            return Ok(true);
        }
        let grants = store.send_as().grants_of(&account.id).await?;
        let whole_domain = format!("@{}", address.domain().as_str().to_ascii_lowercase());
        if grants
            .iter()
            .any(|g| g.address == key || g.address == whole_domain)
        {
            return Ok(true);
        }
        let Some(domain) = store
            .domains()
            .canonical_domain(address.domain().as_str())
            .await?
        else {
            return Ok(false);
        };
        // The account's own address under one of its domain's other names.
        match store
            .accounts()
            .account_in_domain(address.local(), &domain)
            .await
        {
            Ok(a) => return Ok(a.id == account.id),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
        // An alias that delivers to the account; a catch-all makes no address its own.
        let canonical = format!("{}@{domain}", address.local().to_ascii_lowercase());
        if store
            .aliases()
            .alias_by_address(&canonical)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        Ok(
            match resolve(store, address, self.max_alias_depth()).await {
                Ok(r) => r.local.iter().any(|a| a.id == account.id),
                Err(crate::ResolveError::Store(e)) => return Err(e),
                Err(_) => false,
            },
        )
    }

    /// Checks the envelope sender of a submission by `account`: the null sender is
    /// refused, any other address must be one the account may send as.
    pub async fn check_envelope_sender(
        &self,
        account: &AccountRecord,
        sender: &str,
    ) -> Result<Option<SenderRefused>, StoreError> {
        let refused = || SenderRefused {
            address: sender.to_owned(),
            field: "envelope",
        };
        if sender.is_empty() {
            return Ok(Some(refused()));
        }
        Ok(match self.sender_right(account, sender).await? {
            Some(_) => None,
            None => Some(refused()),
        })
    }

    /// Checks every address of `From:` and `Sender:` of `message`, submitted by
    /// `account`.
    pub async fn check_header_senders(
        &self,
        account: &AccountRecord,
        message: &[u8],
    ) -> Result<SenderCheck, StoreError> {
        let parsed = ParsedMessage::parse(message);
        let envelope = parsed.envelope();
        let mut dkim_domain = None;
        for (field, groups) in [("From", &envelope.from), ("Sender", &envelope.sender)] {
            for (i, mailbox) in groups.iter().flat_map(|g| &g.mailboxes).enumerate() {
                let written = match (&mailbox.local, &mailbox.domain) {
                    (Some(l), Some(d)) => format!("{l}@{d}"),
                    (Some(l), None) => l.clone(),
                    _ => String::new(),
                };
                let right = self.sender_right(account, &written).await?;
                let Some(right) = right else {
                    return Ok(SenderCheck::Refused(SenderRefused {
                        address: if written.is_empty() {
                            "(no address)".into()
                        } else {
                            written
                        },
                        field,
                    }));
                };
                if field == "From" && i == 0 && right == SenderRight::Owned {
                    dkim_domain = mailbox.domain.as_ref().map(|d| d.to_ascii_lowercase());
                }
            }
        }
        Ok(SenderCheck::Allowed { dkim_domain })
    }
}
