//! The audit log's rows: appended one per administrative change, read newest first a
//! page at a time, removed by age. What is recorded, and who reads which rows, is the
//! directory's to decide; this stores.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, LikeExpr},
};

use super::{
    PageOf, like_anywhere, like_escaped, new_id,
    paging::{decode_cursor, finish},
};
use crate::{StoreError, entity::audit_entry, views::Audit};

/// A change to record.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEntry {
    /// The account that made it; `None` for the operator at the command line.
    pub actor_id: Option<String>,
    /// The account's address, or `operator`.
    pub actor: String,
    pub ip: Option<String>,
    /// `web`, `api` or `cli`.
    pub via: String,
    /// What was done, `thing.verb` (`domain.update`).
    pub action: String,
    /// The domain the change concerns; `None` for server-wide settings.
    pub domain_id: Option<String>,
    /// What it was done to, as people name it (an address, a domain, a network).
    pub target: String,
    /// The thing before and after the change, as JSON; `None` where it did not exist.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor: String,
    pub ip: Option<String>,
    pub via: String,
    pub action: String,
    pub domain_id: Option<String>,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which rows to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Words (lower case) each of which the actor, address, action or target holds.
    pub words: Vec<String>,
    /// Actions starting with this (`domain.` or `domain.update`).
    pub action: Option<String>,
    /// Only rows of these domains (server-wide rows left out); `None` reads every row.
    pub domain_ids: Option<Vec<String>>,
    /// Only rows at or after, and before, these times.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Most rows; 1 to 500.
    pub limit: u64,
}

fn record(m: audit_entry::Model) -> AuditRecord {
    AuditRecord {
        id: m.id,
        at: m.at,
        actor_id: m.actor_id,
        actor: m.actor,
        ip: m.ip,
        via: m.via,
        action: m.action,
        domain_id: m.domain_id,
        target: m.target,
        before: m.before,
        after: m.after,
    }
}

impl Audit<'_> {
    /// Appends `entry`, stamped now.
    pub async fn record(self, entry: NewAuditEntry) -> Result<(), StoreError> {
        let search_text = [
            entry.actor.as_str(),
            entry.ip.as_deref().unwrap_or(""),
            entry.action.as_str(),
            entry.target.as_str(),
        ]
        .join(" ")
        .to_lowercase();
        let model = audit_entry::ActiveModel {
            id: Set(new_id()),
            at: Set(Utc::now()),
            actor_id: Set(entry.actor_id),
            actor: Set(entry.actor),
            ip: Set(entry.ip),
            via: Set(entry.via),
            action: Set(entry.action),
            domain_id: Set(entry.domain_id),
            target: Set(entry.target),
            before: Set(entry.before),
            after: Set(entry.after),
            search_text: Set(search_text),
        };
        let (txn, turn) = self.begin_write().await?;
        audit_entry::Entity::insert(model).exec(&txn).await?;
        self.commit(txn, turn).await
    }

    /// A page of the rows `query` selects, newest first.
    pub async fn search(self, query: &AuditQuery) -> Result<PageOf<AuditRecord>, StoreError> {
        let limit = query.limit.clamp(1, 500);
        let mut all = Condition::all();
        for word in &query.words {
            all = all.add(
                Expr::col(audit_entry::Column::SearchText)
                    .like(LikeExpr::new(like_anywhere(word)).escape('\\')),
            );
        }
        let mut select = audit_entry::Entity::find().filter(all);
        if let Some(action) = &query.action {
            let prefix = format!("{}%", like_escaped(action));
            select =
                select.filter(audit_entry::Column::Action.like(LikeExpr::new(prefix).escape('\\')));
        }
        if let Some(ids) = &query.domain_ids {
            select = select.filter(audit_entry::Column::DomainId.is_in(ids.clone()));
        }
        if let Some(since) = query.since {
            select = select.filter(audit_entry::Column::At.gte(since));
        }
        if let Some(until) = query.until {
            select = select.filter(audit_entry::Column::At.lt(until));
        }
        if let Some(cursor) = &query.cursor {
            select = select.filter(audit_entry::Column::Id.lt(decode_cursor(cursor)?));
        }
        let rows = select
            .order_by_desc(audit_entry::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let page = finish(rows, limit, |m| m.id.as_str());
        Ok(PageOf {
            items: page.items.into_iter().map(record).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Removes the rows recorded before `cutoff`; returns how many.
    pub async fn purge_before(self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let done = audit_entry::Entity::delete_many()
            .filter(audit_entry::Column::At.lt(cutoff))
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        Ok(done.rows_affected)
    }
}
