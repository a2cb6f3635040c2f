//! The submission port: AUTH before MAIL (RFC 4954, RFC 6409), STARTTLS, sender checks.

use osprey_proto::sasl::{ScramClient, decode_base64, encode_base64};

use crate::harness::{ANN, Harness, PASSWORD, plain};

#[tokio::test]
async fn submission_requires_tls_then_auth_before_mail() {
    let h = Harness::start().await;
    let mut c = h.connect(h.submission).await;
    let ehlo = c.expect("EHLO c", "250").await;
    assert!(
        ehlo.contains("AUTH SCRAM-SHA-256") && !ehlo.contains("PLAIN"),
        "{ehlo}"
    );
    c.expect(
        &format!("AUTH PLAIN {}", plain(ANN, PASSWORD)),
        "538 5.7.11",
    )
    .await;
    c.expect("MAIL FROM:<ann@mx.example>", "530 5.7.0").await;
    c.expect("STARTTLS", "220").await;
    let mut c = c.start_tls().await;
    let ehlo = c.expect("EHLO c", "250").await;
    assert!(ehlo.contains("AUTH SCRAM-SHA-256 PLAIN LOGIN"), "{ehlo}");
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, "wrong")), "535 5.7.8")
        .await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "235 2.7.0")
        .await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "503 5.5.1")
        .await;
    c.expect("MAIL FROM:<bob@mx.example>", "550 5.7.1").await;
    c.expect("MAIL FROM:<ann@mx.example>", "250").await;
    c.expect("RCPT TO:<bob@mx.example>", "250").await;
    // Authenticated users relay by default (relay mode local_users).
    c.expect("RCPT TO:<friend@elsewhere.example>", "250 2.1.5")
        .await;
    let r = c.data("Subject: from ann\r\n\r\nhello bob\r\n").await;
    assert!(r.starts_with("250"), "{r}");
    let queued = h
        .store
        .queue()
        .queue_entries(&osprey_store::QueueFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].message.sender, ANN);
    assert_eq!(
        queued[0].message.account_id.as_deref(),
        Some(h.ann.as_str())
    );
    assert_eq!(queued[0].recipients[0].address, "friend@elsewhere.example");
    let bob = h.account_id("bob@mx.example").await;
    let stored = h.inbox(&bob).await;
    let body = String::from_utf8(h.blobs.get(&stored[0].blob_hash).await.unwrap()).unwrap();
    assert!(body.contains("with ESMTPSA id"), "{body}");
}

#[tokio::test]
async fn auth_login_scram_and_cancel() {
    let h = Harness::with(|c| c.plaintext_loopback = true).await;
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    // LOGIN: user name and password in two challenges.
    assert_eq!(
        c.cmd("AUTH LOGIN").await,
        format!("334 {}", encode_base64(b"Username:"))
    );
    assert_eq!(
        c.cmd(&encode_base64(ANN.as_bytes())).await,
        format!("334 {}", encode_base64(b"Password:"))
    );
    c.expect(&encode_base64(PASSWORD.as_bytes()), "235").await;
    // SCRAM-SHA-256 in a new session, and a cancelled exchange first.
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect("AUTH PLAIN", "334").await;
    c.expect("*", "501 5.0.0").await;
    let mut client = ScramClient::new(ANN, PASSWORD, "rOprNGfwEbeRWgbNEkqO");
    let r = c
        .cmd(&format!(
            "AUTH SCRAM-SHA-256 {}",
            encode_base64(client.client_first().as_bytes())
        ))
        .await;
    let server_first = decode_base64(r.strip_prefix("334 ").unwrap()).unwrap();
    let fin = client.client_final(&server_first).unwrap();
    let r = c.cmd(&encode_base64(fin.as_bytes())).await;
    client
        .verify_server_final(&decode_base64(r.strip_prefix("334 ").unwrap()).unwrap())
        .unwrap();
    c.expect("", "235 2.7.0").await;
    c.expect(&format!("MAIL FROM:<{ANN}>"), "250").await;
}

#[tokio::test]
async fn too_many_commands_or_failures_before_auth_close_the_session() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.max_commands_before_auth = 3;
        c.max_auth_failures = 2;
    })
    .await;
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect("NOOP", "250").await;
    c.expect("NOOP", "250").await;
    c.expect("NOOP", "421 4.7.0").await;
    assert!(c.closed().await);
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, "wrong1")), "535")
        .await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, "wrong2")), "421 4.7.0")
        .await;
    assert!(c.closed().await);
}

#[tokio::test]
async fn cram_md5_only_with_the_legacy_option_after_a_password_login() {
    use osprey_proto::sasl::cram_md5_digest;
    let h = Harness::with(|c| c.plaintext_loopback = true).await;
    let mut c = h.connect(h.submission).await;
    assert!(!c.expect("EHLO c", "250").await.contains("CRAM-MD5"));
    c.expect("AUTH CRAM-MD5", "504").await;

    let h = Harness::legacy().await;
    let mut c = h.connect(h.submission).await;
    assert!(
        c.expect("EHLO c", "250")
            .await
            .contains("AUTH SCRAM-SHA-256 PLAIN LOGIN CRAM-MD5")
    );
    // No sealed secret before a password login: CRAM-MD5 fails.
    let challenge = c.expect("AUTH CRAM-MD5", "334").await;
    let challenge = decode_base64(&challenge[4..]).unwrap();
    let digest = cram_md5_digest(PASSWORD.as_bytes(), &challenge);
    c.expect(&encode_base64(format!("{ANN} {digest}").as_bytes()), "535")
        .await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "235")
        .await;
    // Now it works, in a new session.
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    let challenge = c.expect("AUTH CRAM-MD5", "334").await;
    let challenge = decode_base64(&challenge[4..]).unwrap();
    let digest = cram_md5_digest(PASSWORD.as_bytes(), &challenge);
    c.expect(
        &encode_base64(format!("{ANN} {digest}").as_bytes()),
        "235 2.7.0",
    )
    .await;
}
