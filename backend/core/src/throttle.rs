//! The login throttle, shared by the web API and the mail protocols, built so that an
//! attacker slows down their own attempts without locking the owner out:
//!
//! - **per client IP** (an IPv6 client by its /64, which one host usually holds whole):
//!   after `per_ip` failures, each further attempt from it must wait an exponentially
//!   growing back-off after the last (refused meanwhile, with the time to wait);
//! - **per (IP, account)**: the same after `per_ip_account` failures;
//! - **per account, across IPs**: after the far higher `per_account`, attempts are
//!   *delayed*, spaced `account_delay` apart up to `max_account_delay` each, never
//!   refused, so a distributed guesser is slowed and the owner still gets in;
//! - an IP that signed in to an account before (**known-good**) skips the per-IP limit
//!   and the account's delays for that account.
//!
//! An attempt counts as a failure from the moment it is admitted ([`LoginThrottle::begin`])
//! until it succeeds, so concurrent attempts cannot all pass before the first fails, and
//! an attempt abandoned half-way (the client hung up) stays counted. A known-good pair is
//! the exception: its attempts count for the pair only when they fail
//! ([`LoginThrottle::failed`]), so a pool of connections that signs in to one account from
//! one address all at once (a webmail back end, a sync tool) is not refused for the
//! logins still in progress; its failures still back it off.
//!
//! Pure bookkeeping over `Instant`s: no I/O, no sleeping (the caller waits the delay).
//! State is per process and in memory, bounded (`MAX_ENTRIES` keys per map, stale ones
//! forgotten first); a restart forgives.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// The limits of a [`LoginThrottle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Failures from one IP before its attempts back off.
    pub per_ip: u32,
    /// Failures from one IP for one account before those attempts back off.
    pub per_ip_account: u32,
    /// Failures for one account, from every IP, before its attempts are delayed.
    pub per_account: u32,
    /// The first back-off; each further failure doubles it.
    pub backoff: Duration,
    /// The longest back-off; a key with no failure for this long starts again from zero.
    pub max_backoff: Duration,
    /// The spacing of the delayed attempts on an account past `per_account`.
    pub account_delay: Duration,
    /// The longest one attempt is delayed.
    pub max_account_delay: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_ip: 20,
            per_ip_account: 5,
            per_account: 100,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(15 * 60),
            account_delay: Duration::from_secs(1),
            max_account_delay: Duration::from_secs(10),
        }
    }
}

/// Which limit refused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleLimit {
    /// Too many failures from the client's IP.
    Ip,
    /// Too many failures from the client's IP for this account.
    IpAccount,
}

impl ThrottleLimit {
    /// The limit's name in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleLimit::Ip => "ip",
            ThrottleLimit::IpAccount => "ip_account",
        }
    }
}

/// What the throttle says about a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go on after waiting `delay` (zero unless the account is under attack).
    Go { delay: Duration },
    /// Refused: the client may try again after `retry_after`.
    Refused {
        retry_after: Duration,
        limit: ThrottleLimit,
    },
}

/// Keys per map at most; past it, stale keys go, then the oldest.
const MAX_ENTRIES: usize = 100_000;
/// How long a successful sign-in keeps an (IP, account) pair known-good.
const KNOWN_GOOD_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// Failures of one key.
#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    /// The last attempt counted.
    last: Instant,
}

/// Failures of one account, with the time its next delayed attempt may go.
#[derive(Debug, Clone, Copy)]
struct AccountCount {
    count: Count,
    next_slot: Instant,
}

#[derive(Debug, Default)]
struct State {
    by_ip: HashMap<IpAddr, Count>,
    by_pair: HashMap<(IpAddr, String), Count>,
    by_account: HashMap<String, AccountCount>,
    /// (IP, account) pairs that signed in, and when they last did.
    known_good: HashMap<(IpAddr, String), Instant>,
}

/// Failure counters and known-good pairs; see the module documentation.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    state: Mutex<State>,
}

/// The key an IP is counted under: an IPv4 address (also when mapped into IPv6), or
/// an IPv6 address's /64.
fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut o = v6.octets();
                o[8..].fill(0);
                IpAddr::V6(o.into())
            }
        },
    }
}

impl ThrottleLimits {
    /// The wait after the last failure of a key with `failures` failures and a free
    /// allowance of `free`; `None` while it is within the allowance.
    fn backoff(&self, failures: u32, free: u32) -> Option<Duration> {
        let over = failures.checked_sub(free)?;
        let doubled = self
            .backoff
            .checked_mul(1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff);
        Some(doubled.min(self.max_backoff))
    }
}

impl Count {
    /// The count as of `now`: forgotten after a quiet `max_backoff`.
    fn current(self, now: Instant, limits: &ThrottleLimits) -> u32 {
        if now.saturating_duration_since(self.last) >= limits.max_backoff {
            0
        } else {
            self.failures
        }
    }

    /// `Some(wait)` if an attempt at `now` must wait that long more.
    fn refused(self, now: Instant, free: u32, limits: &ThrottleLimits) -> Option<Duration> {
        let backoff = limits.backoff(self.current(now, limits), free)?;
        let until = self.last + backoff;
        (now < until).then(|| until - now)
    }

    fn counted(self, now: Instant, limits: &ThrottleLimits) -> Count {
        Count {
            failures: self.current(now, limits).saturating_add(1),
            last: now,
        }
    }
}

/// Makes room in `map` for one more key: drops the entries `stale` says are, then, if
/// still full, the half whose `age` is greatest.
fn make_room<K: Hash + Eq, V>(
    map: &mut HashMap<K, V>,
    stale: impl Fn(&V) -> bool,
    age: impl Fn(&V) -> Instant,
) {
    if map.len() < MAX_ENTRIES {
        return;
    }
    map.retain(|_, v| !stale(v));
    if map.len() >= MAX_ENTRIES {
        let mut times: Vec<Instant> = map.values().map(&age).collect();
        let (_, median, _) = times.select_nth_unstable(map.len() / 2);
        let median = *median;
        map.retain(|_, v| age(v) > median);
    }
}

impl LoginThrottle {
    /// A throttle with these limits.
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            state: Mutex::default(),
        }
    }

    /// The limits this throttle applies.
    pub fn limits(&self) -> ThrottleLimits {
        self.limits
    }

    /// Decides on an attempt from `ip` (unknown for some HTTP clients: then only the
    /// account's delays apply) for `account` (the throttle's key of the login, as the
    /// caller normalises it) and, if it may go on, counts it as a failure until
    /// [`succeeded`](Self::succeeded) or [`undo`](Self::undo) says otherwise.
    pub fn begin(&self, ip: Option<IpAddr>, account: &str) -> Admission {
        self.begin_at(ip, account, Instant::now())
    }

    fn begin_at(&self, ip: Option<IpAddr>, account: &str, now: Instant) -> Admission {
        let l = &self.limits;
        let mut s = self.state.lock().expect("throttle lock");
        let pair = ip.map(|ip| (ip_key(ip), account.to_owned()));
        let known_good = pair.as_ref().is_some_and(|p| s.is_known_good(p, now));
        if let Some(p) = &pair {
            if let Some(wait) = s
                .by_pair
                .get(p)
                .and_then(|c| c.refused(now, l.per_ip_account, l))
            {
                return Admission::Refused {
                    retry_after: wait,
                    limit: ThrottleLimit::IpAccount,
                };
            }
            if !known_good
                && let Some(wait) = s.by_ip.get(&p.0).and_then(|c| c.refused(now, l.per_ip, l))
            {
                return Admission::Refused {
                    retry_after: wait,
                    limit: ThrottleLimit::Ip,
                };
            }
        }
        let fresh = Count {
            failures: 0,
            last: now,
        };
        let max_backoff = l.max_backoff;
        let stale = |c: &Count| now.saturating_duration_since(c.last) >= max_backoff;
        if let Some(p) = pair {
            make_room(&mut s.by_ip, stale, |c| c.last);
            let c = s.by_ip.entry(p.0).or_insert(fresh);
            *c = c.counted(now, l);
            if !known_good {
                make_room(&mut s.by_pair, stale, |c| c.last);
                let c = s.by_pair.entry(p).or_insert(fresh);
                *c = c.counted(now, l);
            }
        }
        make_room(&mut s.by_account, |a| stale(&a.count), |a| a.count.last);
        let a = s
            .by_account
            .entry(account.to_owned())
            .or_insert(AccountCount {
                count: fresh,
                next_slot: now,
            });
        a.count = a.count.counted(now, l);
        if known_good || a.count.failures <= l.per_account {
            return Admission::Go {
                delay: Duration::ZERO,
            };
        }
        // Past the account's limit: each attempt takes the next slot, `account_delay`
        // after the one before, but never waits longer than `max_account_delay`.
        let slot = a.next_slot.max(now) + l.account_delay;
        let slot = slot.min(now + l.max_account_delay);
        a.next_slot = slot;
        Admission::Go { delay: slot - now }
    }

    /// The attempt begun for `ip` and `account` succeeded: it is no longer counted, the
    /// pair's failures are forgotten and the pair is known-good from now on. The
    /// account's failures from elsewhere stay: an attacker's count does not restart
    /// because the owner signed in.
    pub fn succeeded(&self, ip: Option<IpAddr>, account: &str) {
        let now = Instant::now();
        let mut s = self.state.lock().expect("throttle lock");
        uncount(&mut s, ip, account);
        if let Some(ip) = ip {
            let pair = (ip_key(ip), account.to_owned());
            s.by_pair.remove(&pair);
            make_room(
                &mut s.known_good,
                |at| now.saturating_duration_since(*at) >= KNOWN_GOOD_FOR,
                |at| *at,
            );
            s.known_good.insert(pair, now);
        }
    }

    /// The attempt begun for `ip` and `account` failed. Attempts of other pairs were
    /// counted when they began; a known-good pair's failure is counted now.
    pub fn failed(&self, ip: Option<IpAddr>, account: &str) {
        self.failed_at(ip, account, Instant::now());
    }

    fn failed_at(&self, ip: Option<IpAddr>, account: &str, now: Instant) {
        let Some(ip) = ip else { return };
        let l = self.limits;
        let mut s = self.state.lock().expect("throttle lock");
        let pair = (ip_key(ip), account.to_owned());
        if s.is_known_good(&pair, now) {
            let max_backoff = l.max_backoff;
            make_room(
                &mut s.by_pair,
                |c| now.saturating_duration_since(c.last) >= max_backoff,
                |c| c.last,
            );
            let c = s.by_pair.entry(pair).or_insert(Count {
                failures: 0,
                last: now,
            });
            *c = c.counted(now, &l);
        }
    }

    /// The attempt begun for `ip` and `account` could not be decided (the store was
    /// unavailable): it is no longer counted.
    pub fn undo(&self, ip: Option<IpAddr>, account: &str) {
        let mut s = self.state.lock().expect("throttle lock");
        uncount(&mut s, ip, account);
    }
}

impl State {
    /// Whether `pair` signed in within [`KNOWN_GOOD_FOR`] before `now`.
    fn is_known_good(&self, pair: &(IpAddr, String), now: Instant) -> bool {
        self.known_good
            .get(pair)
            .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_GOOD_FOR)
    }
}

fn uncount(s: &mut State, ip: Option<IpAddr>, account: &str) {
    fn down(c: &mut Count) {
        c.failures = c.failures.saturating_sub(1);
    }
    if let Some(ip) = ip {
        let key = ip_key(ip);
        if let Some(c) = s.by_ip.get_mut(&key) {
            down(c);
        }
        if let Some(c) = s.by_pair.get_mut(&(key, account.to_owned())) {
            down(c);
        }
    }
    if let Some(a) = s.by_account.get_mut(account) {
        down(&mut a.count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ThrottleLimits {
        ThrottleLimits {
            per_ip: 6,
            per_ip_account: 3,
            per_account: 10,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            account_delay: Duration::from_secs(1),
            max_account_delay: Duration::from_secs(5),
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn go(a: Admission) -> Duration {
        match a {
            Admission::Go { delay } => delay,
            other => panic!("refused: {other:?}"),
        }
    }

    fn refused(a: Admission) -> (Duration, ThrottleLimit) {
        match a {
            Admission::Refused { retry_after, limit } => (retry_after, limit),
            other => panic!("admitted: {other:?}"),
        }
    }

    #[test]
    fn a_pair_backs_off_exponentially_and_the_owner_elsewhere_is_not_refused() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        let attacker = ip("192.0.2.1");
        for _ in 0..3 {
            go(t.begin_at(attacker, "a@x", now));
        }
        let (wait, limit) = refused(t.begin_at(attacker, "a@x", now));
        assert_eq!(
            (wait, limit),
            (Duration::from_secs(1), ThrottleLimit::IpAccount)
        );
        // After the back-off, one more try; then twice as long.
        let later = now + Duration::from_secs(1);
        go(t.begin_at(attacker, "a@x", later));
        let (wait, _) = refused(t.begin_at(attacker, "a@x", later));
        assert_eq!(wait, Duration::from_secs(2));
        // The owner, from another IP, is not held back at all.
        assert_eq!(
            go(t.begin_at(ip("198.51.100.7"), "a@x", later)),
            Duration::ZERO
        );
    }

    #[test]
    fn concurrent_attempts_count_before_they_finish() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        let from = ip("192.0.2.1");
        let admitted = (0..48)
            .map(|i| t.begin_at(from, &format!("u{i}@x"), now))
            .filter(|a| matches!(a, Admission::Go { .. }))
            .count();
        assert_eq!(admitted, 6, "the per-IP allowance, not 48");
        let (_, limit) = refused(t.begin_at(from, "other@x", now));
        assert_eq!(limit, ThrottleLimit::Ip);
    }

    #[test]
    fn an_ipv6_host_is_counted_by_its_64() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        for i in 0..6 {
            go(t.begin_at(ip(&format!("2001:db8:1:2::{i:x}")), &format!("u{i}@x"), now));
        }
        refused(t.begin_at(ip("2001:db8:1:2:ffff::1"), "v@x", now));
        go(t.begin_at(ip("2001:db8:1:3::1"), "v@x", now));
        // IPv4 mapped into IPv6 is the IPv4 address.
        for i in 0..6 {
            go(t.begin_at(ip("::ffff:192.0.2.9"), &format!("w{i}@x"), now));
        }
        refused(t.begin_at(ip("192.0.2.9"), "z@x", now));
    }

    #[test]
    fn the_account_limit_delays_and_spares_known_good_ips() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        // The owner signed in from home once.
        go(t.begin_at(ip("198.51.100.7"), "a@x", now));
        t.succeeded(ip("198.51.100.7"), "a@x");
        // Ten attackers, one failure each... and a few more.
        for i in 0..10 {
            go(t.begin_at(ip(&format!("192.0.2.{i}")), "a@x", now));
        }
        let delays: Vec<Duration> = (10..17)
            .map(|i| go(t.begin_at(ip(&format!("192.0.2.{i}")), "a@x", now)))
            .collect();
        let secs: Vec<u64> = delays.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [1, 2, 3, 4, 5, 5, 5], "spaced, capped, never refused");
        // The owner from home goes at once; from a new place, after a delay.
        assert_eq!(
            go(t.begin_at(ip("198.51.100.7"), "a@x", now)),
            Duration::ZERO
        );
        assert!(go(t.begin_at(ip("203.0.113.5"), "a@x", now)) > Duration::ZERO);
    }

    #[test]
    fn a_known_good_ip_skips_its_ip_limit_for_that_account_only() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        let office = ip("192.0.2.1");
        go(t.begin_at(office, "a@x", now));
        t.succeeded(office, "a@x");
        for i in 0..6 {
            go(t.begin_at(office, &format!("u{i}@x"), now));
        }
        refused(t.begin_at(office, "b@x", now));
        go(t.begin_at(office, "a@x", now));
    }

    #[test]
    fn a_known_good_pair_signs_in_many_at_once_and_its_failures_still_back_it_off() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        let pool = ip("192.0.2.1");
        go(t.begin_at(pool, "a@x", now));
        t.succeeded(pool, "a@x");
        // Twenty logins at once, far above per_ip_account (3): none is refused.
        for _ in 0..20 {
            go(t.begin_at(pool, "a@x", now));
        }
        for _ in 0..20 {
            t.succeeded(pool, "a@x");
        }
        // Failures of the pair count when they fail, and back it off as before.
        for _ in 0..3 {
            go(t.begin_at(pool, "a@x", now));
            t.failed_at(pool, "a@x", now);
        }
        let (_, limit) = refused(t.begin_at(pool, "a@x", now));
        assert_eq!(limit, ThrottleLimit::IpAccount);
        // An unknown pair's concurrent attempts are still limited while in progress.
        let other = ip("192.0.2.9");
        for _ in 0..3 {
            go(t.begin_at(other, "a@x", now));
        }
        refused(t.begin_at(other, "a@x", now));
    }

    #[test]
    fn success_and_undo_uncount_and_quiet_keys_are_forgotten() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        let from = ip("192.0.2.1");
        for _ in 0..10 {
            go(t.begin_at(from, "a@x", now));
            t.undo(from, "a@x");
        }
        for _ in 0..3 {
            go(t.begin_at(from, "a@x", now));
        }
        refused(t.begin_at(from, "a@x", now));
        let quiet = now + Duration::from_secs(60);
        go(t.begin_at(from, "a@x", quiet));
        t.succeeded(from, "a@x");
        for _ in 0..3 {
            go(t.begin_at(from, "a@x", quiet));
        }
    }

    #[test]
    fn no_ip_means_only_the_account_counts() {
        let t = LoginThrottle::new(limits());
        let now = Instant::now();
        for _ in 0..10 {
            assert_eq!(go(t.begin_at(None, "a@x", now)), Duration::ZERO);
        }
        assert!(go(t.begin_at(None, "a@x", now)) > Duration::ZERO);
    }
}
