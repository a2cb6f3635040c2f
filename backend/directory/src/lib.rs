//! Osprey's directory: who exists and who may do what.
//!
//! Domains, accounts, aliases and roles with *all* the rules that guard them
//! ([`Directory`]: the REST API and the CLI call the same methods and get the same
//! [`DirectoryError`]s), the password policy, and password authentication for every
//! front end ([`Authenticator`]: argon2 on the process's few hashing threads with a
//! keyed cache, SCRAM keys, the legacy mechanisms' sealed secret, the login throttle
//! and each account's recent failures), and when a signed-in session must end
//! ([`SessionWatch`]).
//!
//! Front ends parse their input, name the [`Actor`], call, and convert the answer; they
//! hold no rule of their own.

pub mod access;
pub mod account_import;
mod account_stats;
mod accounts;
pub mod activity;
mod actor;
pub mod ads;
mod aliases;
pub mod audit;
mod auth;
pub mod branding;
mod checks;
mod client_setup;
mod domain_admins;
mod domains;
mod error;
mod failures;
mod hashing;
mod legacy;
mod passwords;
mod preferences;
mod queue;
mod senders;
pub mod server_settings;
mod sessions;

pub use account_stats::{AccountStats, FolderStats};
pub use accounts::{AccountUpdate, MAX_RETENTION_DAYS, NewAccountRequest};
pub use actor::{Actor, AdminScope, Origin, Via};
pub use aliases::MAX_TARGETS;
pub use audit::{
    AuditFilter, DEFAULT_AUDIT_RETENTION_DAYS, FieldChange, MAX_AUDIT_RETENTION_DAYS, field_changes,
};
pub use auth::{AuthError, Authenticator, CacheSettings, ScramLookup};
pub use checks::{Checks, MAX_DISPLAY_NAME};
pub use client_setup::MailDomain;
pub use domains::{DomainSettings, DomainUpdate, MAX_DESCRIPTION, NewDomainRequest};
pub use error::{DirectoryError, FieldProblem};
pub use failures::{LoginFailure, LoginOrigin, Protocol};
pub use legacy::LegacyKey;
use osprey_core::PasswordPolicy;
use osprey_store::Store;
pub use passwords::generate_password;
pub use preferences::{Identity, LANGUAGES, MAX_MARK_READ_DELAY, PAGE_SIZES, Preferences};
pub use senders::MAX_SEND_AS_GRANTS;
pub use server_settings::{ServerSettings, SettingValue, SettingsSnapshot};
pub use sessions::{SessionEnd, SessionWatch, session_ended};

/// The directory service over the store. Cheap to clone.
#[derive(Clone)]
pub struct Directory {
    store: Store,
    /// The server settings in force, published to the listeners.
    settings: std::sync::Arc<server_settings::SettingsHub>,
}

impl Directory {
    /// The directory with the default server settings under the administrators' ones
    /// (see [`with_settings`](Self::with_settings)).
    pub fn new(store: Store) -> Self {
        Self {
            store,
            settings: server_settings::SettingsHub::new(ServerSettings::default()),
        }
    }

    /// The password policy every password set through the directory follows: the
    /// server's stored setting, read on each use so a change applies at once.
    pub async fn password_policy(&self) -> Result<PasswordPolicy, DirectoryError> {
        Ok(self.store.settings().password_policy().await?)
    }
}
