//! Access control at the door: the IP rules at connect (first match decides, none means
//! allow) and the kill file at MAIL FROM. Matches are counted.

use std::net::IpAddr;

use chrono::Utc;
use osprey_core::IpNet;
use osprey_store::{Store, StoreError};

use crate::server::Listener;

impl Listener {
    /// The listener's name in configuration and in IP rules.
    pub fn name(self) -> &'static str {
        match self {
            Listener::Mx => "smtp",
            Listener::Submission => "submission",
            Listener::Submissions => "submissions",
        }
    }
}

/// Returns `Ok(false)` if and only if the first IP rule that matches `ip` on `listener`
/// says deny.
pub(crate) async fn ip_allowed(
    store: &Store,
    ip: IpAddr,
    listener: Listener,
) -> Result<bool, StoreError> {
    let now = Utc::now();
    for rule in store.ip_rules().await? {
        if rule.expires_at.is_some_and(|at| at <= now)
            || rule
                .listener
                .as_deref()
                .is_some_and(|l| l != listener.name())
        {
            continue;
        }
        let Ok(net) = rule.network.parse::<IpNet>() else {
            continue;
        };
        if net.contains(ip) {
            store.count_ip_rule_hit(&rule.id).await?;
            return Ok(rule.action == "allow");
        }
    }
    Ok(true)
}

/// Returns `true` if and only if the kill file refuses this sender, client IP or EHLO
/// name.
pub(crate) async fn killed(
    store: &Store,
    sender: &str,
    ip: IpAddr,
    helo: &str,
) -> Result<bool, StoreError> {
    let sender = sender.to_ascii_lowercase();
    let sender_domain = sender.rsplit_once('@').map_or("", |(_, d)| d);
    for e in store.kill_entries().await? {
        let value = e.value.to_ascii_lowercase();
        let hit = match e.kind.as_str() {
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
        };
        if hit {
            store.count_kill_hit(&e.id).await?;
            return Ok(true);
        }
    }
    Ok(false)
}
