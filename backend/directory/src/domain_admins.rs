//! Delegation: a server administrator makes existing accounts administrators of a
//! domain, or withdraws that. A plain user becomes a domain administrator of the domain;
//! a domain administrator adds it to its domains; withdrawn from its last domain, it is
//! a plain user again. The changes go through the account's own rules and audit.

use osprey_core::{Address, Role};
use osprey_store::{AccountRecord, StoreError};

use crate::{AccountUpdate, Actor, Directory, DirectoryError};

impl Directory {
    /// The domain administrators of the domain `domain_id` (server administrators).
    pub async fn domain_admins(
        &self,
        actor: &Actor,
        domain_id: &str,
    ) -> Result<Vec<AccountRecord>, DirectoryError> {
        actor.server_admin()?;
        self.store.domains().domain(domain_id).await?;
        Ok(self.store.accounts().domain_admins(domain_id).await?)
    }

    /// Makes the account `address` an administrator of the domain `domain_id`.
    /// `Invalid` (field `address`) for an address that is no account; `Conflict` for a
    /// server administrator (it administers every domain) or an administrator of the
    /// domain already.
    pub async fn add_domain_admin(
        &self,
        actor: &Actor,
        domain_id: &str,
        address: &str,
    ) -> Result<AccountRecord, DirectoryError> {
        actor.server_admin()?;
        let domain = self.store.domains().domain(domain_id).await?;
        let parsed = Address::parse(address.trim())
            .map_err(|e| DirectoryError::field("address", e.to_string()))?;
        let account = match self.store.accounts().account_by_address(&parsed).await {
            Ok(a) => a,
            Err(StoreError::NotFound) => {
                return Err(DirectoryError::field(
                    "address",
                    format!("there is no account {parsed}"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let mut domains: Vec<String> = match account.role {
            Role::Admin => {
                return Err(DirectoryError::Conflict(format!(
                    "{} is a server administrator: it administers every domain",
                    account.address()
                )));
            }
            Role::DomainAdmin => account
                .admin_domains
                .iter()
                .map(|(_, n)| n.clone())
                .collect(),
            Role::User => Vec::new(),
        };
        if domains.contains(&domain.name) {
            return Err(DirectoryError::Conflict(format!(
                "{} administers {} already",
                account.address(),
                domain.name
            )));
        }
        domains.push(domain.name);
        self.update_account(
            actor,
            &account.id,
            AccountUpdate {
                role: Some(Role::DomainAdmin),
                admin_domains: Some(domains),
                ..Default::default()
            },
        )
        .await
    }

    /// Withdraws the domain `domain_id` from the administrator `account_id`; without a
    /// domain left it is a plain user. `NotFound` when it does not administer it.
    pub async fn remove_domain_admin(
        &self,
        actor: &Actor,
        domain_id: &str,
        account_id: &str,
    ) -> Result<AccountRecord, DirectoryError> {
        actor.server_admin()?;
        let account = self.store.accounts().account(account_id).await?;
        if account.role != Role::DomainAdmin
            || !account.admin_domains.iter().any(|(id, _)| id == domain_id)
        {
            return Err(DirectoryError::NotFound);
        }
        let rest: Vec<String> = account
            .admin_domains
            .iter()
            .filter(|(id, _)| id != domain_id)
            .map(|(_, n)| n.clone())
            .collect();
        let update = if rest.is_empty() {
            AccountUpdate {
                role: Some(Role::User),
                admin_domains: Some(Vec::new()),
                ..Default::default()
            }
        } else {
            AccountUpdate {
                admin_domains: Some(rest),
                ..Default::default()
            }
        };
        self.update_account(actor, &account.id, update).await
    }
}
