//! The DNS records a domain publishes so that mail reaches this server and receivers trust
//! the mail it sends: MX, SPF, the DKIM key, DMARC, the MTA-STS policy's records when
//! the server publishes one, and the records mail clients find their settings with
//! (service records, the autoconfig and autodiscover names); and a check of what the DNS
//! answers now against them.
//!
//! The records are worked out here once for the REST API, the web app and the CLI; the
//! check asks through a [`Resolver`], the server's own.

use std::{fmt, sync::Arc};

use osprey_core::MtaStsMode;

use super::{DnsError, RecordKind, Resolver, mta_sts};

/// The client services this server offers and on which ports, for the SRV records
/// (RFC 6186 §3, RFC 8314 §5.1). `None` is a service that is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    pub submissions: Option<u16>,
    pub submission: Option<u16>,
    pub imaps: Option<u16>,
    pub imap: Option<u16>,
    pub pop3s: Option<u16>,
    pub pop3: Option<u16>,
}

impl Default for Services {
    /// Every service on its registered port.
    fn default() -> Self {
        Services {
            submissions: Some(465),
            submission: Some(587),
            imaps: Some(993),
            imap: Some(143),
            pop3s: Some(995),
            pop3: Some(110),
        }
    }
}

/// What a record is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Mx,
    Spf,
    Dkim,
    Dmarc,
    /// A service record; the service's label (`imaps`, `submission`…).
    Service(&'static str),
    /// The `_mta-sts` TXT record naming the policy's id (RFC 8461 §3.1).
    MtaSts,
    /// The `mta-sts.<domain>` host that serves the policy (RFC 8461 §3.2).
    MtaStsHost,
    /// Where senders report TLS failures (RFC 8460 §3).
    TlsRpt,
    /// The `autoconfig.<domain>` host Thunderbird and others ask for settings.
    Autoconfig,
    /// The `autodiscover.<domain>` host Outlook asks for settings.
    Autodiscover,
}

impl Purpose {
    /// A stable name for APIs: `mx`, `spf`, `dkim`, `dmarc`, `srv`, `mta_sts`,
    /// `mta_sts_host`, `tlsrpt`, `autoconfig`, `autodiscover`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Mx => "mx",
            Purpose::Spf => "spf",
            Purpose::Dkim => "dkim",
            Purpose::Dmarc => "dmarc",
            Purpose::Service(_) => "srv",
            Purpose::MtaSts => "mta_sts",
            Purpose::MtaStsHost => "mta_sts_host",
            Purpose::TlsRpt => "tlsrpt",
            Purpose::Autoconfig => "autoconfig",
            Purpose::Autodiscover => "autodiscover",
        }
    }
}

/// One record the domain should publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub purpose: Purpose,
    /// The owner name, without the final dot.
    pub name: String,
    pub kind: RecordKind,
    /// The record's data in presentation form (a TXT record's text unquoted).
    pub value: String,
    /// Mail is refused or distrusted without it; the others help mail clients.
    pub required: bool,
    /// What the record does, in a sentence.
    pub about: String,
}

impl Expected {
    /// The record as a zone-file line (RFC 1035 §5.1), TXT text quoted in strings of at
    /// most 255 characters (RFC 1035 §3.3.14 `<character-string>`).
    pub fn zone_line(&self) -> String {
        let data = match self.kind {
            RecordKind::Txt => self
                .value
                .as_bytes()
                .chunks(255)
                .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
                .collect::<Vec<_>>()
                .join(" "),
            _ => self.value.clone(),
        };
        format!("{}. 3600 IN {} {data}", self.name, self.kind.as_str())
    }
}

/// What a domain's records are made from.
pub struct DomainSetup<'a> {
    pub domain: &'a str,
    /// The host that receives and sends the mail: this server's host name.
    pub mail_host: &'a str,
    /// The DKIM key's selector and its TXT record (`v=DKIM1; k=rsa; p=…`).
    pub dkim: Option<(&'a str, &'a str)>,
    pub services: &'a Services,
    /// The mode of the domains' MTA-STS policy; `None` publishes none.
    pub mta_sts: MtaStsMode,
}

/// The records `setup.domain` should publish, the ones mail needs first.
pub fn expected(setup: &DomainSetup<'_>) -> Vec<Expected> {
    let (domain, host) = (setup.domain, setup.mail_host.trim_end_matches('.'));
    let mut records = vec![
        Expected {
            purpose: Purpose::Mx,
            name: domain.to_owned(),
            kind: RecordKind::Mx,
            value: format!("10 {host}."),
            required: true,
            about: format!("Other servers deliver the domain's mail to {host}."),
        },
        Expected {
            purpose: Purpose::Spf,
            name: domain.to_owned(),
            kind: RecordKind::Txt,
            value: "v=spf1 mx -all".to_owned(),
            required: true,
            about: "SPF: the domain's mail comes from its MX hosts and from nowhere else."
                .to_owned(),
        },
    ];
    if let Some((selector, value)) = setup.dkim {
        records.push(Expected {
            purpose: Purpose::Dkim,
            name: format!("{selector}._domainkey.{domain}"),
            kind: RecordKind::Txt,
            value: value.to_owned(),
            required: true,
            about: "DKIM: the public key receivers check this server's signatures with.".to_owned(),
        });
    }
    records.push(Expected {
        purpose: Purpose::Dmarc,
        name: format!("_dmarc.{domain}"),
        kind: RecordKind::Txt,
        value: "v=DMARC1; p=quarantine".to_owned(),
        required: true,
        about: "DMARC: receivers put mail that claims the domain but fails SPF and DKIM in junk."
            .to_owned(),
    });
    let s = setup.services;
    // RFC 8314 §5.1: implicit TLS is preferred (a lower priority) over STARTTLS.
    let services = [
        (
            "submissions",
            s.submissions,
            0,
            "Mail clients send through port",
        ),
        (
            "submission",
            s.submission,
            10,
            "Mail clients send through port",
        ),
        ("imaps", s.imaps, 0, "Mail clients read with IMAP on port"),
        ("imap", s.imap, 10, "Mail clients read with IMAP on port"),
        ("pop3s", s.pop3s, 0, "Mail clients read with POP3 on port"),
        ("pop3", s.pop3, 10, "Mail clients read with POP3 on port"),
    ];
    for (service, port, priority, what) in services {
        let Some(port) = port else { continue };
        let tls = if priority == 0 { "TLS" } else { "STARTTLS" };
        records.push(Expected {
            purpose: Purpose::Service(service),
            name: format!("_{service}._tcp.{domain}"),
            kind: RecordKind::Srv,
            value: format!("{priority} 1 {port} {host}."),
            required: false,
            about: format!("{what} {port} ({tls}) of {host}, found by the address alone."),
        });
    }
    // The set-up names lead mail clients to the listeners: none when all are off.
    let clients = [
        s.submissions,
        s.submission,
        s.imaps,
        s.imap,
        s.pop3s,
        s.pop3,
    ]
    .iter()
    .any(Option::is_some);
    let setup_names = [
        (
            Purpose::Autoconfig,
            "autoconfig",
            "Thunderbird and other mail clients",
        ),
        (Purpose::Autodiscover, "autodiscover", "Outlook"),
    ];
    for (purpose, label, client) in setup_names.into_iter().filter(|_| clients) {
        records.push(Expected {
            purpose,
            name: format!("{label}.{domain}"),
            kind: RecordKind::Cname,
            value: format!("{host}."),
            required: false,
            about: format!(
                "{client} fetch their settings from {label}.{domain} (the web server's HTTPS certificate must name it)."
            ),
        });
    }
    if setup.mta_sts != MtaStsMode::None {
        let policy = mta_sts::Policy::new(setup.mta_sts, host);
        records.extend([
            Expected {
                purpose: Purpose::MtaSts,
                name: format!("_mta-sts.{domain}"),
                kind: RecordKind::Txt,
                value: policy.record(),
                required: false,
                about: format!(
                    "MTA-STS: senders deliver to {host} only over verified TLS ({} mode); the id changes with the policy.",
                    setup.mta_sts
                ),
            },
            Expected {
                purpose: Purpose::MtaStsHost,
                name: format!("mta-sts.{domain}"),
                kind: RecordKind::Cname,
                value: format!("{host}."),
                required: false,
                about: format!(
                    "Senders fetch the policy from https://mta-sts.{domain}/.well-known/mta-sts.txt (the web server's HTTPS certificate must name it)."
                ),
            },
            Expected {
                purpose: Purpose::TlsRpt,
                name: format!("_smtp._tls.{domain}"),
                kind: RecordKind::Txt,
                value: format!("v=TLSRPTv1; rua=mailto:postmaster@{domain}"),
                required: false,
                about: "TLS reporting: senders mail the postmaster daily reports of failed TLS connections."
                    .to_owned(),
            },
        ]);
    }
    records
}

/// How the DNS answer compares with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Published as it should be.
    Ok,
    /// Nothing published.
    Missing,
    /// Something else is published.
    Different,
    /// The DNS did not answer.
    Unknown,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::Different => "different",
            Status::Unknown => "unknown",
        })
    }
}

/// A record with what the DNS publishes for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub expected: Expected,
    pub status: Status,
    /// The records of that kind at that name, as the DNS answered.
    pub found: Vec<String>,
    /// What to do about it (or what to know), when there is something.
    pub advice: Option<String>,
}

/// Looks every record up through `resolver` (all at once) and compares.
pub async fn check(
    resolver: Arc<dyn Resolver>,
    mail_host: &str,
    records: Vec<Expected>,
) -> Vec<Checked> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, expected) in records.into_iter().enumerate() {
        let (resolver, host) = (resolver.clone(), mail_host.trim_end_matches('.').to_owned());
        tasks.spawn(async move {
            let found = resolver.records(&expected.name, expected.kind).await;
            let mut checked = compare(expected, found, &host);
            // An MX that points here is only half of it: the host needs an address.
            if checked.status == Status::Ok && checked.expected.purpose == Purpose::Mx {
                match resolver.records(&host, RecordKind::Address).await {
                    Ok(a) if a.is_empty() => {
                        checked.status = Status::Different;
                        checked.advice = Some(format!(
                            "{host} has no address (A or AAAA record): publish this server's public address under it."
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        checked.status = Status::Unknown;
                        checked.advice = Some(format!("The address of {host}: {e}."));
                    }
                }
            }
            (i, checked)
        });
    }
    let mut out: Vec<(usize, Checked)> = tasks.join_all().await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, c)| c).collect()
}

/// Compares one answer with its record.
pub fn compare(
    expected: Expected,
    found: Result<Vec<String>, DnsError>,
    mail_host: &str,
) -> Checked {
    let found = match found {
        Ok(found) => found,
        Err(e) => {
            return Checked {
                expected,
                status: Status::Unknown,
                found: Vec::new(),
                advice: Some(format!("The DNS did not answer: {e}. Try again later.")),
            };
        }
    };
    let (status, advice) = match expected.purpose {
        Purpose::Mx => mx_status(&found, mail_host),
        Purpose::Spf => spf_status(&found, mail_host),
        Purpose::Dkim => dkim_status(&found, &expected.value),
        Purpose::Dmarc => dmarc_status(&found),
        Purpose::Service(_) => srv_status(&found, &expected.value),
        Purpose::MtaSts => mta_sts_status(&found, &expected.value),
        Purpose::TlsRpt => tlsrpt_status(&found),
        Purpose::MtaStsHost | Purpose::Autoconfig | Purpose::Autodiscover => {
            cname_status(&found, mail_host)
        }
    };
    Checked {
        expected,
        status,
        found,
        advice,
    }
}

fn same_host(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

fn mx_status(found: &[String], host: &str) -> (Status, Option<String>) {
    let exchanges: Vec<&str> = found
        .iter()
        .filter_map(|r| r.split_whitespace().nth(1))
        .collect();
    if exchanges.is_empty() {
        return (
            Status::Missing,
            Some("Without an MX record mail goes to the domain's own address, if it has one (RFC 5321 §5.1).".to_owned()),
        );
    }
    if exchanges.contains(&".") {
        // RFC 7505 §3: a null MX says the domain accepts no mail.
        return (
            Status::Different,
            Some("A null MX (RFC 7505) says the domain takes no mail: replace it.".to_owned()),
        );
    }
    if exchanges.iter().any(|e| same_host(e, host)) {
        return (Status::Ok, None);
    }
    (
        Status::Different,
        Some(format!(
            "Mail for the domain goes to {}, not to {host}.",
            exchanges.join(", ")
        )),
    )
}

fn spf_status(found: &[String], host: &str) -> (Status, Option<String>) {
    // RFC 7208 §4.5: records that begin with "v=spf1" (the version, then a space or
    // nothing); more than one is a permanent error.
    let spf: Vec<&String> = found
        .iter()
        .filter(|r| {
            let r = r.trim_start().to_ascii_lowercase();
            r == "v=spf1" || r.starts_with("v=spf1 ")
        })
        .collect();
    match spf.as_slice() {
        [] => (Status::Missing, None),
        [one] => {
            let names_us = one.split_whitespace().skip(1).any(|term| {
                let term = term.trim_start_matches(['+', '?', '~']);
                term.eq_ignore_ascii_case("mx")
                    || term
                        .strip_prefix("a:")
                        .is_some_and(|h| same_host(h, host))
            });
            if names_us {
                (Status::Ok, None)
            } else {
                (
                    Status::Different,
                    Some(format!(
                        "The SPF record names neither the MX hosts (mx) nor {host} (a:{host}): mail from here passes only if another term covers this server's address."
                    )),
                )
            }
        }
        _ => (
            Status::Different,
            Some("More than one SPF record: receivers treat that as an error (RFC 7208 §4.5). Keep one.".to_owned()),
        ),
    }
}

/// The `p=` tag of a DKIM key record, without spaces.
fn dkim_key(record: &str) -> Option<String> {
    record.split(';').find_map(|tag| {
        let (name, value) = tag.split_once('=')?;
        (name.trim() == "p").then(|| value.split_whitespace().collect())
    })
}

fn dkim_status(found: &[String], value: &str) -> (Status, Option<String>) {
    if found.is_empty() {
        return (
            Status::Missing,
            Some(
                "Receivers cannot verify this server's signatures until the key is published."
                    .to_owned(),
            ),
        );
    }
    let ours = dkim_key(value);
    if found.iter().any(|r| dkim_key(r) == ours) {
        (Status::Ok, None)
    } else {
        (
            Status::Different,
            Some("Another key is published under this selector: publish this one.".to_owned()),
        )
    }
}

fn dmarc_status(found: &[String]) -> (Status, Option<String>) {
    let dmarc: Vec<&String> = found
        .iter()
        .filter(|r| r.trim_start().starts_with("v=DMARC1"))
        .collect();
    match dmarc.as_slice() {
        [] => (Status::Missing, None),
        [one] => {
            let policy = one.split(';').find_map(|tag| {
                let (name, value) = tag.split_once('=')?;
                (name.trim() == "p").then(|| value.trim().to_ascii_lowercase())
            });
            match policy.as_deref() {
                Some("quarantine" | "reject") => (Status::Ok, None),
                Some("none") => (
                    Status::Ok,
                    Some("The policy is none: receivers only watch, and deliver mail that fails.".to_owned()),
                ),
                _ => (
                    Status::Different,
                    Some("The DMARC record has no valid policy (p=): receivers ignore it.".to_owned()),
                ),
            }
        }
        // RFC 7489 §6.6.3: more than one record means no DMARC policy at all.
        _ => (
            Status::Different,
            Some("More than one DMARC record: receivers apply none of them (RFC 7489 §6.6.3). Keep one.".to_owned()),
        ),
    }
}

fn srv_status(found: &[String], value: &str) -> (Status, Option<String>) {
    // priority weight port target
    let fields = |r: &str| -> Option<(String, String)> {
        let mut f = r.split_whitespace().skip(2);
        Some((f.next()?.to_owned(), f.next()?.to_owned()))
    };
    let Some((port, target)) = fields(value) else {
        return (Status::Unknown, None);
    };
    if found.is_empty() {
        return (Status::Missing, None);
    }
    if found
        .iter()
        .filter_map(|r| fields(r))
        .any(|(p, t)| p == port && same_host(&t, &target))
    {
        return (Status::Ok, None);
    }
    if found
        .iter()
        .filter_map(|r| fields(r))
        .any(|(_, t)| t == ".")
    {
        // RFC 6186 §3.4: a target of "." says the service is not offered.
        return (
            Status::Different,
            Some("The record says the service is not offered here (target \".\").".to_owned()),
        );
    }
    (
        Status::Different,
        Some(format!("Clients are sent to {}.", found.join(", "))),
    )
}

fn mta_sts_status(found: &[String], value: &str) -> (Status, Option<String>) {
    // RFC 8461 §3.1: records that do not begin with "v=STSv1;" are discarded; "if the
    // number of resulting records is not one ... senders MUST assume the recipient
    // domain does not have an available MTA-STS Policy".
    let ids: Vec<Option<&str>> = found
        .iter()
        .filter(|r| r.trim_start().starts_with("v=STSv1"))
        .map(|r| mta_sts::record_id(r))
        .collect();
    match ids.as_slice() {
        [] => (Status::Missing, None),
        [Some(id)] if Some(*id) == mta_sts::record_id(value) => (Status::Ok, None),
        [Some(id)] => (
            Status::Different,
            Some(format!("The published id ({id}) is not the policy's: publish this one, so that senders fetch the changed policy.")),
        ),
        [None] => (
            Status::Different,
            Some("The record has no id: senders ignore it.".to_owned()),
        ),
        _ => (
            Status::Different,
            Some("More than one MTA-STS record: senders then apply no policy (RFC 8461 §3.1). Keep one.".to_owned()),
        ),
    }
}

fn tlsrpt_status(found: &[String]) -> (Status, Option<String>) {
    // RFC 8460 §3: "If the number of resulting records is not one, senders MUST
    // assume the recipient domain does not implement TLSRPT."
    let reports = found
        .iter()
        .filter(|r| r.trim_start().starts_with("v=TLSRPTv1"))
        .count();
    match reports {
        0 => (Status::Missing, None),
        1 => (Status::Ok, None),
        _ => (
            Status::Different,
            Some("More than one TLS reporting record: senders then send no reports (RFC 8460 §3). Keep one.".to_owned()),
        ),
    }
}

fn cname_status(found: &[String], host: &str) -> (Status, Option<String>) {
    if found.iter().any(|t| same_host(t, host)) {
        return (Status::Ok, None);
    }
    if found.is_empty() {
        return (
            Status::Missing,
            Some(format!(
                "Publish the alias, or address records (A, AAAA) with {host}'s addresses."
            )),
        );
    }
    (
        Status::Different,
        Some(format!(
            "The name is an alias of {}, not of {host}.",
            found.join(", ")
        )),
    )
}
