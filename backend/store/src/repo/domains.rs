//! Domains (virtual hosts) and their alias names.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use osprey_core::DomainName;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::LikeExpr,
};

use super::{
    ListQuery, PageOf, new_id,
    paging::{ListOrder, finish, finish_by, newest_after, newest_key, plain_key},
};
use crate::views::Domains;
use crate::{
    StoreError,
    entity::{account, ad_campaign, ad_day, branding, domain, domain_alias},
    error::conflict_on_unique,
};

/// A domain as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRecord {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// Per-domain settings as JSON; the API gives them their type.
    pub settings: serde_json::Value,
    pub enabled: bool,
    pub account_count: u64,
    pub created_at: DateTime<Utc>,
}

/// What `Domains::create_domain` needs.
#[derive(Debug, Clone)]
pub struct NewDomain {
    pub name: DomainName,
    pub aliases: Vec<DomainName>,
    pub settings: serde_json::Value,
    pub enabled: bool,
}

/// Changes to a domain; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DomainChanges {
    pub aliases: Option<Vec<DomainName>>,
    pub settings: Option<serde_json::Value>,
    pub enabled: Option<bool>,
}

async fn name_taken(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<&str>,
) -> Result<bool, StoreError> {
    let as_domain = domain::Entity::find()
        .filter(domain::Column::Name.eq(name))
        .one(db)
        .await?;
    let as_alias = domain_alias::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?;
    Ok(as_domain.is_some_and(|d| Some(d.id.as_str()) != except)
        || as_alias.is_some_and(|a| Some(a.domain_id.as_str()) != except))
}

async fn set_aliases(
    db: &impl ConnectionTrait,
    domain_id: &str,
    aliases: &[DomainName],
) -> Result<(), StoreError> {
    domain_alias::Entity::delete_many()
        .filter(domain_alias::Column::DomainId.eq(domain_id))
        .exec(db)
        .await?;
    for a in aliases {
        if name_taken(db, a.as_str(), Some(domain_id)).await? {
            return Err(StoreError::Conflict(format!(
                "the name {a} is already used by another domain"
            )));
        }
        domain_alias::ActiveModel {
            name: Set(a.as_str().to_owned()),
            domain_id: Set(domain_id.to_owned()),
        }
        .insert(db)
        .await
        .map_err(conflict_on_unique(format!(
            "the name {a} is already used by another domain"
        )))?;
    }
    Ok(())
}

impl Domains<'_> {
    /// Creates a domain with its alias names. `Conflict` if the name or an alias name is
    /// already a domain or a domain alias.
    pub async fn create_domain(self, new: NewDomain) -> Result<DomainRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let name = new.name.as_str();
        if name_taken(&txn, name, None).await? {
            return Err(StoreError::Conflict(format!(
                "the domain {name} already exists"
            )));
        }
        if new.aliases.iter().any(|a| a == &new.name) {
            return Err(StoreError::Invalid(
                "a domain cannot be an alias of itself".into(),
            ));
        }
        let id = new_id();
        domain::ActiveModel {
            id: Set(id.clone()),
            name: Set(name.to_owned()),
            settings: Set(new.settings.to_string()),
            enabled: Set(new.enabled),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique(format!(
            "the domain {name} already exists"
        )))?;
        set_aliases(&txn, &id, &new.aliases).await?;
        self.commit(txn, turn).await?;
        self.domain(&id).await
    }

    /// The domain with this id.
    pub async fn domain(self, id: &str) -> Result<DomainRecord, StoreError> {
        let model = domain::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.complete_domains(vec![model]).await?.remove(0))
    }

    /// The domain named `name`, or whose alias name is `name`.
    pub async fn domain_by_name(self, name: &str) -> Result<DomainRecord, StoreError> {
        let name = name.to_ascii_lowercase();
        if let Some(model) = domain::Entity::find()
            .filter(domain::Column::Name.eq(name.as_str()))
            .one(&self.db)
            .await?
        {
            return Ok(self.complete_domains(vec![model]).await?.remove(0));
        }
        let alias = domain_alias::Entity::find_by_id(name)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.domain(&alias.domain_id).await
    }

    /// The canonical name of the domain called `name` (directly or by one of its alias
    /// names), or `None` if it is not one of ours. Cheap: for every recipient and login.
    pub async fn canonical_domain(self, name: &str) -> Result<Option<String>, StoreError> {
        let name = name.to_ascii_lowercase();
        if domain::Entity::find()
            .filter(domain::Column::Name.eq(name.as_str()))
            .one(&self.db)
            .await?
            .is_some()
        {
            return Ok(Some(name));
        }
        let Some(alias) = domain_alias::Entity::find_by_id(name).one(&self.db).await? else {
            return Ok(None);
        };
        Ok(domain::Entity::find_by_id(alias.domain_id)
            .one(&self.db)
            .await?
            .map(|d| d.name))
    }

    /// A page of domains in name order.
    pub async fn list_domains(self, query: &ListQuery) -> Result<PageOf<DomainRecord>, StoreError> {
        self.list_domains_in(query, ListOrder::Key).await
    }

    /// A page in `order`.
    pub async fn list_domains_in(
        self,
        query: &ListQuery,
        order: ListOrder,
    ) -> Result<PageOf<DomainRecord>, StoreError> {
        let mut select = match order {
            ListOrder::Key => domain::Entity::find(),
            ListOrder::Newest => domain::Entity::find().order_by_desc(domain::Column::CreatedAt),
        }
        .order_by_asc(domain::Column::Name);
        if let Some(after) = query.after()? {
            select = match order {
                ListOrder::Key => select.filter(domain::Column::Name.gt(plain_key(after)?)),
                ListOrder::Newest => select.filter(newest_after(
                    &after,
                    domain::Column::CreatedAt,
                    domain::Column::Name,
                )?),
            };
        }
        if let Some(p) = query.pattern() {
            select = select.filter(domain::Column::Name.like(LikeExpr::new(p).escape('\\')));
        }
        if let Some(ids) = &query.domain_ids {
            select = select.filter(domain::Column::Id.is_in(ids.clone()));
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = match order {
            ListOrder::Key => finish(rows, query.limit(), |m| m.name.as_str()),
            ListOrder::Newest => {
                finish_by(rows, query.limit(), |m| newest_key(&m.created_at, &m.name))
            }
        };
        Ok(PageOf {
            items: self.complete_domains(page.items).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// Applies `changes` to a domain.
    pub async fn update_domain(
        self,
        id: &str,
        changes: DomainChanges,
    ) -> Result<DomainRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let model = domain::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(aliases) = &changes.aliases {
            if aliases.iter().any(|a| a.as_str() == model.name) {
                return Err(StoreError::Invalid(
                    "a domain cannot be an alias of itself".into(),
                ));
            }
            set_aliases(&txn, id, aliases).await?;
        }
        let mut active: domain::ActiveModel = model.into();
        if let Some(settings) = changes.settings {
            active.settings = Set(settings.to_string());
        }
        if let Some(enabled) = changes.enabled {
            active.enabled = Set(enabled);
        }
        active.update(&txn).await?;
        self.commit(txn, turn).await?;
        self.domain(id).await
    }

    /// Deletes a domain with its aliases. `Conflict` while it still has accounts.
    pub async fn delete_domain(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let model = domain::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let accounts = account::Entity::find()
            .filter(account::Column::DomainId.eq(id))
            .count(&txn)
            .await?;
        if accounts > 0 {
            return Err(StoreError::Conflict(format!(
                "the domain {} still has {accounts} account(s); delete them first",
                model.name
            )));
        }
        // Its banner ads go with it (a campaign without its domain would read as one
        // for every domain).
        let campaigns: Vec<String> = ad_campaign::Entity::find()
            .select_only()
            .column(ad_campaign::Column::Id)
            .filter(ad_campaign::Column::DomainId.eq(id))
            .into_tuple()
            .all(&txn)
            .await?;
        ad_day::Entity::delete_many()
            .filter(ad_day::Column::CampaignId.is_in(campaigns.clone()))
            .exec(&txn)
            .await?;
        ad_campaign::Entity::delete_many()
            .filter(ad_campaign::Column::Id.is_in(campaigns))
            .exec(&txn)
            .await?;
        // And its look.
        branding::Entity::delete_many()
            .filter(branding::Column::ScopeId.eq(id))
            .exec(&txn)
            .await?;
        domain::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        Ok(())
    }

    /// Adds alias names and account counts to domain rows.
    async fn complete_domains(
        self,
        models: Vec<domain::Model>,
    ) -> Result<Vec<DomainRecord>, StoreError> {
        let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
        let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
        for a in domain_alias::Entity::find()
            .filter(domain_alias::Column::DomainId.is_in(ids.clone()))
            .order_by_asc(domain_alias::Column::Name)
            .all(&self.db)
            .await?
        {
            aliases.entry(a.domain_id).or_default().push(a.name);
        }
        let counts: HashMap<String, i64> = account::Entity::find()
            .select_only()
            .column(account::Column::DomainId)
            .column_as(account::Column::Id.count(), "n")
            .filter(account::Column::DomainId.is_in(ids))
            .group_by(account::Column::DomainId)
            .into_tuple::<(String, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(models
            .into_iter()
            .map(|m| DomainRecord {
                aliases: aliases.remove(&m.id).unwrap_or_default(),
                account_count: counts.get(&m.id).copied().unwrap_or(0) as u64,
                settings: serde_json::from_str(&m.settings).unwrap_or(serde_json::Value::Null),
                id: m.id,
                name: m.name,
                enabled: m.enabled,
                created_at: m.created_at,
            })
            .collect())
    }

    /// The ids of the domains named in `names`; `Invalid` naming the first unknown one.
    pub async fn domain_ids_by_names(self, names: &[String]) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::with_capacity(names.len());
        for n in names {
            match self.domain_by_name(n).await {
                Ok(d) => ids.push(d.id),
                Err(StoreError::NotFound) => {
                    return Err(StoreError::Invalid(format!(
                        "the domain {n} does not exist"
                    )));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(ids)
    }
}
