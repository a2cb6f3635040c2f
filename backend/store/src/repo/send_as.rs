//! "Send as" grants by account. The store keeps them; `osprey-directory` decides who may
//! grant what, and `osprey-mail` checks senders against them.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::new_id;
use crate::views::SendAs;
use crate::{StoreError, entity::send_as_grant, error::conflict_on_unique};

/// One address (or `@domain`) an account may send as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendAsGrantRecord {
    pub id: String,
    pub account_id: String,
    /// `local@domain` in lower case, or `@domain` for every address of the domain.
    pub address: String,
    pub created_at: DateTime<Utc>,
}

fn record(m: send_as_grant::Model) -> SendAsGrantRecord {
    SendAsGrantRecord {
        id: m.id,
        account_id: m.account_id,
        address: m.address,
        created_at: m.created_at,
    }
}

impl SendAs<'_> {
    /// Lets `account_id` send as `address` (validated and case-folded by the caller).
    pub async fn grant(
        self,
        account_id: &str,
        address: &str,
    ) -> Result<SendAsGrantRecord, StoreError> {
        self.accounts().account(account_id).await?;
        let model = send_as_grant::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id.to_owned()),
            address: Set(address.to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique(format!(
            "the account may already send as {address}"
        )))?;
        Ok(record(model))
    }

    /// The grants of an account, by address.
    pub async fn grants_of(self, account_id: &str) -> Result<Vec<SendAsGrantRecord>, StoreError> {
        Ok(send_as_grant::Entity::find()
            .filter(send_as_grant::Column::AccountId.eq(account_id))
            .order_by_asc(send_as_grant::Column::Address)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// One grant of an account; `NotFound` when the account has no grant `id`.
    pub async fn grant_of(
        self,
        account_id: &str,
        id: &str,
    ) -> Result<SendAsGrantRecord, StoreError> {
        send_as_grant::Entity::find_by_id(id.to_owned())
            .filter(send_as_grant::Column::AccountId.eq(account_id))
            .one(&self.db)
            .await?
            .map(record)
            .ok_or(StoreError::NotFound)
    }

    /// Removes grant `id` of an account.
    pub async fn revoke(self, account_id: &str, id: &str) -> Result<(), StoreError> {
        let res = send_as_grant::Entity::delete_many()
            .filter(send_as_grant::Column::Id.eq(id))
            .filter(send_as_grant::Column::AccountId.eq(account_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
