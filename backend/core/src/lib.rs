//! Osprey's domain types: the values every other crate agrees on.
//!
//! This crate owns parsing and validation of domain names, mail addresses, mailbox
//! names, roles and the password policy. It does no I/O, has no async code and never panics on input; every
//! parser returns a typed error that says what is wrong in words a user can act on.

pub mod activity;
mod address;
mod cidr;
pub mod csv;
mod domain;
mod hashing;
mod live;
pub mod look;
pub mod mailbox_name;
pub mod markup;
mod mta_sts;
mod password;
mod pop3_mode;
mod relay;
mod role;
pub mod subject;
mod throttle;
pub mod time_zone;

pub use address::{Address, AddressError};
pub use cidr::{IpNet, IpNetError};
pub use domain::{DomainError, DomainName};
pub use hashing::{
    HashMemory, StoredCredentials, hash_credentials, hash_credentials_with, hash_password,
    hash_password_with, scram_keys, verify_password, verify_password_with,
};
pub use live::Live;
pub use mailbox_name::MailboxNameError;
pub use mta_sts::MtaStsMode;
pub use password::{PasswordPolicy, password_problems};
pub use pop3_mode::{Pop3Mode, Pop3ModeError};
pub use relay::{
    RelayDecision, RelayDestination, RelayMode, RelayModeError, RelayPolicy, RelayRequest,
};
pub use role::{Role, RoleError};
pub use throttle::{Admission, LoginThrottle, ThrottleLimit, ThrottleLimits};
pub use time_zone::TimeZoneError;
