//! The `[outbound]` section turned into a running queue worker (routes: fixed ones from
//! the configuration, DNS for the rest; the smarthost; TLS demands; the retry schedule),
//! and the inbound SPF/DKIM/DMARC checks of `[smtp]` with their DNS source.

use std::{collections::HashMap, net::SocketAddr, sync::Arc, time::Duration as StdDuration};

use anyhow::{Context, bail};
use chrono::Duration;
use osprey_core::Live;
use osprey_mail::Submission;
use osprey_outbound::{
    BoxFuture, ClientConfig, Credentials, DnsError, HickoryResolver, QueueSettings, QueueWorker,
    RecordKind, Resolver, Schedule, StaticResolver, Target,
};

use crate::config::{Config, Outbound};

/// `domain=host:port,...` as a map.
fn routes(text: &str) -> anyhow::Result<HashMap<String, Vec<SocketAddr>>> {
    let mut out: HashMap<String, Vec<SocketAddr>> = HashMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (domain, addr) = pair
            .split_once('=')
            .with_context(|| format!("outbound.routes: '{pair}' is not domain=host:port"))?;
        let domain = osprey_core::DomainName::parse(domain.trim())
            .map_err(|e| anyhow::anyhow!("outbound.routes: {e}"))?;
        let addr: SocketAddr = addr.trim().parse().with_context(|| {
            format!("outbound.routes: '{addr}' is not an address like 192.0.2.1:25")
        })?;
        out.entry(domain.as_str().to_owned())
            .or_default()
            .push(addr);
    }
    Ok(out)
}

fn intervals(text: &str) -> anyhow::Result<Vec<Duration>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let secs: i64 = part.parse().ok().filter(|s| *s > 0).with_context(|| {
            format!("outbound.retry_intervals_secs: '{part}' is not a positive number of seconds")
        })?;
        out.push(Duration::seconds(secs));
    }
    if out.is_empty() {
        bail!("outbound.retry_intervals_secs: give at least one interval");
    }
    Ok(out)
}

/// Checks the section when the configuration is loaded.
pub fn validate(o: &Outbound) -> anyhow::Result<()> {
    routes(&o.routes)?;
    intervals(&o.retry_intervals_secs)?;
    if !o.smarthost.is_empty() && smarthost_target(&o.smarthost).is_err() {
        bail!(
            "outbound.smarthost: '{}' is not host:port or ip:port",
            o.smarthost
        );
    }
    if o.lifetime_hours == 0 || o.parallel_domains == 0 || o.connect_timeout_secs == 0 {
        bail!(
            "outbound.lifetime_hours, outbound.parallel_domains and outbound.connect_timeout_secs: must be at least 1"
        );
    }
    Ok(())
}

fn smarthost_target(text: &str) -> anyhow::Result<Target> {
    use std::net::ToSocketAddrs;
    let (host, _) = text.rsplit_once(':').context("no port")?;
    let addrs: Vec<SocketAddr> = text.to_socket_addrs()?.collect();
    if addrs.is_empty() {
        bail!("no address");
    }
    Ok(Target {
        host: host.trim_matches(['[', ']']).to_owned(),
        addrs,
    })
}

/// Fixed routes first; DNS for every other domain.
struct Routes {
    fixed: StaticResolver,
    fixed_domains: Vec<String>,
    dns: Option<HickoryResolver>,
}

impl Resolver for Routes {
    fn route<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<Target>, DnsError>> {
        if self
            .fixed_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            return self.fixed.route(domain);
        }
        match &self.dns {
            Some(dns) => dns.route(domain),
            None => Box::pin(async move {
                Err(DnsError::Temporary {
                    name: domain.to_owned(),
                    reason: "no DNS resolver is configured on this host".into(),
                })
            }),
        }
    }

    fn txt<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        match &self.dns {
            Some(dns) => dns.txt(name),
            None => self.fixed.txt(name),
        }
    }

    fn records<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        match &self.dns {
            Some(dns) => dns.records(name, kind),
            None => Box::pin(async move {
                Err(DnsError::Temporary {
                    name: name.to_owned(),
                    reason: "no DNS resolver is configured on this host".into(),
                })
            }),
        }
    }
}

/// The server's resolver (`dns_servers`, else the system's), or `None` with a warning
/// when there is none. `cached` false asks the servers every time.
fn system_dns(config: &Config, port: u16, cached: bool) -> anyhow::Result<Option<HickoryResolver>> {
    let servers = config
        .dns_servers()
        .map_err(|e| anyhow::anyhow!("dns_servers: {e}"))?;
    Ok(match HickoryResolver::new(&servers, port, cached) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(error = %e, "no DNS resolver: only outbound.routes are reachable and DNS checks fail");
            None
        }
    })
}

/// The resolver a domain's DNS check asks: the server's, uncached.
pub fn check_resolver(config: &Config) -> anyhow::Result<Arc<dyn Resolver>> {
    Ok(Arc::new(Routes {
        fixed: StaticResolver::default(),
        fixed_domains: Vec::new(),
        dns: system_dns(config, 25, false)?,
    }))
}

/// The queue worker for this configuration, or `None` when outbound delivery is off.
pub fn worker(
    config: &Config,
    submission: Submission,
    schedule: Live<Schedule>,
) -> anyhow::Result<Option<QueueWorker>> {
    let o = &config.outbound;
    if !o.enabled {
        return Ok(None);
    }
    let fixed = routes(&o.routes)?;
    let fixed_domains: Vec<String> = fixed.keys().cloned().collect();
    let dns = system_dns(config, o.port, true)?;
    let resolver: Arc<dyn Resolver> = Arc::new(Routes {
        fixed: StaticResolver::new(fixed),
        fixed_domains,
        dns,
    });
    let mut client = ClientConfig::new(&config.hostname, osprey_outbound::system_roots_config());
    client.connect_timeout = StdDuration::from_secs(o.connect_timeout_secs);
    if !o.smarthost_user.is_empty() {
        client.auth = Some(Credentials {
            user: o.smarthost_user.clone(),
            password: o.smarthost_password.clone(),
        });
    }
    let smarthost = if o.smarthost.is_empty() {
        None
    } else {
        Some(
            smarthost_target(&o.smarthost)
                .with_context(|| format!("outbound.smarthost: {}", o.smarthost))?,
        )
    };
    let settings = QueueSettings {
        hostname: config.hostname.clone(),
        schedule,
        client,
        smarthost,
        require_tls: o
            .require_tls
            .split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect(),
        parallel_domains: o.parallel_domains as usize,
        max_alias_depth: config.smtp.max_alias_depth as usize,
    };
    Ok(Some(QueueWorker::new(submission, resolver, settings)))
}

/// The SPF, DKIM and DMARC checks for the MX listener, or `None` when they are off.
pub fn message_checks(config: &Config) -> anyhow::Result<Option<osprey_mail::auth::MessageChecks>> {
    use osprey_mail::auth::{MessageChecks, TxtTable};
    if !config.smtp.verify_senders {
        return Ok(None);
    }
    let file = &config.smtp.dns_txt_file;
    if file.is_empty() {
        return match MessageChecks::system(&config.hostname) {
            Ok(c) => Ok(Some(c)),
            Err(e) => {
                tracing::warn!(error = %e, "no DNS resolver: sender checks are off");
                Ok(None)
            }
        };
    }
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("smtp.dns_txt_file: cannot read {file}"))?;
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once(char::is_whitespace)
            .with_context(|| format!("{file}:{}: expected `name value`", n + 1))?;
        records.push((name.to_owned(), value.trim().trim_matches('"').to_owned()));
    }
    let table = TxtTable::new(records.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    MessageChecks::with_table(&config.hostname, table)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("sender checks: {e}"))
}
