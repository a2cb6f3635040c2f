//! Who may send through this server, and to whom: the IP rules at connect (first match
//! decides, none means allow), the kill file at MAIL FROM (server-wide entries) and RCPT
//! TO (entries for one local domain's recipients), and the relay policy for recipients
//! outside the local domains. Matches are counted. Front ends ask here; the rules live
//! in the store and change without a restart.

use std::net::{IpAddr, Ipv4Addr};

use chrono::Utc;
use osprey_core::{Address, IpNet, RelayDecision, RelayRequest};
use osprey_store::{KillEntryRecord, Store, StoreError};

/// What the kill file says about a transaction at MAIL FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KillVerdict {
    /// A server-wide entry refuses the sender.
    Refused,
    /// Entries that refuse the sender for recipients of these domains: `(domain id,
    /// entry id)`, the entry counted when it refuses one.
    Scoped(Vec<(String, String)>),
}

/// The access policy over the store.
#[derive(Clone)]
pub struct Policy {
    store: Store,
}

/// Returns `true` if and only if the kill-file entry `e` matches this sender (lower
/// case already), client IP or EHLO name.
fn matches(e: &KillEntryRecord, sender: &str, ip: IpAddr, helo: &str) -> bool {
    let sender_domain = sender.rsplit_once('@').map_or("", |(_, d)| d);
    let value = e.value.to_ascii_lowercase();
    match e.kind.as_str() {
        "address" => !sender.is_empty() && sender == value,
        "domain" => {
            !sender_domain.is_empty()
                && (sender_domain == value || sender_domain.ends_with(&format!(".{value}")))
        }
        "host" => {
            helo.eq_ignore_ascii_case(&value)
                || value.parse::<IpNet>().is_ok_and(|n| n.contains(ip))
        }
        _ => false,
    }
}

impl Policy {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Returns `Ok(false)` if and only if the first IP rule that matches `ip` on the
    /// listener named `listener` (`smtp`, `submission`, `submissions`) says deny.
    pub async fn ip_allowed(&self, ip: IpAddr, listener: &str) -> Result<bool, StoreError> {
        let now = Utc::now();
        for rule in self.store.access().ip_rules().await? {
            if rule.expires_at.is_some_and(|at| at <= now)
                || rule.listener.as_deref().is_some_and(|l| l != listener)
            {
                continue;
            }
            let Ok(net) = rule.network.parse::<IpNet>() else {
                continue;
            };
            if net.contains(ip) {
                self.store.access().count_ip_rule_hit(&rule.id).await?;
                return Ok(rule.action == "allow");
            }
        }
        Ok(true)
    }

    /// Applies the kill file at MAIL FROM: a server-wide match refuses now (and is
    /// counted); domain entries that match are kept for RCPT TO.
    pub async fn kill_file(
        &self,
        sender: &str,
        ip: IpAddr,
        helo: &str,
    ) -> Result<KillVerdict, StoreError> {
        let sender = sender.to_ascii_lowercase();
        let mut scoped = Vec::new();
        for e in self.store.access().kill_entries().await? {
            if !matches(&e, &sender, ip, helo) {
                continue;
            }
            match &e.domain_id {
                None => {
                    self.store.access().count_kill_hit(&e.id).await?;
                    return Ok(KillVerdict::Refused);
                }
                Some(domain) => scoped.push((domain.clone(), e.id.clone())),
            }
        }
        Ok(KillVerdict::Scoped(scoped))
    }

    /// Returns `true` if and only if one of the `scoped` entries of [`kill_file`]'s
    /// verdict refuses the sender for `recipient`'s domain (the entry is counted).
    ///
    /// [`kill_file`]: Self::kill_file
    pub async fn killed_for(&self, scoped: &[(String, String)], recipient: &Address) -> bool {
        if scoped.is_empty() {
            return false;
        }
        let Ok(domain) = self
            .store
            .domains()
            .domain_by_name(recipient.domain().as_str())
            .await
        else {
            return false;
        };
        let Some((_, entry)) = scoped.iter().find(|(d, _)| *d == domain.id) else {
            return false;
        };
        if let Err(e) = self.store.access().count_kill_hit(entry).await {
            tracing::warn!(error = %e, "counting a kill-file hit failed");
        }
        true
    }

    /// Whether `client_ip` (unknown: it matches no network), signed in or not, may relay
    /// to `recipient`, which is not local; with the rule that decided.
    pub async fn relay(
        &self,
        client_ip: Option<IpAddr>,
        authenticated: bool,
        recipient: &Address,
    ) -> Result<RelayDecision, StoreError> {
        Ok(self
            .store
            .settings()
            .relay_policy()
            .await?
            .decide(&RelayRequest {
                client_ip: client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
                authenticated,
                recipient,
            }))
    }
}
