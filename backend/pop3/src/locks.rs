//! The maildrop lock (RFC 1939 §8: "the POP3 server acquires an exclusive-access lock on
//! the maildrop") and the LOGIN-DELAY clock (RFC 2449 §6.5), per node, in memory.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// Which accounts have a POP3 session in the TRANSACTION state, and when each last
/// logged in.
#[derive(Debug, Clone, Default)]
pub struct MaildropLocks {
    held: Arc<Mutex<HashSet<String>>>,
    last_login: Arc<Mutex<HashMap<String, Instant>>>,
}

/// Holds an account's maildrop until dropped.
#[derive(Debug)]
pub struct MaildropGuard {
    held: Arc<Mutex<HashSet<String>>>,
    account_id: String,
}

impl MaildropLocks {
    /// Takes the lock of `account_id`, or `None` if another session holds it.
    pub fn try_lock(&self, account_id: &str) -> Option<MaildropGuard> {
        let mut held = self.held.lock().expect("maildrop locks");
        held.insert(account_id.to_owned()).then(|| MaildropGuard {
            held: self.held.clone(),
            account_id: account_id.to_owned(),
        })
    }

    /// Returns `true` if and only if the account's last login was `delay` ago or more.
    pub fn login_allowed(&self, account_id: &str, delay: Duration) -> bool {
        let last = self.last_login.lock().expect("login times");
        last.get(account_id).is_none_or(|at| at.elapsed() >= delay)
    }

    /// Records a login of the account now (for LOGIN-DELAY).
    pub fn record_login(&self, account_id: &str, delay: Duration) {
        let mut last = self.last_login.lock().expect("login times");
        if last.len() > 100_000 {
            last.retain(|_, at| at.elapsed() < delay);
        }
        last.insert(account_id.to_owned(), Instant::now());
    }
}

impl Drop for MaildropGuard {
    fn drop(&mut self) {
        self.held
            .lock()
            .expect("maildrop locks")
            .remove(&self.account_id);
    }
}
