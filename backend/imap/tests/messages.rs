//! Message commands: APPEND, FETCH, STORE, EXPUNGE, COPY, MOVE, SEARCH (RFC 9051 §6.3.12,
//! §6.4).

use crate::harness::{Client, Harness, MSG, has};

#[tokio::test]
async fn append_with_flags_date_and_appenduid() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let msg = "Subject: appended\r\n\r\nhi\r\n";
    c.send(&format!(
        "a1 APPEND Drafts (\\Draft $Later) \"02-Nov-2026 10:00:00 +0100\" {{{}}}",
        msg.len()
    ))
    .await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg}\r\n").as_bytes()).await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID "), "{r:?}");
    assert!(r[0].contains(" 1]"), "{r:?}");
    c.expect_ok("a2 SELECT Drafts").await;
    let r = c
        .expect_ok("a3 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)")
        .await;
    assert_eq!(
        r[0],
        format!(
            "* 1 FETCH (FLAGS (\\Draft \\Recent $Later) INTERNALDATE \" 2-Nov-2026 09:00:00 +0000\" RFC822.SIZE {})",
            msg.len()
        )
    );
    // Non-synchronising literal (LITERAL-), and a missing mailbox.
    c.raw(format!("a4 APPEND Nowhere {{{}+}}\r\n{msg}\r\n", msg.len()).as_bytes())
        .await;
    let r = c.until_tagged("a4").await;
    assert!(r[0].starts_with("a4 NO [TRYCREATE]"), "{r:?}");
}

#[tokio::test]
async fn append_over_the_limit_is_refused_before_upload() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.append_limit = 100;
    })
    .await;
    let mut c = h.login().await;
    c.send("a1 APPEND INBOX {101}").await;
    let r = c.line().await;
    assert!(r.starts_with("a1 NO [TOOBIG]"), "{r}");
    // The session goes on: the literal never came.
    c.expect_ok("a2 NOOP").await;
    let r = c.expect_ok("a3 CAPABILITY").await;
    assert!(has(&r, "APPENDLIMIT=100"), "{r:?}");
}

#[tokio::test]
async fn append_over_quota() {
    let h = Harness::start().await;
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            osprey_store::AccountChanges {
                quota_bytes: Some(Some(10)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut c = h.login().await;
    c.send("a1 APPEND INBOX {20}").await;
    c.line().await;
    c.raw(b"Subject: x\r\n\r\n123456\r\n").await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 NO [OVERQUOTA]"), "{r:?}");
}

#[tokio::test]
async fn fetch_envelope_and_sections() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 FETCH 1 (UID ENVELOPE)").await;
    assert!(
        r[0].starts_with("* 1 FETCH (UID 1 ENVELOPE (\"Mon, 2 Nov 2026 10:00:00 +0000\" \"Hello there\" ((\"Bob\" NIL \"bob\" \"example.com\"))"),
        "{r:?}"
    );
    let r = c
        .expect_ok("a2 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]")
        .await;
    assert!(
        r[0].ends_with("BODY[HEADER.FIELDS (Subject)] {24}\r\nSubject: Hello there\r\n\r\n)"),
        "{r:?}"
    );
    let r = c.expect_ok("a3 FETCH 1 BODY.PEEK[TEXT]<6.4>").await;
    assert_eq!(r[0], "* 1 FETCH (BODY[TEXT]<6> \"body\")");
    let r = c.expect_ok("a4 FETCH 1 FLAGS").await;
    assert_eq!(
        r[0], "* 1 FETCH (FLAGS (\\Recent))",
        "PEEK leaves \\Seen unset"
    );
    let r = c.expect_ok("a5 UID FETCH 1 BODY[]").await;
    assert!(has(&r, "First body line"), "{r:?}");
    assert!(
        has(&r, "UID 1") && has(&r, "FLAGS (\\Seen \\Recent)"),
        "{r:?}"
    );
    let r = c.expect_ok("a6 FETCH 1 RFC822.HEADER").await;
    assert!(has(&r, "Message-ID: <m1@example.com>"), "{r:?}");
    // A message without Content-Type is text/plain; charset=us-ascii (RFC 2045 §5.2).
    let r = c.expect_ok("a7 FETCH 1 (BODY BODYSTRUCTURE)").await;
    assert_eq!(
        r[0],
        "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 30 2) \
         BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 30 2 NIL NIL NIL NIL))"
    );
    // UID sets ignore UIDs that do not exist.
    let r = c.expect_ok("a8 UID FETCH 5:9 FLAGS").await;
    assert_eq!(r.len(), 1, "{r:?}");
}

#[tokio::test]
async fn store_expunge_and_renumbering() {
    let h = Harness::start().await;
    for _ in 0..4 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let r = c
        .expect_ok("a1 STORE 2:3 +FLAGS (\\Deleted \\Flagged)")
        .await;
    assert_eq!(r[0], "* 2 FETCH (FLAGS (\\Flagged \\Deleted \\Recent))");
    let r = c.expect_ok("a2 UID STORE 3 -FLAGS (\\Flagged)").await;
    assert_eq!(r[0], "* 3 FETCH (FLAGS (\\Deleted \\Recent) UID 3)");
    // .SILENT: no FETCH, but the new keyword is announced (RFC 9051 §7.3.5).
    let r = c.expect_ok("a3 STORE 1 FLAGS.SILENT ($Work)").await;
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r[0].starts_with("* FLAGS (") && r[1].starts_with("* OK [PERMANENTFLAGS"));
    let r = c.expect_ok("a4 EXPUNGE").await;
    assert_eq!(r[..2], ["* 2 EXPUNGE", "* 2 EXPUNGE"], "{r:?}");
    let r = c.expect_ok("a5 FETCH 1:* (UID FLAGS)").await;
    assert_eq!(
        r[..2],
        [
            "* 1 FETCH (UID 1 FLAGS (\\Recent $Work))",
            "* 2 FETCH (UID 4 FLAGS (\\Recent))"
        ]
    );
    c.expect_ok("a6 STORE 1 +FLAGS (\\Deleted)").await;
    c.expect_ok("a7 STORE 2 +FLAGS (\\Deleted)").await;
    let r = c.expect_ok("a8 UID EXPUNGE 4").await;
    assert_eq!(r[0], "* 2 EXPUNGE");
    let r = c.expect_ok("a9 SEARCH ALL").await;
    assert_eq!(r[0], "* SEARCH 1");
}

#[tokio::test]
async fn copy_and_move_with_copyuid() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("a1 COPY 1:2 Archive").await;
    assert!(
        r[0].starts_with("a1 OK [COPYUID ") && r[0].contains(" 1:2 1:2]"),
        "{r:?}"
    );
    let r = c.expect_no("a2 COPY 1 Nowhere").await;
    assert!(has(&r, "[TRYCREATE]"), "{r:?}");
    let r = c.expect_ok("a3 MOVE 2 Archive").await;
    assert!(
        r[0].starts_with("* OK [COPYUID ") && r[0].contains(" 2 3]"),
        "{r:?}"
    );
    assert_eq!(r[1], "* 2 EXPUNGE");
    let r = c.expect_ok("a4 STATUS Archive (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS Archive (MESSAGES 3)");
    let r = c.expect_ok("a5 UID MOVE 3 Trash").await;
    assert_eq!(r[1], "* 2 EXPUNGE", "{r:?}");
}

#[tokio::test]
async fn search_keys() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(b"From: carol@example.org\r\nSubject: Other\r\nCc: dave@example.net\r\n\r\nneedle in here\r\n").await;
    let mut c = h.select().await;
    c.expect_ok("a0 STORE 2 +FLAGS (\\Flagged)").await;
    let cases = [
        ("ALL", "1 2"),
        ("FLAGGED", "2"),
        ("UNFLAGGED UNSEEN", "1"),
        ("FROM carol", "2"),
        ("SUBJECT hello", "1"),
        ("TO ann@imap.example", "1"),
        ("CC dave", "2"),
        ("BODY needle", "2"),
        ("TEXT NEEDLE", "2"),
        ("HEADER Message-ID m1", "1"),
        ("NOT FROM carol", "1"),
        ("OR FROM carol SUBJECT hello", "1 2"),
        ("LARGER 100", "1"),
        ("SMALLER 10", ""),
        ("SINCE 1-Jan-2020", "1 2"),
        ("BEFORE 1-Jan-2020", ""),
        ("SENTON 2-Nov-2026", "1"),
        ("UID 2", "2"),
        ("2", "2"),
    ];
    for (i, (key, want)) in cases.iter().enumerate() {
        let r = c.expect_ok(&format!("s{i} SEARCH {key}")).await;
        let want = if want.is_empty() {
            "* SEARCH".to_owned()
        } else {
            format!("* SEARCH {want}")
        };
        assert_eq!(r[0], want, "SEARCH {key}");
    }
    let r = c
        .expect_ok("b1 UID SEARCH RETURN (MIN MAX COUNT) ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"b1\") UID MIN 1 MAX 2 COUNT 2");
    let r = c.expect_no("b2 SEARCH CHARSET KOI8-R ALL").await;
    assert!(has(&r, "[BADCHARSET"), "{r:?}");
}

/// Sends `line`, which ends in a synchronising literal, then for each of `parts` the
/// literal's bytes and the rest of the command line (the next literal's announcement
/// or nothing), waiting for `+` before each literal; returns what follows.
async fn literals(c: &mut Client, tag: &str, line: &str, parts: &[(&str, &str)]) -> Vec<String> {
    c.send(line).await;
    for (data, rest) in parts {
        let go = c.line().await;
        assert!(go.starts_with("+ "), "{go}");
        c.raw(format!("{data}{rest}\r\n").as_bytes()).await;
    }
    c.until_tagged(tag).await
}

/// The messages of one MULTIAPPEND are held in memory until the command is complete,
/// so together they may take at most twice APPENDLIMIT: the literal that would go past
/// it is refused with `NO [LIMIT]` (RFC 5530 §3) before it is sent, and nothing of the
/// command is stored.
#[tokio::test]
async fn multiappend_over_the_total_limit_stores_nothing() {
    // APPENDLIMIT 100: at most 200 bytes of messages in one command.
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.append_limit = 100;
    })
    .await;
    let mut c = h.login().await;
    let msg = format!("Subject: m\r\n\r\n{}\r\n", "x".repeat(70));
    c.send(&format!("a1 APPEND INBOX {{{}}}", msg.len())).await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg} {{{}}}\r\n", msg.len()).as_bytes())
        .await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg} {{{}}}\r\n", msg.len()).as_bytes())
        .await;
    let r = c.line().await;
    assert!(r.starts_with("a1 NO [LIMIT]"), "{r}");
    c.expect_ok("a2 NOOP").await;
    let r = c.expect_ok("a3 STATUS INBOX (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 0)");
}

/// MULTIAPPEND stores all the messages or none (RFC 3502 §6.3.11): a second message
/// over APPENDLIMIT is refused with `NO [TOOBIG]` before it is sent (RFC 7889 §4),
/// and the first one, already sent, is not stored either.
#[tokio::test]
async fn multiappend_over_the_limit_stores_nothing() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.append_limit = 100;
    })
    .await;
    let mut c = h.login().await;
    let first = "Subject: first\r\n\r\nsmall\r\n";
    c.send(&format!("a1 APPEND INBOX (\\Seen) {{{}}}", first.len()))
        .await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{first} (\\Flagged) {{101}}\r\n").as_bytes())
        .await;
    let r = c.line().await;
    assert!(r.starts_with("a1 NO [TOOBIG]"), "{r}");
    // The session goes on; the second literal never came.
    c.expect_ok("a2 NOOP").await;
    let r = c.expect_ok("a3 STATUS INBOX (MESSAGES UIDNEXT)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 0 UIDNEXT 1)");
    // The same two messages, both within the limit, are stored together.
    let second = "Subject: second\r\n\r\nalso small\r\n";
    let r = literals(
        &mut c,
        "a4",
        &format!("a4 APPEND INBOX (\\Seen) {{{}}}", first.len()),
        &[
            (first, &format!(" (\\Flagged) {{{}}}", second.len())),
            (second, ""),
        ],
    )
    .await;
    assert!(
        r[0].starts_with("a4 OK [APPENDUID ") && r[0].contains(" 1:2]"),
        "{r:?}"
    );
    c.expect_ok("a5 SELECT INBOX").await;
    let r = c.expect_ok("a6 FETCH 1:* FLAGS").await;
    assert_eq!(
        r[..2],
        [
            "* 1 FETCH (FLAGS (\\Seen \\Recent))",
            "* 2 FETCH (FLAGS (\\Flagged \\Recent))"
        ]
    );
}

/// MULTIAPPEND stores all the messages or none (RFC 3502 §6.3.11): a second message
/// with a date that does not exist, or a flag that is not an atom, makes the command
/// fail with `BAD` (RFC 9051 §6.3.12) and the first message is not stored.
#[tokio::test]
async fn multiappend_with_a_bad_second_message_stores_nothing() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let first = "Subject: first\r\n\r\nhello\r\n";
    let second = "Subject: second\r\n\r\nworld\r\n";
    let r = literals(
        &mut c,
        "a1",
        &format!("a1 APPEND INBOX {{{}}}", first.len()),
        &[
            (
                first,
                &format!(" \"31-Feb-2026 10:00:00 +0000\" {{{}}}", second.len()),
            ),
            (second, ""),
        ],
    )
    .await;
    assert!(r[0].starts_with("a1 BAD"), "{r:?}");
    let r = literals(
        &mut c,
        "a2",
        &format!("a2 APPEND INBOX {{{}}}", first.len()),
        &[
            (first, &format!(" (\\Seen bad%flag) {{{}}}", second.len())),
            (second, ""),
        ],
    )
    .await;
    assert!(r[0].starts_with("a2 BAD"), "{r:?}");
    let r = c.expect_ok("a3 STATUS INBOX (MESSAGES UIDNEXT)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 0 UIDNEXT 1)");
}

/// APPEND with a date-time that does not parse, or names no real instant, is `BAD`
/// (RFC 9051 §6.3.12, `date-time` in §9) and stores nothing.
#[tokio::test]
async fn append_with_a_bad_date_time_is_bad() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let msg = "Subject: dated\r\n\r\nhi\r\n";
    for (i, date) in [
        "02-Nov-2026 10:00 +0000",
        "02-Noe-2026 10:00:00 +0000",
        "32-Nov-2026 10:00:00 +0000",
        "02-Nov-2026 25:00:00 +0000",
        "02-Nov-2026 10:00:00 UTC",
        "31-Feb-2026 10:00:00 +0000",
        "2026-11-02T10:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        let tag = format!("a{i}");
        let r = literals(
            &mut c,
            &tag,
            &format!("{tag} APPEND INBOX \"{date}\" {{{}}}", msg.len()),
            &[(msg, "")],
        )
        .await;
        assert!(r[0].starts_with(&format!("{tag} BAD")), "{date}: {r:?}");
    }
    let r = c.expect_ok("b1 STATUS INBOX (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 0)");
}

/// EXPUNGE and UID EXPUNGE are refused with `NO` in a mailbox opened with EXAMINE
/// (RFC 9051 §6.3.3, §6.4.3, §6.4.9), and remove nothing.
#[tokio::test]
async fn expunge_in_a_read_only_mailbox_is_no() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    c.expect_ok("a1 STORE 1:2 +FLAGS.SILENT (\\Deleted)").await;
    let r = c.expect_ok("a2 EXAMINE INBOX").await;
    assert!(has(&r, "a2 OK [READ-ONLY]"), "{r:?}");
    let r = c.expect_no("a3 EXPUNGE").await;
    assert_eq!(r.len(), 1, "{r:?}");
    let r = c.expect_no("a4 UID EXPUNGE 1:*").await;
    assert_eq!(r.len(), 1, "{r:?}");
    let r = c.expect_ok("a5 SEARCH DELETED").await;
    assert_eq!(r[0], "* SEARCH 1 2");
    // Read-write again: the same messages go.
    c.expect_ok("a6 SELECT INBOX").await;
    let r = c.expect_ok("a7 UID EXPUNGE 2").await;
    assert_eq!(r[0], "* 2 EXPUNGE");
    let r = c.expect_ok("a8 EXPUNGE").await;
    assert_eq!(r[0], "* 1 EXPUNGE");
}

/// MOVE to a mailbox that does not exist is `NO [TRYCREATE]` and leaves the messages
/// where they were (RFC 9051 §6.4.8, §7.1).
#[tokio::test]
async fn move_to_a_missing_mailbox_is_trycreate() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let r = c.expect_no("a1 MOVE 1:2 Nowhere").await;
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("a1 NO [TRYCREATE]"), "{r:?}");
    let r = c.expect_no("a2 UID MOVE 2 Nowhere/Deeper").await;
    assert!(r[0].starts_with("a2 NO [TRYCREATE]"), "{r:?}");
    let r = c.expect_ok("a3 SEARCH ALL").await;
    assert_eq!(r[0], "* SEARCH 1 2");
    let r = c.expect_ok("a4 LIST \"\" Nowhere*").await;
    assert_eq!(r.len(), 1, "{r:?}");
    // After CREATE, as TRYCREATE suggests, the MOVE succeeds.
    c.expect_ok("a5 CREATE Nowhere").await;
    let r = c.expect_ok("a6 MOVE 1 Nowhere").await;
    assert!(r[0].starts_with("* OK [COPYUID "), "{r:?}");
    assert_eq!(r[1], "* 1 EXPUNGE");
}

/// RFC 3501 §7.4.2: "The fields of an address structure are in the following order:
/// personal name, [SMTP] at-domain-list (source route), mailbox name, and host name."
/// So an address's second field is its source route; and a group is written as its
/// start (mailbox name, NIL host) and end (all NIL) around its members; a group member
/// that is only a comment is no member.
#[tokio::test]
async fn envelope_source_routes_and_comment_only_group_members() {
    let h = Harness::start().await;
    h.deliver(
        b"From: Ann <ann@imap.example>\r\n\
        To: Name <@r1.example,@r2.example:user@domain.example>\r\n\
        Cc: Group: (nobody);\r\n\
        Bcc: Team: Bo <bo@x.example>, (just a comment);\r\n\
        Subject: routes\r\n\r\nbody\r\n",
    )
    .await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 FETCH 1 ENVELOPE").await;
    assert!(
        r[0].contains("((\"Name\" \"@r1.example,@r2.example\" \"user\" \"domain.example\"))"),
        "{r:?}"
    );
    assert!(
        r[0].contains("((NIL NIL \"Group\" NIL)(NIL NIL NIL NIL))"),
        "{r:?}"
    );
    assert!(
        r[0].contains("((NIL NIL \"Team\" NIL)(\"Bo\" NIL \"bo\" \"x.example\")(NIL NIL NIL NIL))"),
        "{r:?}"
    );
}

/// A data item asked for twice is returned once: `UID FETCH` adds UID, and a FETCH
/// response names each item once (RFC 9051 §7.5.2).
#[tokio::test]
async fn a_duplicated_fetch_item_is_returned_once() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 UID FETCH 1 (UID)").await;
    assert_eq!(r[0], "* 1 FETCH (UID 1)");
    let r = c.expect_ok("a2 FETCH 1 (UID RFC822.SIZE UID)").await;
    assert_eq!(r[0], format!("* 1 FETCH (UID 1 RFC822.SIZE {})", MSG.len()));
}
