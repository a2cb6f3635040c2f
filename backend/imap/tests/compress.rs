//! COMPRESS=DEFLATE (RFC 4978): the client here deflates and inflates with its own
//! flate2 streams, so these transcripts check the wire, not the server's layer against
//! itself.

use std::time::Duration;

use crate::harness::{Harness, MSG, PASSWORD, USER, client_deflater, deflate_sync, has};

#[tokio::test]
async fn offered_after_login_only_and_refused_before() {
    let h = Harness::start().await;
    let (mut c, greeting) = h.connect_greeting().await;
    assert!(!greeting.contains("COMPRESS"), "{greeting}");
    let r = c.expect_bad("a1 COMPRESS DEFLATE").await;
    assert!(has(&r, "log in first"), "{r:?}");
    let r = c.expect_ok(&format!("a2 LOGIN {USER} {PASSWORD}")).await;
    assert!(has(&r, "COMPRESS=DEFLATE"), "{r:?}");
    // RFC 4978 §3: an unknown mechanism is BAD and compression stays off.
    c.expect_bad("a3 COMPRESS LZMA").await;
    c.expect_ok("a4 NOOP").await;
}

#[tokio::test]
async fn select_and_fetch_compressed_then_a_second_compress_is_refused() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    let r = c.expect_ok("z1 COMPRESS DEFLATE").await;
    assert_eq!(r, ["z1 OK DEFLATE active"]);
    c.start_compress();
    let r = c.expect_ok("s1 SELECT INBOX").await;
    assert!(has(&r, "* 1 EXISTS"), "{r:?}");
    let r = c.expect_ok("f1 FETCH 1 (FLAGS BODY[])").await;
    let body = String::from_utf8_lossy(MSG);
    assert!(
        has(&r, "FLAGS (\\Seen \\Recent)") && has(&r, &body),
        "{r:?}"
    );
    // A large answer: many fetches in one batch, several writes, still decodable.
    let r = c
        .expect_ok("f2 FETCH 1:* (BODY.PEEK[] BODY.PEEK[TEXT] BODY.PEEK[HEADER])")
        .await;
    assert_eq!(r.len(), 2, "{r:?}");
    let r = c.expect_ok("c1 CAPABILITY").await;
    assert!(!r[0].contains("COMPRESS=DEFLATE"), "{r:?}");
    let r = c.expect_no("z2 COMPRESS DEFLATE").await;
    assert!(r[0].starts_with("z2 NO [COMPRESSIONACTIVE]"), "{r:?}");
    // Still compressed, still working; the goodbye is compressed too.
    let r = c.expect_ok("l1 LOGOUT").await;
    assert!(r[0].starts_with("* BYE"), "{r:?}");
    assert!(c.closed().await);
}

#[tokio::test]
async fn append_a_large_message_over_a_compressed_connection() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("z1 COMPRESS DEFLATE").await;
    c.start_compress();
    let line: String = (0..70).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let msg = format!(
        "Subject: big\r\n\r\n{}",
        format!("{line}\r\n").repeat(20_000)
    );
    c.send(&format!("a1 APPEND INBOX {{{}}}", msg.len())).await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg}\r\n").as_bytes()).await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID"), "{r:?}");
    c.expect_ok("s1 SELECT INBOX").await;
    let r = c.expect_ok("f1 FETCH 1 BODY.PEEK[]").await;
    assert!(
        r[0].ends_with(&format!("{msg})")),
        "the message comes back whole"
    );
}

#[tokio::test]
async fn a_command_pipelined_after_compress_is_read_compressed() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    // RFC 4978 §3 tells clients to wait for the OK; one that does not has compressed
    // what follows, and the server must inflate it rather than read it as text.
    let mut z = client_deflater();
    let mut wire = b"z1 COMPRESS DEFLATE\r\n".to_vec();
    wire.extend(deflate_sync(&mut z, b"n1 NOOP\r\n"));
    c.raw(&wire).await;
    assert_eq!(c.line().await, "z1 OK DEFLATE active");
    c.start_compress_with(z);
    assert_eq!(c.line().await, "n1 OK NOOP completed");
    c.expect_ok("n2 NOOP").await;
}

#[tokio::test]
async fn every_answer_is_flushed_without_closing_the_connection() {
    // Without a sync flush after each batch, the deflater keeps short answers to
    // itself and the client waits for ever: each `line()` would time out.
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("z1 COMPRESS DEFLATE").await;
    c.start_compress();
    for i in 0..5 {
        let tag = format!("n{i}");
        let r = c.expect_ok(&format!("{tag} NOOP")).await;
        assert_eq!(r, [format!("{tag} OK NOOP completed")]);
    }
    // IDLE: the continuation and the news arrive while the connection stays up.
    c.expect_ok("s1 SELECT INBOX").await;
    c.send("i1 IDLE").await;
    assert!(c.line().await.starts_with("+ "));
    h.deliver(MSG).await;
    assert_eq!(c.line().await, "* 1 EXISTS");
    c.send("DONE").await;
    let r = c.until_tagged("i1").await;
    assert!(r.last().unwrap().starts_with("i1 OK"), "{r:?}");
}

#[tokio::test]
async fn compress_inside_tls_after_starttls() {
    let h = Harness::with(|_| {}).await;
    let mut c = h.connect().await;
    c.expect_ok("t1 STARTTLS").await;
    let mut c = c.start_tls().await;
    c.expect_ok(&format!("l1 LOGIN {USER} {PASSWORD}")).await;
    c.expect_ok("z1 COMPRESS DEFLATE").await;
    c.start_compress();
    let r = c.expect_ok("s1 SELECT INBOX").await;
    assert!(has(&r, "* 0 EXISTS"), "{r:?}");
    let r = c.expect_ok("a1 ID NIL").await;
    assert!(r[0].starts_with("* ID"), "{r:?}");
}

#[tokio::test]
async fn shutdown_and_autologout_say_bye_compressed() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.idle_timeout = Duration::from_millis(300);
    })
    .await;
    let mut c = h.login().await;
    c.expect_ok("z1 COMPRESS DEFLATE").await;
    c.start_compress();
    let bye = c.line().await;
    assert!(bye.starts_with("* BYE autologout"), "{bye}");
    assert!(c.closed().await);

    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("z1 COMPRESS DEFLATE").await;
    c.start_compress();
    c.expect_ok("n1 NOOP").await;
    h.trigger.fire();
    let bye = c.line().await;
    assert!(bye.starts_with("* BYE server shutting down"), "{bye}");
}
