//! Server settings that server administrators change while the server runs: message
//! and connection limits, sign-in, the POP3 mode of new accounts, the outbound queue's
//! schedule, DMARC enforcement and session lifetimes.
//!
//! The configuration file gives each its starting value (the *default* the settings
//! page shows); an administrator's value, kept in the store, wins over it until it is
//! reset. Every change is checked here against [`SETTINGS`], recorded in the audit log
//! and applied to this node's listeners before the change returns
//! ([`Directory::on_settings_change`]); other nodes pick it up at their next
//! [`Directory::reload_settings`]. What needs a
//! restart (listen addresses, host name, TLS, the database) stays in the file only.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use osprey_core::{MtaStsMode, Pop3Mode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::sync::watch;

use crate::{
    Actor, Directory, DirectoryError,
    audit::{Change, record},
    checks::Checks,
};

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    /// Largest message, in bytes: SMTP's SIZE and what webmail sends.
    pub max_message_size: u64,
    /// Recipients of one message over SMTP.
    pub max_recipients: u32,
    /// Connections at once from one address to a listener without a limit of its own
    /// in the configuration file.
    pub max_connections_per_ip: u32,
    /// Failed sign-ins in one SMTP, IMAP, POP3 or ManageSieve session before it is
    /// closed.
    pub max_auth_failures: u32,
    /// APOP and CRAM-MD5 offered.
    pub legacy_auth: bool,
    /// The POP3 mode a new account starts with.
    pub pop3_default_mode: Pop3Mode,
    /// Waits between delivery attempts, in seconds; the last repeats.
    pub retry_intervals_secs: Vec<u64>,
    /// Hours a message stays in the queue before it bounces.
    pub queue_lifetime_hours: u32,
    /// Hours after which the sender hears of a delay; 0 for never.
    pub delay_notice_hours: u32,
    /// Mail failing DMARC with a `reject` or `quarantine` policy is refused.
    pub dmarc_enforce: bool,
    /// What the domains' MTA-STS policy asks of sending servers.
    pub mta_sts_mode: MtaStsMode,
    /// Seconds a web sign-in's access token lasts.
    pub access_token_ttl_secs: u64,
    /// Days a web sign-in lasts without a new password.
    pub refresh_token_ttl_days: u32,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            max_message_size: 25 * 1024 * 1024,
            max_recipients: 100,
            max_connections_per_ip: 500,
            max_auth_failures: 3,
            legacy_auth: false,
            pop3_default_mode: Pop3Mode::Offline,
            retry_intervals_secs: vec![60, 300, 900, 1800, 3600, 7200, 14400],
            queue_lifetime_hours: 120,
            delay_notice_hours: 4,
            dmarc_enforce: false,
            mta_sts_mode: MtaStsMode::None,
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
        }
    }
}

/// What a setting's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// A whole number from `min` to `max`.
    Integer {
        min: u64,
        max: u64,
    },
    Boolean,
    /// One of these names.
    Choice(&'static [&'static str]),
    /// A list of whole numbers, each from `min` to `max`, at most `max_len` of them.
    IntegerList {
        min: u64,
        max: u64,
        max_len: usize,
    },
}

/// One setting as the settings page shows it.
#[derive(Debug, Clone, Copy)]
pub struct SettingInfo {
    /// The field of [`ServerSettings`], and the name in the API and the CLI.
    pub name: &'static str,
    /// The section of the page.
    pub group: &'static str,
    pub label: &'static str,
    /// What it does and where it applies.
    pub description: &'static str,
    pub kind: SettingKind,
    /// `bytes`, `seconds`, `hours` or `days`.
    pub unit: Option<&'static str>,
}

const GIB: u64 = 1024 * 1024 * 1024;

/// Every setting administrators change at run time, in the order the page shows them.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        name: "max_message_size",
        group: "Messages",
        label: "Largest message",
        description: "Mail larger than this is refused over SMTP (announced as SIZE) and cannot be sent from webmail.",
        kind: SettingKind::Integer {
            min: 1024,
            max: GIB,
        },
        unit: Some("bytes"),
    },
    SettingInfo {
        name: "max_recipients",
        group: "Messages",
        label: "Recipients per message",
        description: "Recipients one SMTP transaction may name; more get 452 and are sent again by the client.",
        kind: SettingKind::Integer {
            min: 1,
            max: 10_000,
        },
        unit: None,
    },
    SettingInfo {
        name: "max_connections_per_ip",
        group: "Connections and sign-in",
        label: "Connections from one address",
        description: "Connections at once from one IP address to each listener that has no limit of its own in the configuration file.",
        kind: SettingKind::Integer {
            min: 1,
            max: 100_000,
        },
        unit: None,
    },
    SettingInfo {
        name: "max_auth_failures",
        group: "Connections and sign-in",
        label: "Failed sign-ins per connection",
        description: "Wrong passwords in one SMTP, IMAP, POP3 or ManageSieve connection before it is closed.",
        kind: SettingKind::Integer { min: 1, max: 100 },
        unit: None,
    },
    SettingInfo {
        name: "legacy_auth",
        group: "Connections and sign-in",
        label: "Legacy sign-in (APOP, CRAM-MD5)",
        description: "Offers APOP and CRAM-MD5 to old mail clients. They need each password kept sealed on the server, stored at the account's next sign-in.",
        kind: SettingKind::Boolean,
        unit: None,
    },
    SettingInfo {
        name: "access_token_ttl_secs",
        group: "Connections and sign-in",
        label: "Web access token lifetime",
        description: "How long a web or API access token lasts before the app renews it.",
        kind: SettingKind::Integer {
            min: 60,
            max: 86_400,
        },
        unit: Some("seconds"),
    },
    SettingInfo {
        name: "refresh_token_ttl_days",
        group: "Connections and sign-in",
        label: "Web sign-in lifetime",
        description: "How long people stay signed in to the web app without entering their password again.",
        kind: SettingKind::Integer { min: 1, max: 365 },
        unit: Some("days"),
    },
    SettingInfo {
        name: "pop3_default_mode",
        group: "POP3",
        label: "POP3 mode of new accounts",
        description: "What DELE does for accounts created from now on: offline deletes, keep leaves mail on the server, trash moves it to Trash.",
        kind: SettingKind::Choice(&["offline", "keep", "trash"]),
        unit: None,
    },
    SettingInfo {
        name: "retry_intervals_secs",
        group: "Outbound queue",
        label: "Retry intervals",
        description: "Waits between delivery attempts to another server; the last one repeats.",
        kind: SettingKind::IntegerList {
            min: 1,
            max: 7 * 86_400,
            max_len: 30,
        },
        unit: Some("seconds"),
    },
    SettingInfo {
        name: "queue_lifetime_hours",
        group: "Outbound queue",
        label: "Queue lifetime",
        description: "How long the server keeps trying before the message bounces to its sender.",
        kind: SettingKind::Integer { min: 1, max: 720 },
        unit: Some("hours"),
    },
    SettingInfo {
        name: "delay_notice_hours",
        group: "Outbound queue",
        label: "Delay notice after",
        description: "When the sender hears that a message is still waiting; 0 sends no delay notice.",
        kind: SettingKind::Integer { min: 0, max: 720 },
        unit: Some("hours"),
    },
    SettingInfo {
        name: "dmarc_enforce",
        group: "Policy",
        label: "Enforce DMARC",
        description: "Refuses mail that fails DMARC when its domain's policy is reject or quarantine; otherwise such mail is only marked.",
        kind: SettingKind::Boolean,
        unit: None,
    },
    SettingInfo {
        name: "mta_sts_mode",
        group: "Policy",
        label: "MTA-STS policy",
        description: "What the domains' MTA-STS policy asks of other servers that send them mail: testing delivers and reports TLS failures, enforce refuses to deliver without valid TLS, none publishes no policy. The DNS page of each domain lists the records it needs.",
        kind: SettingKind::Choice(&["none", "testing", "enforce"]),
        unit: None,
    },
];

/// One setting with its value in force, its default and whether an administrator set it.
#[derive(Debug, Clone)]
pub struct SettingValue {
    pub info: &'static SettingInfo,
    pub value: Value,
    /// The configuration file's value.
    pub default: Value,
    pub overridden: bool,
}

/// The settings in force and which of them an administrator set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsSnapshot {
    pub values: ServerSettings,
    /// Names of the settings set by an administrator.
    pub overridden: BTreeSet<&'static str>,
}

impl SettingsSnapshot {
    /// Whether an administrator set `name` (rather than the configuration file).
    pub fn is_set(&self, name: &str) -> bool {
        self.overridden.contains(name)
    }
}

/// Applies the settings in force to a part of the server; called at every change, in
/// the order of the changes.
pub type SettingsApplier = Box<dyn Fn(&SettingsSnapshot) + Send + Sync>;

/// The defaults, the settings in force and who applies them.
pub(crate) struct SettingsHub {
    base: ServerSettings,
    tx: watch::Sender<Arc<SettingsSnapshot>>,
    appliers: Mutex<Vec<SettingsApplier>>,
}

impl SettingsHub {
    pub(crate) fn new(base: ServerSettings) -> Arc<Self> {
        let snapshot = SettingsSnapshot {
            values: base.clone(),
            overridden: BTreeSet::new(),
        };
        Arc::new(SettingsHub {
            base,
            tx: watch::Sender::new(Arc::new(snapshot)),
            appliers: Mutex::new(Vec::new()),
        })
    }
}

fn info(name: &str) -> Option<&'static SettingInfo> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// `value` if it is a valid value of `info`, else why not.
fn check_value(info: &SettingInfo, value: &Value) -> Result<Value, String> {
    let integer = |v: &Value, min: u64, max: u64| match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from {min} to {max}")),
    };
    match info.kind {
        SettingKind::Integer { min, max } => integer(value, min, max).map(Value::from),
        SettingKind::Boolean => value
            .as_bool()
            .map(Value::from)
            .ok_or_else(|| "must be true or false".to_owned()),
        SettingKind::Choice(names) => match value.as_str() {
            Some(v) if names.contains(&v) => Ok(Value::from(v)),
            _ => Err(format!("must be one of {}", names.join(", "))),
        },
        SettingKind::IntegerList { min, max, max_len } => {
            let items = value
                .as_array()
                .ok_or_else(|| "must be a list of whole numbers".to_owned())?;
            if items.is_empty() || items.len() > max_len {
                return Err(format!("must hold from 1 to {max_len} values"));
            }
            items
                .iter()
                .map(|v| {
                    integer(v, min, max).map_err(|_| {
                        format!("each value must be a whole number from {min} to {max}")
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::from)
        }
    }
}

/// The checks between settings, on the merged values.
fn check_together(values: &ServerSettings, checks: &mut Checks) {
    if values.delay_notice_hours != 0 && values.delay_notice_hours >= values.queue_lifetime_hours {
        checks.fail(
            "delay_notice_hours",
            format!(
                "must be shorter than the queue lifetime ({} hours), or 0",
                values.queue_lifetime_hours
            ),
        );
    }
}

/// `base` with `overrides` applied; overrides that no longer fit (a name or a range
/// that changed) are left out.
fn merge(base: &ServerSettings, overrides: &Map<String, Value>) -> SettingsSnapshot {
    let Value::Object(mut fields) = serde_json::to_value(base).expect("settings serialise") else {
        unreachable!("settings serialise to an object");
    };
    let mut overridden = BTreeSet::new();
    for (name, value) in overrides {
        match info(name).map(|i| (i, check_value(i, value))) {
            Some((i, Ok(v))) => {
                fields.insert(name.clone(), v);
                overridden.insert(i.name);
            }
            _ => tracing::warn!(setting = %name, "a stored server setting no longer applies"),
        }
    }
    let values = serde_json::from_value(Value::Object(fields)).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the stored server settings do not apply");
        base.clone()
    });
    SettingsSnapshot { values, overridden }
}

impl Directory {
    /// Uses `base` (the configuration file's values) under the administrators' settings.
    pub fn with_settings(mut self, base: ServerSettings) -> Self {
        self.settings = SettingsHub::new(base);
        self
    }

    /// The settings in force on this node.
    pub fn settings_now(&self) -> Arc<SettingsSnapshot> {
        self.settings.tx.borrow().clone()
    }

    /// Calls `apply` with the settings in force now and again at every change, before
    /// the change returns (so that a change is in force when the administrator hears of
    /// it). `apply` must be quick: it runs while other changes wait.
    pub fn on_settings_change(&self, apply: SettingsApplier) {
        apply(&self.settings_now());
        self.settings
            .appliers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(apply);
    }

    /// Reads the administrators' settings from the store and publishes them if they
    /// changed (at start, and now and then for changes made on other nodes or by the
    /// command line); returns whether they changed.
    pub async fn reload_settings(&self) -> Result<bool, DirectoryError> {
        let overrides = self.store.settings().server_overrides().await?;
        let snapshot = merge(&self.settings.base, &overrides);
        // Applied while the channel is held, so that changes apply in their order.
        Ok(self.settings.tx.send_if_modified(|now| {
            if **now == snapshot {
                return false;
            }
            let appliers = self
                .settings
                .appliers
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            for apply in appliers.iter() {
                apply(&snapshot);
            }
            *now = Arc::new(snapshot);
            true
        }))
    }

    /// Every setting with its value in force (server administrators).
    pub async fn server_settings(
        &self,
        actor: &Actor,
    ) -> Result<Vec<SettingValue>, DirectoryError> {
        actor.server_admin()?;
        self.reload_settings().await?;
        Ok(self.setting_values())
    }

    fn setting_values(&self) -> Vec<SettingValue> {
        let now = self.settings_now();
        let values = serde_json::to_value(&now.values).expect("settings serialise");
        let defaults = serde_json::to_value(&self.settings.base).expect("settings serialise");
        SETTINGS
            .iter()
            .map(|info| SettingValue {
                info,
                value: values[info.name].clone(),
                default: defaults[info.name].clone(),
                overridden: now.is_set(info.name),
            })
            .collect()
    }

    /// Sets the settings named in `changes` (server administrators): a value sets it, a
    /// `null` returns it to the configuration file's value. All or nothing: any bad
    /// name or value refuses the whole change, naming each. Effective at once on this
    /// node; returns every setting as it now is.
    pub async fn update_server_settings(
        &self,
        actor: &Actor,
        changes: &Map<String, Value>,
    ) -> Result<Vec<SettingValue>, DirectoryError> {
        actor.server_admin()?;
        let before = self.store.settings().server_overrides().await?;
        let mut after = before.clone();
        let mut checks = Checks::default();
        for (name, value) in changes {
            let Some(info) = info(name) else {
                checks.fail(name.as_str(), "is not a server setting");
                continue;
            };
            if value.is_null() {
                after.remove(name);
                continue;
            }
            match check_value(info, value) {
                Ok(v) => {
                    after.insert(name.clone(), v);
                }
                Err(why) => checks.fail(name.as_str(), why),
            }
        }
        checks.finish()?;
        let mut checks = Checks::default();
        check_together(&merge(&self.settings.base, &after).values, &mut checks);
        checks.finish()?;
        if after != before {
            self.store.settings().set_server_overrides(&after).await?;
            record(
                &self.store,
                actor,
                Change::new("settings.update", "server settings")
                    .before(json!(before))
                    .after(json!(after)),
            )
            .await;
        }
        self.reload_settings().await?;
        Ok(self.setting_values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_a_field_and_every_default_is_valid() {
        let defaults = serde_json::to_value(ServerSettings::default()).unwrap();
        let fields = defaults.as_object().unwrap();
        assert_eq!(fields.len(), SETTINGS.len());
        for info in SETTINGS {
            let value = &fields[info.name];
            assert_eq!(
                check_value(info, value).as_ref(),
                Ok(value),
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn values_out_of_range_are_refused_with_the_range() {
        let size = info("max_message_size").unwrap();
        assert_eq!(
            check_value(size, &json!(10)),
            Err("must be a whole number from 1024 to 1073741824".to_owned())
        );
        assert!(check_value(size, &json!("big")).is_err());
        let retries = info("retry_intervals_secs").unwrap();
        assert!(check_value(retries, &json!([])).is_err());
        assert!(check_value(retries, &json!([60, 0])).is_err());
        assert_eq!(
            check_value(retries, &json!([60, 600])),
            Ok(json!([60, 600]))
        );
        let mode = info("pop3_default_mode").unwrap();
        assert_eq!(
            check_value(mode, &json!("delete")),
            Err("must be one of offline, keep, trash".to_owned())
        );
    }

    #[test]
    fn a_stored_value_that_no_longer_fits_is_left_out() {
        let mut stored = Map::new();
        stored.insert("max_recipients".into(), json!(20));
        stored.insert("max_recipients_old_name".into(), json!(20));
        stored.insert("max_auth_failures".into(), json!(0));
        let merged = merge(&ServerSettings::default(), &stored);
        assert_eq!(merged.values.max_recipients, 20);
        assert_eq!(merged.values.max_auth_failures, 3);
        assert_eq!(merged.overridden, BTreeSet::from(["max_recipients"]));
    }
}
