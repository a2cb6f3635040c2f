//! UTF8=ACCEPT (RFC 6855): ENABLE, mailbox names in modified UTF-7 before it and UTF-8
//! after, the APPEND `UTF8 (literal8)` data item, SEARCH without CHARSET.

use crate::harness::{Harness, has};

/// A name with a non-ASCII letter, and its modified UTF-7 form (RFC 3501 §5.1.3).
const NAME: &str = "Entw\u{fc}rfe";
const NAME_UTF7: &str = "Entw&APw-rfe";

/// Returns `true` if and only if none of `lines` holds a byte outside ASCII.
fn ascii_only(lines: &[String]) -> bool {
    lines.iter().all(|l| l.is_ascii())
}

#[tokio::test]
async fn names_are_modified_utf7_before_enable_and_utf8_after() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_ok("c1 CAPABILITY").await;
    assert!(r[0].contains(" UTF8=ACCEPT"), "{r:?}");
    // Before ENABLE: names travel in modified UTF-7, raw UTF-8 names are refused.
    c.expect_ok(&format!("a1 CREATE {NAME_UTF7}")).await;
    let r = c.expect_no("a2 CREATE \"Br\u{fc}che\"").await;
    assert!(has(&r, "modified UTF-7"), "{r:?}");
    let r = c.expect_ok("a3 LIST \"\" \"*\"").await;
    assert!(has(&r, &format!("\"/\" {NAME_UTF7}")), "{r:?}");
    assert!(ascii_only(&r), "{r:?}");

    let r = c.expect_ok("e1 ENABLE UTF8=ACCEPT").await;
    assert_eq!(r[0], "* ENABLED UTF8=ACCEPT");
    // RFC 5161 §3.2: only what this command newly enabled.
    let r = c.expect_ok("e2 ENABLE UTF8=ACCEPT").await;
    assert_eq!(r[0], "* ENABLED");

    // After: UTF-8 in quoted strings both ways; the same mailbox, now spelt in UTF-8.
    let r = c.expect_ok("b1 LIST \"\" \"*\"").await;
    assert!(has(&r, &format!("\"/\" \"{NAME}\"")), "{r:?}");
    c.expect_ok("b2 CREATE \"Br\u{fc}che/\u{4e2d}\u{6587}\"")
        .await;
    let r = c.expect_ok("b3 LIST \"\" \"Br\u{fc}che/%\"").await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r[0].ends_with("\"/\" \"Br\u{fc}che/\u{4e2d}\u{6587}\""),
        "{r:?}"
    );
    let r = c
        .expect_ok(&format!("b4 STATUS \"{NAME}\" (MESSAGES)"))
        .await;
    assert_eq!(r[0], format!("* STATUS \"{NAME}\" (MESSAGES 0)"));
    c.expect_ok(&format!("b5 SUBSCRIBE \"{NAME}\"")).await;
    let r = c.expect_ok("b6 LSUB \"\" \"*\"").await;
    assert!(has(&r, &format!("\"{NAME}\"")), "{r:?}");
    let r = c.expect_ok(&format!("b7 SELECT \"{NAME}\"")).await;
    assert!(has(&r, "[READ-WRITE]"), "{r:?}");
    // The modified UTF-7 spelling is now just an ASCII name that does not exist.
    let r = c
        .expect_no(&format!("b8 STATUS {NAME_UTF7} (MESSAGES)"))
        .await;
    assert!(has(&r, "NONEXISTENT"), "{r:?}");

    // A second session that did not enable sees the new names in modified UTF-7.
    let mut other = h.login().await;
    let r = other.expect_ok("o1 LIST \"\" \"*\"").await;
    assert!(has(&r, "\"/\" Br&APw-che/&Ti1lhw-"), "{r:?}");
    assert!(ascii_only(&r), "{r:?}");
}

#[tokio::test]
async fn append_utf8_data_item_and_utf8_header_fields() {
    let h = Harness::start().await;
    let msg = "Subject: Gr\u{fc}\u{df}e\r\nFrom: j\u{f6}rg@example.com\r\n\r\nHallo\r\n";
    let n = msg.len();

    // Without ENABLE, 8-bit header fields are stored as sent, in either form (see
    // `legacy_8bit_header_fields_are_stored_as_sent`).
    let mut c = h.login().await;
    c.send(&format!("a1 APPEND INBOX {{{n}}}")).await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg}\r\n").as_bytes()).await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID "), "{r:?}");
    c.raw(format!("a2 APPEND INBOX UTF8 (~{{{n}+}}\r\n{msg})\r\n").as_bytes())
        .await;
    let r = c.until_tagged("a2").await;
    assert!(r[0].starts_with("a2 OK [APPENDUID "), "{r:?}");
    // An 8-bit body under ASCII header fields is fine.
    let plain = "Subject: plain\r\n\r\nGr\u{fc}\u{df}e\r\n";
    c.raw(format!("a3 APPEND INBOX {{{}+}}\r\n{plain}\r\n", plain.len()).as_bytes())
        .await;
    let r = c.until_tagged("a3").await;
    assert!(r[0].starts_with("a3 OK"), "{r:?}");

    c.expect_ok("e1 ENABLE UTF8=ACCEPT").await;
    c.expect_ok(&format!("c1 CREATE \"{NAME}\"")).await;
    // Synchronising literal8 inside UTF8 ( ... ): the continuation comes first.
    c.send(&format!("a4 APPEND \"{NAME}\" (\\Seen) UTF8 (~{{{n}}}"))
        .await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg})\r\n").as_bytes()).await;
    let r = c.until_tagged("a4").await;
    assert!(r[0].starts_with("a4 OK [APPENDUID "), "{r:?}");
    // Non-synchronising, and a plain literal with the same header fields.
    c.raw(
        format!("a5 APPEND \"{NAME}\" UTF8 (~{{{n}+}}\r\n{msg}) {{{n}+}}\r\n{msg}\r\n").as_bytes(),
    )
    .await;
    let r = c.until_tagged("a5").await;
    assert!(r[0].starts_with("a5 OK [APPENDUID "), "{r:?}");

    let r = c.expect_ok(&format!("s1 SELECT \"{NAME}\"")).await;
    assert!(has(&r, "* 3 EXISTS"), "{r:?}");
    let r = c.expect_ok("f1 FETCH 1:3 (FLAGS BODY.PEEK[])").await;
    assert!(r[0].contains("\\Seen") && r[0].contains(msg), "{r:?}");
    assert!(r[2].contains(msg), "{r:?}");
    // UTF-8 goes out in quoted strings now.
    let r = c.expect_ok("f2 FETCH 1 ENVELOPE").await;
    assert!(r[0].contains("\"Gr\u{fc}\u{df}e\""), "{r:?}");

    // A client that did not enable gets no UTF-8 in quoted strings (RFC 6855 §3).
    let mut other = h.login().await;
    other.expect_ok(&format!("s1 SELECT {NAME_UTF7}")).await;
    let r = other.expect_ok("f1 FETCH 1 ENVELOPE").await;
    assert!(!r[0].contains("\"Gr\u{fc}\u{df}e\""), "{r:?}");
    assert!(
        r[0].contains("Gr\u{fc}\u{df}e"),
        "a literal carries it: {r:?}"
    );
}

#[tokio::test]
async fn search_takes_no_charset_after_enable() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("s1 SELECT INBOX").await;
    c.expect_ok("a1 SEARCH CHARSET UTF-8 ALL").await;
    // ENABLE is not allowed in the selected state (RFC 5161 §3.1).
    c.expect_bad("e0 ENABLE UTF8=ACCEPT").await;
    c.expect_ok("u1 UNSELECT").await;
    c.expect_ok("e1 ENABLE UTF8=ACCEPT").await;
    c.expect_ok("s2 SELECT INBOX").await;
    // RFC 6855 §3: a CHARSET after ENABLE UTF8=ACCEPT gets BAD.
    c.expect_bad("a2 SEARCH CHARSET UTF-8 ALL").await;
    c.expect_bad("a3 UID SEARCH CHARSET US-ASCII SUBJECT x")
        .await;
    c.expect_ok("a4 SEARCH SUBJECT \"Gr\u{fc}\u{df}e\"").await;
}

/// Ordinary mail from before RFC 6532 often carries raw 8-bit octets (Latin-1, say) in
/// its header fields. APPEND stores them as sent, octet for octet, whether or not the
/// client enabled UTF8=ACCEPT. This deliberately departs from RFC 6855 §4 ("the server
/// MUST reject, with a 'NO' response, an 'APPEND' command that includes any 8-bit
/// character in message header fields" unless UTF8=ACCEPT is enabled), as mainstream
/// servers do: refusing would lose legacy mail on every migration. RFC 6855 §3 limits
/// what the server sends: to a client that did not enable UTF-8, an 8-bit string goes
/// out as a literal, never as a quoted string.
#[tokio::test]
async fn legacy_8bit_header_fields_are_stored_as_sent() {
    let h = Harness::start().await;
    let msg: &[u8] = b"From: Andr\xe9 <andre@example.com>\r\nTo: ann@imap.example\r\n\
        Subject: caf\xe9 cr\xe8me\r\n\r\nBonjour\r\n";
    let n = msg.len();
    let mut c = h.login().await;
    c.send(&format!("a1 APPEND INBOX {{{n}}}")).await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(msg).await;
    c.send("").await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID "), "{r:?}");
    c.expect_ok("s1 SELECT INBOX").await;
    let r = c.expect_ok("f1 FETCH 1 (RFC822.SIZE BODY.PEEK[])").await;
    assert!(
        r[0].starts_with(&format!("* 1 FETCH (RFC822.SIZE {n} BODY[] {{{n}}}\r\n")),
        "{r:?}"
    );
    // The subject's 8-bit octets go out in a literal, not a quoted string.
    let r = c.expect_ok("f2 FETCH 1 ENVELOPE").await;
    assert!(r[0].starts_with("* 1 FETCH (ENVELOPE (NIL {"), "{r:?}");
    // ... read as ISO-8859-1, not lost (mail-parser has no raw value for them).
    assert!(r[0].contains("caf\u{e9} cr\u{e8}me"), "{r:?}");
    assert!(!r[0].contains("\"caf"), "{r:?}");
}

/// A mailbox name that is not valid modified UTF-7 (RFC 3501 §5.1.3) is well-formed
/// IMAP naming a mailbox that cannot exist: SELECT answers NO, as for any mailbox it
/// cannot open, and LIST treats such a pattern the same way.
#[tokio::test]
async fn invalid_modified_utf7_names_get_no() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    for cmd in [
        "a1 SELECT \"&Jjo\"",
        "a2 EXAMINE \"&AGE-&AGE-\"",
        "a3 STATUS \"&Jjo\" (MESSAGES)",
        "a4 LIST \"\" \"&Jjo*\"",
        "a5 LIST \"&Jjo\" \"*\"",
    ] {
        let r = c.expect_no(cmd).await;
        assert_eq!(r.len(), 1, "{r:?}");
    }
    c.expect_ok("a6 NOOP").await;
}
