//! STLS (RFC 2595), AUTH (RFC 5034) with PLAIN and SCRAM-SHA-256, plaintext refusal.

use osprey_proto::sasl::{ScramClient, decode_base64, encode_base64};

use crate::harness::{Harness, PASSWORD, USER};

fn plain(user: &str, password: &str) -> String {
    encode_base64(format!("\0{user}\0{password}").as_bytes())
}

#[tokio::test]
async fn passwords_are_refused_before_stls_and_accepted_after() {
    let h = Harness::with(|c| c.plaintext_loopback = false).await;
    h.deliver(b"Subject: tls\r\n\r\nover tls\r\n").await;
    let mut c = h.connect().await;
    c.ok("CAPA").await;
    let caps = c.lines().await;
    assert!(!caps.contains(&"USER".to_owned()), "{caps:?}");
    assert!(caps.contains(&"SASL SCRAM-SHA-256".to_owned()), "{caps:?}");
    assert!(caps.contains(&"STLS".to_owned()), "{caps:?}");
    c.err(&format!("USER {USER}")).await;
    c.err(&format!("AUTH PLAIN {}", plain(USER, PASSWORD)))
        .await;
    c.ok("STLS").await;
    let mut c = c.start_tls().await;
    c.ok("CAPA").await;
    let caps = c.lines().await;
    assert!(caps.contains(&"USER".to_owned()), "{caps:?}");
    assert!(!caps.contains(&"STLS".to_owned()), "{caps:?}");
    c.ok(&format!("USER {USER}")).await;
    c.ok(&format!("PASS {PASSWORD}")).await;
    c.ok("RETR 1").await;
    assert!(c.lines().await.contains(&"over tls".to_owned()));
}

#[tokio::test]
async fn commands_pipelined_after_stls_are_not_injected() {
    let h = Harness::with(|c| c.plaintext_loopback = false).await;
    let mut c = h.connect().await;
    // RFC 2595 §3.1 / RFC 3207 §4.2: what follows STLS in the same packet is dropped.
    c.raw(format!("STLS\r\nUSER {USER}\r\n").as_bytes()).await;
    assert_eq!(c.line().await, "+OK Begin TLS negotiation");
    let mut c = c.start_tls().await;
    // Had the USER line survived, PASS would be accepted here.
    assert_eq!(c.err(&format!("PASS {PASSWORD}")).await, "-ERR USER first");
}

#[tokio::test]
async fn auth_plain_with_and_without_initial_response() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    c.ok("AUTH").await;
    assert_eq!(c.lines().await, vec!["PLAIN", "SCRAM-SHA-256"]);
    c.ok(&format!("AUTH PLAIN {}", plain(USER, PASSWORD))).await;
    c.ok("QUIT").await;
    let mut c = h.connect().await;
    assert_eq!(c.cmd("AUTH PLAIN").await, "+ ");
    c.ok(&plain(USER, PASSWORD)).await;
    c.ok("QUIT").await;
    let mut c = h.connect().await;
    assert_eq!(c.cmd("AUTH PLAIN").await, "+ ");
    assert_eq!(c.err("*").await, "-ERR authentication cancelled");
    assert_eq!(
        c.err(&format!("AUTH PLAIN {}", plain(USER, "nope"))).await,
        "-ERR [AUTH] invalid login or password"
    );
    c.err("AUTH PLAIN !!notbase64").await;
    c.err("AUTH CRAM-MD5").await;
}

async fn scram(h: &Harness, password: &str) -> (crate::harness::Client, String) {
    let mut c = h.connect().await;
    let mut client = ScramClient::new(USER, password, "fyko+d2lbbFgONRv9qkxdawL");
    let first = encode_base64(client.client_first().as_bytes());
    let challenge = c.cmd(&format!("AUTH SCRAM-SHA-256 {first}")).await;
    let server_first = decode_base64(challenge.strip_prefix("+ ").unwrap()).unwrap();
    let fin = client.client_final(&server_first).unwrap();
    let reply = c.cmd(&encode_base64(fin.as_bytes())).await;
    if let Some(v) = reply.strip_prefix("+ ") {
        client
            .verify_server_final(&decode_base64(v).unwrap())
            .unwrap();
        let done = c.cmd("").await;
        return (c, done);
    }
    (c, reply)
}

#[tokio::test]
async fn auth_scram_sha_256_logs_in_and_proves_the_server() {
    let h = Harness::with(|c| c.plaintext_loopback = false).await;
    let (mut c, done) = scram(&h, PASSWORD).await;
    assert!(done.starts_with("+OK maildrop has 0 messages"), "{done}");
    c.ok("STAT").await;
    c.ok("QUIT").await;
    let (_, done) = scram(&h, "wrong-password").await;
    assert_eq!(done, "-ERR [AUTH] invalid login or password");
}

#[tokio::test]
async fn apop_and_cram_md5_only_with_the_legacy_option_and_after_a_password_login() {
    use osprey_proto::sasl::{apop_digest, cram_md5_digest};
    // Off by default: no timestamp in the greeting, APOP refused, CRAM-MD5 not offered.
    let h = Harness::start().await;
    let (mut c, greeting) = h.connect_greeting().await;
    assert!(!greeting.contains('<'), "{greeting}");
    c.err(&format!("APOP {USER} {}", "0".repeat(32))).await;
    c.ok("CAPA").await;
    assert!(!c.lines().await.iter().any(|l| l.contains("CRAM-MD5")));
    c.err("AUTH CRAM-MD5").await;

    let h = Harness::legacy().await;
    let apop = |greeting: &str, password: &str| {
        let banner = &greeting[greeting.find('<').unwrap()..=greeting.rfind('>').unwrap()];
        apop_digest(banner, password.as_bytes())
    };
    // No sealed secret before the first password login: APOP fails.
    let (mut c, greeting) = h.connect_greeting().await;
    assert_eq!(
        c.err(&format!("APOP {USER} {}", apop(&greeting, PASSWORD)))
            .await,
        "-ERR [AUTH] invalid login or password"
    );
    h.login().await.ok("QUIT").await;
    let (mut c, greeting) = h.connect_greeting().await;
    c.err(&format!("APOP {USER} {}", apop(&greeting, "wrong")))
        .await;
    c.ok(&format!("APOP {USER} {}", apop(&greeting, PASSWORD)))
        .await;
    c.ok("QUIT").await;
    // CRAM-MD5 (RFC 2195).
    let mut c = h.connect().await;
    c.ok("CAPA").await;
    assert!(
        c.lines()
            .await
            .contains(&"SASL PLAIN SCRAM-SHA-256 CRAM-MD5".to_owned())
    );
    let challenge = c.cmd("AUTH CRAM-MD5").await;
    let challenge = decode_base64(challenge.strip_prefix("+ ").unwrap()).unwrap();
    let digest = cram_md5_digest(PASSWORD.as_bytes(), &challenge);
    c.ok(&encode_base64(format!("{USER} {digest}").as_bytes()))
        .await;
    c.ok("QUIT").await;
    // A password change drops the sealed secret.
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            osprey_store::AccountChanges {
                credentials: Some(osprey_core::hash_credentials("Other-Canyon-93b")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (mut c, greeting) = h.connect_greeting().await;
    c.err(&format!("APOP {USER} {}", apop(&greeting, PASSWORD)))
        .await;
    c.err(&format!(
        "APOP {USER} {}",
        apop(&greeting, "Other-Canyon-93b")
    ))
    .await;
}

#[tokio::test]
async fn login_spelling_variants_share_one_failure_count() {
    let h = Harness::start().await;
    // Five failures under five spellings of the same login reach the per-account limit.
    for variant in [
        USER,
        " ann@pop.example",
        "ANN@pop.example",
        "ann@POP.example ",
        "Ann@Pop.Example",
    ] {
        let mut c = h.connect().await;
        c.err(&format!("AUTH PLAIN {}", plain(variant, "wrong-password")))
            .await;
    }
    let mut c = h.connect().await;
    assert_eq!(
        c.err(&format!("AUTH PLAIN {}", plain(USER, PASSWORD)))
            .await,
        "-ERR [SYS/TEMP] too many failed logins, try again later"
    );
}

#[tokio::test]
async fn a_stalled_stls_handshake_ends_the_session() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = false;
        c.login_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    let mut c = h.connect().await;
    c.ok("STLS").await;
    // No ClientHello: the server gives up after the login timeout and closes.
    assert!(c.closed().await);
}
