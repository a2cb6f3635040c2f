//! Access rules: ordered IP allow/deny rules and the kill file, with hit counters. The
//! store keeps and counts them; the protocols decide with them (`osprey-smtp`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};

use super::new_id;
use crate::views::Access;
use crate::{
    StoreError,
    entity::{ip_rule, kill_entry},
    error::conflict_on_unique,
};

/// One IP rule. `network` is CIDR text, validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRuleRecord {
    pub id: String,
    /// Rules are tried in ascending position; the first that matches decides.
    pub position: i64,
    /// `allow` or `deny`.
    pub action: String,
    pub network: String,
    /// The listener it applies to (`smtp`, `submission`, ...), or every listener.
    pub listener: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub hits: u64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// What `Access::create_ip_rule` needs.
#[derive(Debug, Clone)]
pub struct NewIpRule {
    pub action: String,
    pub network: String,
    pub listener: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub note: String,
}

/// One kill-file entry: `address` (a sender), `domain` (a sender domain and its
/// subdomains) or `host` (a client IP address or EHLO name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KillEntryRecord {
    pub id: String,
    pub kind: String,
    pub value: String,
    /// The local domain (id) whose recipients the entry protects; `None` for every one.
    pub domain_id: Option<String>,
    pub hits: u64,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

fn ip_rule(m: ip_rule::Model) -> IpRuleRecord {
    IpRuleRecord {
        id: m.id,
        position: m.position,
        action: m.action,
        network: m.network,
        listener: m.listener,
        expires_at: m.expires_at,
        hits: u64::try_from(m.hits).unwrap_or(0),
        note: m.note,
        created_at: m.created_at,
    }
}

fn kill_entry(m: kill_entry::Model) -> KillEntryRecord {
    KillEntryRecord {
        id: m.id,
        kind: m.kind,
        value: m.value,
        domain_id: (!m.scope.is_empty()).then_some(m.scope),
        hits: u64::try_from(m.hits).unwrap_or(0),
        note: m.note,
        created_at: m.created_at,
    }
}

impl Access<'_> {
    /// Adds an IP rule after the existing ones.
    pub async fn create_ip_rule(self, new: NewIpRule) -> Result<IpRuleRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let last: Option<i64> = ip_rule::Entity::find()
            .select_only()
            .column_as(Expr::col(ip_rule::Column::Position).max(), "p")
            .into_tuple()
            .one(&txn)
            .await?
            .flatten();
        let model = ip_rule::ActiveModel {
            id: Set(new_id()),
            position: Set(last.unwrap_or(0) + 1),
            action: Set(new.action),
            network: Set(new.network),
            listener: Set(new.listener),
            expires_at: Set(new.expires_at),
            hits: Set(0),
            note: Set(new.note),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        self.commit(txn, turn).await?;
        Ok(ip_rule(model))
    }

    /// Every IP rule in the order they are tried.
    pub async fn ip_rules(self) -> Result<Vec<IpRuleRecord>, StoreError> {
        Ok(ip_rule::Entity::find()
            .order_by_asc(ip_rule::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(ip_rule)
            .collect())
    }

    /// Moves the IP rule `id` to `position` (1 is tried first; past the end is last) and
    /// numbers the rules 1, 2, … in their new order. Returns them in that order.
    pub async fn move_ip_rule(
        self,
        id: &str,
        position: usize,
    ) -> Result<Vec<IpRuleRecord>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mut rules = ip_rule::Entity::find()
            .order_by_asc(ip_rule::Column::Position)
            .order_by_asc(ip_rule::Column::CreatedAt)
            .all(&txn)
            .await?;
        let from = rules
            .iter()
            .position(|r| r.id == id)
            .ok_or(StoreError::NotFound)?;
        let moved = rules.remove(from);
        rules.insert(position.saturating_sub(1).min(rules.len()), moved);
        let mut out = Vec::with_capacity(rules.len());
        for (i, rule) in rules.into_iter().enumerate() {
            let want = i64::try_from(i + 1).unwrap_or(i64::MAX);
            let rule = if rule.position == want {
                rule
            } else {
                let mut active: ip_rule::ActiveModel = rule.into();
                active.position = Set(want);
                active.update(&txn).await?
            };
            out.push(ip_rule(rule));
        }
        self.commit(txn, turn).await?;
        Ok(out)
    }

    /// Removes an IP rule.
    pub async fn delete_ip_rule(self, id: &str) -> Result<(), StoreError> {
        let res = ip_rule::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Counts a match of an IP rule.
    pub async fn count_ip_rule_hit(self, id: &str) -> Result<(), StoreError> {
        ip_rule::Entity::update_many()
            .col_expr(
                ip_rule::Column::Hits,
                Expr::col(ip_rule::Column::Hits).add(1),
            )
            .filter(ip_rule::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Adds a kill-file entry, server-wide or for the recipients of one domain;
    /// `Conflict` if the same kind and value exist for that scope.
    pub async fn create_kill_entry(
        self,
        kind: &str,
        value: &str,
        note: &str,
        domain_id: Option<&str>,
    ) -> Result<KillEntryRecord, StoreError> {
        if let Some(id) = domain_id {
            self.domains().domain(id).await?;
        }
        let model = kill_entry::ActiveModel {
            scope: Set(domain_id.unwrap_or("").to_owned()),
            id: Set(new_id()),
            kind: Set(kind.to_owned()),
            value: Set(value.to_owned()),
            hits: Set(0),
            note: Set(note.to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique(format!(
            "{value} is already in the kill file"
        )))?;
        Ok(kill_entry(model))
    }

    /// The kill file, by kind and value.
    pub async fn kill_entries(self) -> Result<Vec<KillEntryRecord>, StoreError> {
        Ok(kill_entry::Entity::find()
            .order_by_asc(kill_entry::Column::Kind)
            .order_by_asc(kill_entry::Column::Value)
            .all(&self.db)
            .await?
            .into_iter()
            .map(kill_entry)
            .collect())
    }

    /// Removes a kill-file entry.
    pub async fn delete_kill_entry(self, id: &str) -> Result<(), StoreError> {
        let res = kill_entry::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Counts a match of a kill-file entry.
    pub async fn count_kill_hit(self, id: &str) -> Result<(), StoreError> {
        kill_entry::Entity::update_many()
            .col_expr(
                kill_entry::Column::Hits,
                Expr::col(kill_entry::Column::Hits).add(1),
            )
            .filter(kill_entry::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
