//! The dashboard's figures: counts added up per hour (and per name for the "top"
//! kinds), and samples of what is counted at a moment (open sessions, the queue) kept
//! per hour and node as their highest and latest value. Hours are Unix seconds at the
//! hour's start. What is counted, and who may read it, is the directory's to decide.

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, OnConflict},
};

use crate::{
    StoreError,
    entity::{account, activity_count, activity_gauge, domain},
    views::Activity,
};

/// What one node counted since its last sample, to add to the store.
#[derive(Debug, Clone, Default)]
pub struct ActivitySample {
    /// The hour the counts go to.
    pub hour: i64,
    /// The node that sampled (its gauges are kept apart from other nodes').
    pub node: String,
    /// When it sampled, Unix seconds.
    pub sampled_at: i64,
    /// `(metric, name, count)`; the name is empty for plain counts.
    pub counts: Vec<(String, String, u64)>,
    /// `(metric, value)` of what is counted at a moment.
    pub gauges: Vec<(String, u64)>,
}

/// One metric's count in one hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    pub hour: i64,
    pub metric: String,
    pub value: u64,
}

/// One node's samples of one metric in one hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourGauge {
    pub hour: i64,
    pub node: String,
    pub metric: String,
    pub peak: u64,
    pub latest: u64,
    pub sampled_at: i64,
}

/// A domain's accounts and the mail they keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainStorage {
    pub domain: String,
    pub accounts: u64,
    pub used_bytes: u64,
}

/// An account among the largest mailboxes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxSize {
    pub account_id: String,
    pub address: String,
    pub used_bytes: u64,
    pub quota_bytes: Option<u64>,
}

fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Activity<'_> {
    /// Adds `sample`'s counts to its hour and keeps its gauges (the highest of the hour
    /// and the latest), in one transaction.
    pub async fn record(self, sample: &ActivitySample) -> Result<(), StoreError> {
        let counts: Vec<activity_count::ActiveModel> = sample
            .counts
            .iter()
            .filter(|(_, _, n)| *n > 0)
            .map(|(metric, key, n)| activity_count::ActiveModel {
                hour: Set(sample.hour),
                metric: Set(metric.clone()),
                key: Set(key.clone()),
                value: Set(signed(*n)),
            })
            .collect();
        let gauges: Vec<activity_gauge::ActiveModel> = sample
            .gauges
            .iter()
            .map(|(metric, v)| activity_gauge::ActiveModel {
                hour: Set(sample.hour),
                node: Set(sample.node.clone()),
                metric: Set(metric.clone()),
                peak: Set(signed(*v)),
                latest: Set(signed(*v)),
                sampled_at: Set(sample.sampled_at),
            })
            .collect();
        let (txn, turn) = self.begin_write().await?;
        // Many names at once in a spam wave: a statement per few hundred rows.
        for chunk in counts.chunks(200) {
            activity_count::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([
                        activity_count::Column::Hour,
                        activity_count::Column::Metric,
                        activity_count::Column::Key,
                    ])
                    .value(
                        activity_count::Column::Value,
                        Expr::cust("activity_counts.value + excluded.value"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        if !gauges.is_empty() {
            activity_gauge::Entity::insert_many(gauges)
                .on_conflict(
                    OnConflict::columns([
                        activity_gauge::Column::Hour,
                        activity_gauge::Column::Node,
                        activity_gauge::Column::Metric,
                    ])
                    .value(
                        activity_gauge::Column::Peak,
                        Expr::cust(
                            "CASE WHEN excluded.peak > activity_gauges.peak \
                             THEN excluded.peak ELSE activity_gauges.peak END",
                        ),
                    )
                    .update_columns([
                        activity_gauge::Column::Latest,
                        activity_gauge::Column::SampledAt,
                    ])
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        self.commit(txn, turn).await
    }

    /// The plain counts (no name) of the hours from `from` up to `to` (excluded).
    pub async fn counts(self, from: i64, to: i64) -> Result<Vec<HourCount>, StoreError> {
        Ok(activity_count::Entity::find()
            .filter(activity_count::Column::Key.eq(""))
            .filter(activity_count::Column::Hour.gte(from))
            .filter(activity_count::Column::Hour.lt(to))
            .order_by_asc(activity_count::Column::Hour)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| HourCount {
                hour: m.hour,
                metric: m.metric,
                value: unsigned(m.value),
            })
            .collect())
    }

    /// The `limit` names counted most under `metric` in the hours from `from` up to
    /// `to` (excluded), most first.
    pub async fn top(
        self,
        metric: &str,
        from: i64,
        to: i64,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = activity_count::Entity::find()
            .select_only()
            .column(activity_count::Column::Key)
            .column_as(
                Expr::cust("CAST(SUM(activity_counts.value) AS BIGINT)"),
                "n",
            )
            .filter(activity_count::Column::Metric.eq(metric))
            .filter(activity_count::Column::Key.ne(""))
            .filter(activity_count::Column::Hour.gte(from))
            .filter(activity_count::Column::Hour.lt(to))
            .group_by(activity_count::Column::Key)
            .order_by_desc(Expr::cust("CAST(SUM(activity_counts.value) AS BIGINT)"))
            .order_by_asc(activity_count::Column::Key)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|(k, n)| (k, unsigned(n))).collect())
    }

    /// Every node's samples in the hours from `from` up to `to` (excluded).
    pub async fn gauges(self, from: i64, to: i64) -> Result<Vec<HourGauge>, StoreError> {
        Ok(activity_gauge::Entity::find()
            .filter(activity_gauge::Column::Hour.gte(from))
            .filter(activity_gauge::Column::Hour.lt(to))
            .order_by_asc(activity_gauge::Column::Hour)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| HourGauge {
                hour: m.hour,
                node: m.node,
                metric: m.metric,
                peak: unsigned(m.peak),
                latest: unsigned(m.latest),
                sampled_at: m.sampled_at,
            })
            .collect())
    }

    /// Removes the hours before `before`, and the counts by name before
    /// `named_before`; returns how many rows went.
    pub async fn prune(self, before: i64, named_before: i64) -> Result<u64, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let counts = activity_count::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(activity_count::Column::Hour.lt(before))
                    .add(
                        Condition::all()
                            .add(activity_count::Column::Key.ne(""))
                            .add(activity_count::Column::Hour.lt(named_before)),
                    ),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        let gauges = activity_gauge::Entity::delete_many()
            .filter(activity_gauge::Column::Hour.lt(before))
            .exec(&txn)
            .await?
            .rows_affected;
        self.commit(txn, turn).await?;
        Ok(counts + gauges)
    }

    /// Each domain's accounts and the mail they keep, the largest first.
    pub async fn storage_by_domain(self) -> Result<Vec<DomainStorage>, StoreError> {
        let names: std::collections::HashMap<String, String> = domain::Entity::find()
            .select_only()
            .column(domain::Column::Id)
            .column(domain::Column::Name)
            .into_tuple()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let rows: Vec<(String, i64, i64)> = account::Entity::find()
            .select_only()
            .column(account::Column::DomainId)
            .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
            .column_as(
                Expr::cust("CAST(SUM(accounts.used_bytes) AS BIGINT)"),
                "used",
            )
            .group_by(account::Column::DomainId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: Vec<DomainStorage> = names
            .iter()
            .map(|(id, name)| {
                let (n, used) = rows
                    .iter()
                    .find(|(d, _, _)| d == id)
                    .map_or((0, 0), |(_, n, u)| (*n, *u));
                DomainStorage {
                    domain: name.clone(),
                    accounts: unsigned(n),
                    used_bytes: unsigned(used),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.used_bytes
                .cmp(&a.used_bytes)
                .then_with(|| a.domain.cmp(&b.domain))
        });
        Ok(out)
    }

    /// The `limit` accounts that keep the most mail, the largest first.
    pub async fn largest_mailboxes(self, limit: u64) -> Result<Vec<MailboxSize>, StoreError> {
        let accounts = account::Entity::find()
            .order_by_desc(account::Column::UsedBytes)
            .order_by_asc(account::Column::AddressKey)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(accounts
            .into_iter()
            .map(|a| MailboxSize {
                account_id: a.id,
                address: a.address_key,
                used_bytes: unsigned(a.used_bytes),
                quota_bytes: a.quota_bytes.map(unsigned),
            })
            .collect())
    }
}
