//! QRESYNC, RFC 7162 §3.2: ENABLE, SELECT (QRESYNC ...) after a reconnect, UID FETCH
//! (CHANGEDSINCE n VANISHED), and VANISHED in place of EXPUNGE once enabled.

use crate::harness::{Client, Harness, MSG, has, number_after};

/// The value of the response code `code` among `lines`.
fn code(lines: &[String], code: &str) -> u64 {
    let line = lines.iter().find(|l| l.contains(code)).unwrap();
    number_after(line, code)
}

/// The lines a resynchronisation produced: VANISHED and FETCH.
fn resync_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("* VANISHED") || l.contains(" FETCH "))
        .cloned()
        .collect()
}

async fn qresync_client(h: &Harness) -> Client {
    let mut c = h.login().await;
    let r = c.expect_ok("q1 ENABLE QRESYNC").await;
    assert_eq!(r[0], "* ENABLED QRESYNC");
    c
}

#[tokio::test]
async fn reconnect_receives_only_the_changes() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    // The client's first session: it remembers UIDVALIDITY and HIGHESTMODSEQ.
    let mut c = qresync_client(&h).await;
    let r = c.expect_ok("a1 CAPABILITY").await;
    assert!(has(&r, " QRESYNC"), "{r:?}");
    let r = c.expect_ok("a2 SELECT INBOX").await;
    let (validity, h0) = (code(&r, "[UIDVALIDITY"), code(&r, "[HIGHESTMODSEQ"));
    c.expect_ok("a3 LOGOUT").await;

    // While it is away: message 1 is flagged, message 2 expunged, 3 left alone.
    let mut other = h.select().await;
    other.expect_ok("b1 STORE 1 +FLAGS (\\Flagged)").await;
    other.expect_ok("b2 STORE 2 +FLAGS (\\Deleted)").await;
    other.expect_ok("b3 EXPUNGE").await;

    let mut c = qresync_client(&h).await;
    let r = c
        .expect_ok(&format!("c1 SELECT INBOX (QRESYNC ({validity} {h0} 1:3))"))
        .await;
    let got = resync_lines(&r);
    assert_eq!(got.len(), 2, "{r:?}");
    assert_eq!(got[0], "* VANISHED (EARLIER) 2");
    let m1 = number_after(&got[1], "MODSEQ");
    assert!(m1 > h0, "{r:?}");
    assert_eq!(
        got[1],
        format!("* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ ({m1}))")
    );
    assert!(r.last().unwrap().starts_with("c1 OK [READ-WRITE]"), "{r:?}");

    // Known UIDs restrict the answer: UID 2 is not among them.
    let r = c
        .expect_ok(&format!("c2 EXAMINE INBOX (QRESYNC ({validity} {h0} 3))"))
        .await;
    assert!(resync_lines(&r).is_empty(), "{r:?}");
    // RFC 7162 §3.2.11: leaving the mailbox is announced.
    assert!(has(&r, "* OK [CLOSED]"), "{r:?}");

    // A UIDVALIDITY other than the mailbox's: the parameter is ignored.
    let r = c
        .expect_ok(&format!(
            "c3 SELECT INBOX (QRESYNC ({} {h0}))",
            validity + 1
        ))
        .await;
    assert!(resync_lines(&r).is_empty(), "{r:?}");

    // The same changes through UID FETCH.
    let r = c
        .expect_ok(&format!(
            "c4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE {h0} VANISHED)"
        ))
        .await;
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!(r[0], "* VANISHED (EARLIER) 2");
    assert_eq!(
        r[1],
        format!("* 1 FETCH (FLAGS (\\Flagged) MODSEQ ({m1}) UID 1)")
    );
}

#[tokio::test]
async fn qresync_must_be_enabled() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    c.expect_bad("a1 SELECT INBOX (QRESYNC (1 1))").await;
    c.expect_ok("a2 SELECT INBOX").await;
    c.expect_bad("a3 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)")
        .await;
}

#[tokio::test]
async fn expunges_are_reported_as_vanished() {
    let h = Harness::start().await;
    for _ in 0..4 {
        h.deliver(MSG).await;
    }
    let mut c = qresync_client(&h).await;
    c.expect_ok("a1 SELECT INBOX").await;
    let mut other = h.select().await;
    other
        .expect_ok("b1 STORE 2:3 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("b2 EXPUNGE").await;
    let r = c.expect_ok("a2 NOOP").await;
    assert_eq!(r[0], "* VANISHED 2:3", "{r:?}");
    assert!(!r.iter().any(|l| l.ends_with(" EXPUNGE")), "{r:?}");
    // Its own expunge too; sequence numbers moved on.
    c.expect_ok("a3 STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    let r = c.expect_ok("a4 EXPUNGE").await;
    assert_eq!(r[0], "* VANISHED 4", "{r:?}");
    let r = c.expect_ok("a5 FETCH 1:* UID").await;
    assert_eq!(r[0], "* 1 FETCH (UID 1)", "{r:?}");
    assert_eq!(r.len(), 2, "{r:?}");
}
