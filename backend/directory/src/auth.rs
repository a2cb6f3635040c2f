//! Password checks for every front end: the web API's sign-in and the mail protocols'
//! USER/PASS, LOGIN, AUTH PLAIN and SCRAM.
//!
//! argon2 is slow on purpose, and mail clients log in often (a POP3 client every few
//! minutes, IMAP clients on every connection). So a password that verified once is
//! remembered for a while as a keyed hash of (account, stored hash, password) under a
//! key that lives only in this process: never the password itself. Changing the
//! password changes the stored hash, which invalidates the entry.
//!
//! Every attempt goes through the login throttle (`osprey_core::LoginThrottle`) before
//! the account is looked up or a hash computed, and every hash runs on the process's
//! few hashing threads (`hashing`), so a flood of wrong passwords costs neither memory
//! nor more than those threads' CPU. Refusals and failures are logged (never the
//! password) and counted (`osprey_login_refusals_total`, `osprey_login_delays_total`,
//! `osprey_logins_total`); the failures of existing accounts are kept for their owners
//! and administrators to see (`failures`).

use osprey_core::activity::{self, Count};
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use hmac::{Hmac, KeyInit, Mac};
use osprey_core::{Address, Admission, LoginThrottle};
use osprey_proto::sasl::{SCRAM_ITERATIONS, ScramKeys};
use osprey_store::{AccountRecord, Store, StoreError};
use sha2::Sha256;

use crate::{
    LegacyKey, SessionWatch,
    failures::{FailureLog, LoginFailure, LoginOrigin},
    hashing,
};

/// How long, and how many, verified credentials are remembered.
#[derive(Debug, Clone, Copy)]
pub struct CacheSettings {
    pub ttl: Duration,
    pub max_entries: usize,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(15 * 60),
            max_entries: 100_000,
        }
    }
}

/// Why a login did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Wrong login or password, or a disabled account. Deliberately one case.
    Failed,
    /// Too many failures from this IP (or from it for this account); try again later.
    Throttled { retry_after_secs: u64 },
    /// The store is unavailable; a temporary failure.
    Unavailable,
    /// The credentials are right, but an administrator asked the account for a new
    /// password: mail protocols refuse it until its owner sets one in the web app.
    PasswordChangeRequired,
}

/// What SCRAM needs to run an exchange for a login.
pub struct ScramLookup {
    /// `None` for an unknown login or an account without SCRAM keys; the exchange then
    /// runs with made-up keys and fails at the end, like a wrong password.
    pub account: Option<AccountRecord>,
    pub keys: ScramKeys,
    /// The id of the account the login names, if it exists (also when it cannot sign
    /// in): where a failure is recorded.
    pub account_id: Option<String>,
}

/// Verifies credentials against the store, with a cache and the login throttle.
pub struct Authenticator {
    store: Store,
    legacy: Option<LegacyKey>,
    /// Whether APOP and CRAM-MD5 are offered now (an administrator's switch).
    legacy_on: AtomicBool,
    throttle: Arc<LoginThrottle>,
    settings: CacheSettings,
    key: [u8; 32],
    cache: Mutex<HashMap<[u8; 32], Instant>>,
    failures: FailureLog,
}

/// The throttle's key for a login: the address as the store keys it (case-folded, no
/// surrounding blanks), so that spelling variants share one failure count.
fn throttle_key(login: &str) -> String {
    Address::parse(login.trim())
        .map(|a| a.key())
        .unwrap_or_else(|_| login.trim().to_lowercase())
}

/// A login as it may appear in a log line: at most 64 characters, escaped by the
/// caller's `?` formatting.
fn loggable(login: &str) -> String {
    login.chars().take(64).collect()
}

/// A hash to verify against when the account does not exist, so that unknown and known
/// logins take the same time.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| osprey_core::hash_password("no such account"))
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl Authenticator {
    pub fn new(store: Store, throttle: Arc<LoginThrottle>, settings: CacheSettings) -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS random source works");
        Self {
            store,
            legacy: None,
            legacy_on: AtomicBool::new(false),
            throttle,
            settings,
            key,
            cache: Mutex::new(HashMap::new()),
            failures: FailureLog::default(),
        }
    }

    /// Enables APOP and CRAM-MD5 with this key (see `legacy`).
    pub fn with_legacy(mut self, key: LegacyKey) -> Self {
        self.legacy = Some(key);
        self.legacy_on = AtomicBool::new(true);
        self
    }

    /// Turns APOP and CRAM-MD5 on or off while the server runs (sessions that start
    /// later offer them or not). Without a key ([`with_legacy`](Self::with_legacy)) they
    /// stay off.
    pub fn set_legacy_enabled(&self, on: bool) {
        self.legacy_on.store(on, Ordering::Relaxed);
    }

    /// Returns `true` if and only if APOP and CRAM-MD5 are enabled.
    pub fn legacy_enabled(&self) -> bool {
        self.legacy_key().is_some()
    }

    /// The key of the legacy mechanisms while they are on.
    fn legacy_key(&self) -> Option<&LegacyKey> {
        self.legacy
            .as_ref()
            .filter(|_| self.legacy_on.load(Ordering::Relaxed))
    }

    /// Runs `check` with the legacy secret (the password) of `login`, and returns the
    /// account if it passes. The secret lives only for the call. Counts failures.
    pub async fn verify_legacy(
        &self,
        login: &str,
        from: LoginOrigin,
        check: impl FnOnce(&[u8]) -> bool,
    ) -> Result<AccountRecord, AuthError> {
        self.admit(login, from).await?;
        let account = self.find_admitted(login, from).await?;
        let verified = match (self.legacy_key(), &account) {
            (Some(key), Some(a)) if a.enabled => a
                .legacy_secret
                .as_deref()
                .and_then(|sealed| key.open(&a.id, sealed))
                .is_some_and(|secret| check(&secret)),
            _ => false,
        };
        match account {
            Some(a) if verified => self.signed_in(login, a, from),
            other => {
                self.failed(login, from, other.as_ref().map(|a| a.id.as_str()));
                Err(AuthError::Failed)
            }
        }
    }

    /// Asks the throttle whether an attempt from `from` for `login` may go on, before
    /// anything is looked up or hashed: refused (logged and counted), or admitted after
    /// the delay it names. An admitted attempt counts as a failure until
    /// [`succeeded`](Self::succeeded).
    async fn admit(&self, login: &str, from: LoginOrigin) -> Result<(), AuthError> {
        let protocol = from.protocol.as_str();
        match self.throttle.begin(from.ip, &throttle_key(login)) {
            Admission::Go { delay } if delay.is_zero() => Ok(()),
            Admission::Go { delay } => {
                metrics::counter!("osprey_login_delays_total", "protocol" => protocol).increment(1);
                tracing::info!(
                    login = ?loggable(login), ip = ?from.ip, protocol,
                    delay_ms = delay.as_millis() as u64,
                    "login delayed: many failures for this account"
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Admission::Refused { retry_after, limit } => {
                let retry_after_secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                metrics::counter!(
                    "osprey_login_refusals_total",
                    "protocol" => protocol, "limit" => limit.as_str()
                )
                .increment(1);
                metrics::counter!("osprey_logins_total", "protocol" => protocol, "result" => "throttled")
                    .increment(1);
                activity::count(Count::FailedLogin);
                tracing::info!(
                    login = ?loggable(login), ip = ?from.ip, protocol,
                    limit = limit.as_str(), retry_after_secs,
                    "login refused by the throttle"
                );
                Err(AuthError::Throttled { retry_after_secs })
            }
        }
    }

    /// Counts a failed login (wrong password, failed SASL exchange) of an attempt the
    /// throttle admitted, and keeps it in the account's recent failures when the
    /// account exists (`account_id`).
    pub fn failed(&self, login: &str, from: LoginOrigin, account_id: Option<&str>) {
        let protocol = from.protocol.as_str();
        metrics::counter!("osprey_logins_total", "protocol" => protocol, "result" => "failed")
            .increment(1);
        activity::count(Count::FailedLogin);
        tracing::info!(login = ?loggable(login), ip = ?from.ip, protocol, "login failed");
        self.throttle.failed(from.ip, &throttle_key(login));
        if let Some(id) = account_id {
            self.failures.record(id, from);
        }
    }

    /// A login the throttle admitted succeeded: it is not a failure, and its IP is
    /// known-good for the account from now on.
    pub fn succeeded(&self, login: &str, from: LoginOrigin) {
        metrics::counter!("osprey_logins_total", "protocol" => from.protocol.as_str(), "result" => "ok")
            .increment(1);
        activity::count(Count::Login);
        self.throttle.succeeded(from.ip, &throttle_key(login));
    }

    /// A login whose credentials verified: a success for the throttle; then, on a mail
    /// protocol, refused with [`AuthError::PasswordChangeRequired`] while an
    /// administrator asks the account for a new password (the web app's sign-in lets
    /// its owner choose one).
    pub fn signed_in(
        &self,
        login: &str,
        account: AccountRecord,
        from: LoginOrigin,
    ) -> Result<AccountRecord, AuthError> {
        self.succeeded(login, from);
        if account.must_change_password && from.protocol != crate::Protocol::Web {
            tracing::info!(login = ?loggable(login), protocol = from.protocol.as_str(), "login refused: a new password is required");
            return Err(AuthError::PasswordChangeRequired);
        }
        Ok(account)
    }

    /// The recent failed logins of an account, newest first.
    pub fn recent_failures(&self, account_id: &str) -> Vec<LoginFailure> {
        self.failures.recent(account_id)
    }

    /// A watch over `account` for a mail session that just signed in: it says when the
    /// session must end (see [`SessionWatch`]).
    pub fn watch(&self, account: &AccountRecord) -> SessionWatch {
        SessionWatch::new(&self.store, account)
    }

    /// Checks `login` (the full address) and `password` from `from`: throttled first,
    /// then verified on the shared hashing threads. Counts failures.
    pub async fn verify_password(
        &self,
        login: &str,
        password: &str,
        from: LoginOrigin,
    ) -> Result<AccountRecord, AuthError> {
        self.admit(login, from).await?;
        let account = match self.find_admitted(login, from).await? {
            Some(a) if a.enabled => a,
            other => {
                // The same work as for a real account: no timing tells them apart.
                hashing::verify(password.to_owned(), dummy_hash().to_owned()).await;
                self.failed(login, from, other.as_ref().map(|a| a.id.as_str()));
                return Err(AuthError::Failed);
            }
        };
        let entry = hmac(
            &self.key,
            &[
                account.id.as_bytes(),
                account.password_hash.as_bytes(),
                password.as_bytes(),
            ],
        );
        if self.cached(&entry) {
            self.keep_legacy_secret(&account, password).await;
            return self.signed_in(login, account, from);
        }
        let (pw, hash) = (password.to_owned(), account.password_hash.clone());
        let verified = hashing::run(move |memory| {
            let ok = osprey_core::verify_password_with(memory, &pw, &hash);
            // Accounts whose password was set before SCRAM keys were kept get them now.
            let scram = ok.then(|| {
                let mut salt = [0u8; 16];
                getrandom::fill(&mut salt).expect("the OS random source works");
                ScramKeys::derive(&pw, &salt, SCRAM_ITERATIONS).encode()
            });
            (ok, scram)
        })
        .await;
        let Some((ok, scram)) = verified else {
            self.throttle.undo(from.ip, &throttle_key(login));
            return Err(AuthError::Unavailable);
        };
        if !ok {
            self.failed(login, from, Some(&account.id));
            return Err(AuthError::Failed);
        }
        self.remember(entry);
        self.keep_legacy_secret(&account, password).await;
        if account.scram_sha256.is_none()
            && let Some(scram) = scram
            && let Err(e) = self
                .store
                .accounts()
                .set_scram_keys(&account.id, scram)
                .await
        {
            tracing::warn!(error = %e, "could not store SCRAM keys");
        }
        self.signed_in(login, account, from)
    }

    /// Seals the password that just verified for the legacy mechanisms, if they are on
    /// and the account has none yet.
    async fn keep_legacy_secret(&self, account: &AccountRecord, password: &str) {
        let Some(key) = self.legacy_key() else { return };
        if account.legacy_secret.is_some() {
            return;
        }
        let sealed = key.seal(&account.id, password);
        if let Err(e) = self
            .store
            .accounts()
            .set_legacy_secret(&account.id, &account.password_hash, sealed)
            .await
        {
            tracing::warn!(error = %e, "could not store the legacy secret");
        }
    }

    /// The SCRAM keys for `login`, or made-up ones that will fail (see [`ScramLookup`]).
    /// The throttle admits the attempt here; the exchange ends in
    /// [`succeeded`](Self::succeeded) or [`failed`](Self::failed).
    pub async fn scram_lookup(
        &self,
        login: &str,
        from: LoginOrigin,
    ) -> Result<ScramLookup, AuthError> {
        self.admit(login, from).await?;
        let account = self.find_admitted(login, from).await?;
        let account_id = account.as_ref().map(|a| a.id.clone());
        let account = account.filter(|a| a.enabled);
        let keys = account
            .as_ref()
            .and_then(|a| a.scram_sha256.as_deref())
            .and_then(|s| ScramKeys::parse(s).ok());
        Ok(match keys {
            Some(keys) => ScramLookup {
                account,
                keys,
                account_id,
            },
            None => ScramLookup {
                account: None,
                keys: self.fake_scram_keys(login),
                account_id,
            },
        })
    }

    /// Keys for a login that has none: a salt that stays the same for the login (so a
    /// prober sees no difference between two tries) and random keys.
    fn fake_scram_keys(&self, login: &str) -> ScramKeys {
        let salt = hmac(&self.key, &[b"scram-salt", login.to_lowercase().as_bytes()]);
        let mut stored_key = [0u8; 32];
        let mut server_key = [0u8; 32];
        getrandom::fill(&mut stored_key).expect("the OS random source works");
        getrandom::fill(&mut server_key).expect("the OS random source works");
        ScramKeys {
            salt: salt[..16].to_vec(),
            iterations: SCRAM_ITERATIONS,
            stored_key,
            server_key,
        }
    }

    /// [`find`](Self::find) for an attempt the throttle admitted: one the store could
    /// not decide is not counted.
    async fn find_admitted(
        &self,
        login: &str,
        from: LoginOrigin,
    ) -> Result<Option<AccountRecord>, AuthError> {
        let found = self.find(login).await;
        if found.is_err() {
            self.throttle.undo(from.ip, &throttle_key(login));
        }
        found
    }

    async fn find(&self, login: &str) -> Result<Option<AccountRecord>, AuthError> {
        let Ok(address) = Address::parse(login) else {
            return Ok(None);
        };
        match self.store.accounts().account_by_address(&address).await {
            Ok(a) => Ok(Some(a)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => {
                tracing::error!(error = %e, "account lookup failed");
                Err(AuthError::Unavailable)
            }
        }
    }

    fn cached(&self, entry: &[u8; 32]) -> bool {
        let cache = self.cache.lock().expect("credential cache");
        cache
            .get(entry)
            .is_some_and(|at| at.elapsed() < self.settings.ttl)
    }

    fn remember(&self, entry: [u8; 32]) {
        let mut cache = self.cache.lock().expect("credential cache");
        if cache.len() >= self.settings.max_entries {
            let ttl = self.settings.ttl;
            cache.retain(|_, at| at.elapsed() < ttl);
            if cache.len() >= self.settings.max_entries {
                cache.clear();
            }
        }
        cache.insert(entry, Instant::now());
    }
}
