//! Message authentication: inbound SPF (RFC 7208), DKIM (RFC 6376) and DMARC (RFC 7489)
//! checks whose results become an `Authentication-Results` header (RFC 8601), and
//! outbound DKIM signing with per-domain keys ([`dkim`]).
//!
//! The checks only report: whether a DMARC failure is refused or filed as junk is the
//! receiving protocol's decision, from the verdict returned here.

mod dkim;
mod dns;
mod keys;

use std::{borrow::Borrow, hash::Hash, net::IpAddr, sync::Arc};

use mail_auth::{
    AuthenticatedMessage, AuthenticationResults, DkimResult, DmarcResult, MessageAuthenticator,
    Parameters, ResolverCache, SpfResult, Txt,
    common::headers::HeaderWriter,
    dmarc::{Policy, verify::DmarcParameters},
    spf::verify::SpfParameters,
};

pub use dkim::{DkimKey, dns_record, generate_key, sign};
pub use dns::TxtTable;
pub use keys::{ensure_dkim_key, rotate_dkim_key, rotate_dkim_key_by};

/// What a DMARC check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmarcVerdict {
    /// The From domain publishes no policy (or it could not be had).
    NoPolicy,
    /// Aligned SPF or DKIM passed.
    Pass,
    /// Neither passed; the domain asks for this treatment.
    Fail(DmarcPolicy),
}

/// The treatment a failing domain asks for (RFC 7489 §6.3 `p=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmarcPolicy {
    None,
    Quarantine,
    Reject,
}

/// The outcome of the checks on one message.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The complete `Authentication-Results:` header field, CRLF-terminated.
    pub header: String,
    pub spf_pass: bool,
    pub dkim_pass: bool,
    pub dmarc: DmarcVerdict,
}

/// One received message and its SMTP envelope.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub client_ip: IpAddr,
    pub helo: &'a str,
    /// The reverse-path; empty for the null sender.
    pub mail_from: &'a str,
    pub message: &'a [u8],
}

/// Most answers kept by [`TxtSource::System`]; when full, it starts over.
const MAX_CACHED: usize = 10_000;
/// How long one DNS query may take: a slow answer is a temporary error, which SPF and
/// DMARC report without refusing the message (RFC 7208 §2.6.6).
const DNS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

type TxtCache = std::sync::Mutex<std::collections::HashMap<Box<str>, (Txt, std::time::Instant)>>;

/// Where TXT answers come from.
#[derive(Clone)]
enum TxtSource {
    /// The system resolver, its answers (and "no such record") kept for their TTL.
    System(Arc<TxtCache>),
    /// A fixed table; other names do not exist.
    Table(TxtTable),
}

impl ResolverCache<Box<str>, Txt> for TxtSource {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self {
            TxtSource::System(cache) => {
                let cache = cache.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .get(name)
                    .filter(|(_, until)| *until > std::time::Instant::now())
                    .map(|(txt, _)| txt.clone())
            }
            TxtSource::Table(t) => t.get(name),
        }
    }

    fn remove<Q>(&self, _: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, name: Box<str>, value: Txt, valid_until: std::time::Instant) {
        if let TxtSource::System(cache) = self {
            let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(name, (value, valid_until));
        }
    }
}

/// Runs the inbound checks. Cheap to clone.
#[derive(Clone)]
pub struct MessageChecks {
    resolver: Arc<MessageAuthenticator>,
    txt: TxtSource,
    /// The `authserv-id` of the header: this server's host name.
    hostname: String,
}

impl MessageChecks {
    /// Checks that ask the system's DNS resolver.
    pub fn system(hostname: &str) -> Result<MessageChecks, String> {
        let (config, mut options) = mail_auth::hickory_resolver::system_conf::read_system_conf()
            .map_err(|e| e.to_string())?;
        options.timeout = DNS_TIMEOUT;
        options.attempts = 1;
        let resolver = MessageAuthenticator::new(config, options).map_err(|e| e.to_string())?;
        Ok(MessageChecks {
            resolver: Arc::new(resolver),
            txt: TxtSource::System(Arc::default()),
            hostname: hostname.to_owned(),
        })
    }

    /// Checks that answer TXT queries from `table` only.
    pub fn with_table(hostname: &str, table: TxtTable) -> Result<MessageChecks, String> {
        // The resolver is never asked for TXT records; SPF `a` and `mx` mechanisms
        // would still use it.
        let resolver = MessageAuthenticator::new_cloudflare().map_err(|e| e.to_string())?;
        Ok(MessageChecks {
            resolver: Arc::new(resolver),
            txt: TxtSource::Table(table),
            hostname: hostname.to_owned(),
        })
    }

    /// The treatment `domain` asks for mail that fails DMARC, as its DMARC record (or
    /// that of the nearest parent domain with one, RFC 7489 §6.6.3) publishes it: `p=`
    /// at the domain itself, `sp=` (else `p=`) at a parent. `None` without a record (or
    /// when DNS does not answer): nothing to honour.
    pub async fn published_policy(&self, domain: &str) -> Option<DmarcPolicy> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
        for skip in 0..labels.len().saturating_sub(1) {
            let name = labels[skip..].join(".");
            let key = format!("_dmarc.{name}.");
            let Ok(record) = self
                .resolver
                .txt_lookup::<mail_auth::dmarc::Dmarc>(key, Some(&self.txt))
                .await
            else {
                continue;
            };
            let policy = if skip == 0 { record.p } else { record.sp };
            return Some(match policy {
                Policy::Reject => DmarcPolicy::Reject,
                Policy::Quarantine => DmarcPolicy::Quarantine,
                Policy::None | Policy::Unspecified => DmarcPolicy::None,
            });
        }
        None
    }

    /// SPF for the reverse-path (or the HELO name for the null sender), DKIM for every
    /// signature, and DMARC for the From domain.
    pub async fn check(&self, r: &Received<'_>) -> Verdict {
        let host = self.hostname.as_str();
        let Some(msg) = AuthenticatedMessage::parse(r.message) else {
            return Verdict {
                header: format!("Authentication-Results: {host}; none\r\n"),
                spf_pass: false,
                dkim_pass: false,
                dmarc: DmarcVerdict::NoPolicy,
            };
        };
        let txt = &self.txt;
        let dkim = self
            .resolver
            .verify_dkim(Parameters::new(&msg).with_txt_cache(txt))
            .await;
        // RFC 7208 §2.4: the null sender is checked as postmaster@<HELO name>.
        let spf_params = if r.mail_from.is_empty() {
            SpfParameters::verify_ehlo(r.client_ip, r.helo, host)
        } else {
            SpfParameters::verify_mail_from(r.client_ip, r.helo, host, r.mail_from)
        };
        let spf = self
            .resolver
            .verify_spf(Parameters::new(spf_params).with_txt_cache(txt))
            .await;
        let mail_from_domain = r.mail_from.rsplit_once('@').map_or(r.helo, |(_, d)| d);
        let dmarc = self
            .resolver
            .verify_dmarc(
                Parameters::new(DmarcParameters::new(&msg, &dkim, mail_from_domain, &spf))
                    .with_txt_cache(txt),
            )
            .await;
        let header_from = msg.from.first().map_or("", String::as_str);
        let mut results = AuthenticationResults::new(host).with_dkim_results(&dkim, header_from);
        results = if r.mail_from.is_empty() {
            results.with_spf_ehlo_result(&spf, r.client_ip, r.helo)
        } else {
            results.with_spf_mailfrom_result(&spf, r.client_ip, r.mail_from, r.helo)
        };
        let results = results.with_dmarc_result(&dmarc);
        let dmarc_verdict = match dmarc.result() {
            DmarcResult::Pass => DmarcVerdict::Pass,
            DmarcResult::Fail(_) => DmarcVerdict::Fail(match dmarc.policy() {
                Policy::Reject => DmarcPolicy::Reject,
                Policy::Quarantine => DmarcPolicy::Quarantine,
                Policy::None | Policy::Unspecified => DmarcPolicy::None,
            }),
            // No record, or a DNS error: nothing to enforce.
            _ => DmarcVerdict::NoPolicy,
        };
        Verdict {
            header: results.to_header(),
            spf_pass: spf.result() == SpfResult::Pass,
            dkim_pass: dkim.iter().any(|d| *d.result() == DkimResult::Pass),
            dmarc: dmarc_verdict,
        }
    }
}
