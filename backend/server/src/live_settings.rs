//! The server settings administrators change while the server runs, applied to this
//! node: the configuration file gives their defaults, the directory keeps the changes
//! (and the rules), and this module turns the settings in force into what each
//! listener, the queue worker and the web API read ([`Live`] values), again at every
//! change. Changes made on another node or with the command line are read every
//! [`RELOAD_EVERY`].

use std::{collections::HashMap, sync::Arc, time::Duration};

use osprey_api::auth::JwtKeys;
use osprey_api_types::RestartSetting;
use osprey_core::Live;
use osprey_directory::{Authenticator, Directory, ServerSettings, SettingsSnapshot};
use osprey_imap::ImapConfig;
use osprey_managesieve::ManageSieveConfig;
use osprey_net::{ConnectionLimits, Shutdown};
use osprey_outbound::Schedule;
use osprey_pop3::Pop3Config;
use osprey_smtp::SmtpConfig;

use crate::config::Config;

/// How often the settings are read again from the store.
pub const RELOAD_EVERY: Duration = Duration::from_secs(30);

/// The listeners, by their key in `[listen]`.
const LISTENERS: [&str; 8] = [
    "smtp",
    "submission",
    "submissions",
    "imap",
    "imaps",
    "pop3",
    "pop3s",
    "managesieve",
];

/// The configuration file's values of the settings administrators may change.
pub fn base(config: &Config) -> ServerSettings {
    let o = &config.outbound;
    ServerSettings {
        max_message_size: config.smtp.max_message_size,
        max_recipients: config.smtp.max_recipients,
        max_connections_per_ip: config.limits.max_connections_per_ip,
        max_auth_failures: config.smtp.max_auth_failures,
        legacy_auth: config.auth.legacy_mechanisms,
        pop3_default_mode: osprey_core::Pop3Mode::default(),
        retry_intervals_secs: o
            .retry_intervals_secs
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect(),
        queue_lifetime_hours: o.lifetime_hours,
        delay_notice_hours: o.delay_notice_hours,
        dmarc_enforce: config.smtp.dmarc_enforce,
        mta_sts_mode: osprey_core::MtaStsMode::default(),
        access_token_ttl_secs: config.auth.access_token_ttl_secs,
        refresh_token_ttl_days: config.auth.refresh_token_ttl_days,
    }
}

/// The configuration file's settings that take effect at the next start, as the
/// settings page lists them. Secrets (the smarthost's password) are not among them.
pub fn restart_required(config: &Config) -> Vec<RestartSetting> {
    let setting = |key: &str, label: &str, value: String| RestartSetting {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
    };
    let mut out = vec![
        setting(
            "hostname",
            "Host name (greeting, Received fields, Message-IDs)",
            config.hostname.clone(),
        ),
        setting("web_url", "Web address", config.web_url()),
        setting(
            "database_url",
            "Database",
            osprey_store::redact(&config.database_url()),
        ),
        setting(
            "data_dir",
            "Data directory",
            config.data_dir.display().to_string(),
        ),
        setting(
            "tls.cert",
            "TLS certificate",
            if config.tls.cert.is_empty() {
                "self-signed for the host name".to_owned()
            } else {
                config.tls.cert.clone()
            },
        ),
    ];
    for name in LISTENERS {
        out.push(setting(
            &format!("listen.{name}"),
            &format!("Listener {name}"),
            config
                .listen_addr(name)
                .map(|a| a.to_string())
                .unwrap_or_else(|| "off".into()),
        ));
    }
    out.push(setting(
        "limits.max_connections",
        "Connections per listener",
        config.limits.max_connections.to_string(),
    ));
    out.push(setting(
        "dns_servers",
        "DNS servers",
        config.dns_servers.clone(),
    ));
    out.push(setting(
        "outbound.smarthost",
        "Smarthost",
        config.outbound.smarthost.clone(),
    ));
    out
}

/// What the parts of the server read, replaced at each change of the settings.
#[derive(Clone)]
pub struct LiveConfigs {
    pub smtp: Live<SmtpConfig>,
    pub imap: Live<ImapConfig>,
    pub pop3: Live<Pop3Config>,
    pub managesieve: Live<ManageSieveConfig>,
    /// Each listener's connection limits, by its key in `[listen]`.
    pub limits: HashMap<&'static str, Live<ConnectionLimits>>,
    pub schedule: Live<Schedule>,
    /// The message size limit of mail written in the web app.
    pub max_message_size: Live<usize>,
    pub refresh_ttl_days: Live<u32>,
}

impl LiveConfigs {
    /// The values for `now`.
    pub fn new(config: &Config, now: &SettingsSnapshot) -> Self {
        LiveConfigs {
            smtp: Live::new(smtp_config(config, now)),
            imap: Live::new(imap_config(config, now)),
            pop3: Live::new(pop3_config(config, now)),
            managesieve: Live::new(managesieve_config(config, now)),
            limits: LISTENERS
                .iter()
                .map(|name| (*name, Live::new(limits(config, now, name))))
                .collect(),
            schedule: Live::new(schedule(now)),
            max_message_size: Live::new(message_size(now)),
            refresh_ttl_days: Live::new(now.values.refresh_token_ttl_days),
        }
    }

    /// The limits of the listener `name`.
    pub fn limits(&self, name: &str) -> Live<ConnectionLimits> {
        self.limits[name].clone()
    }

    /// Replaces every value with the one for `now`.
    pub fn apply(&self, config: &Config, now: &SettingsSnapshot) {
        self.smtp.set(smtp_config(config, now));
        self.imap.set(imap_config(config, now));
        self.pop3.set(pop3_config(config, now));
        self.managesieve.set(managesieve_config(config, now));
        for (name, live) in &self.limits {
            live.set(limits(config, now, name));
        }
        self.schedule.set(schedule(now));
        self.max_message_size.set(message_size(now));
        self.refresh_ttl_days.set(now.values.refresh_token_ttl_days);
    }
}

fn message_size(now: &SettingsSnapshot) -> usize {
    usize::try_from(now.values.max_message_size).unwrap_or(usize::MAX)
}

/// A protocol's failed sign-ins per session: the administrators' value, else the
/// protocol's own in the configuration file.
fn auth_failures(now: &SettingsSnapshot, own: u32) -> u32 {
    if now.is_set("max_auth_failures") {
        now.values.max_auth_failures
    } else {
        own
    }
}

fn limits(config: &Config, now: &SettingsSnapshot, name: &str) -> ConnectionLimits {
    let mut l = config.limits.clone();
    l.max_connections_per_ip = now.values.max_connections_per_ip;
    ConnectionLimits {
        max_connections: l.max_connections as usize,
        max_per_ip: l.per_ip(name) as usize,
        tls_handshake_timeout: Duration::from_secs(l.tls_handshake_timeout_secs),
    }
}

fn schedule(now: &SettingsSnapshot) -> Schedule {
    let v = &now.values;
    let hours = |h: u32| chrono::Duration::hours(h.into());
    Schedule {
        intervals: v
            .retry_intervals_secs
            .iter()
            .map(|s| chrono::Duration::seconds(i64::try_from(*s).unwrap_or(i64::MAX / 1000)))
            .collect(),
        lifetime: hours(v.queue_lifetime_hours),
        delay_notice_after: (v.delay_notice_hours > 0).then(|| hours(v.delay_notice_hours)),
    }
}

fn smtp_config(config: &Config, now: &SettingsSnapshot) -> SmtpConfig {
    let s = &config.smtp;
    SmtpConfig {
        hostname: config.hostname.clone(),
        max_message_size: message_size(now),
        max_recipients: now.values.max_recipients as usize,
        max_errors: s.max_errors,
        max_auth_failures: now.values.max_auth_failures,
        max_commands_before_auth: s.max_commands_before_auth,
        command_timeout: Duration::from_secs(s.command_timeout_secs),
        max_hops: s.max_hops as usize,
        plaintext_loopback: config.auth.plaintext_loopback,
        dmarc_enforce: now.values.dmarc_enforce,
        ..SmtpConfig::default()
    }
}

fn imap_config(config: &Config, now: &SettingsSnapshot) -> ImapConfig {
    let i = &config.imap;
    ImapConfig {
        hostname: config.hostname.clone(),
        plaintext_loopback: config.auth.plaintext_loopback,
        idle_timeout: Duration::from_secs(i.idle_timeout_secs),
        login_timeout: Duration::from_secs(i.login_timeout_secs),
        max_auth_failures: auth_failures(now, i.max_auth_failures),
        max_bad_commands: i.max_bad_commands,
        append_limit: i.append_limit,
    }
}

fn pop3_config(config: &Config, now: &SettingsSnapshot) -> Pop3Config {
    let p = &config.pop3;
    Pop3Config {
        hostname: config.hostname.clone(),
        plaintext_loopback: config.auth.plaintext_loopback,
        idle_timeout: Duration::from_secs(p.idle_timeout_secs),
        login_timeout: Duration::from_secs(p.login_timeout_secs),
        max_auth_failures: auth_failures(now, p.max_auth_failures),
        max_errors: p.max_errors,
        login_delay: (p.login_delay_secs > 0).then(|| Duration::from_secs(p.login_delay_secs)),
    }
}

fn managesieve_config(config: &Config, now: &SettingsSnapshot) -> ManageSieveConfig {
    let d = ManageSieveConfig::default();
    ManageSieveConfig {
        hostname: config.hostname.clone(),
        plaintext_loopback: config.auth.plaintext_loopback,
        max_auth_failures: auth_failures(now, d.max_auth_failures),
        ..d
    }
}

/// Keeps this node's parts on the settings in force: each change applies as the
/// directory makes it, before the change returns.
pub fn apply_changes(
    directory: &Directory,
    config: Config,
    live: LiveConfigs,
    jwt: Arc<JwtKeys>,
    auth: Arc<Authenticator>,
) {
    directory.on_settings_change(Box::new(move |now| {
        live.apply(&config, now);
        jwt.set_ttl_secs(now.values.access_token_ttl_secs);
        auth.set_legacy_enabled(now.values.legacy_auth);
        tracing::info!("server settings applied");
    }));
}

/// Reads the settings from the store every [`RELOAD_EVERY`], for changes made on
/// another node or with the command line, until `shutdown`.
pub async fn follow(directory: Directory, mut shutdown: Shutdown) {
    let mut tick = tokio::time::interval(RELOAD_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = directory.reload_settings().await {
                    tracing::warn!(error = %e, "the server settings were not read again");
                }
            }
            _ = shutdown.wait() => return,
        }
    }
}
