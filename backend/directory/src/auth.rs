//! Password checks for every front end: the web API's sign-in and the mail protocols'
//! USER/PASS, LOGIN, AUTH PLAIN and SCRAM.
//!
//! argon2 is slow on purpose, and mail clients log in often (a POP3 client every few
//! minutes, IMAP clients on every connection). So a password that verified once is
//! remembered for a while as a keyed hash of (account, stored hash, password) under a
//! key that lives only in this process: never the password itself. Changing the
//! password changes the stored hash, which invalidates the entry. Failures go to the
//! login throttle shared with the web API.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use hmac::{Hmac, KeyInit, Mac};
use osprey_core::{Address, LoginThrottle};
use osprey_proto::sasl::{SCRAM_ITERATIONS, ScramKeys};
use osprey_store::{AccountRecord, Store, StoreError};
use sha2::Sha256;

use crate::LegacyKey;

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
    /// Too many failures from this IP or for this account; try again later.
    Throttled { retry_after_secs: u64 },
    /// The store is unavailable; a temporary failure.
    Unavailable,
}

/// What SCRAM needs to run an exchange for a login.
pub struct ScramLookup {
    /// `None` for an unknown login or an account without SCRAM keys; the exchange then
    /// runs with made-up keys and fails at the end, like a wrong password.
    pub account: Option<AccountRecord>,
    pub keys: ScramKeys,
}

/// Verifies credentials against the store, with a cache and the login throttle.
pub struct Authenticator {
    store: Store,
    legacy: Option<LegacyKey>,
    throttle: Arc<LoginThrottle>,
    settings: CacheSettings,
    key: [u8; 32],
    cache: Mutex<HashMap<[u8; 32], Instant>>,
    /// argon2 runs at most this many at once: each takes tens of MiB, and a flood of
    /// logins must not take the machine's memory.
    hashing: tokio::sync::Semaphore,
}

/// argon2 verifications at once.
const PARALLEL_HASHES: usize = 4;

/// The throttle's key for a login: the address as the store keys it (case-folded, no
/// surrounding blanks), so that spelling variants share one failure count.
fn throttle_key(login: &str) -> String {
    Address::parse(login.trim())
        .map(|a| a.key())
        .unwrap_or_else(|_| login.trim().to_lowercase())
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
            throttle,
            settings,
            key,
            cache: Mutex::new(HashMap::new()),
            hashing: tokio::sync::Semaphore::new(PARALLEL_HASHES),
        }
    }

    /// Enables APOP and CRAM-MD5 with this key (see `legacy`).
    pub fn with_legacy(mut self, key: LegacyKey) -> Self {
        self.legacy = Some(key);
        self
    }

    /// Returns `true` if and only if APOP and CRAM-MD5 are enabled.
    pub fn legacy_enabled(&self) -> bool {
        self.legacy.is_some()
    }

    /// Runs `check` with the legacy secret (the password) of `login`, and returns the
    /// account if it passes. The secret lives only for the call. Counts failures.
    pub async fn verify_legacy(
        &self,
        login: &str,
        ip: IpAddr,
        check: impl FnOnce(&[u8]) -> bool,
    ) -> Result<AccountRecord, AuthError> {
        self.check_throttle(login, ip)?;
        let account = self.find(login).await?.filter(|a| a.enabled);
        let verified = match (&self.legacy, &account) {
            (Some(key), Some(a)) => a
                .legacy_secret
                .as_deref()
                .and_then(|sealed| key.open(&a.id, sealed))
                .is_some_and(|secret| check(&secret)),
            _ => false,
        };
        match account {
            Some(a) if verified => {
                self.succeeded(login);
                Ok(a)
            }
            _ => {
                self.failed(login, ip);
                Err(AuthError::Failed)
            }
        }
    }

    /// `Err(Throttled)` if a login from `ip` for `login` must wait.
    pub fn check_throttle(&self, login: &str, ip: IpAddr) -> Result<(), AuthError> {
        self.check_throttle_from(login, Some(ip))
    }

    fn check_throttle_from(&self, login: &str, ip: Option<IpAddr>) -> Result<(), AuthError> {
        match self.throttle.check(ip, &throttle_key(login)) {
            Some(secs) => Err(AuthError::Throttled {
                retry_after_secs: secs,
            }),
            None => Ok(()),
        }
    }

    /// Counts a failed login (wrong password, failed SASL exchange).
    pub fn failed(&self, login: &str, ip: IpAddr) {
        self.failed_from(login, Some(ip));
    }

    fn failed_from(&self, login: &str, ip: Option<IpAddr>) {
        self.throttle.failed(ip, &throttle_key(login));
    }

    /// Forgets earlier failures of a login after it succeeded.
    pub fn succeeded(&self, login: &str) {
        self.throttle.succeeded(&throttle_key(login));
    }

    /// Checks `login` (the full address) and `password`. Counts failures.
    pub async fn verify_password(
        &self,
        login: &str,
        password: &str,
        ip: IpAddr,
    ) -> Result<AccountRecord, AuthError> {
        self.verify_password_from(login, password, Some(ip)).await
    }

    /// [`verify_password`](Self::verify_password) for a client whose address may be
    /// unknown (an HTTP request without connection info): then only the account's
    /// failures count.
    pub async fn verify_password_from(
        &self,
        login: &str,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<AccountRecord, AuthError> {
        self.check_throttle_from(login, ip)?;
        let account = self.find(login).await?;
        let Some(account) = account.filter(|a| a.enabled) else {
            let pw = password.to_owned();
            let _permit = self.hashing.acquire().await;
            let _ = tokio::task::spawn_blocking(move || {
                osprey_core::verify_password(&pw, dummy_hash())
            })
            .await;
            self.failed_from(login, ip);
            return Err(AuthError::Failed);
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
            self.succeeded(login);
            self.keep_legacy_secret(&account, password).await;
            return Ok(account);
        }
        let (pw, hash) = (password.to_owned(), account.password_hash.clone());
        let permit = self.hashing.acquire().await;
        let ok = tokio::task::spawn_blocking(move || {
            let ok = osprey_core::verify_password(&pw, &hash);
            // Accounts whose password was set before SCRAM keys were kept get them now.
            let scram = ok.then(|| {
                let mut salt = [0u8; 16];
                getrandom::fill(&mut salt).expect("the OS random source works");
                ScramKeys::derive(&pw, &salt, SCRAM_ITERATIONS).encode()
            });
            (ok, scram)
        })
        .await;
        drop(permit);
        let (ok, scram) = ok.map_err(|_| AuthError::Unavailable)?;
        if !ok {
            self.failed_from(login, ip);
            return Err(AuthError::Failed);
        }
        self.remember(entry);
        self.succeeded(login);
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
        Ok(account)
    }

    /// Seals the password that just verified for the legacy mechanisms, if they are on
    /// and the account has none yet.
    async fn keep_legacy_secret(&self, account: &AccountRecord, password: &str) {
        let Some(key) = &self.legacy else { return };
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
    pub async fn scram_lookup(&self, login: &str, ip: IpAddr) -> Result<ScramLookup, AuthError> {
        self.check_throttle(login, ip)?;
        let account = self.find(login).await?.filter(|a| a.enabled);
        let keys = account
            .as_ref()
            .and_then(|a| a.scram_sha256.as_deref())
            .and_then(|s| ScramKeys::parse(s).ok());
        Ok(match keys {
            Some(keys) => ScramLookup { account, keys },
            None => ScramLookup {
                account: None,
                keys: self.fake_scram_keys(login),
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
