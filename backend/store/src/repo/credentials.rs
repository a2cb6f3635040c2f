//! Refresh tokens and personal API keys. The store sees only SHA-256 hashes of their
//! secrets; making and hashing the secrets is the caller's job.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};

use super::new_id;
use crate::views::Credentials;
use crate::{
    StoreError,
    entity::{api_key, refresh_token},
    error::conflict_on_unique,
};

/// The result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid; it is now spent and the new one stored in its family.
    Rotated { account_id: String },
    /// The token had been spent before: its whole family is now revoked, since either
    /// the client or a thief holds a copy.
    Reused,
    /// No such token, or it is revoked or expired.
    Invalid,
}

/// A personal API key as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What `Credentials::create_api_key` needs.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub account_id: String,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn key_record(m: api_key::Model) -> ApiKeyRecord {
    ApiKeyRecord {
        scopes: serde_json::from_str(&m.scopes).unwrap_or_default(),
        id: m.id,
        account_id: m.account_id,
        name: m.name,
        prefix: m.prefix,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
        expires_at: m.expires_at,
    }
}

impl Credentials<'_> {
    /// Stores a refresh token of a new login; `family_id` groups it with its successors.
    pub async fn insert_refresh_token(
        self,
        account_id: &str,
        family_id: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        refresh_token::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id.to_owned()),
            family_id: Set(family_id.to_owned()),
            token_hash: Set(token_hash.to_owned()),
            created_at: Set(Utc::now()),
            expires_at: Set(expires_at),
            used_at: Set(None),
            revoked: Set(false),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique("refresh token collision"))?;
        Ok(())
    }

    /// Spends the refresh token `token_hash` and stores `new_hash` in its family, in one
    /// transaction. A token presented twice revokes its family.
    pub async fn rotate_refresh_token(
        self,
        token_hash: &str,
        new_hash: &str,
        new_expires_at: DateTime<Utc>,
    ) -> Result<RefreshOutcome, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let Some(token) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .one(&txn)
            .await?
        else {
            return Ok(RefreshOutcome::Invalid);
        };
        let now = Utc::now();
        if token.used_at.is_some() && !token.revoked {
            refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::Revoked, Expr::value(true))
                .filter(refresh_token::Column::FamilyId.eq(token.family_id.as_str()))
                .exec(&txn)
                .await?;
            self.commit(txn, turn).await?;
            return Ok(RefreshOutcome::Reused);
        }
        if token.revoked || token.used_at.is_some() || token.expires_at <= now {
            return Ok(RefreshOutcome::Invalid);
        }
        let account_id = token.account_id.clone();
        let family_id = token.family_id.clone();
        let mut spent: refresh_token::ActiveModel = token.into();
        spent.used_at = Set(Some(now));
        spent.update(&txn).await?;
        refresh_token::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id.clone()),
            family_id: Set(family_id),
            token_hash: Set(new_hash.to_owned()),
            created_at: Set(now),
            expires_at: Set(new_expires_at),
            used_at: Set(None),
            revoked: Set(false),
        }
        .insert(&txn)
        .await?;
        self.commit(txn, turn).await?;
        Ok(RefreshOutcome::Rotated { account_id })
    }

    /// Revokes the family of the refresh token `token_hash` (logout). Returns the id of
    /// the account it belongs to, `None` if there is no such token.
    pub async fn revoke_refresh_family(
        self,
        token_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        let Some(token) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::Revoked, Expr::value(true))
            .filter(refresh_token::Column::FamilyId.eq(token.family_id))
            .exec(&self.db)
            .await?;
        Ok(Some(token.account_id))
    }

    /// Stores a new API key.
    pub async fn create_api_key(self, new: NewApiKey) -> Result<ApiKeyRecord, StoreError> {
        let model = api_key::ActiveModel {
            id: Set(new_id()),
            account_id: Set(new.account_id),
            name: Set(new.name),
            prefix: Set(new.prefix),
            key_hash: Set(new.key_hash),
            scopes: Set(serde_json::to_string(&new.scopes).expect("strings serialise")),
            created_at: Set(Utc::now()),
            last_used_at: Set(None),
            expires_at: Set(new.expires_at),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique("API key collision"))?;
        Ok(key_record(model))
    }

    /// The API keys of an account, newest first.
    pub async fn list_api_keys(self, account_id: &str) -> Result<Vec<ApiKeyRecord>, StoreError> {
        Ok(api_key::Entity::find()
            .filter(api_key::Column::AccountId.eq(account_id))
            .order_by_desc(api_key::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(key_record)
            .collect())
    }

    /// The API key whose secret hashes to `key_hash`, recording that it was used.
    pub async fn use_api_key(self, key_hash: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        let Some(model) = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(key_hash))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        // Writing on every request would serialise readers on SQLite; once a minute is
        // precise enough for "last used".
        if model
            .last_used_at
            .is_none_or(|t| now - t > chrono::Duration::minutes(1))
        {
            let mut active: api_key::ActiveModel = model.clone().into();
            active.last_used_at = Set(Some(now));
            active.update(&self.db).await?;
        }
        Ok(Some(key_record(model)))
    }

    /// Deletes an API key of `account_id`; `NotFound` if it has no such key.
    pub async fn delete_api_key(self, account_id: &str, id: &str) -> Result<(), StoreError> {
        let res = api_key::Entity::delete_many()
            .filter(api_key::Column::Id.eq(id))
            .filter(api_key::Column::AccountId.eq(account_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
