//! Delivery rule sets and the log of automatic answers. The store keeps a rule set as
//! the JSON text `osprey-rules` reads and writes, with a revision; it neither parses nor
//! validates it (the mail service does, before it saves).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
    sea_query::Expr, sea_query::OnConflict,
};

use super::new_id;
use crate::views::Rules;
use crate::{
    StoreError,
    entity::{auto_reply, rule_set},
    error::conflict_on_unique,
};

/// Whose rule set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleOwner {
    /// An account's own rules.
    Account(String),
    /// A domain's rules, run before those of each of its accounts.
    Domain(String),
}

/// A stored rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetRecord {
    pub owner: RuleOwner,
    /// The JSON of the rule set.
    pub rules: String,
    /// Grows by one with each change; 0 for an owner without a stored rule set.
    pub revision: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

impl RuleSetRecord {
    /// The record of an owner that has never saved rules.
    pub fn empty(owner: RuleOwner) -> Self {
        Self {
            owner,
            rules: String::new(),
            revision: 0,
            updated_at: None,
        }
    }
}

fn record(m: rule_set::Model) -> RuleSetRecord {
    let owner = match (m.account_id, m.domain_id) {
        (Some(a), _) => RuleOwner::Account(a),
        (None, Some(d)) => RuleOwner::Domain(d),
        (None, None) => RuleOwner::Domain(String::new()),
    };
    RuleSetRecord {
        owner,
        rules: m.rules,
        revision: m.revision,
        updated_at: Some(m.updated_at),
    }
}

fn owned_by(owner: &RuleOwner) -> Condition {
    match owner {
        RuleOwner::Account(id) => Condition::all().add(rule_set::Column::AccountId.eq(id)),
        RuleOwner::Domain(id) => Condition::all().add(rule_set::Column::DomainId.eq(id)),
    }
}

impl Rules<'_> {
    /// The rule set of `owner` (revision 0 and no text when it has none).
    pub async fn rule_set(self, owner: &RuleOwner) -> Result<RuleSetRecord, StoreError> {
        read_rule_set(&self.db, owner).await
    }

    /// The rule sets that run at delivery to `account_id` of `domain_id`, in one query:
    /// (the domain's, the account's), each `None` when there is none.
    pub async fn for_delivery(
        self,
        account_id: &str,
        domain_id: &str,
    ) -> Result<(Option<RuleSetRecord>, Option<RuleSetRecord>), StoreError> {
        let rows = rule_set::Entity::find()
            .filter(
                Condition::any()
                    .add(rule_set::Column::AccountId.eq(account_id))
                    .add(rule_set::Column::DomainId.eq(domain_id)),
            )
            .all(&self.db)
            .await?;
        let (mut domain, mut account) = (None, None);
        for r in rows.into_iter().map(record) {
            match &r.owner {
                RuleOwner::Account(_) => account = Some(r),
                RuleOwner::Domain(_) => domain = Some(r),
            }
        }
        Ok((domain, account))
    }

    /// Replaces the rule set of `owner` with `rules`, if its revision is still
    /// `expected` (any revision when `None`); returns the new record. `Conflict` when it
    /// changed meanwhile, `NotFound` when the owner does not exist.
    pub async fn put_rule_set(
        self,
        owner: &RuleOwner,
        rules: &str,
        expected: Option<i64>,
    ) -> Result<RuleSetRecord, StoreError> {
        match owner {
            RuleOwner::Account(id) => {
                self.accounts().account(id).await?;
            }
            RuleOwner::Domain(id) => {
                self.domains().domain(id).await?;
            }
        }
        write_rule_set(&self.db, owner, rules, expected).await?;
        self.rule_set(owner).await
    }

    /// When each automatic answer of `account_id` last went to `sender` (lower case),
    /// as (handle, time).
    pub async fn replies_to(
        self,
        account_id: &str,
        sender: &str,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        Ok(auto_reply::Entity::find()
            .filter(auto_reply::Column::AccountId.eq(account_id))
            .filter(auto_reply::Column::Sender.eq(sender))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.handle, m.replied_at))
            .collect())
    }

    /// Remembers that answer `handle` of `account_id` went to `sender` (lower case) at
    /// `at`.
    pub async fn record_reply(
        self,
        account_id: &str,
        handle: &str,
        sender: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        auto_reply::Entity::insert(auto_reply::ActiveModel {
            account_id: Set(account_id.to_owned()),
            handle: Set(handle.to_owned()),
            sender: Set(sender.to_owned()),
            replied_at: Set(at),
        })
        .on_conflict(
            OnConflict::columns([
                auto_reply::Column::AccountId,
                auto_reply::Column::Handle,
                auto_reply::Column::Sender,
            ])
            .update_column(auto_reply::Column::RepliedAt)
            .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }
}

/// The rule set of `owner` as `db` sees it (inside a transaction or not).
async fn read_rule_set<C: ConnectionTrait>(
    db: &C,
    owner: &RuleOwner,
) -> Result<RuleSetRecord, StoreError> {
    Ok(rule_set::Entity::find()
        .filter(owned_by(owner))
        .one(db)
        .await?
        .map(record)
        .unwrap_or_else(|| RuleSetRecord::empty(owner.clone())))
}

/// Replaces the rule set of `owner` through `db` if its revision is still `expected`
/// (any when `None`): the one writer of rule sets, alone or in a caller's transaction.
pub(crate) async fn write_rule_set<C: ConnectionTrait>(
    db: &C,
    owner: &RuleOwner,
    rules: &str,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let current = read_rule_set(db, owner).await?;
    if let Some(expected) = expected
        && expected != current.revision
    {
        return Err(changed(current.revision));
    }
    let now = Utc::now();
    if current.revision == 0 {
        let (account_id, domain_id) = match owner {
            RuleOwner::Account(id) => (Some(id.clone()), None),
            RuleOwner::Domain(id) => (None, Some(id.clone())),
        };
        rule_set::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id),
            domain_id: Set(domain_id),
            rules: Set(rules.to_owned()),
            revision: Set(1),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .map_err(conflict_on_unique(
            "the rules were changed meanwhile; load them again",
        ))?;
        return Ok(());
    }
    let done = rule_set::Entity::update_many()
        .col_expr(rule_set::Column::Rules, Expr::value(rules.to_owned()))
        .col_expr(
            rule_set::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(rule_set::Column::UpdatedAt, Expr::value(now))
        .filter(owned_by(owner))
        .filter(rule_set::Column::Revision.eq(current.revision))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(changed(read_rule_set(db, owner).await?.revision));
    }
    Ok(())
}

fn changed(revision: i64) -> StoreError {
    StoreError::Conflict(format!(
        "the rules were changed meanwhile (now revision {revision}); load them again"
    ))
}
