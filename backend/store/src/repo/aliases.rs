//! Aliases: an address (or a domain's catch-all, `@domain`) delivering to one or more
//! targets, which may be local accounts, other aliases or remote addresses.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::LikeExpr,
};

use super::{
    ListQuery, PageOf, new_id,
    paging::{ListOrder, finish, finish_by, newest_after, newest_key, plain_key},
};
use crate::views::Aliases;
use crate::{
    StoreError,
    entity::{account, alias, domain, list_address},
    error::conflict_on_unique,
};

/// An alias as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasRecord {
    pub id: String,
    pub domain_id: String,
    pub domain: String,
    /// `local@domain` in lower case, or `@domain` for the catch-all.
    pub address: String,
    pub targets: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl AliasRecord {
    /// Returns `true` if and only if this is its domain's catch-all.
    pub fn catch_all(&self) -> bool {
        self.address.starts_with('@')
    }
}

impl Aliases<'_> {
    /// Creates an alias. `local` is `None` for the domain's catch-all; `targets` are
    /// validated addresses. `Invalid` if the domain does not exist, `Conflict` if the
    /// address is an account or an alias already.
    pub async fn create_alias(
        self,
        local: Option<&str>,
        domain_name: &str,
        targets: Vec<String>,
    ) -> Result<AliasRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let dom = domain::Entity::find()
            .filter(domain::Column::Name.eq(domain_name))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!("the domain {domain_name} does not exist"))
            })?;
        let key = match local {
            Some(l) => format!("{}@{}", l.to_ascii_lowercase(), dom.name),
            None => format!("@{}", dom.name),
        };
        let account_taken = account::Entity::find()
            .filter(account::Column::AddressKey.eq(key.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if account_taken {
            return Err(StoreError::Conflict(format!("{key} is already an account")));
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
        alias::ActiveModel {
            id: Set(id.clone()),
            domain_id: Set(dom.id),
            address_key: Set(key.clone()),
            targets: Set(serde_json::to_string(&targets).expect("strings serialise")),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique(format!(
            "the alias {key} already exists"
        )))?;
        self.commit(txn, turn).await?;
        self.alias(&id).await
    }

    /// The alias with this id.
    pub async fn alias(self, id: &str) -> Result<AliasRecord, StoreError> {
        let model = alias::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.complete_aliases(vec![model]).await?.remove(0))
    }

    /// The alias for exactly this address key (`local@domain` or `@domain`), if any.
    pub async fn alias_by_address(self, key: &str) -> Result<Option<AliasRecord>, StoreError> {
        let Some(model) = alias::Entity::find()
            .filter(alias::Column::AddressKey.eq(key.to_ascii_lowercase()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(self.complete_aliases(vec![model]).await?.remove(0)))
    }

    /// How many aliases the domain `domain_id` holds.
    pub async fn count_in_domain(self, domain_id: &str) -> Result<u64, StoreError> {
        Ok(alias::Entity::find()
            .filter(alias::Column::DomainId.eq(domain_id))
            .count(&self.db)
            .await?)
    }

    /// A page of aliases in address order.
    pub async fn list_aliases(self, query: &ListQuery) -> Result<PageOf<AliasRecord>, StoreError> {
        self.list_aliases_in(query, ListOrder::Key).await
    }

    /// A page in `order`.
    pub async fn list_aliases_in(
        self,
        query: &ListQuery,
        order: ListOrder,
    ) -> Result<PageOf<AliasRecord>, StoreError> {
        let mut select = match order {
            ListOrder::Key => alias::Entity::find(),
            ListOrder::Newest => alias::Entity::find().order_by_desc(alias::Column::CreatedAt),
        }
        .order_by_asc(alias::Column::AddressKey);
        if let Some(after) = query.after()? {
            select = match order {
                ListOrder::Key => select.filter(alias::Column::AddressKey.gt(plain_key(after)?)),
                ListOrder::Newest => select.filter(newest_after(
                    &after,
                    alias::Column::CreatedAt,
                    alias::Column::AddressKey,
                )?),
            };
        }
        if let Some(p) = query.pattern() {
            select = select.filter(alias::Column::AddressKey.like(LikeExpr::new(p).escape('\\')));
        }
        if let Some(ids) = &query.domain_ids {
            select = select.filter(alias::Column::DomainId.is_in(ids.clone()));
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = match order {
            ListOrder::Key => finish(rows, query.limit(), |m| m.address_key.as_str()),
            ListOrder::Newest => finish_by(rows, query.limit(), |m| {
                newest_key(&m.created_at, &m.address_key)
            }),
        };
        Ok(PageOf {
            items: self.complete_aliases(page.items).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// Replaces an alias's targets.
    pub async fn update_alias_targets(
        self,
        id: &str,
        targets: Vec<String>,
    ) -> Result<AliasRecord, StoreError> {
        let model = alias::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: alias::ActiveModel = model.into();
        active.targets = Set(serde_json::to_string(&targets).expect("strings serialise"));
        active.update(&self.db).await?;
        self.alias(id).await
    }

    /// Deletes an alias.
    pub async fn delete_alias(self, id: &str) -> Result<(), StoreError> {
        let res = alias::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn complete_aliases(
        self,
        models: Vec<alias::Model>,
    ) -> Result<Vec<AliasRecord>, StoreError> {
        let ids: Vec<String> = models.iter().map(|m| m.domain_id.clone()).collect();
        let names: std::collections::HashMap<String, String> = domain::Entity::find()
            .filter(domain::Column::Id.is_in(ids))
            .select_only()
            .column(domain::Column::Id)
            .column(domain::Column::Name)
            .into_tuple::<(String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(models
            .into_iter()
            .map(|m| AliasRecord {
                domain: names.get(&m.domain_id).cloned().unwrap_or_default(),
                targets: serde_json::from_str(&m.targets).unwrap_or_default(),
                id: m.id,
                domain_id: m.domain_id,
                address: m.address_key,
                created_at: m.created_at,
            })
            .collect())
    }
}
