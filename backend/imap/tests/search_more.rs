//! SEARCH keys on flags, keywords, Bcc and dates (RFC 9051 §6.4.4), and the form of
//! the answer in rev1 and rev2 sessions (RFC 9051 §7.3.4, RFC 3501 §7.2.5).

use crate::harness::{Client, Harness, MSG};

/// Appends `msg` to INBOX with the internal date `date` (an IMAP `date-time`).
async fn append(c: &mut Client, tag: &str, date: &str, msg: &str) {
    c.send(&format!("{tag} APPEND INBOX \"{date}\" {{{}}}", msg.len()))
        .await;
    assert!(c.line().await.starts_with("+ "));
    c.raw(format!("{msg}\r\n").as_bytes()).await;
    let r = c.until_tagged(tag).await;
    assert!(r[0].starts_with(&format!("{tag} OK")), "{r:?}");
}

/// Runs `SEARCH key` for each case and compares the `* SEARCH` line.
async fn check(c: &mut Client, cases: &[(&str, &str)]) {
    for (i, (key, want)) in cases.iter().enumerate() {
        let r = c.expect_ok(&format!("s{i} SEARCH {key}")).await;
        let want = if want.is_empty() {
            "* SEARCH".to_owned()
        } else {
            format!("* SEARCH {want}")
        };
        assert_eq!(r[0], want, "SEARCH {key}");
    }
}

/// The flag keys and their negations, and KEYWORD and UNKEYWORD, after STORE set the
/// flags (RFC 9051 §6.4.4).
#[tokio::test]
async fn search_by_flags_and_keywords() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    c.expect_ok("a1 STORE 1 +FLAGS.SILENT (\\Answered $Work)")
        .await;
    c.expect_ok("a2 STORE 2 +FLAGS.SILENT (\\Deleted \\Draft)")
        .await;
    c.expect_ok("a3 STORE 3 +FLAGS.SILENT ($Work $Later)").await;
    check(
        &mut c,
        &[
            ("ANSWERED", "1"),
            ("UNANSWERED", "2 3"),
            ("DELETED", "2"),
            ("UNDELETED", "1 3"),
            ("DRAFT", "2"),
            ("UNDRAFT", "1 3"),
            ("KEYWORD $Work", "1 3"),
            ("UNKEYWORD $Work", "2"),
            ("KEYWORD $Later", "3"),
            ("UNKEYWORD $Later", "1 2"),
            ("KEYWORD $Nowhere", ""),
            ("UNKEYWORD $Nowhere", "1 2 3"),
            ("UNDELETED UNANSWERED", "3"),
            ("OR DRAFT ANSWERED", "1 2"),
        ],
    )
    .await;
    // Removing the flag takes the message out of the answer.
    c.expect_ok("b1 STORE 1 -FLAGS.SILENT (\\Answered $Work)")
        .await;
    check(&mut c, &[("ANSWERED", ""), ("KEYWORD $Work", "3")]).await;
}

/// BCC is a substring of the Bcc field; ON compares the internal date's day,
/// SENTBEFORE and SENTSINCE the Date field's (RFC 9051 §6.4.4).
#[tokio::test]
async fn search_by_bcc_and_dates() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    append(
        &mut c,
        "a1",
        "05-Nov-2026 12:00:00 +0000",
        "From: bob@example.com\r\nBcc: eve@example.net\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nSubject: one\r\n\r\nbody\r\n",
    )
    .await;
    append(
        &mut c,
        "a2",
        "06-Nov-2026 12:00:00 +0000",
        "From: bob@example.com\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\nSubject: two\r\n\r\nbody\r\n",
    )
    .await;
    append(
        &mut c,
        "a3",
        "07-Nov-2026 12:00:00 +0000",
        "From: bob@example.com\r\nBcc: Frank <frank@example.org>,\r\n eve.b@example.net\r\nDate: Wed, 4 Nov 2026 10:00:00 +0000\r\nSubject: three\r\n\r\nBcc: nobody@example.com\r\n",
    )
    .await;
    c.expect_ok("a4 SELECT INBOX").await;
    check(
        &mut c,
        &[
            ("BCC eve@example.net", "1"),
            ("BCC eve", "1 3"),
            ("BCC FRANK@example.org", "3"),
            // A folded Bcc field is searched whole; the body is not.
            ("BCC eve.b", "3"),
            ("BCC nobody", ""),
            ("NOT BCC eve", "2"),
            ("ON 5-Nov-2026", "1"),
            ("ON 6-Nov-2026", "2"),
            ("ON 8-Nov-2026", ""),
            ("SENTBEFORE 2-Nov-2026", "2"),
            ("SENTBEFORE 1-Nov-2026", ""),
            ("SENTBEFORE 5-Nov-2026", "1 2 3"),
            ("SENTSINCE 2-Nov-2026", "1 3"),
            ("SENTSINCE 4-Nov-2026", "3"),
            ("SENTSINCE 5-Nov-2026", ""),
            ("SENTSINCE 2-Nov-2026 SENTBEFORE 4-Nov-2026", "1"),
            ("BCC eve ON 7-Nov-2026", "3"),
        ],
    )
    .await;
}

/// Without RETURN, a session that enabled IMAP4rev2 gets ESEARCH tagged with the
/// command's tag (RFC 9051 §6.4.4, §7.3.4); a rev1 session gets SEARCH (RFC 3501
/// §7.2.5).
#[tokio::test]
async fn search_answers_esearch_in_rev2_and_search_in_rev1() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("a1 SEARCH ALL").await;
    assert_eq!(r[0], "* SEARCH 1 2 3");
    let r = c.expect_ok("a2 UID SEARCH ALL").await;
    assert_eq!(r[0], "* SEARCH 1 2 3");

    let mut c = h.login().await;
    let r = c.expect_ok("b1 ENABLE IMAP4rev2").await;
    assert_eq!(r[0], "* ENABLED IMAP4rev2");
    c.expect_ok("b2 SELECT INBOX").await;
    let r = c.expect_ok("b3 SEARCH ALL").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"b3\") ALL 1:3", "{r:?}");
    let r = c.expect_ok("b4 UID SEARCH 2:3").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"b4\") UID ALL 2:3", "{r:?}");
    let r = c.expect_ok("b5 SEARCH OR 1 3").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"b5\") ALL 1,3", "{r:?}");
    // Nothing found: no ALL at all (RFC 9051 §7.3.4).
    let r = c.expect_ok("b6 SEARCH DELETED").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"b6\")", "{r:?}");
    assert_eq!(r.len(), 2, "{r:?}");
}

/// SENTON, SENTBEFORE and SENTSINCE compare the Date field's date as written, its time
/// and zone disregarded (RFC 9051 §6.4.4): 00:30 at +0200 on the 3rd is the 2nd in UTC,
/// 23:30 at -0800 on the 3rd is the 4th in UTC, and both were sent on the 3rd.
#[tokio::test]
async fn sent_dates_are_the_dates_written_in_the_field() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let east =
        "From: a@example.com\r\nDate: Tue, 3 Nov 2026 00:30:00 +0200\r\nSubject: east\r\n\r\nx\r\n";
    let west =
        "From: a@example.com\r\nDate: Tue, 3 Nov 2026 23:30:00 -0800\r\nSubject: west\r\n\r\nx\r\n";
    let far =
        "From: a@example.com\r\nDate: Sun, 1 Nov 2026 12:00:00 +0000\r\nSubject: far\r\n\r\nx\r\n";
    append(&mut c, "a1", "05-Nov-2026 10:00:00 +0000", east).await;
    append(&mut c, "a2", "05-Nov-2026 10:00:00 +0000", west).await;
    append(&mut c, "a3", "05-Nov-2026 10:00:00 +0000", far).await;
    c.expect_ok("a4 SELECT INBOX").await;
    check(
        &mut c,
        &[
            ("SENTON 3-Nov-2026", "1 2"),
            ("SENTON 2-Nov-2026", ""),
            ("SENTON 4-Nov-2026", ""),
            ("SENTSINCE 3-Nov-2026", "1 2"),
            ("SENTSINCE 4-Nov-2026", ""),
            ("SENTBEFORE 3-Nov-2026", "3"),
            ("SENTBEFORE 4-Nov-2026", "1 2 3"),
            ("SENTON 1-Nov-2026", "3"),
            ("NOT SENTON 3-Nov-2026", "3"),
        ],
    )
    .await;
}
