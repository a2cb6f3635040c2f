//! Mail's DNS. Where to deliver mail for a domain: MX records in preference order, each
//! host with its addresses, the implicit MX when there is none and the null MX that refuses
//! all mail (RFC 5321 §5.1, RFC 7505); the records of any kind (`records`), and the records
//! a domain publishes for this server (`setup`). [`Resolver`] is a trait so that tests and configured static
//! routes can point domains at loopback ports; [`HickoryResolver`] asks the DNS using the
//! system configuration. This module does not connect anywhere and does not cache beyond
//! what the DNS library does.

use std::{
    collections::HashMap,
    future::Future,
    net::{AddrParseError, IpAddr, SocketAddr},
    pin::Pin,
};

pub mod mta_sts;
pub mod setup;
#[cfg(feature = "testing")]
pub mod testing;

use hickory_resolver::{
    TokioResolver,
    config::{NameServerConfig, ResolveHosts, ResolverConfig},
    net::{NetError, runtime::TokioRuntimeProvider},
    proto::rr::{RData, Record, RecordType},
};

/// A boxed future that can cross threads, so that [`Resolver`] stays dyn-compatible.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One host to try, with every address it resolved to (port included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The MX host name (for TLS server names and `Remote-MTA`), or the domain itself for
    /// an implicit MX or a static route.
    pub host: String,
    pub addrs: Vec<SocketAddr>,
}

/// Why a route or record lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    /// The domain does not exist (NXDOMAIN).
    #[error("no such domain: {0}")]
    NoSuchDomain(String),
    /// The domain publishes a null MX: it accepts no mail.
    // RFC 7505 §3
    #[error("{0} does not accept mail (null MX)")]
    NullMx(String),
    /// The domain exists but neither it nor any of its MX hosts has an address.
    #[error("no route to {0}: no MX host has an address")]
    NoRoute(String),
    /// The answer could not be had now (timeout, SERVFAIL, network); try later.
    #[error("temporary DNS failure for {name}: {reason}")]
    Temporary { name: String, reason: String },
}

impl DnsError {
    /// Returns `true` if and only if asking again later cannot help.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, DnsError::Temporary { .. })
    }

    /// The enhanced status code for a notification or a log line.
    // RFC 3463 §3.2, §3.5; RFC 7505 §4.2
    pub fn status(&self) -> &'static str {
        match self {
            DnsError::NoSuchDomain(_) => "5.1.2",
            DnsError::NullMx(_) => "5.1.10",
            DnsError::NoRoute(_) => "5.4.4",
            DnsError::Temporary { .. } => "4.4.3",
        }
    }
}

/// Finds where mail for a domain goes. Held as `Arc<dyn Resolver>` by the delivery code.
pub trait Resolver: Send + Sync + 'static {
    /// The hosts to try for `domain`, most preferred first. Hosts without any address are
    /// left out; an empty list is never returned (it is [`DnsError::NoRoute`]).
    fn route<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<Target>, DnsError>>;

    /// The TXT records of `name`, each one's strings joined. A name without TXT records,
    /// or that does not exist, has none: `Ok(vec![])`.
    fn txt<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>>;

    /// The records of one kind at `name` in presentation form (RFC 1035 §5.1: `10
    /// mx.example.com.`, a TXT record's strings joined, `0 1 993 mail.example.com.`). A
    /// name without such records, or that does not exist, has none. A resolver that only
    /// knows TXT records says it cannot answer the others.
    fn records<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        match kind {
            RecordKind::Txt => self.txt(name),
            _ => Box::pin(std::future::ready(Err(DnsError::Temporary {
                name: name.to_owned(),
                reason: format!("this resolver does not look up {} records", kind.as_str()),
            }))),
        }
    }
}

/// The kinds of record [`Resolver::records`] looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Mx,
    Txt,
    Srv,
    Cname,
    /// A and AAAA.
    Address,
}

impl RecordKind {
    /// The record type's mnemonic (`"A"` for addresses of either family).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Mx => "MX",
            RecordKind::Txt => "TXT",
            RecordKind::Srv => "SRV",
            RecordKind::Cname => "CNAME",
            RecordKind::Address => "A",
        }
    }
}

/// One MX record, the exchange without its trailing dot (`"."` for the null MX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    pub preference: u16,
    pub exchange: String,
}

/// The hosts to resolve for `domain`, given its MX records: the exchanges by ascending
/// preference (equal preferences keep their order; duplicates removed), or the domain
/// itself when there are no MX records (the implicit MX).
// RFC 5321 §5.1
pub fn mx_hosts(domain: &str, records: &[MxRecord]) -> Result<Vec<String>, DnsError> {
    // RFC 7505 §3: a null MX is a single record with an empty (root) exchange; one among
    // others is a misconfiguration, and the domain's stated wish still wins.
    if records
        .iter()
        .any(|r| r.exchange.is_empty() || r.exchange == ".")
    {
        return Err(DnsError::NullMx(domain.to_owned()));
    }
    if records.is_empty() {
        return Ok(vec![domain.to_owned()]);
    }
    let mut sorted: Vec<&MxRecord> = records.iter().collect();
    sorted.sort_by_key(|r| r.preference);
    let mut hosts: Vec<String> = Vec::with_capacity(sorted.len());
    for r in sorted {
        let host = r.exchange.trim_end_matches('.').to_ascii_lowercase();
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    Ok(hosts)
}

/// The address of an address-literal domain such as `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
// RFC 5321 §4.1.3
pub fn address_literal(domain: &str) -> Option<IpAddr> {
    let inner = domain.strip_prefix('[')?.strip_suffix(']')?;
    match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => inner[5..]
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(IpAddr::V6),
        _ => inner.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Routes from a fixed table: tests and configured routes that send a domain's mail to
/// given addresses. Unknown domains are [`DnsError::NoSuchDomain`].
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    routes: HashMap<String, Vec<SocketAddr>>,
    txt: HashMap<String, Vec<String>>,
}

impl StaticResolver {
    /// A resolver with these routes; domain names match case-insensitively.
    pub fn new(routes: HashMap<String, Vec<SocketAddr>>) -> StaticResolver {
        StaticResolver {
            routes: routes
                .into_iter()
                .map(|(domain, addrs)| (key(&domain), addrs))
                .collect(),
            txt: HashMap::new(),
        }
    }

    /// Parses `(domain, "ip:port")` pairs; a domain given twice gets both addresses, in
    /// order.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<StaticResolver, AddrParseError> {
        let mut routes: HashMap<String, Vec<SocketAddr>> = HashMap::new();
        for (domain, addr) in pairs {
            routes.entry(key(domain)).or_default().push(addr.parse()?);
        }
        Ok(StaticResolver {
            routes,
            txt: HashMap::new(),
        })
    }

    /// Adds TXT records for `name`.
    pub fn with_txt(mut self, name: &str, records: Vec<String>) -> StaticResolver {
        self.txt.entry(key(name)).or_default().extend(records);
        self
    }
}

impl Resolver for StaticResolver {
    fn route<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<Target>, DnsError>> {
        let result = match self.routes.get(&key(domain)) {
            Some(addrs) if !addrs.is_empty() => Ok(vec![Target {
                host: key(domain),
                addrs: addrs.clone(),
            }]),
            Some(_) => Err(DnsError::NoRoute(domain.to_owned())),
            None => Err(DnsError::NoSuchDomain(domain.to_owned())),
        };
        Box::pin(std::future::ready(result))
    }

    fn txt<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        let records = self.txt.get(&key(name)).cloned().unwrap_or_default();
        Box::pin(std::future::ready(Ok(records)))
    }
}

fn key(domain: &str) -> String {
    domain.trim_end_matches('.').to_ascii_lowercase()
}

/// Routes from the DNS, through the system's resolver configuration (`/etc/resolv.conf`).
#[derive(Clone)]
pub struct HickoryResolver {
    inner: TokioResolver,
    port: u16,
}

impl HickoryResolver {
    /// A resolver configured like the system's; targets get `port` (25 for the Internet).
    pub fn from_system_conf(port: u16) -> Result<HickoryResolver, DnsError> {
        HickoryResolver::new(&[], port, true)
    }

    /// A resolver that asks `servers` (UDP, then TCP for long answers) instead of the
    /// system's; `servers` empty means the system's. With `cached` false every question
    /// goes to the servers, so that a check run after a DNS change sees the change (as far
    /// as the servers do), and the hosts file is not read.
    pub fn new(
        servers: &[SocketAddr],
        port: u16,
        cached: bool,
    ) -> Result<HickoryResolver, DnsError> {
        let mut builder = if servers.is_empty() {
            TokioResolver::builder_tokio().map_err(|e| configuration_error(&e))?
        } else {
            let name_servers = servers
                .iter()
                .map(|addr| {
                    let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                    for c in &mut ns.connections {
                        c.port = addr.port();
                    }
                    ns
                })
                .collect();
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(name_servers),
                TokioRuntimeProvider::default(),
            )
        };
        if !cached {
            // A check reports what the world sees: neither a cache nor the hosts file.
            builder.options_mut().cache_size = 0;
            builder.options_mut().use_hosts_file = ResolveHosts::Never;
        }
        let inner = builder.build().map_err(|e| configuration_error(&e))?;
        Ok(HickoryResolver { inner, port })
    }

    async fn resolve_route(&self, domain: &str) -> Result<Vec<Target>, DnsError> {
        if let Some(ip) = address_literal(domain) {
            return Ok(vec![Target {
                host: domain.to_owned(),
                addrs: vec![SocketAddr::new(ip, self.port)],
            }]);
        }
        let name = fqdn(domain);
        let records = match self.inner.mx_lookup(name.as_str()).await {
            Ok(lookup) => mx_records(lookup.answers()),
            Err(e) if e.is_nx_domain() => return Err(DnsError::NoSuchDomain(domain.to_owned())),
            Err(e) if e.is_no_records_found() => Vec::new(),
            Err(e) => return Err(temporary(domain, &e)),
        };
        let mut records = records;
        // RFC 5321 §5.1: hosts of equal preference are tried in random order, which spreads
        // the load; the stable sort in `mx_hosts` keeps this order within a preference.
        shuffle(&mut records);
        let hosts = mx_hosts(&key(domain), &records)?;
        let mut targets = Vec::with_capacity(hosts.len());
        let mut temporary_failure = None;
        for host in hosts {
            match self.inner.lookup_ip(fqdn(&host).as_str()).await {
                Ok(ips) => {
                    let addrs: Vec<SocketAddr> = ips
                        .iter()
                        .map(|ip| SocketAddr::new(ip, self.port))
                        .collect();
                    if !addrs.is_empty() {
                        targets.push(Target { host, addrs });
                    }
                }
                Err(e) if e.is_nx_domain() || e.is_no_records_found() => {
                    tracing::debug!(%domain, %host, "MX host has no address");
                }
                Err(e) => temporary_failure = Some(temporary(&host, &e)),
            }
        }
        match (targets.is_empty(), temporary_failure) {
            (false, _) => Ok(targets),
            (true, Some(e)) => Err(e),
            (true, None) => Err(DnsError::NoRoute(domain.to_owned())),
        }
    }

    async fn resolve_txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        match self.inner.txt_lookup(fqdn(name).as_str()).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|s| String::from_utf8_lossy(s))
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            Err(e) if e.is_nx_domain() || e.is_no_records_found() => Ok(Vec::new()),
            Err(e) => Err(temporary(name, &e)),
        }
    }
}

impl HickoryResolver {
    async fn resolve_records(&self, name: &str, kind: RecordKind) -> Result<Vec<String>, DnsError> {
        let types: &[RecordType] = match kind {
            RecordKind::Mx => &[RecordType::MX],
            RecordKind::Txt => return self.resolve_txt(name).await,
            RecordKind::Srv => &[RecordType::SRV],
            RecordKind::Cname => &[RecordType::CNAME],
            RecordKind::Address => &[RecordType::A, RecordType::AAAA],
        };
        let mut found = Vec::new();
        for &t in types {
            match self.inner.lookup(fqdn(name).as_str(), t).await {
                // Only the asked type: a CNAME the resolver followed is not an answer.
                Ok(lookup) => found.extend(
                    lookup
                        .answers()
                        .iter()
                        .filter(|r| r.record_type() == t)
                        .map(|r| r.data.to_string()),
                ),
                Err(e) if e.is_nx_domain() || e.is_no_records_found() => {}
                Err(e) => return Err(temporary(name, &e)),
            }
        }
        Ok(found)
    }
}

impl Resolver for HickoryResolver {
    fn route<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<Target>, DnsError>> {
        Box::pin(self.resolve_route(domain))
    }

    fn txt<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        Box::pin(self.resolve_txt(name))
    }

    fn records<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        Box::pin(self.resolve_records(name, kind))
    }
}

fn configuration_error(e: &NetError) -> DnsError {
    DnsError::Temporary {
        name: "resolver configuration".to_owned(),
        reason: e.to_string(),
    }
}

fn mx_records(answers: &[Record]) -> Vec<MxRecord> {
    answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::MX(mx) => Some(MxRecord {
                preference: mx.preference,
                exchange: if mx.exchange.is_root() {
                    ".".to_owned()
                } else {
                    mx.exchange.to_ascii()
                },
            }),
            _ => None,
        })
        .collect()
}

fn shuffle<T>(items: &mut [T]) {
    let mut random = [0u8; 64];
    // Without randomness the DNS order stays, which is still a valid order.
    if items.len() < 2 || getrandom::fill(&mut random).is_err() {
        return;
    }
    for i in (1..items.len().min(random.len())).rev() {
        let j = usize::from(random[i]) % (i + 1);
        items.swap(i, j);
    }
}

/// The name with a final dot, so that the resolver's search list is never applied: mail
/// domains are always fully qualified.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

fn temporary(name: &str, e: &NetError) -> DnsError {
    DnsError::Temporary {
        name: name.to_owned(),
        reason: e.to_string(),
    }
}
