//! The audit log: every administrative change is recorded with who made it, when, from
//! which address and through which door (web app, API key, command line), and the thing
//! before and after. Administrators read it back newest first; a domain administrator
//! reads only the rows of its domains, never the server-wide ones. Rows are kept for
//! the retention a server administrator sets (365 days unless set), then removed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use osprey_store::{
    AccountRecord, AliasRecord, AuditQuery, AuditRecord, DomainRecord, NewAuditEntry, PageOf, Store,
};
use serde_json::{Value, json};

use crate::{Actor, Directory, DirectoryError, actor::Via, checks::Checks};

/// Days rows are kept when no administrator set it.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 365;
/// Longest retention that may be set: ten years.
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 3650;
/// Most words a search of the log may hold.
const MAX_SEARCH_WORDS: usize = 10;

/// One change, as the service that made it describes it.
#[derive(Debug, Clone)]
pub struct Change {
    /// `thing.verb`: `domain.update`, `ip_rule.create`.
    pub action: &'static str,
    /// What it was done to, as people name it.
    pub target: String,
    /// The domain it concerns; `None` for server-wide things.
    pub domain_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// A change of `action` to `target`, server-wide until [`domain`](Self::domain).
    pub fn new(action: &'static str, target: impl Into<String>) -> Change {
        Change {
            action,
            target: target.into(),
            domain_id: None,
            before: None,
            after: None,
        }
    }

    /// The change concerns the domain `id`.
    pub fn domain(mut self, id: impl Into<String>) -> Change {
        self.domain_id = Some(id.into());
        self
    }

    /// The change concerns the domain `id`, if any.
    pub fn maybe_domain(mut self, id: Option<String>) -> Change {
        self.domain_id = id;
        self
    }

    /// The thing before the change.
    pub fn before(mut self, value: Value) -> Change {
        self.before = Some(value);
        self
    }

    /// The thing after the change.
    pub fn after(mut self, value: Value) -> Change {
        self.after = Some(value);
        self
    }
}

/// Records `change`, made by `actor`. The change itself is made by then, so a failure
/// to record it is logged as an error rather than returned.
pub async fn record(store: &Store, actor: &Actor, change: Change) {
    let (actor_id, name, ip, via) = match actor {
        Actor::Operator => (None, "operator".to_owned(), None, "cli"),
        Actor::Account {
            id,
            address,
            origin,
            ..
        } => (
            Some(id.clone()),
            address.clone(),
            origin.ip.map(|ip| ip.to_string()),
            match origin.via {
                Via::Web => "web",
                Via::Api => "api",
            },
        ),
    };
    let action = change.action;
    let entry = NewAuditEntry {
        actor_id,
        actor: name,
        ip,
        via: via.to_owned(),
        action: action.to_owned(),
        domain_id: change.domain_id,
        target: change.target,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
    };
    if let Err(e) = store.audit().record(entry).await {
        tracing::error!(action, error = %e, "the audit log did not record a change");
    }
}

/// What to read of the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Words each of which the actor, address, action or target holds.
    pub q: Option<String>,
    /// Actions starting with this (`account.` or `account.update`).
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    pub limit: u64,
}

/// One field a recorded change touched, its values as text (absent: no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Dotted for nested fields: `settings.max_accounts`.
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields whose values differ between what `entry` recorded before and after the
/// change, in name order: every field of a creation or deletion, only the changed ones
/// of an update.
pub fn field_changes(entry: &AuditRecord) -> Vec<FieldChange> {
    let fields = |json: &Option<String>| {
        let mut out = BTreeMap::new();
        if let Some(value) = json.as_deref().and_then(|t| serde_json::from_str(t).ok()) {
            flatten(String::new(), &value, &mut out);
        }
        out
    };
    let (before, after) = (fields(&entry.before), fields(&entry.after));
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| before.get(*n) != after.get(*n))
        .map(|n| FieldChange {
            field: n.clone(),
            before: before.get(n).cloned(),
            after: after.get(n).cloned(),
        })
        .collect()
}

/// `value`'s leaves under dotted names; a null or an empty object is no value.
fn flatten(name: String, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, v) in fields {
                let inner = if name.is_empty() {
                    key.clone()
                } else {
                    format!("{name}.{key}")
                };
                flatten(inner, v, out);
            }
        }
        Value::String(s) => {
            out.insert(name, s.clone());
        }
        other => {
            out.insert(name, other.to_string());
        }
    }
}

/// The audit log's view of a domain.
pub fn domain_view(d: &DomainRecord) -> Value {
    json!({
        "name": d.name,
        "aliases": d.aliases,
        "enabled": d.enabled,
        "settings": d.settings,
    })
}

/// The audit log's view of an account: never its password or keys.
pub fn account_view(a: &AccountRecord) -> Value {
    json!({
        "address": a.address(),
        "display_name": a.display_name,
        "role": a.role.as_str(),
        "admin_domains": a.admin_domains.iter().map(|(_, n)| n).collect::<Vec<_>>(),
        "quota_bytes": a.quota_bytes,
        "enabled": a.enabled,
        "pop3_mode": a.pop3.mode.as_str(),
        "pop3_retention_days": a.pop3.retention_days,
        "must_change_password": a.must_change_password,
    })
}

/// The audit log's view of an alias.
pub fn alias_view(a: &AliasRecord) -> Value {
    json!({ "address": a.address, "targets": a.targets })
}

impl Directory {
    /// A page of the audit log as `actor` may read it, newest first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<PageOf<AuditRecord>, DirectoryError> {
        let scope = actor.admin_scope()?;
        let words: Vec<String> = filter
            .q
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut checks = Checks::default();
        if words.len() > MAX_SEARCH_WORDS {
            checks.fail("q", format!("at most {MAX_SEARCH_WORDS} words"));
        }
        if let (Some(since), Some(until)) = (filter.since, filter.until)
            && since >= until
        {
            checks.fail("until", "must be later than since");
        }
        checks.finish()?;
        Ok(self
            .store
            .audit()
            .search(&AuditQuery {
                words,
                action: filter.action.filter(|a| !a.trim().is_empty()),
                domain_ids: scope.restriction(),
                since: filter.since,
                until: filter.until,
                cursor: filter.cursor,
                limit: filter.limit,
            })
            .await?)
    }

    /// Days the audit log keeps its rows.
    pub async fn audit_retention_days(&self, actor: &Actor) -> Result<u32, DirectoryError> {
        actor.admin_scope()?;
        Ok(self.retention_days().await?)
    }

    async fn retention_days(&self) -> Result<u32, osprey_store::StoreError> {
        Ok(self
            .store
            .settings()
            .audit_retention_days()
            .await?
            .unwrap_or(DEFAULT_AUDIT_RETENTION_DAYS))
    }

    /// Sets the days the audit log keeps its rows (server administrators) and removes
    /// the rows older than that at once.
    pub async fn set_audit_retention_days(
        &self,
        actor: &Actor,
        days: u32,
    ) -> Result<u32, DirectoryError> {
        actor.server_admin()?;
        if !(1..=MAX_AUDIT_RETENTION_DAYS).contains(&days) {
            return Err(DirectoryError::field(
                "retention_days",
                format!("must be between 1 and {MAX_AUDIT_RETENTION_DAYS} days"),
            ));
        }
        let before = self.retention_days().await?;
        self.store.settings().set_audit_retention_days(days).await?;
        record(
            &self.store,
            actor,
            Change::new("audit.retention", "audit log")
                .before(json!({ "retention_days": before }))
                .after(json!({ "retention_days": days })),
        )
        .await;
        self.purge_audit_log().await?;
        Ok(days)
    }

    /// Removes the rows older than the retention; returns how many went.
    pub async fn purge_audit_log(&self) -> Result<u64, DirectoryError> {
        let days = self.retention_days().await?;
        let cutoff = Utc::now() - Duration::days(i64::from(days));
        Ok(self.store.audit().purge_before(cutoff).await?)
    }
}
