//! Who may send as whom: the "send as" grants administrators give accounts, and the
//! account that receives postmaster mail.
//!
//! An account may always send as its own address and as the aliases that deliver to it
//! (`osprey-mail`'s `Submission` checks that at submission); a grant adds an address, or
//! `@domain` for every address of a domain. An administrator grants, for an account of a
//! domain it administers, addresses of domains it administers; only a server
//! administrator grants addresses of other servers' domains. The account itself may read
//! its grants.

use osprey_core::{Address, Role};
use osprey_store::{AccountRecord, SendAsGrantRecord, StoreError};

use serde_json::json;

use crate::{
    Actor, AdminScope, Directory, DirectoryError,
    audit::{Change, record},
    checks::Checks,
};

/// Most grants one account may hold.
pub const MAX_SEND_AS_GRANTS: usize = 100;

impl Directory {
    /// The grants of account `account_id`, for the account itself or an administrator
    /// of its domain.
    pub async fn send_as_grants(
        &self,
        actor: &Actor,
        account_id: &str,
    ) -> Result<Vec<SendAsGrantRecord>, DirectoryError> {
        if actor.account_id() != Some(account_id) {
            self.managed_account(actor, account_id, false).await?;
        }
        Ok(self.store.send_as().grants_of(account_id).await?)
    }

    /// Lets account `account_id` send as `address` (`local@domain` or `@domain`).
    pub async fn grant_send_as(
        &self,
        actor: &Actor,
        account_id: &str,
        address: &str,
    ) -> Result<SendAsGrantRecord, DirectoryError> {
        let (scope, account) = self.managed_account(actor, account_id, true).await?;
        let mut checks = Checks::default();
        let raw = address.trim();
        let (key, domain) = match raw.strip_prefix('@') {
            Some(d) => match checks.domain("address", d) {
                Some(d) => (format!("@{d}"), Some(d.to_string())),
                None => (String::new(), None),
            },
            None => match checks.address("address", raw) {
                Some(a) => (a.key(), Some(a.domain().to_string())),
                None => (String::new(), None),
            },
        };
        checks.finish()?;
        let domain = domain.expect("checked");
        if key == account.address().to_lowercase() {
            return Err(DirectoryError::field(
                "address",
                "the account's own address needs no grant",
            ));
        }
        self.check_grantable(&scope, &domain).await?;
        if self.store.send_as().grants_of(account_id).await?.len() >= MAX_SEND_AS_GRANTS {
            return Err(DirectoryError::field(
                "address",
                format!("an account may hold at most {MAX_SEND_AS_GRANTS} grants"),
            ));
        }
        let grant = self.store.send_as().grant(&account.id, &key).await?;
        record(
            &self.store,
            actor,
            Change::new("send_as.grant", account.address())
                .domain(&account.domain_id)
                .after(json!({ "address": grant.address })),
        )
        .await;
        Ok(grant)
    }

    /// Removes grant `grant_id` of account `account_id`.
    pub async fn revoke_send_as(
        &self,
        actor: &Actor,
        account_id: &str,
        grant_id: &str,
    ) -> Result<(), DirectoryError> {
        let (scope, account) = self.managed_account(actor, account_id, true).await?;
        let grant = self.store.send_as().grant_of(account_id, grant_id).await?;
        let domain = grant.address.rsplit('@').next().unwrap_or_default();
        self.check_grantable(&scope, domain).await?;
        self.store.send_as().revoke(account_id, grant_id).await?;
        record(
            &self.store,
            actor,
            Change::new("send_as.revoke", account.address())
                .domain(&account.domain_id)
                .before(json!({ "address": grant.address })),
        )
        .await;
        Ok(())
    }

    /// A domain administrator grants only addresses of domains it administers; a
    /// server administrator any.
    async fn check_grantable(
        &self,
        scope: &AdminScope,
        domain: &str,
    ) -> Result<(), DirectoryError> {
        if *scope == AdminScope::All {
            return Ok(());
        }
        match self.store.domains().canonical_domain(domain).await? {
            Some(canonical) => {
                let record = self.store.domains().domain_by_name(&canonical).await?;
                scope.check(&record.id, "this address is")
            }
            None => Err(DirectoryError::forbidden(
                "only a server administrator grants addresses of other servers",
            )),
        }
    }

    /// The account that receives postmaster mail (RFC 5321 §4.5.1): the one a server
    /// administrator named, or else the first enabled server administrator.
    pub async fn postmaster(&self) -> Result<Option<AccountRecord>, StoreError> {
        if let Some(id) = self.store.settings().postmaster().await? {
            match self.store.accounts().account(&id).await {
                Ok(a) if a.enabled => return Ok(Some(a)),
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        self.store.accounts().first_with_role(Role::Admin).await
    }

    /// Names the account (by its address) that receives postmaster mail.
    pub async fn set_postmaster(
        &self,
        actor: &Actor,
        address: &str,
    ) -> Result<AccountRecord, DirectoryError> {
        actor.server_admin()?;
        let parsed = Address::parse(address.trim())
            .map_err(|e| DirectoryError::field("address", e.to_string()))?;
        let account = match self.store.accounts().account_by_address(&parsed).await {
            Ok(a) => a,
            Err(StoreError::NotFound) => {
                return Err(DirectoryError::field("address", "no such account"));
            }
            Err(e) => return Err(e.into()),
        };
        if !account.enabled {
            return Err(DirectoryError::field("address", "the account is disabled"));
        }
        let before = self.postmaster().await?.map(|a| a.address());
        self.store.settings().set_postmaster(&account.id).await?;
        record(
            &self.store,
            actor,
            Change::new("postmaster.set", "postmaster")
                .before(json!({ "address": before }))
                .after(json!({ "address": account.address() })),
        )
        .await;
        Ok(account)
    }
}
