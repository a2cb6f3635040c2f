//! Greeting, capabilities, states, login and its error paths (RFC 9051 §6.1, §6.2).

use base64::Engine as _;

use crate::harness::{Harness, MSG, PASSWORD, USER, has};

#[tokio::test]
async fn greeting_capability_noop_logout() {
    let h = Harness::start().await;
    let (mut c, greeting) = h.connect_greeting().await;
    assert!(
        greeting.contains("IMAP4rev2") && greeting.ends_with("Osprey ready"),
        "{greeting}"
    );
    let caps = c.expect_ok("a1 CAPABILITY").await;
    for want in [
        "IMAP4rev2",
        "STARTTLS",
        "AUTH=PLAIN",
        "AUTH=SCRAM-SHA-256",
        "SASL-IR",
        "IDLE",
        "LITERAL+",
        "CHILDREN",
        "ESEARCH",
        "STATUS=SIZE",
    ] {
        assert!(caps[0].contains(want), "{want} missing: {caps:?}");
    }
    assert!(
        !caps[0].contains("LITERAL-"),
        "LITERAL+ replaces it: {caps:?}"
    );
    assert!(!caps[0].contains("LOGINDISABLED") && !caps[0].contains("CRAM-MD5"));
    c.expect_ok("a2 NOOP").await;
    let bye = c.expect_ok("a3 LOGOUT").await;
    assert!(bye[0].starts_with("* BYE"), "{bye:?}");
    assert!(c.closed().await);
}

#[tokio::test]
async fn bad_commands_and_wrong_states() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    c.send("+bad").await;
    assert!(c.line().await.starts_with("* BAD"));
    c.expect_bad("a1 FROBNICATE").await;
    c.expect_bad("a2 FETCH 1 FLAGS").await;
    c.expect_bad("a3 SELECT INBOX").await;
    c.expect_ok(&format!("a4 LOGIN {USER} {PASSWORD}")).await;
    let r = c.expect_bad("a5 FETCH 1 FLAGS").await;
    assert!(has(&r, "select a mailbox first"), "{r:?}");
    c.expect_bad(&format!("a6 LOGIN {USER} {PASSWORD}")).await;
    c.expect_ok("a7 SELECT INBOX").await;
    c.expect_bad("a8 FETCH 0:x FLAGS").await;
    let r = c.expect_bad("a9 FETCH 5 FLAGS").await;
    assert!(has(&r, "invalid message sequence number"), "{r:?}");
}

#[tokio::test]
async fn too_many_bad_commands_close_the_session() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.max_bad_commands = 2;
    })
    .await;
    let mut c = h.connect().await;
    c.expect_bad("a1 NOPE").await;
    c.expect_bad("a2 NOPE").await;
    assert!(c.line().await.starts_with("* BYE"));
    assert!(c.closed().await);
}

#[tokio::test]
async fn wrong_password_then_closed_after_the_limit() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.max_auth_failures = 2;
    })
    .await;
    let mut c = h.connect().await;
    let r = c.expect_no(&format!("a1 LOGIN {USER} wrong")).await;
    assert!(has(&r, "[AUTHENTICATIONFAILED]"), "{r:?}");
    let r = c.expect_no(&format!("a2 LOGIN {USER} wrong")).await;
    assert!(r.last().unwrap().contains("AUTHENTICATIONFAILED"));
    assert!(c.line().await.starts_with("* BYE"));
    assert!(c.closed().await);
}

#[tokio::test]
async fn login_refused_before_starttls_then_allowed_over_tls() {
    let h = Harness::with(|_| {}).await;
    let (mut c, greeting) = h.connect_greeting().await;
    assert!(greeting.contains("LOGINDISABLED") && !greeting.contains("AUTH=PLAIN"));
    let r = c.expect_no(&format!("a1 LOGIN {USER} {PASSWORD}")).await;
    assert!(has(&r, "[PRIVACYREQUIRED]"), "{r:?}");
    c.expect_no("a2 AUTHENTICATE PLAIN").await;
    // A command pipelined after STARTTLS is discarded, not run inside TLS.
    c.raw(b"a3 STARTTLS\r\na4 NOOP\r\n").await;
    assert!(c.line().await.starts_with("a3 OK"));
    let mut c = c.start_tls().await;
    let caps = c.expect_ok("a5 CAPABILITY").await;
    assert!(!caps[0].contains("LOGINDISABLED") && caps[0].contains("AUTH=PLAIN"));
    assert!(!caps[0].contains("STARTTLS"));
    let r = c.expect_ok(&format!("a6 LOGIN {USER} {PASSWORD}")).await;
    assert!(!has(&r, "a4 "), "pipelined command ran: {r:?}");
    assert!(r.last().unwrap().contains("[CAPABILITY "), "{r:?}");
}

#[tokio::test]
async fn authenticate_plain_with_and_without_initial_response() {
    let h = Harness::start().await;
    let creds = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    let mut c = h.connect().await;
    c.expect_ok(&format!("a1 AUTHENTICATE PLAIN {creds}")).await;
    let mut c = h.connect().await;
    c.send("a1 AUTHENTICATE PLAIN").await;
    assert_eq!(c.line().await, "+ ");
    c.send(&creds).await;
    assert!(c.line().await.starts_with("a1 OK [CAPABILITY"));
    let mut c = h.connect().await;
    c.send("a1 AUTHENTICATE PLAIN").await;
    c.line().await;
    c.send("*").await;
    assert!(c.line().await.starts_with("a1 BAD"));
    c.expect_no("a2 AUTHENTICATE CRAM-MD5").await;
}

#[tokio::test]
async fn id_enable_namespace() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    let r = c.expect_ok("a1 ID NIL").await;
    assert!(r[0].starts_with("* ID (\"name\" \"Osprey\")"), "{r:?}");
    c.expect_bad("a2 ENABLE IMAP4rev2").await;
    c.expect_ok(&format!("a3 LOGIN {USER} {PASSWORD}")).await;
    let r = c.expect_ok("a4 ENABLE IMAP4rev2 CONDSTORE").await;
    assert_eq!(r[0], "* ENABLED IMAP4rev2 CONDSTORE");
    let r = c.expect_ok("a5 NAMESPACE").await;
    assert_eq!(r[0], "* NAMESPACE ((\"\" \"/\")) NIL NIL");
}

#[tokio::test]
async fn shutdown_says_bye() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    h.trigger.fire();
    assert!(c.line().await.starts_with("* BYE"));
}

#[tokio::test]
async fn idle_timeout_says_bye() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.login_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let mut c = h.connect().await;
    assert!(c.line().await.starts_with("* BYE"));
    assert!(c.closed().await);
}

/// LITERAL+ (RFC 7888 §3): a non-synchronising literal larger than LITERAL-'s 4096 bytes
/// is taken without a continuation request; one over the literal limit is refused and,
/// since its bytes are on their way, the connection is closed (§4).
#[tokio::test]
async fn non_synchronising_literals_past_4096_bytes() {
    let h = Harness::start().await;
    h.deliver(crate::harness::MSG).await;
    let mut c = h.select().await;
    let needle = "x".repeat(5000);
    c.raw(format!("a1 SEARCH SUBJECT {{5000+}}\r\n{needle}\r\n").as_bytes())
        .await;
    let r = c.until_tagged("a1").await;
    assert_eq!(
        r,
        ["* SEARCH", "a1 OK SEARCH completed"],
        "no `+` asked for"
    );
    let big = "y".repeat(70_000);
    c.raw(format!("a2 SEARCH SUBJECT {{70000+}}\r\n{big}\r\n").as_bytes())
        .await;
    let r = c.line().await;
    assert!(r.starts_with("* BAD") || r.starts_with("a2 BAD"), "{r}");
    assert!(c.closed().await);
}

/// CHECK (RFC 3501 §6.4.1) answers OK in the selected state and, like NOOP, reports
/// what changed; outside it, it is `BAD`. RFC 9051 (Appendix E) drops CHECK in favour
/// of NOOP; a session that enabled IMAP4rev2 still gets OK.
#[tokio::test]
async fn check_in_the_selected_state() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    let r = c.expect_bad("a1 CHECK").await;
    assert!(has(&r, "select a mailbox first"), "{r:?}");
    c.expect_ok("a2 SELECT INBOX").await;
    let r = c.expect_ok("a3 CHECK").await;
    assert_eq!(r.len(), 1, "{r:?}");
    h.deliver(MSG).await;
    let r = c.expect_ok("a4 CHECK").await;
    assert_eq!(r[0], "* 2 EXISTS", "{r:?}");
    c.expect_ok("a5 EXAMINE INBOX").await;
    c.expect_ok("a6 CHECK").await;

    let mut c = h.login().await;
    c.expect_ok("b1 ENABLE IMAP4rev2").await;
    c.expect_bad("b2 CHECK").await;
    c.expect_ok("b3 SELECT INBOX").await;
    let r = c.expect_ok("b4 CHECK").await;
    assert_eq!(r.len(), 1, "{r:?}");
}

/// AUTHENTICATE SCRAM-SHA-256 (RFC 7677, RFC 9051 §6.2.2) with an initial response
/// (SASL-IR, RFC 4959): the client proves the password, the server proves it knows
/// the verifier; a wrong password fails with AUTHENTICATIONFAILED.
#[tokio::test]
async fn authenticate_scram_sha_256_proves_both_sides() {
    use osprey_proto::sasl::{ScramClient, decode_base64, encode_base64};
    let h = Harness::start().await;
    for (password, ok) in [(PASSWORD, true), ("wrong-password", false)] {
        let mut c = h.connect().await;
        let mut client = ScramClient::new(USER, password, "fyko+d2lbbFgONRv9qkxdawL");
        let first = encode_base64(client.client_first().as_bytes());
        c.send(&format!("a1 AUTHENTICATE SCRAM-SHA-256 {first}"))
            .await;
        let challenge = c.line().await;
        let server_first = decode_base64(challenge.strip_prefix("+ ").unwrap()).unwrap();
        let fin = client.client_final(&server_first).unwrap();
        c.send(&encode_base64(fin.as_bytes())).await;
        let reply = c.line().await;
        if ok {
            let v = reply.strip_prefix("+ ").expect("the server's proof");
            client
                .verify_server_final(&decode_base64(v).unwrap())
                .unwrap();
            c.send("").await;
            let done = c.line().await;
            assert!(done.starts_with("a1 OK [CAPABILITY"), "{done}");
            c.expect_ok("a2 SELECT INBOX").await;
        } else {
            assert!(reply.starts_with("a1 NO [AUTHENTICATIONFAILED]"), "{reply}");
        }
    }
}

/// CRAM-MD5 (RFC 2195) is offered only with the legacy option, and works once a
/// password login has sealed the secret it needs.
#[tokio::test]
async fn cram_md5_only_with_the_legacy_option() {
    use osprey_proto::sasl::{cram_md5_digest, decode_base64, encode_base64};
    let h = Harness::legacy().await;
    let mut c = h.connect().await;
    let caps = c.expect_ok("a1 CAPABILITY").await;
    assert!(caps[0].contains("AUTH=CRAM-MD5"), "{caps:?}");
    // A password login first (it seals the secret).
    h.login().await.expect_ok("l2 LOGOUT").await;
    let mut c = h.connect().await;
    c.send("a1 AUTHENTICATE CRAM-MD5").await;
    let challenge = c.line().await;
    let challenge = decode_base64(challenge.strip_prefix("+ ").unwrap()).unwrap();
    let digest = cram_md5_digest(PASSWORD.as_bytes(), &challenge);
    c.send(&encode_base64(format!("{USER} {digest}").as_bytes()))
        .await;
    let done = c.line().await;
    assert!(done.starts_with("a1 OK"), "{done}");
    // A wrong digest fails.
    let mut c = h.connect().await;
    c.send("a1 AUTHENTICATE CRAM-MD5").await;
    c.line().await;
    c.send(&encode_base64(
        format!("{USER} {}", "0".repeat(32)).as_bytes(),
    ))
    .await;
    let done = c.line().await;
    assert!(done.starts_with("a1 NO"), "{done}");
}

/// Failed logins count across sessions (the shared throttle, 5 per account by
/// default): then even the right password is refused for a while, and the session
/// is closed (RFC 9051 §7.1 UNAVAILABLE).
#[tokio::test]
async fn failures_across_sessions_are_throttled() {
    let h = Harness::start().await;
    for i in 0..5 {
        let mut c = h.connect().await;
        let r = c
            .expect_no(&format!("f{i} LOGIN {USER} wrong-password"))
            .await;
        assert!(r[0].contains("[AUTHENTICATIONFAILED]"), "{r:?}");
    }
    let mut c = h.connect().await;
    let r = c.expect_no(&format!("a1 LOGIN {USER} {PASSWORD}")).await;
    assert!(r[0].starts_with("a1 NO [UNAVAILABLE]"), "{r:?}");
    assert!(c.closed().await);
}

/// Command lines of 64 KiB are accepted (RFC 7162 §4 raises the recommended command
/// line length to about 8192 octets, and clients that name many UIDs send much longer
/// lines); a longer one gets a tagged BAD for that command, and the session goes on.
#[tokio::test]
async fn long_command_lines_are_accepted_and_longer_ones_refused_alone() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    // A UID set of some 60 KiB.
    let set: Vec<String> = (1..12_000).map(|n| n.to_string()).collect();
    let line = format!("a1 UID FETCH {} (FLAGS)", set.join(","));
    assert!(line.len() > 60_000, "{}", line.len());
    let r = c.expect_ok(&line).await;
    assert_eq!(r.len(), 4, "{r:?}");
    // Over the limit: BAD for this command alone.
    let line = format!("a2 UID FETCH {} (FLAGS)", "1,".repeat(50_000));
    let r = c.expect_bad(&line).await;
    assert_eq!(r.len(), 1, "{r:?}");
    c.expect_ok("a3 NOOP").await;
    // A synchronising literal announced at its end: the client waits for a `+` that
    // does not come, gets the BAD, and does not send the literal.
    let line = format!("a4 SEARCH {} TEXT {{5}}", "ALL ".repeat(30_000));
    c.expect_bad(&line).await;
    c.expect_ok("a5 NOOP").await;
    // A non-synchronising literal: its octets are already coming, so the session ends.
    let line = format!("a6 SEARCH {} TEXT {{5+}}", "ALL ".repeat(30_000));
    c.send(&line).await;
    assert!(c.line().await.starts_with("a6 BAD"));
    assert!(c.line().await.starts_with("* BYE"));
}
