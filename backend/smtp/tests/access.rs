//! IP rules at connect and the kill file at MAIL FROM, with hit counters.

use osprey_store::NewIpRule;

use crate::harness::{ANN, Harness};

fn rule(action: &str, network: &str, listener: Option<&str>) -> NewIpRule {
    NewIpRule {
        action: action.into(),
        network: network.into(),
        listener: listener.map(str::to_owned),
        expires_at: None,
        note: String::new(),
    }
}

#[tokio::test]
async fn ip_rules_first_match_decides_per_listener_with_expiry() {
    let h = Harness::start().await;
    // An expired deny and a deny for another listener do not apply; the allow comes
    // before the broad deny, so loopback is let in.
    let mut expired = rule("deny", "127.0.0.0/8", None);
    expired.expires_at = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
    h.store.access().create_ip_rule(expired).await.unwrap();
    h.store
        .access()
        .create_ip_rule(rule("deny", "127.0.0.1", Some("submission")))
        .await
        .unwrap();
    let allow = h
        .store
        .access()
        .create_ip_rule(rule("allow", "127.0.0.1/32", None))
        .await
        .unwrap();
    h.store
        .access()
        .create_ip_rule(rule("deny", "0.0.0.0/0", None))
        .await
        .unwrap();
    let mut c = h.connect(h.mx).await;
    c.expect("QUIT", "221").await;
    // The submission listener has its own deny rule first.
    let mut c = crate::harness::raw_connect(h.submission).await;
    assert_eq!(c.reply().await, "554 5.7.1 Access denied");
    assert!(c.closed().await);
    h.store.access().delete_ip_rule(&allow.id).await.unwrap();
    let mut c = crate::harness::raw_connect(h.mx).await;
    assert_eq!(c.reply().await, "554 5.7.1 Access denied");
    let rules = h.store.access().ip_rules().await.unwrap();
    let hits: Vec<u64> = rules.iter().map(|r| r.hits).collect();
    assert_eq!(
        hits,
        vec![0, 1, 1],
        "expired 0, submission deny 1, catch-all deny 1"
    );
}

#[tokio::test]
async fn the_kill_file_refuses_senders_domains_and_hosts() {
    let h = Harness::start().await;
    h.store
        .access()
        .create_kill_entry("address", "spam@bad.example", "", None)
        .await
        .unwrap();
    h.store
        .access()
        .create_kill_entry("domain", "worse.example", "", None)
        .await
        .unwrap();
    let host = h
        .store
        .access()
        .create_kill_entry("host", "evil.client", "", None)
        .await
        .unwrap();
    assert!(
        h.store
            .access()
            .create_kill_entry("domain", "worse.example", "", None)
            .await
            .is_err(),
        "no duplicates"
    );
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO good.client", "250").await;
    // A refused sender is refused at each recipient (but the postmaster's, see
    // postmaster.rs), so the refusal comes at RCPT.
    for sender in ["SPAM@bad.example", "x@mail.worse.example"] {
        c.expect(&format!("MAIL FROM:<{sender}>"), "250").await;
        c.expect(&format!("RCPT TO:<{ANN}>"), "550 5.7.1").await;
        c.expect("RSET", "250").await;
    }
    c.expect("MAIL FROM:<ok@bad.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    c.expect("RSET", "250").await;
    c.expect("EHLO evil.client", "250").await;
    c.expect("MAIL FROM:<ok@bad.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "550 5.7.1").await;
    c.expect("RSET", "250").await;
    let entries = h.store.access().kill_entries().await.unwrap();
    assert!(entries.iter().all(|e| e.hits == 1), "{entries:?}");
    h.store.access().delete_kill_entry(&host.id).await.unwrap();
    c.expect("MAIL FROM:<ok@bad.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
}

#[tokio::test]
async fn a_domain_kill_entry_refuses_only_that_domains_recipients() {
    let h = Harness::start().await;
    h.store
        .domains()
        .create_domain(osprey_store::NewDomain {
            name: osprey_core::DomainName::parse("other.example").unwrap(),
            aliases: vec![],
            settings: Default::default(),
            enabled: true,
        })
        .await
        .unwrap();
    let mx = h
        .store
        .domains()
        .domain_by_name("mx.example")
        .await
        .unwrap();
    let entry = h
        .store
        .access()
        .create_kill_entry("domain", "pushy.example", "", Some(&mx.id))
        .await
        .unwrap();
    assert!(
        h.store
            .access()
            .create_kill_entry("domain", "pushy.example", "", None)
            .await
            .is_ok(),
        "the same value may also be server-wide: another scope"
    );
    h.store
        .access()
        .delete_kill_entry(
            &h.store
                .access()
                .kill_entries()
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.domain_id.is_none())
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    c.expect("MAIL FROM:<x@pushy.example>", "250").await;
    // mx.example (and its alias name) refuses the sender; the transaction goes on.
    c.expect(&format!("RCPT TO:<{ANN}>"), "550 5.7.1").await;
    c.expect("RCPT TO:<bob@mx-alias.example>", "550 5.7.1")
        .await;
    c.expect("MAIL FROM:<x@fine.example>", "503").await;
    c.expect("RSET", "250").await;
    c.expect("MAIL FROM:<x@fine.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    let e = h
        .store
        .access()
        .kill_entries()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == entry.id)
        .unwrap();
    assert_eq!(e.hits, 2);
    assert_eq!(e.domain_id.as_deref(), Some(mx.id.as_str()));
}
