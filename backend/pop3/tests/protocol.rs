//! Commands, states and error paths (RFC 1939, RFC 2449).

use crate::harness::{DOTTED, Harness, PASSWORD, USER};

#[tokio::test]
async fn capa_before_and_after_login() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    c.ok("CAPA").await;
    let caps = c.lines().await;
    for want in [
        "TOP",
        "UIDL",
        "RESP-CODES",
        "AUTH-RESP-CODE",
        "PIPELINING",
        "USER",
        "STLS",
        "SASL PLAIN SCRAM-SHA-256",
        "UTF8 USER",
        "IMPLEMENTATION Osprey",
    ] {
        assert!(
            caps.iter().any(|c| c == want),
            "{want} missing from {caps:?}"
        );
    }
    assert!(!caps.iter().any(|c| c.starts_with("EXPIRE")), "{caps:?}");
    c.ok(&format!("USER {USER}")).await;
    c.ok(&format!("PASS {PASSWORD}")).await;
    c.ok("CAPA").await;
    let caps = c.lines().await;
    assert!(caps.iter().any(|c| c == "EXPIRE NEVER"), "{caps:?}");
    assert!(!caps.iter().any(|c| c == "USER" || c == "STLS"), "{caps:?}");
}

#[tokio::test]
async fn stat_list_retr_top_uidl_with_exact_octets() {
    let h = Harness::start().await;
    h.deliver(DOTTED).await;
    h.deliver(b"Subject: two\r\n\r\nsecond\r\n").await;
    let stored = osprey_mail::message::normalize_crlf(DOTTED).into_owned();
    let size1 = stored.len();
    let size2 = b"Subject: two\r\n\r\nsecond\r\n".len();
    let mut c = h.login().await;
    assert_eq!(c.ok("STAT").await, format!("+OK 2 {}", size1 + size2));
    c.ok("LIST").await;
    assert_eq!(
        c.lines().await,
        vec![format!("1 {size1}"), format!("2 {size2}")]
    );
    assert_eq!(c.ok("LIST 2").await, format!("+OK 2 {size2}"));
    assert_eq!(c.ok("RETR 1").await, format!("+OK {size1} octets"));
    let raw = c.body_raw().await;
    // Byte-stuffed on the wire (RFC 1939 §3) ...
    let text = String::from_utf8(raw.clone()).unwrap();
    assert!(text.contains("\r\n\r\n..leading dot\r\n"), "{text:?}");
    assert!(
        text.contains("\r\n...two dots\r\n..\r\nlast\r\n"),
        "{text:?}"
    );
    // ... and exactly the stored octets once un-stuffed.
    let unstuffed: Vec<u8> = String::from_utf8(raw)
        .unwrap()
        .split_inclusive("\r\n")
        .map(|l| l.strip_prefix('.').unwrap_or(l).to_owned())
        .collect::<String>()
        .into_bytes();
    assert_eq!(unstuffed.len(), size1);
    assert_eq!(unstuffed, stored);
    c.ok("TOP 1 1").await;
    let top = c.lines().await;
    assert_eq!(
        top.last().map(String::as_str),
        Some("..leading dot"),
        "{top:?}"
    );
    assert_eq!(top.len(), 5, "3 headers, blank line, 1 body line: {top:?}");
    c.ok("UIDL").await;
    let uidl = c.lines().await;
    assert_eq!(uidl.len(), 2);
    let first = uidl[0].split(' ').nth(1).unwrap().to_owned();
    assert_eq!(c.ok("UIDL 1").await, format!("+OK 1 {first}"));
    c.ok("QUIT").await;
    // UIDL values are the same in the next session.
    let mut c = h.login().await;
    assert_eq!(c.ok("UIDL 1").await, format!("+OK 1 {first}"));
}

#[tokio::test]
async fn commands_in_the_wrong_state_and_bad_numbers() {
    let h = Harness::start().await;
    h.deliver(b"Subject: x\r\n\r\nx\r\n").await;
    let mut c = h.connect().await;
    c.err("STAT").await;
    c.err("RETR 1").await;
    c.err("PASS nouser").await;
    c.err("BOGUS").await;
    c.err("RETR").await;
    c.ok(&format!("USER {USER}")).await;
    c.ok(&format!("PASS {PASSWORD}")).await;
    c.err(&format!("USER {USER}")).await;
    c.err("STLS").await;
    c.err("RETR 0").await;
    c.err("RETR 2").await;
    c.err("LIST 99").await;
    c.err("DELE -1").await;
    c.err("TOP 1").await;
    c.ok("DELE 1").await;
    assert_eq!(c.err("RETR 1").await, "-ERR no such message");
    c.err("DELE 1").await;
    c.err("LIST 1").await;
    assert_eq!(c.ok("STAT").await, "+OK 0 0");
    c.ok("RSET").await;
    assert!(c.ok("STAT").await.starts_with("+OK 1 "));
    c.ok("NOOP").await;
}

#[tokio::test]
async fn over_long_lines_and_too_many_errors() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.max_errors = 3;
    })
    .await;
    let mut c = h.connect().await;
    let long = format!("USER {}", "a".repeat(2000));
    assert_eq!(c.err(&long).await, "-ERR command line too long");
    // The session goes on after a refused line.
    c.ok("CAPA").await;
    c.lines().await;
    c.err("XYZZY").await;
    assert_eq!(c.cmd("XYZZY").await, "-ERR too many bad commands, closing");
    assert!(c.closed().await);
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let h = Harness::start().await;
    h.deliver(b"Subject: p\r\n\r\npipelined\r\n").await;
    let mut c = h.connect().await;
    c.raw(format!("USER {USER}\r\nPASS {PASSWORD}\r\nSTAT\r\nLIST 1\r\nNOOP\r\n").as_bytes())
        .await;
    assert!(c.line().await.starts_with("+OK send PASS"));
    assert!(c.line().await.starts_with("+OK maildrop has 1 messages"));
    assert!(c.line().await.starts_with("+OK 1 "));
    assert!(c.line().await.starts_with("+OK 1 "));
    assert_eq!(c.line().await, "+OK");
}

#[tokio::test]
async fn wrong_passwords_close_the_session_after_the_limit() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    for i in 0..3 {
        c.ok(&format!("USER {USER}")).await;
        let r = c.err("PASS wrong-password").await;
        assert_eq!(r, "-ERR [AUTH] invalid login or password", "attempt {i}");
    }
    assert!(c.closed().await);
    // Unknown accounts fail the same way.
    let mut c = h.connect().await;
    c.ok("USER nobody@pop.example").await;
    assert_eq!(
        c.err("PASS wrong-password").await,
        "-ERR [AUTH] invalid login or password"
    );
}

#[tokio::test]
async fn quit_before_login_and_shutdown_notice() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    assert_eq!(c.ok("QUIT").await, "+OK bye");
    assert!(c.closed().await);
    h.deliver(b"Subject: s\r\n\r\ns\r\n").await;
    let mut c = h.login().await;
    c.ok("DELE 1").await;
    h.trigger.fire();
    assert_eq!(c.line().await, "-ERR [SYS/TEMP] server shutting down");
    assert!(c.closed().await);
    // Shutdown is not QUIT: the deletion is not applied.
    assert_eq!(h.inbox_count().await, 1);
}

#[tokio::test]
async fn pass_must_follow_user_directly() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    c.ok(&format!("USER {USER}")).await;
    c.ok("CAPA").await;
    c.lines().await;
    assert_eq!(c.err(&format!("PASS {PASSWORD}")).await, "-ERR USER first");
}
