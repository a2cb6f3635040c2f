//! Accounts: their login, role, quota and the domains a domain admin manages.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use osprey_core::{Address, Pop3Mode, Role, StoredCredentials};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{
    ListQuery, PageOf,
    mailboxes::create_special_mailboxes,
    new_id,
    paging::{finish, finish_by, newest_after, newest_key, plain_key},
};
use crate::views::Accounts;
use crate::{
    AccountEvent, AccountEventKind, StoreError,
    entity::{account, account_admin_domain, alias, domain, list_address, refresh_token},
    error::conflict_on_unique,
};

/// An account as the store keeps it. `password_hash` is a PHC string and `scram_sha256`
/// holds SCRAM keys; never show either.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    pub id: String,
    pub domain_id: String,
    pub domain: String,
    pub local_part: String,
    pub display_name: String,
    pub password_hash: String,
    /// `None` for accounts whose password was set before SCRAM keys were kept.
    pub scram_sha256: Option<String>,
    /// The password sealed under the server's legacy key, for APOP and CRAM-MD5; `None`
    /// unless those are enabled and the account logged in with a password since.
    pub legacy_secret: Option<String>,
    pub role: Role,
    /// Ids and names of the domains a domain admin manages.
    pub admin_domains: Vec<(String, String)>,
    pub quota_bytes: Option<u64>,
    pub used_bytes: u64,
    pub enabled: bool,
    pub pop3: Pop3Settings,
    /// Moved on each time the account's sessions are revoked; access tokens carry the
    /// generation they were issued in.
    pub token_generation: u64,
    /// An IANA time zone name; `None` is UTC.
    pub time_zone: Option<String>,
    /// An administrator demands a new password at the next sign-in; cleared when the
    /// owner sets one.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account's POP3 behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pop3Settings {
    pub mode: Pop3Mode,
    /// Days after which messages that POP3 downloaded are removed; `None` keeps them.
    pub retention_days: Option<u32>,
}

impl AccountRecord {
    /// The login address, `local@domain`.
    pub fn address(&self) -> String {
        format!("{}@{}", self.local_part, self.domain)
    }
}

/// What `Accounts::create_account` needs; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub address: Address,
    pub credentials: StoredCredentials,
    pub role: Role,
    pub display_name: String,
    pub quota_bytes: Option<u64>,
    pub admin_domain_ids: Vec<String>,
    pub enabled: bool,
}

/// What a new account starts with besides [`NewAccount`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountStart {
    /// The server's default for new accounts.
    pub pop3_mode: Pop3Mode,
    /// The owner must choose a new password at the first sign-in.
    pub must_change_password: bool,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` removes the quota.
    pub quota_bytes: Option<Option<u64>>,
    pub admin_domain_ids: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub credentials: Option<StoredCredentials>,
    pub pop3_mode: Option<Pop3Mode>,
    /// `Some(None)` keeps downloaded messages for ever.
    pub pop3_retention_days: Option<Option<u32>>,
    /// `Some(None)` sets UTC.
    pub time_zone: Option<Option<String>>,
    pub must_change_password: Option<bool>,
    /// Revokes the account's sessions in the same transaction: the token generation
    /// moves on and every refresh token is revoked.
    pub revoke_sessions: bool,
}

async fn set_admin_domains(
    db: &impl ConnectionTrait,
    account_id: &str,
    ids: &[String],
) -> Result<(), StoreError> {
    account_admin_domain::Entity::delete_many()
        .filter(account_admin_domain::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
        account_admin_domain::ActiveModel {
            account_id: Set(account_id.to_owned()),
            domain_id: Set(id.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The order of an account listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AccountOrder {
    /// By address.
    #[default]
    Address,
    /// The newest first.
    Newest,
    /// The most mail kept first.
    Largest,
}

impl Accounts<'_> {
    /// Creates an account with its special-use mailboxes, in one transaction.
    /// `Invalid` if its domain does not exist; `Conflict` if the address is taken by an
    /// account or an alias.
    pub async fn create_account(self, new: NewAccount) -> Result<AccountRecord, StoreError> {
        self.create_account_with(new, AccountStart::default()).await
    }

    /// [`create_account`](Self::create_account) with the account's first settings.
    pub async fn create_account_with(
        self,
        new: NewAccount,
        start: AccountStart,
    ) -> Result<AccountRecord, StoreError> {
        let key = new.address.key();
        let (txn, turn) = self.begin_write().await?;
        let dom = domain::Entity::find()
            .filter(domain::Column::Name.eq(new.address.domain().as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "the domain {} does not exist",
                    new.address.domain()
                ))
            })?;
        let alias_taken = alias::Entity::find()
            .filter(alias::Column::AddressKey.eq(key.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if alias_taken {
            return Err(StoreError::Conflict(format!("{key} is already an alias")));
        }
        if list_address::Entity::find_by_id(key.clone())
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "{key} is already a list's address"
            )));
        }
        let id = new_id();
        let now = Utc::now();
        account::ActiveModel {
            id: Set(id.clone()),
            domain_id: Set(dom.id),
            address_key: Set(key.clone()),
            local_part: Set(new.address.local().to_owned()),
            display_name: Set(new.display_name),
            password_hash: Set(new.credentials.password_hash),
            scram_sha256: Set(Some(new.credentials.scram_sha256)),
            legacy_secret: Set(None),
            role: Set(new.role.as_str().to_owned()),
            quota_bytes: Set(new.quota_bytes.map(|q| q as i64)),
            enabled: Set(new.enabled),
            pop3_mode: Set(start.pop3_mode.as_str().to_owned()),
            must_change_password: Set(start.must_change_password),
            pop3_retention_days: Set(None),
            used_bytes: Set(0),
            token_generation: Set(0),
            time_zone: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique(format!(
            "the account {key} already exists"
        )))?;
        set_admin_domains(&txn, &id, &new.admin_domain_ids).await?;
        create_special_mailboxes(&txn, &id).await?;
        self.commit(txn, turn).await?;
        self.account(&id).await
    }

    /// The account with this id.
    pub async fn account(self, id: &str) -> Result<AccountRecord, StoreError> {
        let model = account::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.complete_accounts(vec![model]).await?.remove(0))
    }

    /// Whether the account is enabled, and its password hash: what a signed-in mail
    /// session depends on, in one row of two columns. `NotFound` once it is deleted.
    pub async fn sign_in_state(self, id: &str) -> Result<(bool, String), StoreError> {
        account::Entity::find_by_id(id.to_owned())
            .select_only()
            .column(account::Column::Enabled)
            .column(account::Column::PasswordHash)
            .into_tuple()
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The account whose login is `address` (case-insensitive), also when it is given
    /// under one of its domain's alias names.
    pub async fn account_by_address(self, address: &Address) -> Result<AccountRecord, StoreError> {
        let domain = self
            .domains()
            .canonical_domain(address.domain().as_str())
            .await?
            .ok_or(StoreError::NotFound)?;
        self.account_in_domain(address.local(), &domain).await
    }

    /// The account `local@domain` where `domain` is already a canonical domain name (as
    /// `Domains::canonical_domain` gives it): one query for ordinary accounts, the path
    /// mail delivery takes for every recipient.
    pub async fn account_in_domain(
        self,
        local: &str,
        domain: &str,
    ) -> Result<AccountRecord, StoreError> {
        let key = format!("{}@{domain}", local.to_ascii_lowercase());
        let model = account::Entity::find()
            .filter(account::Column::AddressKey.eq(key))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        if model.role == Role::DomainAdmin.as_str() {
            return Ok(self.complete_accounts(vec![model]).await?.remove(0));
        }
        record(model, domain.to_owned(), Vec::new())
    }

    /// A page of accounts in address order.
    pub async fn list_accounts(
        self,
        query: &ListQuery,
    ) -> Result<PageOf<AccountRecord>, StoreError> {
        self.list_accounts_in(query, AccountOrder::Address).await
    }

    /// A page of accounts in `order` (ties in address order). The cursor of a page in
    /// another order than the address holds the last row's sort value and address.
    pub async fn list_accounts_in(
        self,
        query: &ListQuery,
        order: AccountOrder,
    ) -> Result<PageOf<AccountRecord>, StoreError> {
        use account::Column as C;
        let mut select = match order {
            AccountOrder::Address => account::Entity::find(),
            AccountOrder::Newest => account::Entity::find().order_by_desc(C::CreatedAt),
            AccountOrder::Largest => account::Entity::find().order_by_desc(C::UsedBytes),
        }
        .order_by_asc(C::AddressKey);
        if let Some(after) = query.after()? {
            let bad = || StoreError::Invalid("the cursor is not one this server issued".into());
            select = match order {
                AccountOrder::Address => select.filter(C::AddressKey.gt(plain_key(after)?)),
                AccountOrder::Newest => {
                    select.filter(newest_after(&after, C::CreatedAt, C::AddressKey)?)
                }
                AccountOrder::Largest => {
                    let (used, key) = after.split_once('\n').ok_or_else(bad)?;
                    let used: i64 = used.parse().map_err(|_| bad())?;
                    select.filter(
                        Condition::any()
                            .add(C::UsedBytes.lt(used))
                            .add(C::UsedBytes.eq(used).and(C::AddressKey.gt(key))),
                    )
                }
            };
        }
        if let Some(p) = query.pattern() {
            select = select.filter(
                Expr::col(C::AddressKey)
                    .like(LikeExpr::new(p.clone()).escape('\\'))
                    .or(Func::lower(Expr::col(C::DisplayName)).like(LikeExpr::new(p).escape('\\'))),
            );
        }
        if let Some(ids) = &query.domain_ids {
            select = select.filter(C::DomainId.is_in(ids.clone()));
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = match order {
            AccountOrder::Address => finish(rows, query.limit(), |m| m.address_key.as_str()),
            AccountOrder::Newest => finish_by(rows, query.limit(), |m| {
                newest_key(&m.created_at, &m.address_key)
            }),
            AccountOrder::Largest => finish_by(rows, query.limit(), |m| {
                format!("{}\n{}", m.used_bytes, m.address_key)
            }),
        };
        Ok(PageOf {
            items: self.complete_accounts(page.items).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// Applies `changes` to an account.
    pub async fn update_account(
        self,
        id: &str,
        changes: AccountChanges,
    ) -> Result<AccountRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let model = account::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(ids) = &changes.admin_domain_ids {
            set_admin_domains(&txn, id, ids).await?;
        }
        let was_enabled = model.enabled;
        let mut active: account::ActiveModel = model.into();
        if let Some(v) = changes.display_name {
            active.display_name = Set(v);
        }
        if let Some(v) = changes.role {
            active.role = Set(v.as_str().to_owned());
            if v != Role::DomainAdmin && changes.admin_domain_ids.is_none() {
                set_admin_domains(&txn, id, &[]).await?;
            }
        }
        if let Some(v) = changes.quota_bytes {
            active.quota_bytes = Set(v.map(|q| q as i64));
        }
        if let Some(v) = changes.enabled {
            active.enabled = Set(v);
        }
        let password_changed = changes.credentials.is_some();
        if let Some(v) = changes.credentials {
            active.password_hash = Set(v.password_hash);
            active.scram_sha256 = Set(Some(v.scram_sha256));
            // A new password makes the sealed old one worthless; the next login seals it.
            active.legacy_secret = Set(None);
        }
        if let Some(v) = changes.pop3_mode {
            active.pop3_mode = Set(v.as_str().to_owned());
        }
        if let Some(v) = changes.time_zone {
            active.time_zone = Set(v);
        }
        if let Some(v) = changes.must_change_password {
            active.must_change_password = Set(v);
        }
        if let Some(v) = changes.pop3_retention_days {
            active.pop3_retention_days = Set(v.map(|d| i32::try_from(d).unwrap_or(i32::MAX)));
        }
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        if changes.revoke_sessions {
            revoke_sessions(&txn, id).await?;
        }
        self.commit(txn, turn).await?;
        let record = self.account(id).await?;
        // Only changes to the account's standing are events: a new name wakes no session.
        if record.enabled != was_enabled || password_changed || changes.revoke_sessions {
            self.publish_standing(&record, password_changed);
        }
        Ok(record)
    }

    /// Revokes an account's sessions: its token generation moves on and every refresh
    /// token of it is revoked, in one transaction. `NotFound` if there is no such
    /// account.
    pub async fn revoke_sessions(self, id: &str) -> Result<AccountRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        if revoke_sessions(&txn, id).await? == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await?;
        let record = self.account(id).await?;
        self.publish_standing(&record, false);
        Ok(record)
    }

    /// Publishes the standing of an account that changed.
    fn publish_standing(self, record: &AccountRecord, password_changed: bool) {
        self.publish_account(AccountEvent {
            account_id: record.id.clone(),
            kind: AccountEventKind::Updated {
                enabled: record.enabled,
                token_generation: record.token_generation,
                password_changed,
            },
        });
    }

    /// Stores SCRAM keys for an account that has none yet (its password was set before
    /// they were kept); derived by the caller from a password that just verified.
    pub async fn set_scram_keys(self, id: &str, scram: String) -> Result<(), StoreError> {
        account::Entity::update_many()
            .col_expr(account::Column::ScramSha256, Expr::value(scram))
            .filter(account::Column::Id.eq(id))
            .filter(account::Column::ScramSha256.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ids and retention periods (days) of the accounts that have a POP3 retention.
    pub async fn accounts_with_pop3_retention(self) -> Result<Vec<(String, u32)>, StoreError> {
        let rows: Vec<(String, Option<i32>)> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Pop3RetentionDays)
            .filter(account::Column::Pop3RetentionDays.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, d)| Some((id, u32::try_from(d?).ok()?)))
            .collect())
    }

    /// Stores the sealed legacy secret of an account (see [`AccountRecord::legacy_secret`])
    /// unless its password hash changed since it was read as `password_hash`.
    pub async fn set_legacy_secret(
        self,
        id: &str,
        password_hash: &str,
        sealed: String,
    ) -> Result<(), StoreError> {
        account::Entity::update_many()
            .col_expr(account::Column::LegacySecret, Expr::value(sealed))
            .filter(account::Column::Id.eq(id))
            .filter(account::Column::PasswordHash.eq(password_hash))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Deletes an account with its mailboxes, messages, tokens and keys.
    pub async fn delete_account(self, id: &str) -> Result<(), StoreError> {
        let res = account::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.publish_account(AccountEvent {
            account_id: id.to_owned(),
            kind: AccountEventKind::Deleted,
        });
        Ok(())
    }

    /// How many accounts have the role `role`.
    pub async fn count_accounts_with_role(self, role: Role) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(account::Entity::find()
            .filter(account::Column::Role.eq(role.as_str()))
            .count(&self.db)
            .await?)
    }

    /// The oldest enabled account with the role `role`, if any (the first server
    /// administrator receives postmaster mail unless another account is named).
    pub async fn first_with_role(self, role: Role) -> Result<Option<AccountRecord>, StoreError> {
        let Some(model) = account::Entity::find()
            .filter(account::Column::Role.eq(role.as_str()))
            .filter(account::Column::Enabled.eq(true))
            .order_by_asc(account::Column::CreatedAt)
            .order_by_asc(account::Column::Id)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(self.complete_accounts(vec![model]).await?.pop())
    }

    /// The domain administrators of the domain `domain_id`, by address.
    pub async fn domain_admins(self, domain_id: &str) -> Result<Vec<AccountRecord>, StoreError> {
        let ids: Vec<String> = account_admin_domain::Entity::find()
            .filter(account_admin_domain::Column::DomainId.eq(domain_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| l.account_id)
            .collect();
        let models = account::Entity::find()
            .filter(account::Column::Id.is_in(ids))
            .filter(account::Column::Role.eq(Role::DomainAdmin.as_str()))
            .order_by_asc(account::Column::AddressKey)
            .all(&self.db)
            .await?;
        self.complete_accounts(models).await
    }

    /// Adds domain names, managed domains and used bytes to account rows.
    async fn complete_accounts(
        self,
        models: Vec<account::Model>,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
        let mut domain_ids: Vec<String> = models.iter().map(|m| m.domain_id.clone()).collect();
        let links = account_admin_domain::Entity::find()
            .filter(account_admin_domain::Column::AccountId.is_in(ids.clone()))
            .all(&self.db)
            .await?;
        domain_ids.extend(links.iter().map(|l| l.domain_id.clone()));
        let names: HashMap<String, String> = domain::Entity::find()
            .filter(domain::Column::Id.is_in(domain_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut managed: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for l in links {
            let name = names.get(&l.domain_id).cloned().unwrap_or_default();
            managed
                .entry(l.account_id)
                .or_default()
                .push((l.domain_id, name));
        }
        models
            .into_iter()
            .map(|m| {
                let mut admin_domains = managed.remove(&m.id).unwrap_or_default();
                admin_domains.sort_by(|a, b| a.1.cmp(&b.1));
                let domain = names.get(&m.domain_id).cloned().unwrap_or_default();
                record(m, domain, admin_domains)
            })
            .collect()
    }
}

/// Moves the account's token generation on and revokes its refresh tokens; returns how
/// many accounts it changed (0 or 1).
async fn revoke_sessions(db: &impl ConnectionTrait, id: &str) -> Result<u64, StoreError> {
    let res = account::Entity::update_many()
        .col_expr(
            account::Column::TokenGeneration,
            Expr::col(account::Column::TokenGeneration).add(1),
        )
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::Revoked, Expr::value(true))
        .filter(refresh_token::Column::AccountId.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// An account record from its row, its domain's name and the domains it manages.
fn record(
    m: account::Model,
    domain: String,
    admin_domains: Vec<(String, String)>,
) -> Result<AccountRecord, StoreError> {
    let role = m
        .role
        .parse::<Role>()
        .map_err(|e| StoreError::Invalid(format!("account {}: {e}", m.id)))?;
    let mode = m
        .pop3_mode
        .parse::<Pop3Mode>()
        .map_err(|e| StoreError::Invalid(format!("account {}: {e}", m.id)))?;
    Ok(AccountRecord {
        domain,
        used_bytes: u64::try_from(m.used_bytes).unwrap_or(0),
        admin_domains,
        role,
        id: m.id,
        domain_id: m.domain_id,
        local_part: m.local_part,
        display_name: m.display_name,
        password_hash: m.password_hash,
        scram_sha256: m.scram_sha256,
        legacy_secret: m.legacy_secret,
        quota_bytes: m.quota_bytes.map(|q| q as u64),
        enabled: m.enabled,
        pop3: Pop3Settings {
            mode,
            retention_days: m.pop3_retention_days.map(|d| u32::try_from(d).unwrap_or(0)),
        },
        token_generation: u64::try_from(m.token_generation).unwrap_or(0),
        time_zone: m.time_zone,
        must_change_password: m.must_change_password,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
