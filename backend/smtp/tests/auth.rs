//! SPF, DKIM and DMARC on the MX listener: the results in Authentication-Results, forged
//! results removed, and DMARC policies honoured when enforcement is on.

use osprey_mail::auth::{MessageChecks, TxtTable, dns_record, generate_key, sign};

use crate::harness::{ANN, Harness};

fn table(dmarc: &str, dkim: Option<&str>) -> TxtTable {
    let mut records = vec![
        ("sender.example", "v=spf1 ip4:192.0.2.0/24 -all".to_owned()),
        ("_dmarc.sender.example", format!("v=DMARC1; p={dmarc}")),
    ];
    if let Some(r) = dkim {
        records.push(("s1._domainkey.sender.example", r.to_owned()));
    }
    TxtTable::new(records.iter().map(|(n, v)| (*n, v.as_str())))
}

const MESSAGE: &str = "From: x@sender.example\r\nTo: ann@mx.example\r\nSubject: checked\r\nAuthentication-Results: mx.example; dkim=pass (forged)\r\n\tdmarc=pass\r\n\r\nbody\r\n";

async fn send(h: &Harness, message: &str) -> String {
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO mx.sender.example", "250").await;
    c.expect("MAIL FROM:<x@sender.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    c.data(message).await
}

async fn stored(h: &Harness, mailbox: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in h.mailbox(&h.ann, mailbox).await {
        out.push(String::from_utf8(h.blobs.get(&m.blob_hash).await.unwrap()).unwrap());
    }
    out
}

#[tokio::test]
async fn results_are_recorded_and_forged_ones_removed() {
    let checks = MessageChecks::with_table("mx.example", table("reject", None)).unwrap();
    let h = Harness::with_checks(|_| {}, checks).await;
    // 127.0.0.1 is not in the sender's SPF record; enforcement is off by default.
    assert!(send(&h, MESSAGE).await.starts_with("250"));
    let got = stored(&h, "INBOX").await;
    let m = &got[0];
    assert!(m.contains("Authentication-Results: mx.example;"), "{m}");
    assert!(m.contains("spf=fail"), "{m}");
    assert!(m.contains("dmarc=fail"), "{m}");
    assert!(!m.contains("forged"), "the sender's own claim is gone: {m}");
    assert_eq!(m.matches("Authentication-Results:").count(), 1, "{m}");
    let ar = m.find("Authentication-Results:").unwrap();
    assert!(
        ar < m.find("Received:").unwrap(),
        "on top, above Received: {m}"
    );
}

#[tokio::test]
async fn enforced_dmarc_rejects_or_quarantines() {
    let checks = MessageChecks::with_table("mx.example", table("reject", None)).unwrap();
    let h = Harness::with_checks(|c| c.dmarc_enforce = true, checks).await;
    let r = send(&h, MESSAGE).await;
    assert!(r.starts_with("550 5.7.1"), "{r}");
    assert!(stored(&h, "INBOX").await.is_empty());

    let checks = MessageChecks::with_table("mx.example", table("quarantine", None)).unwrap();
    let h = Harness::with_checks(|c| c.dmarc_enforce = true, checks).await;
    assert!(send(&h, MESSAGE).await.starts_with("250"));
    assert!(stored(&h, "INBOX").await.is_empty());
    assert_eq!(stored(&h, "Junk").await.len(), 1, "filed as junk");
}

#[tokio::test]
async fn a_valid_dkim_signature_satisfies_dmarc_from_any_ip() {
    let key = generate_key("s1").unwrap();
    let record = dns_record(&key.public_spki);
    let checks = MessageChecks::with_table("mx.example", table("reject", Some(&record))).unwrap();
    let h = Harness::with_checks(|c| c.dmarc_enforce = true, checks).await;
    let plain = "From: x@sender.example\r\nTo: ann@mx.example\r\nSubject: signed\r\n\r\nbody\r\n";
    let signed = format!(
        "{}{plain}",
        sign(plain.as_bytes(), "sender.example", &key).unwrap()
    );
    assert!(send(&h, &signed).await.starts_with("250"));
    let m = &stored(&h, "INBOX").await[0];
    assert!(m.contains("dkim=pass") && m.contains("dmarc=pass"), "{m}");
}
