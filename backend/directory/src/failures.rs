//! Recent failed logins per account (when, from where, over which protocol), shown to
//! the account's owner and to administrators so that an attack is visible.
//!
//! Per process and in memory, bounded: the last [`PER_ACCOUNT`] failures of at most
//! [`MAX_ACCOUNTS`] accounts (those with the oldest last failure go first). Only
//! failures on existing accounts are kept, so a guesser trying made-up logins fills
//! nothing. A restart forgets them.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::SystemTime,
};

/// Failures kept per account.
pub const PER_ACCOUNT: usize = 20;
/// Accounts whose failures are kept.
pub const MAX_ACCOUNTS: usize = 10_000;

/// The way a client signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
    /// ManageSieve (RFC 5804), where Sieve editors sign in.
    ManageSieve,
    /// The REST API's sign-in (the web app and other API clients).
    Web,
}

impl Protocol {
    /// The protocol's name in logs, metrics and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
            Protocol::ManageSieve => "managesieve",
            Protocol::Web => "web",
        }
    }
}

/// Where a login attempt comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginOrigin {
    pub protocol: Protocol,
    /// The client's address; `None` for an HTTP request without connection information.
    pub ip: Option<IpAddr>,
}

impl LoginOrigin {
    /// An attempt over `protocol` from `ip`.
    pub fn new(protocol: Protocol, ip: IpAddr) -> Self {
        Self {
            protocol,
            ip: Some(ip),
        }
    }
}

/// One failed login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginFailure {
    pub at: SystemTime,
    pub ip: Option<IpAddr>,
    pub protocol: Protocol,
}

/// The recent failures of every account, by account id.
#[derive(Debug, Default)]
pub(crate) struct FailureLog {
    accounts: Mutex<HashMap<String, VecDeque<LoginFailure>>>,
}

impl FailureLog {
    pub(crate) fn record(&self, account_id: &str, from: LoginOrigin) {
        let mut accounts = self.accounts.lock().expect("failure log");
        if accounts.len() >= MAX_ACCOUNTS && !accounts.contains_key(account_id) {
            let mut newest: Vec<SystemTime> = accounts
                .values()
                .filter_map(|f| f.front().map(|f| f.at))
                .collect();
            let (_, median, _) = newest.select_nth_unstable(accounts.len() / 2);
            let median = *median;
            accounts.retain(|_, f| f.front().is_some_and(|f| f.at > median));
        }
        let log = accounts.entry(account_id.to_owned()).or_default();
        log.push_front(LoginFailure {
            at: SystemTime::now(),
            ip: from.ip,
            protocol: from.protocol,
        });
        log.truncate(PER_ACCOUNT);
    }

    /// The account's recent failures, newest first.
    pub(crate) fn recent(&self, account_id: &str) -> Vec<LoginFailure> {
        self.accounts
            .lock()
            .expect("failure log")
            .get(account_id)
            .map(|f| f.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_failures_of_each_account() {
        let log = FailureLog::default();
        let from = LoginOrigin::new(Protocol::Imap, "192.0.2.1".parse().unwrap());
        for _ in 0..PER_ACCOUNT + 5 {
            log.record("a", from);
        }
        log.record(
            "a",
            LoginOrigin {
                protocol: Protocol::Web,
                ip: None,
            },
        );
        let recent = log.recent("a");
        assert_eq!(recent.len(), PER_ACCOUNT);
        assert_eq!(recent[0].protocol, Protocol::Web);
        assert_eq!(recent[1].ip, from.ip);
        assert!(log.recent("b").is_empty());
    }
}
