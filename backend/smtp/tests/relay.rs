//! The four relay modes at RCPT TO, and what an accepted relay leaves in the queue.

use osprey_core::{RelayDestination, RelayMode, RelayPolicy};

use crate::harness::{ANN, Harness, PASSWORD};

async fn set(h: &Harness, mode: RelayMode, networks: &[&str], destinations: &[&str]) {
    h.store
        .settings()
        .set_relay_policy(&RelayPolicy {
            mode,
            networks: networks.iter().map(|n| n.parse().unwrap()).collect(),
            destinations: destinations
                .iter()
                .map(|d| RelayDestination::parse(d).unwrap())
                .collect(),
        })
        .await
        .unwrap();
}

/// An unauthenticated transaction on the MX port; the reply to RCPT TO.
async fn try_rcpt(h: &Harness, rcpt: &str) -> String {
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO client.example", "250").await;
    c.expect("MAIL FROM:<x@sender.example>", "250").await;
    c.cmd(&format!("RCPT TO:<{rcpt}>")).await
}

#[tokio::test]
async fn local_hosts_relay_for_listed_networks_only() {
    let h = Harness::start().await;
    assert!(try_rcpt(&h, "a@far.example").await.starts_with("550 5.7.1"));
    set(&h, RelayMode::LocalHosts, &["10.0.0.0/8"], &[]).await;
    assert!(
        try_rcpt(&h, "a@far.example").await.starts_with("550 5.7.1"),
        "127.0.0.1 is not listed"
    );
    set(&h, RelayMode::LocalHosts, &["127.0.0.0/8"], &[]).await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO client.example", "250").await;
    c.expect("MAIL FROM:<x@sender.example> RET=HDRS ENVID=abc123", "250")
        .await;
    c.expect("RCPT TO:<a@far.example> NOTIFY=FAILURE,DELAY", "250 2.1.5")
        .await;
    c.expect("RCPT TO:<ann@mx.example>", "250").await;
    let r = c.data("Subject: relayed\r\n\r\nbody\r\n").await;
    assert!(r.starts_with("250"), "{r}");
    let queued = h.queue().await;
    assert_eq!(queued.len(), 1);
    let q = &queued[0];
    assert_eq!(q.message.sender, "x@sender.example");
    assert_eq!(q.message.subject, "relayed");
    assert_eq!(q.message.envelope_id.as_deref(), Some("abc123"));
    assert!(!q.message.return_full);
    assert_eq!(q.recipients.len(), 1, "the local recipient is not queued");
    assert_eq!(q.recipients[0].notify.as_deref(), Some("FAILURE,DELAY"));
    let body = h.blobs.get(&q.message.blob_hash).await.unwrap();
    let body = String::from_utf8(body).unwrap();
    assert!(
        body.starts_with("Return-Path: <x@sender.example>\r\nReceived: "),
        "{body}"
    );
    assert_eq!(h.inbox(&h.ann).await.len(), 1, "and delivered locally too");
}

#[tokio::test]
async fn listed_addresses_relay_to_listed_destinations_only() {
    let h = Harness::start().await;
    set(
        &h,
        RelayMode::ListedAddresses,
        &["127.0.0.0/8"],
        &["partner.example", "one@other.example"],
    )
    .await;
    assert!(try_rcpt(&h, "x@partner.example").await.starts_with("250"));
    assert!(
        try_rcpt(&h, "x@mx.partner.example")
            .await
            .starts_with("250")
    );
    assert!(try_rcpt(&h, "one@other.example").await.starts_with("250"));
    assert!(
        try_rcpt(&h, "two@other.example")
            .await
            .starts_with("550 5.7.1")
    );
    assert!(
        try_rcpt(&h, "x@far.example").await.starts_with("550 5.7.1"),
        "networks count only in local_hosts mode"
    );
}

/// An authenticated submission (plaintext AUTH allowed on loopback); the reply to RCPT.
async fn submit(h: &Harness, plain: &str) -> String {
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect(&format!("AUTH PLAIN {plain}"), "235").await;
    c.expect(&format!("MAIL FROM:<{ANN}>"), "250").await;
    c.cmd("RCPT TO:<friend@far.example>").await
}

#[tokio::test]
async fn no_relay_refuses_even_authenticated_users() {
    let h = Harness::legacy().await;
    let plain = osprey_proto::sasl::encode_base64(format!("\0{ANN}\0{PASSWORD}").as_bytes());
    let r = submit(&h, &plain).await;
    assert!(r.starts_with("250"), "local_users is the default: {r}");
    set(&h, RelayMode::NoRelay, &["127.0.0.0/8"], &["far.example"]).await;
    let r = submit(&h, &plain).await;
    assert!(r.starts_with("550 5.7.1"), "{r}");
    assert!(
        try_rcpt(&h, "friend@far.example")
            .await
            .starts_with("550 5.7.1")
    );
    assert!(
        try_rcpt(&h, "bob@mx.example").await.starts_with("250"),
        "local mail still arrives"
    );
}
