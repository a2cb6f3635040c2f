//! The node's configuration: one TOML file, every key overridable from the environment.
//!
//! Only what is local to one node lives here (listen addresses, data directory, database
//! URL, TLS files, host name, log format); what administrators change at run time lives
//! in the database. The environment rule, which scripts rely on: a top-level key `k` is
//! `OSPREY_K`, a key `k` in table `[t]` is `OSPREY_T_K`, upper case.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// The whole configuration. Every field has a default, so an empty file is valid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the SQLite database, blobs, TLS certificate and signing key live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; empty means `sqlite://<data_dir>/osprey.db`.
    pub database_url: String,
    /// The server's host name: greeting, first domain, first admin's address.
    pub hostname: String,
    /// Where people reach the web app (`https://mail.example.com`): links in mail the
    /// server writes, like a list member's one-click unsubscription. Empty means
    /// `https://<hostname>`.
    pub web_url: String,
    /// A directory to serve the web app from instead of the one the binary carries
    /// (development); empty means the embedded one.
    pub web_dir: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Where the spell checker's Hunspell dictionaries (`<code>.aff` and `<code>.dic`) are.
    pub spell_dictionaries: String,
    /// The DNS servers to ask (`192.0.2.53`, `127.0.0.1:5353`, comma-separated) for
    /// outbound routes and domains' DNS checks; empty means the system's.
    pub dns_servers: String,
    pub listen: Listen,
    pub tls: Tls,
    pub auth: Auth,
    pub limits: Limits,
    pub smtp: Smtp,
    pub pop3: Pop3,
    pub imap: Imap,
    pub outbound: Outbound,
    pub database: Database,
    pub calendar: Calendar,
    pub activity: Activity,
}

/// The dashboard's figures: how often this node adds what it counted to the store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Activity {
    /// Seconds between two samples (and the resolution of "sessions open now").
    pub interval_secs: u64,
    /// This node's name among several on one database; empty means the host name.
    pub node: String,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            interval_secs: 60,
            node: String::new(),
        }
    }
}

impl Activity {
    /// The interval, at least a second.
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.interval_secs.max(1))
    }
}

/// Bounds of the calendar's range queries, and its reminders.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Calendar {
    /// Most occurrences one range query returns (then it says it was cut short).
    pub max_occurrences: usize,
    /// Most dates one event's rule is expanded to, from its first up to a window's end.
    pub max_rule_dates: usize,
    /// The longest window a range query may ask for, in days.
    pub max_range_days: i64,
    /// Most items (events, tasks, notes) one `.ics` import keeps (the rest are reported,
    /// not imported).
    pub max_import_events: usize,
    /// A reminder whose time passed while no server ran is still sent (saying when it
    /// was due) if it is at most this many minutes late; older ones are skipped.
    pub reminder_grace_minutes: i64,
    /// How long a claimed reminder stays with the node that claimed it before another
    /// may take it up (a node that stopped mid-send), in seconds.
    pub reminder_lease_secs: i64,
    /// Seconds between the reminder worker's looks for due reminders.
    pub reminder_tick_secs: u64,
}

impl Default for Calendar {
    fn default() -> Self {
        let l = osprey_calendar::Limits::default();
        Self {
            max_occurrences: l.max_occurrences,
            max_rule_dates: l.max_rule_dates,
            max_range_days: l.max_range_days,
            max_import_events: l.max_import_events,
            reminder_grace_minutes: 360,
            reminder_lease_secs: 300,
            reminder_tick_secs: 15,
        }
    }
}

impl Calendar {
    /// The service's limits; each at least 1.
    pub fn limits(&self) -> osprey_calendar::Limits {
        osprey_calendar::Limits {
            max_occurrences: self.max_occurrences.max(1),
            max_rule_dates: self.max_rule_dates.max(1),
            max_range_days: self.max_range_days.max(1),
            max_import_events: self.max_import_events.max(1),
        }
    }
}

/// Listen addresses; an empty string disables a listener.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Listen {
    pub http: String,
    pub smtp: String,
    pub submission: String,
    pub submissions: String,
    pub imap: String,
    pub imaps: String,
    pub pop3: String,
    pub pop3s: String,
    /// ManageSieve (RFC 5804), where Sieve editors edit the delivery rules.
    pub managesieve: String,
}

/// TLS certificate and key (PEM); both empty means a self-signed pair in `data_dir/tls`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Tls {
    pub cert: String,
    pub key: String,
}

/// Sign-in settings of the web API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u32,
    /// Failed logins from one IP (an IPv6 /64) before its attempts back off.
    pub login_failures_per_ip: u32,
    /// Failed logins from one IP for one account before those attempts back off.
    pub login_failures_per_ip_account: u32,
    /// Failed logins for one account from every IP before its attempts are delayed
    /// (never refused).
    pub login_failures_per_account: u32,
    /// The longest back-off; a client quiet this long starts again from zero.
    pub login_backoff_max_secs: u64,
    /// The lock-out of earlier versions, replaced by the back-off above: read and
    /// ignored, so that a configuration file written for them still starts the server.
    #[serde(default, skip_serializing)]
    pub login_lockout_secs: Option<u64>,
    /// Allows passwords in the clear (USER/PASS, AUTH PLAIN) from loopback clients.
    pub plaintext_loopback: bool,
    /// Enables APOP and CRAM-MD5, which need the password kept (sealed) on the server.
    pub legacy_mechanisms: bool,
}

/// Connection limits of the mail listeners; each listener counts its own connections.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Connections at once to one listener, from all clients.
    pub max_connections: u32,
    /// Connections at once to one listener from one client IP, for every listener
    /// without a value of its own in [`PerIp`]. Pools of webmail back ends and sync
    /// tools come from one address, so this is well above a pool's size.
    pub max_connections_per_ip: u32,
    pub tls_handshake_timeout_secs: u64,
    /// Per-listener values of `max_connections_per_ip`.
    pub per_ip: PerIp,
}

/// Connections at once from one client IP, per listener; 0 takes
/// `limits.max_connections_per_ip`. Port 25 has a lower default: a sending server opens
/// a few connections at a time, and more from one address is a flood.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PerIp {
    pub smtp: u32,
    pub submission: u32,
    pub submissions: u32,
    pub imap: u32,
    pub imaps: u32,
    pub pop3: u32,
    pub pop3s: u32,
    pub managesieve: u32,
}

impl Limits {
    /// The per-IP limit of the listener `name` (a key of `[listen]`).
    pub fn per_ip(&self, name: &str) -> u32 {
        let p = &self.per_ip;
        let own = match name {
            "smtp" => p.smtp,
            "submission" => p.submission,
            "submissions" => p.submissions,
            "imap" => p.imap,
            "imaps" => p.imaps,
            "pop3" => p.pop3,
            "pop3s" => p.pop3s,
            "managesieve" => p.managesieve,
            _ => 0,
        };
        if own == 0 {
            self.max_connections_per_ip
        } else {
            own
        }
    }
}

/// SMTP session settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Smtp {
    pub max_message_size: u64,
    pub max_recipients: u32,
    pub max_errors: u32,
    pub max_auth_failures: u32,
    pub max_commands_before_auth: u32,
    pub command_timeout_secs: u64,
    pub max_hops: u32,
    pub max_alias_depth: u32,
    pub verify_senders: bool,
    pub dmarc_enforce: bool,
    pub dns_txt_file: String,
}

/// POP3 session settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Pop3 {
    pub idle_timeout_secs: u64,
    pub login_timeout_secs: u64,
    pub max_auth_failures: u32,
    pub max_errors: u32,
    pub login_delay_secs: u64,
}

/// IMAP session settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Imap {
    pub idle_timeout_secs: u64,
    pub login_timeout_secs: u64,
    pub max_auth_failures: u32,
    pub max_bad_commands: u32,
    pub append_limit: u64,
}

impl Default for Imap {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 30 * 60,
            login_timeout_secs: 60,
            max_auth_failures: 3,
            max_bad_commands: 20,
            append_limit: 50 * 1024 * 1024,
        }
    }
}

/// The outbound queue: how mail leaves for other servers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Outbound {
    pub enabled: bool,
    pub port: u16,
    pub routes: String,
    pub smarthost: String,
    pub smarthost_user: String,
    pub smarthost_password: String,
    pub require_tls: String,
    pub retry_intervals_secs: String,
    pub lifetime_hours: u32,
    pub delay_notice_hours: u32,
    pub parallel_domains: u32,
    pub connect_timeout_secs: u64,
}

/// Database pool settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    pub max_connections: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            hostname: "localhost".into(),
            web_url: String::new(),
            web_dir: String::new(),
            log_format: "text".into(),
            spell_dictionaries: "/usr/share/hunspell".into(),
            dns_servers: String::new(),
            listen: Listen::default(),
            tls: Tls::default(),
            auth: Auth::default(),
            limits: Limits::default(),
            smtp: Smtp::default(),
            pop3: Pop3::default(),
            imap: Imap::default(),
            outbound: Outbound::default(),
            database: Database::default(),
            calendar: Calendar::default(),
            activity: Activity::default(),
        }
    }
}

impl Default for Listen {
    fn default() -> Self {
        Self {
            http: "127.0.0.1:8080".into(),
            smtp: "127.0.0.1:2525".into(),
            submission: "127.0.0.1:2587".into(),
            submissions: "127.0.0.1:2465".into(),
            imap: "127.0.0.1:2143".into(),
            imaps: "127.0.0.1:2993".into(),
            pop3: "127.0.0.1:2110".into(),
            pop3s: "127.0.0.1:2995".into(),
            managesieve: "127.0.0.1:4190".into(),
        }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            login_failures_per_ip: 20,
            login_failures_per_ip_account: 5,
            login_failures_per_account: 100,
            login_backoff_max_secs: 900,
            login_lockout_secs: None,
            plaintext_loopback: false,
            legacy_mechanisms: false,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_connections_per_ip: 500,
            tls_handshake_timeout_secs: 30,
            per_ip: PerIp::default(),
        }
    }
}

impl Default for PerIp {
    fn default() -> Self {
        Self {
            smtp: 50,
            submission: 0,
            submissions: 0,
            imap: 0,
            imaps: 0,
            pop3: 0,
            pop3s: 0,
            managesieve: 0,
        }
    }
}

impl Default for Smtp {
    fn default() -> Self {
        Self {
            max_message_size: 25 * 1024 * 1024,
            max_recipients: 100,
            max_errors: 10,
            max_auth_failures: 3,
            max_commands_before_auth: 10,
            command_timeout_secs: 300,
            max_hops: 50,
            max_alias_depth: 8,
            verify_senders: true,
            dmarc_enforce: false,
            dns_txt_file: String::new(),
        }
    }
}

impl Default for Pop3 {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 600,
            login_timeout_secs: 60,
            max_auth_failures: 3,
            max_errors: 10,
            login_delay_secs: 0,
        }
    }
}

impl Default for Outbound {
    fn default() -> Self {
        Self {
            enabled: true,
            port: 25,
            routes: String::new(),
            smarthost: String::new(),
            smarthost_user: String::new(),
            smarthost_password: String::new(),
            require_tls: String::new(),
            retry_intervals_secs: "60,300,900,1800,3600,7200,14400".into(),
            lifetime_hours: 120,
            delay_notice_hours: 4,
            parallel_domains: 8,
            connect_timeout_secs: 30,
        }
    }
}

impl Default for Database {
    fn default() -> Self {
        Self { max_connections: 8 }
    }
}

/// Every key path of the configuration with its default value, in file order.
pub fn keys() -> Vec<(Vec<String>, toml::Value)> {
    let table = toml::Table::try_from(Config::default()).expect("the default config serialises");
    let mut out = Vec::new();
    collect_keys(&mut Vec::new(), table, &mut out);
    out
}

/// The key paths of `table` under `path`, tables within tables included
/// (`[limits.per_ip]` gives `limits.per_ip.smtp`, `OSPREY_LIMITS_PER_IP_SMTP`).
fn collect_keys(
    path: &mut Vec<String>,
    table: toml::Table,
    out: &mut Vec<(Vec<String>, toml::Value)>,
) {
    for (k, v) in table {
        path.push(k);
        match v {
            toml::Value::Table(t) => collect_keys(path, t, out),
            v => out.push((path.clone(), v)),
        }
        path.pop();
    }
}

/// The environment variable that overrides a key path.
pub fn env_name(path: &[String]) -> String {
    format!("OSPREY_{}", path.join("_").to_ascii_uppercase())
}

impl Config {
    /// Reads `file` (if given) and applies `OSPREY_*` overrides from `env`. Refuses
    /// unknown keys and bad values with a message naming the key.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let mut table: toml::Table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the configuration file {}", path.display())
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            }
            None => toml::Table::new(),
        };
        for (path, default) in keys() {
            let Some(raw) = env(&env_name(&path)) else {
                continue;
            };
            let value = match default {
                toml::Value::Integer(_) => {
                    toml::Value::Integer(raw.trim().parse().with_context(|| {
                        format!(
                            "{} (key {}): '{raw}' is not a whole number",
                            env_name(&path),
                            path.join(".")
                        )
                    })?)
                }
                toml::Value::Boolean(_) => {
                    toml::Value::Boolean(raw.trim().parse().with_context(|| {
                        format!(
                            "{} (key {}): '{raw}' is not true or false",
                            env_name(&path),
                            path.join(".")
                        )
                    })?)
                }
                _ => toml::Value::String(raw),
            };
            let mut target = &mut table;
            for part in &path[..path.len() - 1] {
                let entry = target
                    .entry(part.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                target = entry
                    .as_table_mut()
                    .with_context(|| format!("the key {part} must be a table"))?;
            }
            target.insert(path[path.len() - 1].clone(), value);
        }
        let source = file.map_or("the configuration".to_owned(), |p| p.display().to_string());
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("{source}: {}", e.message()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (key, value) in self.listen.entries() {
            if !value.is_empty() && value.parse::<SocketAddr>().is_err() {
                bail!(
                    "listen.{key}: '{value}' is not an address like 127.0.0.1:8080 or [::1]:8080"
                );
            }
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format: '{}' must be text or json", self.log_format);
        }
        osprey_core::DomainName::parse(&self.hostname)
            .map_err(|e| anyhow::anyhow!("hostname: {e}"))?;
        if !(self.web_url.is_empty()
            || self.web_url.starts_with("https://")
            || self.web_url.starts_with("http://"))
            || self
                .web_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            bail!(
                "web_url: must be an https:// (or http://) address like https://mail.example.com"
            );
        }
        if let Err(e) = self.dns_servers() {
            bail!("dns_servers: {e}");
        }
        if self.tls.cert.is_empty() != self.tls.key.is_empty() {
            bail!(
                "tls.cert and tls.key: give both files, or neither for a self-signed certificate"
            );
        }
        if self.database.max_connections == 0 {
            bail!("database.max_connections: must be at least 1");
        }
        if self.pop3.idle_timeout_secs < 600 {
            // RFC 1939 §3: the autologout timer is at least 10 minutes.
            bail!("pop3.idle_timeout_secs: must be at least 600 (RFC 1939)");
        }
        if self.pop3.max_auth_failures == 0 || self.pop3.max_errors == 0 {
            bail!("pop3.max_auth_failures and pop3.max_errors: must be at least 1");
        }
        if self.imap.idle_timeout_secs < 1800 {
            // RFC 9051 §5.4: the autologout timer is at least 30 minutes.
            bail!("imap.idle_timeout_secs: must be at least 1800 (RFC 9051)");
        }
        if self.imap.max_auth_failures == 0 || self.imap.max_bad_commands == 0 {
            bail!("imap.max_auth_failures and imap.max_bad_commands: must be at least 1");
        }
        if self.imap.append_limit == 0 {
            bail!("imap.append_limit: must be at least 1");
        }
        let s = &self.smtp;
        if s.max_message_size < 1024 || s.max_recipients < 1 || s.max_errors < 1 {
            bail!(
                "smtp.max_message_size (at least 1024), smtp.max_recipients and smtp.max_errors (at least 1)"
            );
        }
        if s.command_timeout_secs < 60 {
            bail!("smtp.command_timeout_secs: must be at least 60 (RFC 5321 asks for 300)");
        }
        crate::outbound::validate(&self.outbound)?;
        if self.limits.max_connections == 0 || self.limits.max_connections_per_ip == 0 {
            bail!("limits.max_connections and limits.max_connections_per_ip: must be at least 1");
        }
        if self.auth.access_token_ttl_secs < 60 {
            bail!("auth.access_token_ttl_secs: must be at least 60");
        }
        let a = &self.auth;
        if a.login_failures_per_ip == 0
            || a.login_failures_per_ip_account == 0
            || a.login_failures_per_account == 0
        {
            bail!(
                "auth.login_failures_per_ip, _per_ip_account and _per_account: must be at least 1"
            );
        }
        if a.login_backoff_max_secs == 0 {
            bail!("auth.login_backoff_max_secs: must be at least 1");
        }
        if !(self.database_url.is_empty()
            || self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            bail!("database_url: must start with sqlite:, postgres:// or postgresql://");
        }
        Ok(())
    }

    /// The DNS servers to ask; a server without a port is asked on port 53. Empty: the
    /// system's.
    pub fn dns_servers(&self) -> Result<Vec<SocketAddr>, String> {
        self.dns_servers
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<SocketAddr>()
                    .or_else(|_| {
                        s.parse::<std::net::IpAddr>()
                            .map(|ip| SocketAddr::new(ip, 53))
                    })
                    .map_err(|_| {
                        format!("'{s}' is not an address like 192.0.2.53 or 127.0.0.1:5353")
                    })
            })
            .collect()
    }

    /// Where people reach the web app, without a final slash.
    pub fn web_url(&self) -> String {
        if self.web_url.is_empty() {
            format!("https://{}", self.hostname)
        } else {
            self.web_url.trim_end_matches('/').to_owned()
        }
    }

    /// The database URL, defaulting to a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("osprey.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The address of the listener `name`, if enabled.
    pub fn listen_addr(&self, name: &str) -> Option<SocketAddr> {
        self.listen
            .entries()
            .into_iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.parse().ok())
    }
}

impl Listen {
    /// `(name, value)` of every listener.
    /// The client services that are on, with the ports they listen on, for domains'
    /// DNS service records.
    pub fn services(&self) -> osprey_mail::dns::setup::Services {
        let port = |addr: &str| addr.parse::<SocketAddr>().ok().map(|a| a.port());
        osprey_mail::dns::setup::Services {
            submissions: port(&self.submissions),
            submission: port(&self.submission),
            imaps: port(&self.imaps),
            imap: port(&self.imap),
            pop3s: port(&self.pop3s),
            pop3: port(&self.pop3),
        }
    }

    pub fn entries(&self) -> [(&'static str, &str); 9] {
        [
            ("http", &self.http),
            ("smtp", &self.smtp),
            ("submission", &self.submission),
            ("submissions", &self.submissions),
            ("imap", &self.imap),
            ("imaps", &self.imaps),
            ("pop3", &self.pop3),
            ("pop3s", &self.pop3s),
            ("managesieve", &self.managesieve),
        ]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load_str(text: &str, env: &[(&str, &str)]) -> anyhow::Result<Config> {
        let dir = std::env::temp_dir().join(format!("osprey-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A file of its own per call: tests run in parallel, and texts may be as long.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let file = dir.join(format!("{n}.toml"));
        std::fs::write(&file, text).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(Some(&file), |k| env.get(k).cloned())
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = load_str("", &[]).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.listen.http, "127.0.0.1:8080");
        assert_eq!(c.listen.pop3s, "127.0.0.1:2995");
        assert_eq!(c.database_url(), "sqlite://./data/osprey.db");
    }

    #[test]
    fn a_file_of_an_earlier_version_with_login_lockout_secs_still_loads() {
        let c = load_str("[auth]\nlogin_lockout_secs = 900\n", &[]).unwrap();
        assert_eq!(c.auth.login_backoff_max_secs, 900);
    }

    #[test]
    fn environment_overrides_follow_the_naming_rule() {
        let c = load_str(
            "hostname = \"file.example\"\n[listen]\nhttp = \"127.0.0.1:1\"\n",
            &[
                ("OSPREY_HOSTNAME", "mail.example.com"),
                ("OSPREY_LISTEN_HTTP", "0.0.0.0:9000"),
                ("OSPREY_LISTEN_SMTP", ""),
                ("OSPREY_DATA_DIR", "/var/lib/osprey"),
                ("OSPREY_DATABASE_MAX_CONNECTIONS", "3"),
                ("OSPREY_AUTH_ACCESS_TOKEN_TTL_SECS", "600"),
            ],
        )
        .unwrap();
        assert_eq!(c.hostname, "mail.example.com");
        assert_eq!(c.listen.http, "0.0.0.0:9000");
        assert_eq!(c.listen.smtp, "", "an empty value disables a listener");
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/osprey"));
        assert_eq!(c.database.max_connections, 3);
        assert_eq!(c.auth.access_token_ttl_secs, 600);
        assert_eq!(
            env_name(&["listen".into(), "pop3s".into()]),
            "OSPREY_LISTEN_POP3S"
        );
    }

    #[test]
    fn each_listener_has_a_per_ip_limit_of_its_own() {
        let c = Config::default();
        assert_eq!(c.limits.per_ip("smtp"), 50);
        assert_eq!(c.limits.per_ip("imap"), 500);
        assert_eq!(c.limits.per_ip("submission"), 500);
        let c = load_str(
            "[limits]\nmax_connections_per_ip = 80\n[limits.per_ip]\nimap = 1000\n",
            &[("OSPREY_LIMITS_PER_IP_POP3S", "7")],
        )
        .unwrap();
        assert_eq!(c.limits.per_ip("imap"), 1000);
        assert_eq!(
            c.limits.per_ip("imaps"),
            80,
            "0 takes max_connections_per_ip"
        );
        assert_eq!(c.limits.per_ip("pop3s"), 7);
        assert_eq!(c.limits.per_ip("smtp"), 50);
        let e = load_str("[limits.per_ip]\nhttp = 5\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("http"), "{e}");
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values_naming_the_key() {
        let e = load_str("hostnam = \"x\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("hostnam"), "{e}");
        let e = load_str("[listen]\nhttps = \"127.0.0.1:1\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("https"), "{e}");
        let e = load_str("[listen]\nhttp = \"localhost\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("listen.http"), "{e}");
        let e = load_str("", &[("OSPREY_LISTEN_IMAP", "nope")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("listen.imap"), "{e}");
        let e = load_str("", &[("OSPREY_DATABASE_MAX_CONNECTIONS", "many")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("database.max_connections"), "{e}");
        let e = load_str("database_url = \"mysql://x\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("database_url"), "{e}");
        let e = load_str("hostname = \"bad_host\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("hostname"), "{e}");
        let e = load_str("dns_servers = \"127.0.0.1:5353, resolver\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("dns_servers") && e.contains("'resolver'"), "{e}");
        let c = load_str("", &[("OSPREY_DNS_SERVERS", "192.0.2.53, 127.0.0.1:5353")]).unwrap();
        assert_eq!(
            c.dns_servers().unwrap(),
            [
                "192.0.2.53:53".parse().unwrap(),
                "127.0.0.1:5353".parse().unwrap()
            ]
        );
    }

    #[test]
    fn autologout_timers_have_their_rfc_minimum() {
        // RFC 9051 §5.4: at least 30 minutes; RFC 1939 §3: at least 10.
        let e = load_str("[imap]\nidle_timeout_secs = 1799\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("imap.idle_timeout_secs"), "{e}");
        assert!(load_str("[imap]\nidle_timeout_secs = 1800\n", &[]).is_ok());
        let e = load_str("", &[("OSPREY_POP3_IDLE_TIMEOUT_SECS", "599")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("pop3.idle_timeout_secs"), "{e}");
    }

    #[test]
    fn the_example_file_documents_every_key_and_parses() {
        let example = include_str!("../../../osprey.example.toml");
        let parsed: toml::Table = example.parse().unwrap();
        let _: Config = toml::Value::Table(parsed.clone())
            .try_into()
            .expect("the example is a valid config");
        for (path, _) in keys() {
            let (last, tables) = path.split_last().expect("a key path is not empty");
            let present = tables
                .iter()
                .try_fold(&parsed, |t, k| t.get(k).and_then(|v| v.as_table()))
                .is_some_and(|t| t.contains_key(last));
            assert!(present, "osprey.example.toml lacks {}", path.join("."));
            assert!(
                example.contains(&env_name(&path)),
                "osprey.example.toml does not name {}",
                env_name(&path)
            );
        }
    }
}
