//! SPF, DKIM and DMARC against a fixed DNS table, with keys and signatures made here.

use osprey_mail::auth::{
    DmarcPolicy, DmarcVerdict, MessageChecks, Received, TxtTable, dns_record, generate_key, sign,
};

const MESSAGE: &str = "From: Ann <ann@sender.test>\r\nTo: bob@rcpt.test\r\nSubject: Signed\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n\r\nHello Bob.\r\n";

fn received<'a>(ip: &str, mail_from: &'a str, message: &'a [u8]) -> Received<'a> {
    Received {
        client_ip: ip.parse().unwrap(),
        helo: "mx.sender.test",
        mail_from,
        message,
    }
}

#[tokio::test]
async fn signed_mail_from_an_authorised_ip_passes_everything() {
    let key = generate_key("sel1").unwrap();
    let record = dns_record(&key.public_spki);
    assert!(record.starts_with("v=DKIM1; k=rsa; p="), "{record}");
    let table = TxtTable::new([
        ("sender.test", "v=spf1 ip4:192.0.2.0/24 -all"),
        ("sel1._domainkey.sender.test", record.as_str()),
        ("_dmarc.sender.test", "v=DMARC1; p=reject"),
    ]);
    let checks = MessageChecks::with_table("mx.rcpt.test", table).unwrap();
    let signature = sign(MESSAGE.as_bytes(), "sender.test", &key).unwrap();
    assert!(signature.starts_with("DKIM-Signature: "), "{signature}");
    let signed = format!("{signature}{MESSAGE}");

    let v = checks
        .check(&received("192.0.2.7", "ann@sender.test", signed.as_bytes()))
        .await;
    assert!(v.spf_pass && v.dkim_pass, "{}", v.header);
    assert_eq!(v.dmarc, DmarcVerdict::Pass);
    assert!(
        v.header
            .starts_with("Authentication-Results: mx.rcpt.test;"),
        "{}",
        v.header
    );
    for part in ["dkim=pass", "spf=pass", "dmarc=pass"] {
        assert!(v.header.contains(part), "{part} in {}", v.header);
    }

    // A wrong IP fails SPF, but the intact signature still satisfies DMARC.
    let v = checks
        .check(&received(
            "203.0.113.9",
            "ann@sender.test",
            signed.as_bytes(),
        ))
        .await;
    assert!(!v.spf_pass && v.dkim_pass, "{}", v.header);
    assert!(v.header.contains("spf=fail"), "{}", v.header);
    assert_eq!(v.dmarc, DmarcVerdict::Pass);
}

#[tokio::test]
async fn forged_mail_fails_dmarc_with_the_domains_policy() {
    let key = generate_key("sel1").unwrap();
    let record = dns_record(&key.public_spki);
    let table = TxtTable::new([
        ("sender.test", "v=spf1 ip4:192.0.2.0/24 -all"),
        ("sel1._domainkey.sender.test", record.as_str()),
        ("_dmarc.sender.test", "v=DMARC1; p=quarantine"),
    ]);
    let checks = MessageChecks::with_table("mx.rcpt.test", table).unwrap();
    let signature = sign(MESSAGE.as_bytes(), "sender.test", &key).unwrap();
    // The body changed after signing, from an IP the domain does not list.
    let tampered = format!(
        "{signature}{}",
        MESSAGE.replace("Hello Bob.", "Pay Mallory.")
    );
    let v = checks
        .check(&received(
            "203.0.113.9",
            "ann@sender.test",
            tampered.as_bytes(),
        ))
        .await;
    assert!(!v.spf_pass && !v.dkim_pass, "{}", v.header);
    // mail-auth reports a body-hash mismatch as neutral (RFC 6376 §6.3 allows either).
    assert!(v.header.contains("dkim=neutral (body hash"), "{}", v.header);
    assert_eq!(
        v.dmarc,
        DmarcVerdict::Fail(DmarcPolicy::Quarantine),
        "{}",
        v.header
    );
    assert!(v.header.contains("dmarc=fail"), "{}", v.header);
}

#[tokio::test]
async fn unsigned_mail_from_a_domain_without_records_is_none() {
    let checks = MessageChecks::with_table("mx.rcpt.test", TxtTable::new([])).unwrap();
    let v = checks
        .check(&received(
            "203.0.113.9",
            "x@nowhere.test",
            MESSAGE.as_bytes(),
        ))
        .await;
    assert_eq!(v.dmarc, DmarcVerdict::NoPolicy);
    assert!(v.header.contains("spf=none"), "{}", v.header);
    assert!(
        !v.header.contains("dkim="),
        "no signature, no DKIM result: {}",
        v.header
    );
}

#[tokio::test]
async fn the_published_policy_is_the_domains_own_or_its_parents_for_subdomains() {
    let table = TxtTable::new([
        ("_dmarc.strict.test", "v=DMARC1; p=reject"),
        ("_dmarc.soft.test", "v=DMARC1; p=none; sp=quarantine"),
    ]);
    let checks = MessageChecks::with_table("mx.rcpt.test", table).unwrap();
    // RFC 7489 §6.3: "p: Requested Mail Receiver policy"; "sp: Requested Mail Receiver
    // policy for all subdomains ... If absent, the policy specified by the "p" tag MUST
    // be applied for subdomains".
    for (domain, want) in [
        ("strict.test", Some(DmarcPolicy::Reject)),
        ("Mail.Strict.Test.", Some(DmarcPolicy::Reject)),
        ("soft.test", Some(DmarcPolicy::None)),
        ("lists.soft.test", Some(DmarcPolicy::Quarantine)),
        ("open.test", None),
    ] {
        assert_eq!(checks.published_policy(domain).await, want, "{domain}");
    }
}
