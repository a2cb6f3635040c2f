//! `/admin/domains/{id}/dns`: the records a domain publishes, and a check of each against
//! what a real DNS server (on loopback, asked by the app's resolver) answers.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

fn by_name<'a>(dns: &'a Value, name: &str, kind: &str) -> &'a Value {
    dns["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name && r["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} record at {name}: {dns}"))
}

#[tokio::test]
async fn a_domains_records_are_listed_and_checked_against_the_dns() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "dns.example"})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/admin/domains/{id}/dns");
    let dns = t
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(dns["mail_host"], "mx.example.com");
    assert!(dns.get("checked_at").is_none(), "not checked: {dns}");
    let mx = by_name(&dns, "dns.example", "MX");
    assert_eq!(mx["value"], "10 mx.example.com.");
    assert_eq!(
        mx["zone_line"],
        "dns.example. 3600 IN MX 10 mx.example.com."
    );
    assert_eq!(mx["required"], true);
    assert!(mx.get("status").is_none());
    let dkim = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/domains/{id}/dkim"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let key = by_name(&dns, dkim["dns_name"].as_str().unwrap(), "TXT");
    assert_eq!(key["value"], dkim["dns_value"], "the domain's DKIM key");
    // RFC 1035 §3.3.14: a <character-string> holds at most 255 octets; a 2048-bit key
    // is longer and is split.
    let line = key["zone_line"].as_str().unwrap();
    assert!(line.contains("\" \""), "{line}");
    assert!(line.split('"').all(|part| part.len() <= 255), "{line}");
    // RFC 8314 §5.1: implicit TLS is preferred over STARTTLS.
    assert_eq!(
        by_name(&dns, "_imaps._tcp.dns.example", "SRV")["value"],
        "0 1 993 mx.example.com."
    );
    assert_eq!(
        by_name(&dns, "_imap._tcp.dns.example", "SRV")["value"],
        "10 1 143 mx.example.com."
    );
    assert_eq!(
        by_name(&dns, "_imaps._tcp.dns.example", "SRV")["required"],
        false
    );

    // Publish some of it, some of it wrong.
    let zone = &t.dns.zone;
    zone.add("dns.example", "MX", "10 mx.example.com");
    zone.add("mx.example.com", "A", "127.0.0.1");
    zone.add("dns.example", "TXT", "v=spf1 mx -all");
    zone.add("dns.example", "TXT", "v=spf1 a:other.example -all");
    zone.add("_dmarc.dns.example", "TXT", "v=DMARC1; p=none");
    zone.add("_imaps._tcp.dns.example", "SRV", "0 1 993 mx.example.com");
    zone.add("_submissions._tcp.dns.example", "SRV", "0 0 0 .");
    let checked = t
        .call(
            Method::GET,
            &format!("{path}?check=true"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(checked["checked_at"].is_string(), "{checked}");
    let mx = by_name(&checked, "dns.example", "MX");
    assert_eq!(mx["status"], "ok", "{mx}");
    assert_eq!(mx["found"], json!(["10 mx.example.com."]));
    // RFC 7208 §4.5: "If the resultant record set includes more than one record,
    // check_host() produces the "permerror" result."
    let spf = by_name(&checked, "dns.example", "TXT");
    assert_eq!(spf["status"], "different", "{spf}");
    assert!(
        spf["advice"]
            .as_str()
            .unwrap()
            .contains("More than one SPF record")
    );
    assert_eq!(spf["found"].as_array().unwrap().len(), 2);
    let key = by_name(&checked, dkim["dns_name"].as_str().unwrap(), "TXT");
    assert_eq!(key["status"], "missing", "{key}");
    let dmarc = by_name(&checked, "_dmarc.dns.example", "TXT");
    assert_eq!(dmarc["status"], "ok", "{dmarc}");
    assert!(dmarc["advice"].as_str().unwrap().contains("policy is none"));
    assert_eq!(
        by_name(&checked, "_imaps._tcp.dns.example", "SRV")["status"],
        "ok"
    );
    // RFC 6186 §3.4: "A target of "." means the service is decidedly not available".
    let subs = by_name(&checked, "_submissions._tcp.dns.example", "SRV");
    assert_eq!(subs["status"], "different", "{subs}");
    assert!(subs["advice"].as_str().unwrap().contains("not offered"));
    assert_eq!(
        by_name(&checked, "_pop3s._tcp.dns.example", "SRV")["status"],
        "missing"
    );

    // Fixed: one SPF record, the key published; the check asks again (no cache).
    zone.remove("dns.example");
    zone.add("dns.example", "MX", "10 mx.example.com");
    zone.add("dns.example", "TXT", "v=spf1 mx -all");
    zone.add(
        dkim["dns_name"].as_str().unwrap(),
        "TXT",
        dkim["dns_value"].as_str().unwrap(),
    );
    // The MX host loses its address: the MX points here but mail cannot come.
    zone.remove("mx.example.com");
    zone.add("mx.example.com", "TXT", "no address here");
    let again = t
        .call(
            Method::GET,
            &format!("{path}?check=true"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        by_name(&again, "dns.example", "TXT")["status"],
        "ok",
        "{again}"
    );
    assert_eq!(
        by_name(&again, dkim["dns_name"].as_str().unwrap(), "TXT")["status"],
        "ok",
        "{again}"
    );
    let mx = by_name(&again, "dns.example", "MX");
    assert_eq!(mx["status"], "different", "{mx}");
    assert!(
        mx["advice"].as_str().unwrap().contains("no address"),
        "{mx}"
    );

    // Another domain's administrator sees nothing of it; an unknown domain is 404.
    t.add_account("other@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let other = t.token("other@example.com").await;
    t.call(Method::GET, &path, Some(&other), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::GET,
        "/api/v1/admin/domains/nope/dns",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}
