//! A domain's DNS records compared with what the DNS answers, case by case, and the
//! lookups themselves through the real resolver against a loopback DNS server.

use std::sync::Arc;

use osprey_core::MtaStsMode;

use osprey_mail::dns::{
    DnsError, HickoryResolver, RecordKind, Resolver,
    setup::{self, DomainSetup, Expected, Purpose, Services, Status},
    testing::{DnsServer, Zone},
};

fn records() -> Vec<Expected> {
    setup::expected(&DomainSetup {
        domain: "example.org",
        mail_host: "mx.example.org",
        dkim: Some(("s1", "v=DKIM1; k=rsa; p=AAAA BBBB")),
        services: &Services {
            submissions: Some(465),
            submission: None,
            imaps: Some(1993),
            imap: None,
            pop3s: None,
            pop3: None,
        },
        mta_sts: MtaStsMode::Testing,
    })
}

fn one(purpose: Purpose) -> Expected {
    records()
        .into_iter()
        .find(|r| r.purpose == purpose)
        .unwrap()
}

fn status(purpose: Purpose, found: &[&str]) -> (Status, Option<String>) {
    let c = setup::compare(
        one(purpose),
        Ok(found.iter().map(|s| s.to_string()).collect()),
        "mx.example.org",
    );
    (c.status, c.advice)
}

#[test]
fn services_that_are_off_get_no_record_and_ports_are_the_listeners() {
    let names: Vec<String> = records().iter().map(|r| r.name.clone()).collect();
    assert!(names.contains(&"_imaps._tcp.example.org".to_owned()));
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("_imap._tcp") || n.starts_with("_pop3"))
    );
    let imaps = one(Purpose::Service("imaps"));
    assert_eq!(imaps.value, "0 1 1993 mx.example.org.");
    assert_eq!(one(Purpose::Autoconfig).value, "mx.example.org.");
    // With every client listener off, no name leads clients here.
    let none = setup::expected(&DomainSetup {
        domain: "example.org",
        mail_host: "mx.example.org",
        dkim: None,
        services: &Services {
            submissions: None,
            submission: None,
            imaps: None,
            imap: None,
            pop3s: None,
            pop3: None,
        },
        mta_sts: MtaStsMode::None,
    });
    assert!(
        !none
            .iter()
            .any(|r| matches!(r.purpose, Purpose::Autoconfig | Purpose::Autodiscover)),
        "{none:?}"
    );
}

#[test]
fn mx_records_must_name_this_host_and_a_null_mx_refuses_mail() {
    assert_eq!(status(Purpose::Mx, &["10 MX.example.org."]).0, Status::Ok);
    assert_eq!(
        status(Purpose::Mx, &["10 other.example.", "20 mx.example.org."]).0,
        Status::Ok
    );
    let (s, advice) = status(Purpose::Mx, &["10 other.example."]);
    assert_eq!(s, Status::Different);
    assert!(advice.unwrap().contains("other.example."));
    // RFC 7505 §3: "a domain that advertises a null MX MUST NOT advertise any other MX
    // RR"; its wish not to receive mail wins.
    let (s, advice) = status(Purpose::Mx, &["0 ."]);
    assert_eq!(s, Status::Different);
    assert!(advice.unwrap().contains("null MX"));
    assert_eq!(status(Purpose::Mx, &[]).0, Status::Missing);
}

#[test]
fn spf_must_cover_this_server_and_be_one_record() {
    assert_eq!(status(Purpose::Spf, &["v=spf1 mx -all"]).0, Status::Ok);
    assert_eq!(
        status(Purpose::Spf, &["v=spf1 +a:mx.example.org ~all"]).0,
        Status::Ok
    );
    assert_eq!(
        status(
            Purpose::Spf,
            &["google-site-verification=x", "v=spf1 mx ~all"]
        )
        .0,
        Status::Ok,
        "other TXT records are not SPF"
    );
    assert_eq!(
        status(Purpose::Spf, &["v=spf10 mx"]).0,
        Status::Missing,
        "RFC 7208 §4.5: the version is followed by a space or ends the record"
    );
    assert_eq!(
        status(Purpose::Spf, &["v=spf1 include:relay.example -all"]).0,
        Status::Different
    );
    assert_eq!(
        status(Purpose::Spf, &["v=spf1 mx -all", "v=spf1 -all"]).0,
        Status::Different
    );
}

#[test]
fn the_dkim_key_is_compared_by_its_public_key_alone() {
    assert_eq!(
        status(Purpose::Dkim, &["v=DKIM1;k=rsa;p=AAAABBBB"]).0,
        Status::Ok,
        "spaces and tag order do not matter"
    );
    assert_eq!(
        status(Purpose::Dkim, &["v=DKIM1; p=CCCC"]).0,
        Status::Different
    );
    assert_eq!(status(Purpose::Dkim, &[]).0, Status::Missing);
}

#[test]
fn dmarc_needs_one_record_with_a_policy() {
    assert_eq!(
        status(Purpose::Dmarc, &["v=DMARC1; p=reject"]),
        (Status::Ok, None)
    );
    assert_eq!(status(Purpose::Dmarc, &["v=DMARC1; p=none"]).0, Status::Ok);
    assert!(status(Purpose::Dmarc, &["v=DMARC1; p=none"]).1.is_some());
    assert_eq!(
        status(Purpose::Dmarc, &["v=DMARC1; rua=mailto:x@y"]).0,
        Status::Different
    );
    assert_eq!(
        status(Purpose::Dmarc, &["v=DMARC1; p=reject", "v=DMARC1; p=none"]).0,
        Status::Different
    );
}

#[test]
fn a_dns_failure_is_unknown_not_missing() {
    let c = setup::compare(
        one(Purpose::Mx),
        Err(DnsError::Temporary {
            name: "example.org".into(),
            reason: "timed out".into(),
        }),
        "mx.example.org",
    );
    assert_eq!(c.status, Status::Unknown);
    assert!(c.advice.unwrap().contains("timed out"));
}

#[test]
fn zone_lines_quote_txt_in_strings_of_at_most_255_octets() {
    let mut key = one(Purpose::Dkim);
    key.value = "x".repeat(300);
    let line = key.zone_line();
    assert_eq!(
        line,
        format!(
            "s1._domainkey.example.org. 3600 IN TXT \"{}\" \"{}\"",
            "x".repeat(255),
            "x".repeat(45)
        )
    );
}

#[tokio::test]
async fn records_are_looked_up_in_presentation_form_through_the_resolver() {
    let zone = Zone::default();
    zone.add("example.org", "MX", "10 mx.example.org");
    zone.add("mx.example.org", "A", "192.0.2.25");
    zone.add("mx.example.org", "AAAA", "2001:db8::25");
    zone.add("_imaps._tcp.example.org", "SRV", "0 1 1993 mx.example.org");
    zone.add("autoconfig.example.org", "CNAME", "mx.example.org");
    zone.add("mta-sts.example.org", "CNAME", "www.example.org");
    zone.add("_mta-sts.example.org", "TXT", &one(Purpose::MtaSts).value);
    // Longer than the UDP payload the resolver offers (EDNS, 1232 octets): the answer is
    // truncated and the resolver asks again over TCP (RFC 1035 §4.2.1).
    let long = format!("v=DKIM1; k=rsa; p={}", "A".repeat(1500));
    zone.add("s1._domainkey.example.org", "TXT", &long);
    let server = DnsServer::start(zone).await;
    let resolver: Arc<dyn Resolver> =
        Arc::new(HickoryResolver::new(&[server.addr], 25, false).unwrap());
    let ask = |name: &'static str, kind| {
        let r = resolver.clone();
        async move { r.records(name, kind).await.unwrap() }
    };
    assert_eq!(
        ask("example.org", RecordKind::Mx).await,
        ["10 mx.example.org."]
    );
    let mut addrs = ask("mx.example.org", RecordKind::Address).await;
    addrs.sort();
    assert_eq!(addrs, ["192.0.2.25", "2001:db8::25"]);
    assert_eq!(
        ask("_imaps._tcp.example.org", RecordKind::Srv).await,
        ["0 1 1993 mx.example.org."]
    );
    assert_eq!(
        ask("autoconfig.example.org", RecordKind::Cname).await,
        ["mx.example.org."]
    );
    assert_eq!(
        ask("s1._domainkey.example.org", RecordKind::Txt).await,
        std::slice::from_ref(&long)
    );
    assert!(ask("nothing.example.org", RecordKind::Txt).await.is_empty());
    assert!(ask("example.org", RecordKind::Srv).await.is_empty());

    let checked = setup::check(resolver.clone(), "mx.example.org", records()).await;
    let got: Vec<(String, Status)> = checked
        .iter()
        .map(|c| (c.expected.name.clone(), c.status))
        .collect();
    assert_eq!(
        got,
        [
            ("example.org".to_owned(), Status::Ok),
            ("example.org".to_owned(), Status::Missing),
            ("s1._domainkey.example.org".to_owned(), Status::Different),
            ("_dmarc.example.org".to_owned(), Status::Missing),
            ("_submissions._tcp.example.org".to_owned(), Status::Missing),
            ("_imaps._tcp.example.org".to_owned(), Status::Ok),
            ("autoconfig.example.org".to_owned(), Status::Ok),
            ("autodiscover.example.org".to_owned(), Status::Missing),
            ("_mta-sts.example.org".to_owned(), Status::Ok),
            ("mta-sts.example.org".to_owned(), Status::Different),
            ("_smtp._tls.example.org".to_owned(), Status::Missing),
        ],
        "in the order of the records"
    );
}

#[test]
fn mta_sts_records_come_with_a_policy_and_name_its_id() {
    let without = setup::expected(&DomainSetup {
        domain: "example.org",
        mail_host: "mx.example.org",
        dkim: None,
        services: &Services::default(),
        mta_sts: MtaStsMode::None,
    });
    assert!(
        !without.iter().any(|r| matches!(
            r.purpose,
            Purpose::MtaSts | Purpose::MtaStsHost | Purpose::TlsRpt
        )),
        "no policy, no records"
    );
    assert!(without.iter().any(|r| r.purpose == Purpose::Autoconfig));
    let record = one(Purpose::MtaSts);
    assert_eq!(record.name, "_mta-sts.example.org");
    let policy = osprey_mail::dns::mta_sts::Policy::new(MtaStsMode::Testing, "mx.example.org");
    assert_eq!(record.value, format!("v=STSv1; id={}", policy.id()));
    assert_eq!(one(Purpose::MtaStsHost).value, "mx.example.org.");
    assert_eq!(
        one(Purpose::TlsRpt).value,
        "v=TLSRPTv1; rua=mailto:postmaster@example.org"
    );
}

#[test]
fn an_mta_sts_record_must_be_one_and_name_the_policys_id() {
    let ours = one(Purpose::MtaSts).value;
    assert_eq!(
        status(Purpose::MtaSts, &[&ours, "v=spf1 mx -all"]).0,
        Status::Ok
    );
    assert_eq!(
        status(Purpose::MtaSts, &["v=spf1 mx -all"]).0,
        Status::Missing
    );
    let (s, advice) = status(Purpose::MtaSts, &["v=STSv1; id=old1"]);
    assert_eq!(s, Status::Different);
    assert!(advice.unwrap().contains("old1"));
    // RFC 8461 §3.1: "If the number of resulting records is not one ... senders MUST
    // assume the recipient domain does not have an available MTA-STS Policy."
    assert_eq!(
        status(Purpose::MtaSts, &[&ours, "v=STSv1; id=other"]).0,
        Status::Different
    );
    // RFC 8460 §3, the same for TLS reporting.
    assert_eq!(
        status(Purpose::TlsRpt, &["v=TLSRPTv1; rua=mailto:tls@example.net"]).0,
        Status::Ok
    );
    assert_eq!(
        status(
            Purpose::TlsRpt,
            &["v=TLSRPTv1; rua=mailto:a@x", "v=TLSRPTv1; rua=mailto:b@x"]
        )
        .0,
        Status::Different
    );
}

#[test]
fn client_setup_names_must_be_aliases_of_this_host() {
    assert_eq!(
        status(Purpose::Autoconfig, &["MX.example.org."]).0,
        Status::Ok
    );
    assert_eq!(status(Purpose::Autodiscover, &[]).0, Status::Missing);
    let (s, advice) = status(Purpose::Autodiscover, &["outlook.example.net."]);
    assert_eq!(s, Status::Different);
    assert!(advice.unwrap().contains("outlook.example.net."));
}
