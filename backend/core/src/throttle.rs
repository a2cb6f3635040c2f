//! The login throttle: failed logins are counted per client IP and per account; past a
//! limit, logins from that IP or for that account are refused for a while (HTTP 429 on
//! the web API, a temporary failure in the mail protocols). One throttle serves every
//! protocol, so switching from POP3 to the web API does not reset the count.
//!
//! It counts failures, not requests, so a user who types the password right is never
//! slowed down. State is per node and in memory: a restart forgives.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How many failures, within what window, lock for how long.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: u32,
    pub per_ip: u32,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    since: Instant,
}

/// Failure counters by IP and by account.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    by_ip: Mutex<HashMap<IpAddr, Entry>>,
    by_account: Mutex<HashMap<String, Entry>>,
}

fn blocked<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, Entry>>,
    key: &K,
    limit: u32,
    window: Duration,
) -> Option<u64> {
    let mut map = map.lock().expect("throttle lock");
    let entry = map.get(key)?;
    let elapsed = entry.since.elapsed();
    if elapsed >= window {
        map.remove(key);
        return None;
    }
    (entry.failures >= limit).then(|| (window - elapsed).as_secs().max(1))
}

fn record<K: std::hash::Hash + Eq>(map: &Mutex<HashMap<K, Entry>>, key: K, window: Duration) {
    let mut map = map.lock().expect("throttle lock");
    // Forget stale entries now and then so the map cannot grow without bound.
    if map.len() > 100_000 {
        map.retain(|_, e| e.since.elapsed() < window);
    }
    let e = map.entry(key).or_insert(Entry {
        failures: 0,
        since: Instant::now(),
    });
    if e.since.elapsed() >= window {
        *e = Entry {
            failures: 0,
            since: Instant::now(),
        };
    }
    e.failures += 1;
}

impl LoginThrottle {
    /// A throttle with these limits.
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            ..Default::default()
        }
    }

    /// `Some(seconds)` if a login from `ip` for `account` must wait that long.
    pub fn check(&self, ip: Option<IpAddr>, account: &str) -> Option<u64> {
        let l = self.limits;
        let by_ip = ip.and_then(|ip| blocked(&self.by_ip, &ip, l.per_ip, l.window));
        let by_account = blocked(
            &self.by_account,
            &account.to_ascii_lowercase(),
            l.per_account,
            l.window,
        );
        by_ip.max(by_account)
    }

    /// Counts a failed login.
    pub fn failed(&self, ip: Option<IpAddr>, account: &str) {
        if let Some(ip) = ip {
            record(&self.by_ip, ip, self.limits.window);
        }
        record(
            &self.by_account,
            account.to_ascii_lowercase(),
            self.limits.window,
        );
    }

    /// Forgets the failures of an account after a successful login.
    pub fn succeeded(&self, account: &str) {
        self.by_account
            .lock()
            .expect("throttle lock")
            .remove(&account.to_ascii_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_success_resets_the_account() {
        let t = LoginThrottle::new(ThrottleLimits {
            per_account: 3,
            per_ip: 5,
            window: Duration::from_secs(60),
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(t.check(Some(ip), "a@x"), None);
            t.failed(Some(ip), "A@x");
        }
        assert!(t.check(Some(ip), "a@x").is_some_and(|s| s > 0 && s <= 60));
        assert_eq!(
            t.check(Some(ip), "b@x"),
            None,
            "other account, IP below its limit"
        );
        t.succeeded("a@x");
        assert_eq!(t.check(Some(ip), "a@x"), None);
        t.failed(Some(ip), "c@x");
        t.failed(Some(ip), "d@x");
        assert!(t.check(Some(ip), "e@x").is_some(), "IP limit of 5 reached");
        assert_eq!(t.check(None, "e@x"), None);
    }
}
