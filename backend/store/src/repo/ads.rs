//! Banner ads: campaigns, what each showed and was clicked per day, and the accounts that
//! see none. Which campaign shows where, and who may change one, is the directory's to
//! decide; this stores.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::{
    StoreError,
    entity::{account, ad_campaign, ad_day, ad_exemption},
    repo::new_id,
    views::Ads,
};

/// A campaign's fields an administrator sets (its image apart).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdCampaignRow {
    /// `None`: every domain's pages.
    pub domain_id: Option<String>,
    pub name: String,
    pub text: String,
    pub link_url: String,
    /// The pages it shows on (`webmail`, `calendar`, `login`).
    pub targets: Vec<String>,
    pub weight: u32,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub enabled: bool,
}

/// A stored campaign, with what it showed and was clicked in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdCampaignRecord {
    pub id: String,
    pub row: AdCampaignRow,
    /// The image's media type, when it has one.
    pub image_type: Option<String>,
    pub impressions: u64,
    pub clicks: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a campaign did on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdDayRecord {
    pub day: NaiveDate,
    pub impressions: u64,
    pub clicks: u64,
}

/// A showing or a click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdEvent {
    Impression,
    Click,
}

fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn record(m: ad_campaign::Model, totals: (u64, u64)) -> AdCampaignRecord {
    AdCampaignRecord {
        id: m.id,
        row: AdCampaignRow {
            domain_id: m.domain_id,
            name: m.name,
            text: m.text,
            link_url: m.link_url,
            targets: m
                .targets
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            weight: u32::try_from(m.weight).unwrap_or(1),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            enabled: m.enabled,
        },
        image_type: m.image_type,
        impressions: totals.0,
        clicks: totals.1,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The columns of a campaign without its image (lists never read the bytes).
const COLUMNS: [ad_campaign::Column; 13] = [
    ad_campaign::Column::Id,
    ad_campaign::Column::DomainId,
    ad_campaign::Column::Name,
    ad_campaign::Column::Text,
    ad_campaign::Column::LinkUrl,
    ad_campaign::Column::Targets,
    ad_campaign::Column::Weight,
    ad_campaign::Column::StartsAt,
    ad_campaign::Column::EndsAt,
    ad_campaign::Column::Enabled,
    ad_campaign::Column::ImageType,
    ad_campaign::Column::CreatedAt,
    ad_campaign::Column::UpdatedAt,
];

/// A campaign's row without its image.
#[derive(Debug, FromQueryResult)]
struct Listed {
    id: String,
    domain_id: Option<String>,
    name: String,
    text: String,
    link_url: String,
    targets: String,
    weight: i32,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    enabled: bool,
    image_type: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn model(l: Listed) -> ad_campaign::Model {
    ad_campaign::Model {
        id: l.id,
        domain_id: l.domain_id,
        name: l.name,
        text: l.text,
        link_url: l.link_url,
        targets: l.targets,
        weight: l.weight,
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        enabled: l.enabled,
        image: None,
        image_type: l.image_type,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

impl Ads<'_> {
    /// Stores a new campaign.
    pub async fn create_campaign(self, row: AdCampaignRow) -> Result<AdCampaignRecord, StoreError> {
        let now = Utc::now();
        let id = new_id();
        ad_campaign::ActiveModel {
            id: Set(id.clone()),
            domain_id: Set(row.domain_id),
            name: Set(row.name),
            text: Set(row.text),
            link_url: Set(row.link_url),
            targets: Set(row.targets.join(",")),
            weight: Set(i32::try_from(row.weight).unwrap_or(i32::MAX)),
            starts_at: Set(row.starts_at),
            ends_at: Set(row.ends_at),
            enabled: Set(row.enabled),
            image: Set(None),
            image_type: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        self.campaign(&id).await
    }

    /// Replaces a campaign's fields (its image stays).
    pub async fn update_campaign(
        self,
        id: &str,
        row: AdCampaignRow,
    ) -> Result<AdCampaignRecord, StoreError> {
        let found = ad_campaign::Entity::update_many()
            .col_expr(ad_campaign::Column::DomainId, Expr::value(row.domain_id))
            .col_expr(ad_campaign::Column::Name, Expr::value(row.name))
            .col_expr(ad_campaign::Column::Text, Expr::value(row.text))
            .col_expr(ad_campaign::Column::LinkUrl, Expr::value(row.link_url))
            .col_expr(
                ad_campaign::Column::Targets,
                Expr::value(row.targets.join(",")),
            )
            .col_expr(
                ad_campaign::Column::Weight,
                Expr::value(i32::try_from(row.weight).unwrap_or(i32::MAX)),
            )
            .col_expr(ad_campaign::Column::StartsAt, Expr::value(row.starts_at))
            .col_expr(ad_campaign::Column::EndsAt, Expr::value(row.ends_at))
            .col_expr(ad_campaign::Column::Enabled, Expr::value(row.enabled))
            .col_expr(ad_campaign::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(ad_campaign::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        if found.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.campaign(id).await
    }

    /// Sets (or with `None` removes) a campaign's image and its media type.
    pub async fn set_image(
        self,
        id: &str,
        image: Option<(Vec<u8>, String)>,
    ) -> Result<(), StoreError> {
        let (bytes, kind) = image.map_or((None, None), |(b, k)| (Some(b), Some(k)));
        let found = ad_campaign::Entity::update_many()
            .col_expr(ad_campaign::Column::Image, Expr::value(bytes))
            .col_expr(ad_campaign::Column::ImageType, Expr::value(kind))
            .col_expr(ad_campaign::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(ad_campaign::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        if found.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// A campaign's image and its media type, if it has one.
    pub async fn image(self, id: &str) -> Result<Option<(Vec<u8>, String)>, StoreError> {
        let m = ad_campaign::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(m.image.zip(m.image_type))
    }

    /// One campaign.
    pub async fn campaign(self, id: &str) -> Result<AdCampaignRecord, StoreError> {
        self.campaigns_where(Condition::all().add(ad_campaign::Column::Id.eq(id)))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The campaigns of these domains (and the server-wide ones with `None` among them);
    /// every campaign when `domain_ids` is `None`. Newest first.
    pub async fn campaigns(
        self,
        domain_ids: Option<&[String]>,
        server_wide: bool,
    ) -> Result<Vec<AdCampaignRecord>, StoreError> {
        let mut cond = Condition::all();
        if let Some(ids) = domain_ids {
            let mut any = Condition::any().add(ad_campaign::Column::DomainId.is_in(ids.to_vec()));
            if server_wide {
                any = any.add(ad_campaign::Column::DomainId.is_null());
            }
            cond = cond.add(any);
        }
        self.campaigns_where(cond).await
    }

    /// The enabled campaigns running at `now` that may show on a page of `domain_id`
    /// (its own and the server-wide ones).
    pub async fn running(
        self,
        domain_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AdCampaignRecord>, StoreError> {
        let mut whose = Condition::any().add(ad_campaign::Column::DomainId.is_null());
        if let Some(d) = domain_id {
            whose = whose.add(ad_campaign::Column::DomainId.eq(d));
        }
        let cond = Condition::all()
            .add(ad_campaign::Column::Enabled.eq(true))
            .add(whose)
            .add(
                Condition::any()
                    .add(ad_campaign::Column::StartsAt.is_null())
                    .add(ad_campaign::Column::StartsAt.lte(now)),
            )
            .add(
                Condition::any()
                    .add(ad_campaign::Column::EndsAt.is_null())
                    .add(ad_campaign::Column::EndsAt.gt(now)),
            );
        self.campaigns_where(cond).await
    }

    async fn campaigns_where(self, cond: Condition) -> Result<Vec<AdCampaignRecord>, StoreError> {
        let rows: Vec<Listed> = ad_campaign::Entity::find()
            .select_only()
            .columns(COLUMNS)
            .filter(cond)
            .order_by_desc(ad_campaign::Column::CreatedAt)
            .into_model::<Listed>()
            .all(&self.db)
            .await?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let totals: HashMap<String, (u64, u64)> = ad_day::Entity::find()
            .select_only()
            .column(ad_day::Column::CampaignId)
            .column_as(Expr::cust("CAST(SUM(ad_days.impressions) AS BIGINT)"), "i")
            .column_as(Expr::cust("CAST(SUM(ad_days.clicks) AS BIGINT)"), "c")
            .filter(ad_day::Column::CampaignId.is_in(ids))
            .group_by(ad_day::Column::CampaignId)
            .into_tuple::<(String, i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, i, c)| (id, (unsigned(i), unsigned(c))))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| {
                let t = totals.get(&r.id).copied().unwrap_or_default();
                record(model(r), t)
            })
            .collect())
    }

    /// Removes a campaign with its counts.
    pub async fn delete_campaign(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let gone = ad_campaign::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        ad_day::Entity::delete_many()
            .filter(ad_day::Column::CampaignId.eq(id))
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await
    }

    /// Counts one showing or click of a campaign on today's (UTC) day.
    pub async fn count(self, id: &str, event: AdEvent) -> Result<(), StoreError> {
        let (impressions, clicks) = match event {
            AdEvent::Impression => (1, 0),
            AdEvent::Click => (0, 1),
        };
        let column = match event {
            AdEvent::Impression => ad_day::Column::Impressions,
            AdEvent::Click => ad_day::Column::Clicks,
        };
        ad_day::Entity::insert(ad_day::ActiveModel {
            campaign_id: Set(id.to_owned()),
            day: Set(Utc::now().date_naive().to_string()),
            impressions: Set(impressions),
            clicks: Set(clicks),
        })
        .on_conflict(
            OnConflict::columns([ad_day::Column::CampaignId, ad_day::Column::Day])
                .value(column, Expr::col((ad_day::Entity, column)).add(1))
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    /// A campaign's counted days from `since` on, oldest first (days without any are
    /// not there).
    pub async fn days(self, id: &str, since: NaiveDate) -> Result<Vec<AdDayRecord>, StoreError> {
        Ok(ad_day::Entity::find()
            .filter(ad_day::Column::CampaignId.eq(id))
            .filter(ad_day::Column::Day.gte(since.to_string()))
            .order_by_asc(ad_day::Column::Day)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(AdDayRecord {
                    day: m.day.parse().ok()?,
                    impressions: unsigned(m.impressions),
                    clicks: unsigned(m.clicks),
                })
            })
            .collect())
    }

    /// Whether the account sees no ads.
    pub async fn is_exempt(self, account_id: &str) -> Result<bool, StoreError> {
        Ok(ad_exemption::Entity::find_by_id(account_id.to_owned())
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Lets the account see no ads (again: nothing changes).
    pub async fn exempt(self, account_id: &str) -> Result<(), StoreError> {
        ad_exemption::Entity::insert(ad_exemption::ActiveModel {
            account_id: Set(account_id.to_owned()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(ad_exemption::Column::AccountId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    /// The account sees ads again; whether it was exempt.
    pub async fn unexempt(self, account_id: &str) -> Result<bool, StoreError> {
        Ok(ad_exemption::Entity::delete_by_id(account_id.to_owned())
            .exec(&self.db)
            .await?
            .rows_affected
            > 0)
    }

    /// The exempt accounts of these domains (every one with `None`): `(id, address,
    /// domain id)`, by address.
    pub async fn exemptions(
        self,
        domain_ids: Option<&[String]>,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let exempt = sea_orm::sea_query::Query::select()
            .column(ad_exemption::Column::AccountId)
            .from(ad_exemption::Entity)
            .to_owned();
        let mut select = account::Entity::find().filter(account::Column::Id.in_subquery(exempt));
        if let Some(d) = domain_ids {
            select = select.filter(account::Column::DomainId.is_in(d.to_vec()));
        }
        Ok(select
            .order_by_asc(account::Column::AddressKey)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.address_key, a.domain_id))
            .collect())
    }
}
