//! Access control for the mail listeners — IP rules, the kill file and the relay policy —
//! changed by server administrators only (the rules are server-wide; a kill-file entry
//! may protect one domain's recipients). Every change is checked here and recorded in
//! the audit log, whether it comes from the REST API or the command line.

use chrono::{DateTime, Utc};
use osprey_core::{IpNet, RelayDestination, RelayMode, RelayPolicy};
use osprey_store::{IpRuleRecord, KillEntryRecord, NewIpRule, StoreError};
use serde_json::{Value, json};

use crate::{
    Actor, Directory, DirectoryError,
    audit::{Change, record},
    checks::Checks,
};

/// The listeners an IP rule may name.
pub const LISTENERS: [&str; 3] = ["smtp", "submission", "submissions"];
/// Longest note of a rule or entry, in bytes.
pub const MAX_NOTE: usize = 500;
/// Most networks, and most destinations, of the relay policy.
pub const MAX_RELAY_ENTRIES: usize = 1000;

/// A new IP rule.
#[derive(Debug, Clone, Default)]
pub struct IpRuleRequest {
    /// `allow` or `deny`.
    pub action: String,
    /// An address or CIDR network.
    pub network: String,
    /// One of [`LISTENERS`]; `None` for every one.
    pub listener: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// A new kill-file entry.
#[derive(Debug, Clone, Default)]
pub struct KillEntryRequest {
    /// `address`, `domain` or `host`.
    pub kind: String,
    pub value: String,
    /// The local domain (by name) whose recipients it protects; `None` for all.
    pub domain: Option<String>,
    pub note: Option<String>,
}

fn ip_rule_view(r: &IpRuleRecord) -> Value {
    json!({
        "action": r.action,
        "network": r.network,
        "listener": r.listener,
        "expires_at": r.expires_at,
        "note": r.note,
    })
}

fn kill_view(e: &KillEntryRecord, domain: Option<&str>) -> Value {
    json!({ "kind": e.kind, "value": e.value, "domain": domain, "note": e.note })
}

fn relay_view(p: &RelayPolicy) -> Value {
    json!({
        "mode": p.mode.to_string(),
        "networks": p.networks.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "destinations": p.destinations.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

fn check_note(checks: &mut Checks, note: &Option<String>) -> String {
    let note = note.as_deref().unwrap_or("").trim().to_owned();
    if note.len() > MAX_NOTE {
        checks.fail("note", format!("at most {MAX_NOTE} bytes"));
    }
    note
}

/// `raw` as a kill-file value of `kind`, normalised.
fn kill_value(kind: &str, raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    match kind {
        "address" => osprey_core::Address::parse(raw)
            .map(|a| a.key())
            .map_err(|e| e.to_string()),
        "domain" => osprey_core::DomainName::parse(raw)
            .map(|d| d.as_str().to_owned())
            .map_err(|e| e.to_string()),
        _ => match raw.parse::<IpNet>() {
            Ok(n) => Ok(n.to_string()),
            Err(_) => osprey_core::DomainName::parse(raw)
                .map(|d| d.as_str().to_owned())
                .map_err(|_| "an IP address, network or host name".to_owned()),
        },
    }
}

impl Directory {
    /// Adds an IP rule after the existing ones.
    pub async fn create_ip_rule(
        &self,
        actor: &Actor,
        req: IpRuleRequest,
    ) -> Result<IpRuleRecord, DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        if !matches!(req.action.as_str(), "allow" | "deny") {
            checks.fail("action", "allow or deny");
        }
        let network = match req.network.trim().parse::<IpNet>() {
            Ok(n) => Some(n),
            Err(e) => {
                checks.fail("network", e.to_string());
                None
            }
        };
        if let Some(l) = &req.listener
            && !LISTENERS.contains(&l.as_str())
        {
            checks.fail("listener", format!("one of {}", LISTENERS.join(", ")));
        }
        if req.expires_at.is_some_and(|at| at <= Utc::now()) {
            checks.fail("expires_at", "must be in the future");
        }
        let note = check_note(&mut checks, &req.note);
        checks.finish()?;
        let created = self
            .store
            .access()
            .create_ip_rule(NewIpRule {
                action: req.action,
                network: network.expect("checked").to_string(),
                listener: req.listener,
                expires_at: req.expires_at,
                note,
            })
            .await?;
        record(
            &self.store,
            actor,
            Change::new("ip_rule.create", &created.network).after(ip_rule_view(&created)),
        )
        .await;
        Ok(created)
    }

    /// Moves the IP rule `id` to `position` (1 is tried first; a position past the end
    /// makes it last). Returns the rules in their new order.
    pub async fn move_ip_rule(
        &self,
        actor: &Actor,
        id: &str,
        position: i64,
    ) -> Result<Vec<IpRuleRecord>, DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        if position < 1 {
            checks.fail("position", "must be at least 1 (the first rule tried)");
        }
        checks.finish()?;
        let before = self
            .store
            .access()
            .ip_rules()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(StoreError::NotFound)?;
        let to = usize::try_from(position).unwrap_or(usize::MAX);
        let rules = self.store.access().move_ip_rule(id, to).await?;
        let after = rules.iter().find(|r| r.id == id).map_or(0, |r| r.position);
        if after != before.position {
            record(
                &self.store,
                actor,
                Change::new("ip_rule.move", &before.network)
                    .before(json!({ "position": before.position }))
                    .after(json!({ "position": after })),
            )
            .await;
        }
        Ok(rules)
    }

    /// Removes the IP rule `id`.
    pub async fn delete_ip_rule(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        actor.server_admin()?;
        let rules = self.store.access().ip_rules().await?;
        let before = rules
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(StoreError::NotFound)?;
        self.store.access().delete_ip_rule(id).await?;
        record(
            &self.store,
            actor,
            Change::new("ip_rule.delete", &before.network).before(ip_rule_view(&before)),
        )
        .await;
        Ok(())
    }

    /// Adds a kill-file entry; returns it with the name of the domain it protects.
    pub async fn create_kill_entry(
        &self,
        actor: &Actor,
        req: KillEntryRequest,
    ) -> Result<(KillEntryRecord, Option<String>), DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        if !matches!(req.kind.as_str(), "address" | "domain" | "host") {
            checks.fail("kind", "address, domain or host");
        }
        let value = match kill_value(&req.kind, &req.value) {
            Ok(v) => Some(v),
            Err(e) => {
                checks.fail("value", e);
                None
            }
        };
        let note = check_note(&mut checks, &req.note);
        let domain = match req.domain.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => match self.store.domains().domain_by_name(name).await {
                Ok(d) => Some(d),
                Err(StoreError::NotFound) => {
                    checks.fail("domain", "not a local domain");
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        checks.finish()?;
        let created = self
            .store
            .access()
            .create_kill_entry(
                &req.kind,
                &value.expect("checked"),
                &note,
                domain.as_ref().map(|d| d.id.as_str()),
            )
            .await?;
        let name = domain.map(|d| d.name);
        record(
            &self.store,
            actor,
            Change::new("kill_entry.create", &created.value)
                .maybe_domain(created.domain_id.clone())
                .after(kill_view(&created, name.as_deref())),
        )
        .await;
        Ok((created, name))
    }

    /// Removes the kill-file entry `id`.
    pub async fn delete_kill_entry(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        actor.server_admin()?;
        let entries = self.store.access().kill_entries().await?;
        let before = entries
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(StoreError::NotFound)?;
        self.store.access().delete_kill_entry(id).await?;
        let name = match &before.domain_id {
            Some(d) => Some(self.store.domains().domain(d).await?.name),
            None => None,
        };
        record(
            &self.store,
            actor,
            Change::new("kill_entry.delete", &before.value)
                .maybe_domain(before.domain_id.clone())
                .before(kill_view(&before, name.as_deref())),
        )
        .await;
        Ok(())
    }

    /// Replaces the relay policy: `networks` are addresses or CIDR networks, each
    /// destination a domain, `*.domain` or an address; repeats are dropped.
    pub async fn set_relay_policy(
        &self,
        actor: &Actor,
        mode: RelayMode,
        networks: &[String],
        destinations: &[String],
    ) -> Result<RelayPolicy, DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        let mut policy = RelayPolicy {
            mode,
            ..Default::default()
        };
        if networks.len() > MAX_RELAY_ENTRIES || destinations.len() > MAX_RELAY_ENTRIES {
            checks.fail(
                "networks",
                format!("at most {MAX_RELAY_ENTRIES} entries each"),
            );
        }
        for (i, n) in networks.iter().enumerate() {
            match n.trim().parse::<IpNet>() {
                Ok(net) if !policy.networks.contains(&net) => policy.networks.push(net),
                Ok(_) => {}
                Err(e) => checks.fail(format!("networks[{i}]"), e.to_string()),
            }
        }
        for (i, d) in destinations.iter().enumerate() {
            match RelayDestination::parse(d) {
                Ok(dest) if !policy.destinations.contains(&dest) => policy.destinations.push(dest),
                Ok(_) => {}
                Err(e) => checks.fail(format!("destinations[{i}]"), e),
            }
        }
        checks.finish()?;
        let before = self.store.settings().relay_policy().await?;
        self.store.settings().set_relay_policy(&policy).await?;
        record(
            &self.store,
            actor,
            Change::new("relay.update", "relay policy")
                .before(relay_view(&before))
                .after(relay_view(&policy)),
        )
        .await;
        Ok(policy)
    }
}
