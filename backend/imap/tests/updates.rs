//! Changes made elsewhere reaching a selected session (RFC 9051 §7.5.1): at command
//! boundaries, never EXPUNGE while answering FETCH, STORE or SEARCH by sequence number,
//! and during IDLE (RFC 9051 §6.3.13).

use crate::harness::{Harness, MSG, has};

#[tokio::test]
async fn expunge_in_one_session_shows_in_the_other_only_when_allowed() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut a = h.select().await;
    let mut b = h.select().await;
    a.expect_ok("a1 STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    let r = b.expect_ok("b1 FETCH 1:* FLAGS").await;
    assert!(has(&r, "* 2 FETCH (FLAGS (\\Deleted))"), "{r:?}");
    a.expect_ok("a2 EXPUNGE").await;
    // FETCH, STORE and SEARCH by sequence number: no EXPUNGE, the numbers stay.
    let r = b.expect_ok("b2 FETCH 3 (UID)").await;
    assert_eq!(r[0], "* 3 FETCH (UID 3)");
    assert!(!has(&r, "EXPUNGE"), "{r:?}");
    let r = b.expect_ok("b3 STORE 3 +FLAGS (\\Seen)").await;
    assert!(!has(&r, "EXPUNGE"), "{r:?}");
    let r = b.expect_ok("b4 SEARCH ALL").await;
    assert_eq!(r[0], "* SEARCH 1 3", "the expunged message is left out");
    // NOOP may report it; numbers shift down after it.
    let r = b.expect_ok("b5 NOOP").await;
    assert_eq!(r[0], "* 2 EXPUNGE");
    let r = b.expect_ok("b6 FETCH 2 (UID)").await;
    assert_eq!(r[0], "* 2 FETCH (UID 3)");
    // New mail and flag changes from elsewhere arrive at the next command.
    h.deliver(MSG).await;
    a.expect_ok("a3 STORE 1 +FLAGS.SILENT (\\Answered)").await;
    let r = b.expect_ok("b7 NOOP").await;
    assert!(has(&r, "* 1 FETCH (FLAGS (\\Answered) UID 1)"), "{r:?}");
    assert!(has(&r, "* 3 EXISTS"), "{r:?}");
    // UID FETCH may carry EXPUNGE.
    a.expect_ok("a4 STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    a.expect_ok("a5 EXPUNGE").await;
    let r = b.expect_ok("b8 UID FETCH 4 (FLAGS)").await;
    assert!(has(&r, "* 1 EXPUNGE"), "{r:?}");
    assert!(has(&r, "* 2 FETCH (FLAGS () UID 4)"), "{r:?}");
}

#[tokio::test]
async fn idle_wakes_on_delivery() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    c.send("i1 IDLE").await;
    assert!(c.line().await.starts_with("+ "));
    h.deliver(MSG).await;
    assert_eq!(c.line().await, "* 2 EXISTS");
    // RFC 3501 §7.3.2: the size changed, so RECENT follows; both messages are recent
    // here (c was the first to select after each arrived).
    assert_eq!(c.line().await, "* 2 RECENT");
    let mut other = h.select().await;
    other
        .expect_ok("o1 STORE 1 +FLAGS.SILENT (\\Deleted)")
        .await;
    assert_eq!(
        c.line().await,
        "* 1 FETCH (FLAGS (\\Deleted \\Recent) UID 1)"
    );
    other.expect_ok("o2 EXPUNGE").await;
    assert_eq!(c.line().await, "* 1 EXPUNGE");
    c.send("DONE").await;
    assert!(c.line().await.starts_with("i1 OK"));
    let r = c.expect_ok("i2 FETCH 1 (UID)").await;
    assert_eq!(r[0], "* 1 FETCH (UID 2)");
}

#[tokio::test]
async fn idle_without_a_mailbox_and_shutdown() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.send("i1 IDLE").await;
    assert!(c.line().await.starts_with("+ "));
    c.send("NOPE").await;
    assert!(c.line().await.starts_with("i1 BAD"));
    c.send("i2 IDLE").await;
    c.line().await;
    h.trigger.fire();
    assert!(c.line().await.starts_with("* BYE"));
}

/// Past a few hundred messages a session catches up by MODSEQ (only what changed is
/// read): the same untagged responses, at the same moments, as after a full reload.
#[tokio::test]
async fn a_large_mailbox_catches_up_with_only_the_changes() {
    let h = Harness::start().await;
    for _ in 0..300 {
        h.deliver(MSG).await;
    }
    let mut a = h.select().await;
    let mut b = h.select().await;
    let mut idle = h.select().await;
    idle.send("i1 IDLE").await;
    assert!(idle.line().await.starts_with("+ "));

    a.expect_ok("a1 STORE 5 +FLAGS.SILENT (\\Flagged)").await;
    assert_eq!(idle.line().await, "* 5 FETCH (FLAGS (\\Flagged) UID 5)");
    a.expect_ok("a2 STORE 7 +FLAGS.SILENT (\\Deleted)").await;
    assert_eq!(idle.line().await, "* 7 FETCH (FLAGS (\\Deleted) UID 7)");
    a.expect_ok("a3 EXPUNGE").await;
    assert_eq!(idle.line().await, "* 7 EXPUNGE");
    h.deliver(MSG).await;
    assert_eq!(idle.line().await, "* 300 EXISTS");
    assert_eq!(idle.line().await, "* 1 RECENT");

    // b saw nothing yet. FETCH by number holds the EXPUNGE back (the expunged message
    // still counts in EXISTS, and has no data left to fetch); NOOP reports it.
    let r = b.expect_ok("b1 FETCH 7 (UID)").await;
    assert!(has(&r, "* 5 FETCH (FLAGS (\\Flagged) UID 5)"), "{r:?}");
    assert!(has(&r, "* 301 EXISTS"), "{r:?}");
    // RFC 3501 §7.3.2: RECENT comes with the new size; the new message is idle's.
    assert!(has(&r, "* 0 RECENT"), "{r:?}");
    assert!(!has(&r, "EXPUNGE"), "{r:?}");
    assert_eq!(r.len(), 4, "{r:?}");
    let r = b.expect_ok("b2 NOOP").await;
    assert_eq!(r[0], "* 7 EXPUNGE");
    assert_eq!(r.len(), 2, "{r:?}");
    let r = b.expect_ok("b3 FETCH 299:300 (UID)").await;
    assert_eq!(r[0], "* 299 FETCH (UID 300)");
    assert_eq!(r[1], "* 300 FETCH (UID 301)");

    // b's own change, then a's: each session reports the other's at its next command.
    b.expect_ok("b4 STORE 1 +FLAGS.SILENT (\\Seen)").await;
    let r = a.expect_ok("a4 NOOP").await;
    assert!(
        has(&r, "* 1 FETCH (FLAGS (\\Seen \\Recent) UID 1)"),
        "{r:?}"
    );
    assert!(has(&r, "* 300 EXISTS"), "{r:?}");
    a.expect_ok("a5 STORE 1 -FLAGS.SILENT (\\Seen)").await;
    let r = b.expect_ok("b5 NOOP").await;
    assert!(has(&r, "* 1 FETCH (FLAGS () UID 1)"), "{r:?}");
    // Nothing changed since: nothing to say.
    let r = b.expect_ok("b6 NOOP").await;
    assert_eq!(r.len(), 1, "{r:?}");

    idle.send("DONE").await;
    let r = idle.until_tagged("i1").await;
    assert!(r.last().unwrap().starts_with("i1 OK"), "{r:?}");
}

/// The change bus carries only this process's changes; NOOP, the command clients poll
/// with, also asks the store, so mail delivered by another process shows up there.
#[tokio::test]
async fn noop_finds_what_another_process_delivered() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut a = h.select().await;
    let other = h.other_process().await;
    other
        .deliver(std::slice::from_ref(&h.account_id), "INBOX", MSG, 0)
        .await
        .unwrap();
    // A command other than NOOP does not poll (the bus said nothing).
    let r = a.expect_ok("a1 FETCH 1 (UID)").await;
    assert!(!has(&r, "EXISTS"), "{r:?}");
    let r = a.expect_ok("a2 NOOP").await;
    assert!(has(&r, "* 2 EXISTS"), "{r:?}");
    // Nothing new: nothing said, however often one asks.
    let r = a.expect_ok("a3 NOOP").await;
    assert_eq!(r.len(), 1, "{r:?}");
    // This process's own changes still come by the bus, with or without polling.
    let mut b = h.select().await;
    b.expect_ok("b1 STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    let r = a.expect_ok("a4 NOOP").await;
    assert!(
        has(&r, "* 2 FETCH (FLAGS (\\Deleted \\Recent) UID 2)"),
        "{r:?}"
    );
}

/// A client that stops reading in the middle of a large answer holds up only itself:
/// answers are written after the store work (and its locks) are done, so another
/// session of the same mailbox goes on writing (RFC 9051 §5.5 leaves the order of
/// sessions to the server; the "a slow client never blocks others").
#[tokio::test]
async fn a_client_that_does_not_read_blocks_no_one() {
    let h = Harness::start().await;
    let body = "x".repeat(64 * 1024 - 2);
    let big = format!("Subject: big\r\n\r\n{body}\r\n");
    for _ in 0..200 {
        h.deliver(big.as_bytes()).await;
    }
    let mut slow = h.select().await;
    // About 13 MB of answer, more than the sockets buffer; FETCH BODY[] also sets
    // \Seen, a write to the store.
    slow.send("s1 FETCH 1:* BODY[]").await;
    // Each answer below must come within the harness's wait.
    let mut other = h.select().await;
    other.expect_ok("o1 STORE 1:10 +FLAGS (\\Flagged)").await;
    other
        .expect_ok("o2 STORE 200 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("o3 EXPUNGE").await;
    h.deliver(MSG).await;
    let r = other.expect_ok("o4 NOOP").await;
    assert!(has(&r, "EXISTS"), "{r:?}");
}

/// COPY and MOVE by sequence number name the messages as the client numbered them
/// when it wrote the command: an expunge another session made is reported after the
/// command, not before it (which would renumber the messages under the command; RFC
/// 9051 §7.5.1 keeps numbers in step for the same reason).
#[tokio::test]
async fn copy_and_move_by_number_act_on_the_messages_the_client_numbered() {
    let h = Harness::start().await;
    for _ in 0..4 {
        h.deliver(MSG).await;
    }
    let mut a = h.select().await;
    let mut b = h.select().await;
    b.expect_ok("b1 CREATE Work").await;
    a.expect_ok("a1 STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    a.expect_ok("a2 EXPUNGE").await;
    // b still numbers UIDs 1 to 4 as 1 to 4: its message 2 is UID 2, its message 4
    // is UID 4.
    let r = b.expect_ok("b2 COPY 2 Work").await;
    let copyuid = r.last().unwrap();
    assert!(copyuid.contains("[COPYUID "), "{r:?}");
    assert!(copyuid.contains(" 2 1]"), "message 2 is UID 2: {r:?}");
    assert!(has(&r, "* 1 EXPUNGE"), "reported after the command: {r:?}");
    a.expect_ok("a3 STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    a.expect_ok("a4 EXPUNGE").await;
    // UIDs 3 and 4 are left, b's messages 2 and 3.
    let r = b.expect_ok("b3 MOVE 3 Work").await;
    let at = r.iter().position(|l| l.contains("[COPYUID ")).unwrap();
    assert!(r[at].contains(" 4 2]"), "message 3 is UID 4: {r:?}");
    assert!(
        r[at + 1..].iter().any(|l| l == "* 1 EXPUNGE"),
        "UID 2, gone elsewhere, reported after the COPYUID: {r:?}"
    );
    let r = b.expect_ok("b4 FETCH 1:* (UID)").await;
    assert_eq!(r[0], "* 1 FETCH (UID 3)", "{r:?}");
    assert_eq!(r.len(), 2, "{r:?}");
}

/// RFC 9051 §6.3.2: "The SELECT command automatically deselects any currently
/// selected mailbox before attempting the new selection." What changed in the old
/// mailbox is not reported while the new one is selected: an IMAP4rev1 client, which
/// gets no `OK [CLOSED]`, would take it for the new mailbox's.
#[tokio::test]
async fn select_reports_nothing_of_the_mailbox_it_leaves() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut a = h.select().await;
    let mut b = h.select().await;
    b.expect_ok("b1 CREATE Work").await;
    a.expect_ok("a1 STORE 1 +FLAGS (\\Deleted $Label1)").await;
    a.expect_ok("a2 EXPUNGE").await;
    a.expect_ok("a3 STORE 1 +FLAGS (\\Flagged)").await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let r = b.expect_ok("b2 SELECT Work").await;
    assert!(r[0].starts_with("* FLAGS ("), "{r:?}");
    assert!(has(&r, "* 0 EXISTS"), "{r:?}");
    for word in ["EXPUNGE", "FETCH", "* 4 EXISTS", "$Label1"] {
        assert!(!r.iter().any(|l| l.contains(word)), "{word}: {r:?}");
    }
    // Nor later, in the new mailbox.
    let r = b.expect_ok("b3 NOOP").await;
    assert_eq!(r.len(), 1, "{r:?}");
}
