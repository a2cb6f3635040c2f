//! Accounts: creation, changes and removal, with every rule that guards them.
//!
//! - The address must be valid, its domain local, and the domain one the actor
//!   administers; an address under a domain alias is stored under the domain's own name.
//! - Only a server administrator hands out roles other than `user`, changes managed
//!   domains, or changes an administrator; only a domain administrator manages domains.
//! - A domain with `max_accounts` refuses accounts beyond it, and one with
//!   `max_quota_bytes` quotas beyond it (and no quota at all); 422 naming the limit.
//! - The display name goes into `From:`: no control characters (no CR/LF injection).
//! - Passwords follow the password policy. Setting one, disabling the account or changing
//!   its role revokes the account's sessions: the token generation moves on, so every
//!   access and refresh token issued before stops working, and its mail sessions end
//!   when the password changes or the account is disabled (`sessions`).
//! - The last enabled server administrator can neither be removed, nor disabled, nor
//!   demoted; nobody removes their own account.

use osprey_core::{Address, DomainName, Pop3Mode, Role, StoredCredentials};
use osprey_store::{AccountChanges, AccountRecord, AccountStart, NewAccount};

use crate::{
    Actor, AdminScope, Directory, DirectoryError, DomainSettings,
    audit::{Change, account_view, record},
    checks::Checks,
    error::invalid_as_field,
};

/// Longest POP3 retention, in days.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccountRequest {
    pub address: String,
    pub password: String,
    pub role: Role,
    pub display_name: Option<String>,
    /// `None` takes the domain's default quota.
    pub quota_bytes: Option<u64>,
    /// Names of the domains a domain administrator manages.
    pub admin_domains: Vec<String>,
    pub enabled: bool,
    /// The owner must choose a new password at the first sign-in (mail clients are
    /// refused until then).
    pub must_change_password: bool,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` removes the quota.
    pub quota_bytes: Option<Option<u64>>,
    /// Names of the domains a domain administrator manages.
    pub admin_domains: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub pop3_mode: Option<Pop3Mode>,
    /// `Some(None)` keeps downloaded messages for ever.
    pub pop3_retention_days: Option<Option<u32>>,
    /// Demands (or withdraws the demand for) a new password at the next sign-in.
    pub must_change_password: Option<bool>,
}

/// Derives the stored credentials (argon2 and SCRAM) on the hashing threads, which
/// every password hash of the process shares.
pub(crate) async fn hash(password: String) -> Result<StoredCredentials, DirectoryError> {
    crate::hashing::credentials(password)
        .await
        .ok_or_else(|| DirectoryError::Internal("the hashing threads are gone".into()))
}

/// A new account that passed every check, ready to be hashed and stored.
#[derive(Debug, Clone)]
pub(crate) struct PreparedAccount {
    pub address: Address,
    pub password: String,
    pub role: Role,
    pub display_name: String,
    pub quota_bytes: Option<u64>,
    pub admin_domain_ids: Vec<String>,
    pub enabled: bool,
    pub must_change_password: bool,
    pub domain_id: String,
    /// The domain's limit of accounts, and how many it holds.
    pub max_accounts: Option<u32>,
    pub account_count: u64,
}

/// Refuses an account past the domain's limit of `max`, with `count` held already.
pub(crate) fn check_account_limit(
    domain: &str,
    max: u32,
    count: u64,
) -> Result<(), DirectoryError> {
    if count >= u64::from(max) {
        return Err(DirectoryError::field(
            "address",
            format!(
                "the domain {domain} holds its limit of {max} account{}",
                if max == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(())
}

fn check_grant(scope: &AdminScope, role: Role) -> Result<(), DirectoryError> {
    if role != Role::User && *scope != AdminScope::All {
        return Err(DirectoryError::forbidden(
            "only a server administrator can grant administrator roles",
        ));
    }
    Ok(())
}

impl Directory {
    /// Creates an account with its mailboxes.
    pub async fn create_account(
        &self,
        actor: &Actor,
        req: NewAccountRequest,
    ) -> Result<AccountRecord, DirectoryError> {
        let prepared = self.prepare_account(actor, &req).await?;
        // The command line creates accounts without a running server's settings.
        self.reload_settings().await?;
        self.insert_account(actor, prepared).await
    }

    /// Checks a new account as [`create_account`](Self::create_account) does, changing
    /// nothing: every rule but a taken address, which only the insertion knows for sure.
    pub(crate) async fn prepare_account(
        &self,
        actor: &Actor,
        req: &NewAccountRequest,
    ) -> Result<PreparedAccount, DirectoryError> {
        let scope = actor.admin_scope()?;
        let policy = self.password_policy().await?;
        let mut checks = Checks::default();
        let address = checks.address("address", &req.address);
        checks.password("password", &req.password, &req.address, &policy);
        let display_name = req.display_name.as_deref().unwrap_or("").trim().to_owned();
        checks.display_name("display_name", &display_name);
        if req.role != Role::DomainAdmin && !req.admin_domains.is_empty() {
            checks.fail("admin_domains", "only a domain_admin manages domains");
        }
        checks.finish()?;
        let address = address.expect("checked");
        let domain = match self
            .store
            .domains()
            .domain_by_name(address.domain().as_str())
            .await
        {
            Ok(d) => d,
            Err(osprey_store::StoreError::NotFound) => {
                return Err(DirectoryError::field(
                    "address",
                    format!("the domain {} does not exist", address.domain()),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        scope.check_domain(&domain.id, &domain.name)?;
        check_grant(&scope, req.role)?;
        let settings = DomainSettings::of(&domain);
        if let Some(max) = settings.max_accounts {
            check_account_limit(&domain.name, max, domain.account_count)?;
        }
        let quota = settings.quota_for(req.quota_bytes);
        settings.check_quota(&domain.name, quota)?;
        let admin_domain_ids = self
            .store
            .domains()
            .domain_ids_by_names(&req.admin_domains)
            .await
            .map_err(invalid_as_field("admin_domains"))?;
        let domain_name = DomainName::parse(&domain.name)
            .map_err(|e| DirectoryError::field("address", e.to_string()))?;
        let address = Address::from_parts(address.local(), &domain_name)
            .map_err(|e| DirectoryError::field("address", e.to_string()))?;
        Ok(PreparedAccount {
            address,
            password: req.password.clone(),
            role: req.role,
            display_name,
            quota_bytes: quota,
            admin_domain_ids,
            enabled: req.enabled,
            must_change_password: req.must_change_password,
            domain_id: domain.id,
            max_accounts: settings.max_accounts,
            account_count: domain.account_count,
        })
    }

    /// Hashes the password and creates the account `prepared` describes, in the POP3
    /// mode the settings in force give new accounts (read them first).
    pub(crate) async fn insert_account(
        &self,
        actor: &Actor,
        prepared: PreparedAccount,
    ) -> Result<AccountRecord, DirectoryError> {
        let created = self
            .store
            .accounts()
            .create_account_with(
                NewAccount {
                    address: prepared.address,
                    credentials: hash(prepared.password).await?,
                    role: prepared.role,
                    display_name: prepared.display_name,
                    quota_bytes: prepared.quota_bytes,
                    admin_domain_ids: prepared.admin_domain_ids,
                    enabled: prepared.enabled,
                },
                AccountStart {
                    pop3_mode: self.settings_now().values.pop3_default_mode,
                    must_change_password: prepared.must_change_password,
                },
            )
            .await?;
        record(
            &self.store,
            actor,
            Change::new("account.create", created.address())
                .domain(&created.domain_id)
                .after(account_view(&created)),
        )
        .await;
        Ok(created)
    }

    /// The account `id`, if `actor` may see it (`write`: change it).
    pub async fn managed_account(
        &self,
        actor: &Actor,
        id: &str,
        write: bool,
    ) -> Result<(AdminScope, AccountRecord), DirectoryError> {
        let scope = actor.admin_scope()?;
        let target = self.store.accounts().account(id).await?;
        scope.check(&target.domain_id, "this account is")?;
        if write && scope != AdminScope::All && target.role != Role::User {
            return Err(DirectoryError::forbidden(
                "only a server administrator can change administrators",
            ));
        }
        Ok((scope, target))
    }

    /// The account with the login `address`.
    pub async fn account_by_address(&self, address: &str) -> Result<AccountRecord, DirectoryError> {
        let parsed = Address::parse(address.trim())
            .map_err(|e| DirectoryError::field("address", e.to_string()))?;
        Ok(self.store.accounts().account_by_address(&parsed).await?)
    }

    /// Refuses to leave the server without an enabled server admin.
    async fn keep_an_admin(&self, target: &AccountRecord) -> Result<(), DirectoryError> {
        if target.role == Role::Admin
            && target.enabled
            && self
                .store
                .accounts()
                .count_accounts_with_role(Role::Admin)
                .await?
                <= 1
        {
            return Err(DirectoryError::Conflict(format!(
                "{} is the last server administrator",
                target.address()
            )));
        }
        Ok(())
    }

    /// Changes an account: display name, role, quota, managed domains, state, password,
    /// POP3 behaviour.
    pub async fn update_account(
        &self,
        actor: &Actor,
        id: &str,
        update: AccountUpdate,
    ) -> Result<AccountRecord, DirectoryError> {
        let (scope, target) = self.managed_account(actor, id, true).await?;
        let mut checks = Checks::default();
        if let Some(name) = &update.display_name {
            checks.display_name("display_name", name.trim());
        }
        if let Some(pw) = &update.password {
            let policy = self.password_policy().await?;
            checks.password("password", pw, &target.address(), &policy);
        }
        if let Some(Some(days)) = update.pop3_retention_days
            && !(1..=MAX_RETENTION_DAYS).contains(&days)
        {
            checks.fail(
                "pop3.retention_days",
                format!("must be between 1 and {MAX_RETENTION_DAYS} days"),
            );
        }
        let final_role = update.role.unwrap_or(target.role);
        if final_role != Role::DomainAdmin
            && update.admin_domains.as_ref().is_some_and(|d| !d.is_empty())
        {
            checks.fail("admin_domains", "only a domain_admin manages domains");
        }
        checks.finish()?;
        if let Some(quota) = update.quota_bytes {
            let domain = self.store.domains().domain(&target.domain_id).await?;
            DomainSettings::of(&domain).check_quota(&domain.name, quota)?;
        }
        if let Some(r) = update.role {
            check_grant(&scope, r)?;
        }
        if (update.role.is_some_and(|r| r != Role::Admin) || update.enabled == Some(false))
            && target.role == Role::Admin
        {
            self.keep_an_admin(&target).await?;
        }
        if update.admin_domains.is_some() && scope != AdminScope::All {
            return Err(DirectoryError::forbidden(
                "only a server administrator can change managed domains",
            ));
        }
        let admin_domain_ids = match &update.admin_domains {
            Some(names) => Some(
                self.store
                    .domains()
                    .domain_ids_by_names(names)
                    .await
                    .map_err(invalid_as_field("admin_domains"))?,
            ),
            None => None,
        };
        let password_changed = update.password.is_some();
        let credentials = match update.password {
            Some(pw) => Some(hash(pw).await?),
            None => None,
        };
        // Whoever held a session under the old password, or before the account lost
        // its standing, is signed out.
        let revoke_sessions = credentials.is_some()
            || update.enabled == Some(false)
            || update.role.is_some_and(|r| r != target.role);
        let after = self
            .store
            .accounts()
            .update_account(
                id,
                AccountChanges {
                    display_name: update.display_name.map(|n| n.trim().to_owned()),
                    role: update.role,
                    quota_bytes: update.quota_bytes,
                    admin_domain_ids,
                    enabled: update.enabled,
                    credentials,
                    pop3_mode: update.pop3_mode,
                    pop3_retention_days: update.pop3_retention_days,
                    time_zone: None,
                    must_change_password: update.must_change_password,
                    revoke_sessions,
                },
            )
            .await?;
        let mut after_view = account_view(&after);
        if password_changed {
            after_view["password"] = "changed".into();
        }
        record(
            &self.store,
            actor,
            Change::new("account.update", after.address())
                .domain(&after.domain_id)
                .before(account_view(&target))
                .after(after_view),
        )
        .await;
        Ok(after)
    }

    /// Deletes an account with its mailboxes and messages.
    pub async fn delete_account(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        let (_, target) = self.managed_account(actor, id, true).await?;
        if actor.account_id() == Some(target.id.as_str()) {
            return Err(DirectoryError::Conflict(
                "you cannot delete your own account".into(),
            ));
        }
        self.keep_an_admin(&target).await?;
        self.store.accounts().delete_account(id).await?;
        record(
            &self.store,
            actor,
            Change::new("account.delete", target.address())
                .domain(&target.domain_id)
                .before(account_view(&target)),
        )
        .await;
        Ok(())
    }

    /// Changes what an account may change of itself: its display name and its time zone
    /// (an IANA name; empty for UTC).
    pub async fn update_own_profile(
        &self,
        account: &AccountRecord,
        display_name: Option<String>,
        time_zone: Option<String>,
    ) -> Result<AccountRecord, DirectoryError> {
        let mut checks = Checks::default();
        if let Some(name) = &display_name {
            checks.display_name("display_name", name.trim());
        }
        let time_zone = match time_zone.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(name) => match osprey_core::time_zone::check(name) {
                Ok(canonical) => Some(Some(canonical)),
                Err(e) => {
                    checks.fail("time_zone", e.to_string());
                    None
                }
            },
        };
        checks.finish()?;
        let changes = AccountChanges {
            display_name: display_name.map(|n| n.trim().to_owned()),
            time_zone,
            ..Default::default()
        };
        Ok(self
            .store
            .accounts()
            .update_account(&account.id, changes)
            .await?)
    }

    /// Changes an account's own password after checking the current one; every session
    /// of the account is signed out, the caller's too.
    pub async fn change_own_password(
        &self,
        account: &AccountRecord,
        current: String,
        new: String,
    ) -> Result<(), DirectoryError> {
        if !crate::hashing::verify(current, account.password_hash.clone()).await {
            return Err(DirectoryError::field(
                "current_password",
                "is not the current password",
            ));
        }
        let policy = self.password_policy().await?;
        let mut checks = Checks::default();
        checks.password("new_password", &new, &account.address(), &policy);
        if crate::hashing::verify(new.clone(), account.password_hash.clone()).await {
            checks.fail("new_password", "must differ from the current password");
        }
        checks.finish()?;
        // The owner's own new password meets an administrator's demand for one.
        let changes = AccountChanges {
            credentials: Some(hash(new).await?),
            must_change_password: Some(false),
            revoke_sessions: true,
            ..Default::default()
        };
        self.store
            .accounts()
            .update_account(&account.id, changes)
            .await?;
        Ok(())
    }

    /// Signs out (the REST API's logout) the account whose refresh token hashes to
    /// `refresh_token_hash`: every access and refresh token of the account stops
    /// working, on every device. Mail sessions go on. An unknown token changes nothing.
    pub async fn sign_out(&self, refresh_token_hash: &str) -> Result<(), DirectoryError> {
        let Some(account_id) = self
            .store
            .credentials()
            .revoke_refresh_family(refresh_token_hash)
            .await?
        else {
            return Ok(());
        };
        match self.store.accounts().revoke_sessions(&account_id).await {
            Ok(_) | Err(osprey_store::StoreError::NotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
