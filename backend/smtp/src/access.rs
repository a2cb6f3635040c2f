//! Access control at the door: the IP rules at connect (first match decides, none means
//! allow) and the kill file at MAIL FROM (server-wide entries) and RCPT TO (entries for
//! one local domain's recipients). Matches are counted.

use std::net::IpAddr;

use chrono::Utc;
use osprey_core::IpNet;
use osprey_store::{KillEntryRecord, Store, StoreError};

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

/// Returns `true` if and only if the kill-file entry `e` matches this sender, client IP
/// or EHLO name.
/// `sender` is lower case already.
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

/// What the kill file says about a transaction at MAIL FROM.
pub(crate) enum KillVerdict {
    /// A server-wide entry refuses the sender.
    Refused,
    /// Entries that refuse the sender for recipients of these domains (by id), with the
    /// entry ids to count when they refuse one.
    Scoped(Vec<(String, String)>),
}

/// Applies the kill file at MAIL FROM: a server-wide match refuses now (and is counted);
/// domain entries that match are kept for RCPT TO.
pub(crate) async fn kill_file(
    store: &Store,
    sender: &str,
    ip: IpAddr,
    helo: &str,
) -> Result<KillVerdict, StoreError> {
    let sender = sender.to_ascii_lowercase();
    let mut scoped = Vec::new();
    for e in store.kill_entries().await? {
        if !matches(&e, &sender, ip, helo) {
            continue;
        }
        match &e.domain_id {
            None => {
                store.count_kill_hit(&e.id).await?;
                return Ok(KillVerdict::Refused);
            }
            Some(domain) => scoped.push((domain.clone(), e.id.clone())),
        }
    }
    Ok(KillVerdict::Scoped(scoped))
}
