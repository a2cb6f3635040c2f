//! Mailbox commands (RFC 9051 §6.3): LIST, LSUB, STATUS, SELECT/EXAMINE, CREATE,
//! DELETE, RENAME, SUBSCRIBE, CLOSE, UNSELECT.

use crate::harness::{Harness, MSG, has};

#[tokio::test]
async fn list_shows_special_use_and_children() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_ok("a1 LIST \"\" \"\"").await;
    assert_eq!(r[0], "* LIST (\\Noselect) \"/\" \"\"");
    let r = c.expect_ok("a2 LIST \"\" *").await;
    assert!(has(&r, "* LIST (\\HasNoChildren) \"/\" INBOX"), "{r:?}");
    assert!(
        has(&r, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent"),
        "{r:?}"
    );
    assert!(has(&r, "\\Trash) \"/\" Trash"), "{r:?}");
    c.expect_ok("a3 CREATE Projects/2026/q1").await;
    let r = c.expect_ok("a4 LIST \"\" %").await;
    assert!(has(&r, "* LIST (\\HasChildren) \"/\" Projects"), "{r:?}");
    assert!(!has(&r, "Projects/2026"), "{r:?}");
    let r = c.expect_ok("a5 LIST Projects/ *").await;
    assert_eq!(r.len(), 3, "{r:?}");
    let r = c.expect_ok("a6 LIST (SPECIAL-USE) \"\" *").await;
    assert_eq!(r.len(), 6, "{r:?}");
}

#[tokio::test]
async fn create_delete_rename_subscribe() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Work/").await;
    let r = c.expect_no("a2 CREATE Work").await;
    assert!(has(&r, "[ALREADYEXISTS]"), "{r:?}");
    c.expect_no("a3 CREATE INBOX").await;
    c.expect_no("a4 CREATE a//b").await;
    c.expect_ok("a5 CREATE Work/Old").await;
    let r = c.expect_no("a6 DELETE Work").await;
    assert!(has(&r, "[HASCHILDREN]"), "{r:?}");
    c.expect_no("a7 DELETE INBOX").await;
    c.expect_no("a8 DELETE Sent").await;
    let r = c.expect_no("a9 DELETE Nowhere").await;
    assert!(has(&r, "[NONEXISTENT]"), "{r:?}");
    c.expect_ok("b1 RENAME Work Jobs").await;
    let r = c.expect_ok("b2 LIST \"\" Jobs*").await;
    assert!(has(&r, "\"/\" Jobs/Old"), "{r:?}");
    c.expect_no("b3 RENAME Jobs Sent").await;
    c.expect_no("b4 RENAME Trash Elsewhere").await;
    c.expect_ok("b5 SUBSCRIBE Jobs").await;
    let r = c.expect_ok("b6 LSUB \"\" Jobs*").await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r[0].starts_with("* LSUB ("), "{r:?}");
    let r = c.expect_ok("b7 LIST (SUBSCRIBED) \"\" Jobs").await;
    assert!(has(&r, "\\Subscribed"), "{r:?}");
    c.expect_ok("b8 UNSUBSCRIBE Jobs").await;
    let r = c.expect_ok("b9 LSUB \"\" Jobs*").await;
    assert_eq!(r.len(), 1, "{r:?}");
    c.expect_ok("c1 DELETE Jobs/Old").await;
    c.expect_ok("c2 DELETE Jobs").await;
    let r = c.expect_ok("c3 LIST \"\" Jobs*").await;
    assert_eq!(r.len(), 1, "{r:?}");
}

#[tokio::test]
async fn select_examine_status_close_unselect() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    let r = c
        .expect_ok("a1 STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE HIGHESTMODSEQ)")
        .await;
    let size = 2 * MSG.len();
    assert!(
        r[0].starts_with(&format!(
            "* STATUS INBOX (MESSAGES 2 UIDNEXT 3 UNSEEN 2 DELETED 0 SIZE {size} HIGHESTMODSEQ "
        )),
        "{r:?}"
    );
    c.expect_no("a2 STATUS Nowhere (MESSAGES)").await;
    let r = c.expect_ok("a3 SELECT INBOX").await;
    for want in [
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        "* 2 EXISTS",
        "* 2 RECENT",
        "[UNSEEN 1]",
        "[PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)]",
        "[UIDVALIDITY ",
        "[UIDNEXT 3]",
        "[HIGHESTMODSEQ ",
        "a3 OK [READ-WRITE]",
    ] {
        assert!(has(&r, want), "{want} missing: {r:?}");
    }
    c.expect_ok("a4 STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    c.expect_ok("a5 UNSELECT").await;
    c.expect_bad("a6 FETCH 1 FLAGS").await;
    let r = c.expect_ok("a7 EXAMINE INBOX").await;
    assert!(
        has(&r, "a7 OK [READ-ONLY]") && has(&r, "* 2 EXISTS"),
        "{r:?}"
    );
    c.expect_no("a8 STORE 1 +FLAGS (\\Seen)").await;
    c.expect_ok("a9 CLOSE").await;
    c.expect_ok("b1 SELECT INBOX").await;
    let r = c.expect_ok("b2 CLOSE").await;
    assert!(!has(&r, "EXPUNGE"), "CLOSE expunges silently: {r:?}");
    let r = c.expect_ok("b3 SELECT INBOX").await;
    assert!(has(&r, "* 1 EXISTS"), "{r:?}");
    // rev2: the mailbox's LIST line, CLOSED when reselecting.
    c.expect_ok("b4 UNSELECT").await;
    c.expect_ok("b5 ENABLE IMAP4rev2").await;
    let r = c.expect_ok("b6 SELECT inbox").await;
    assert!(
        has(&r, "* LIST () \"/\" INBOX") && !has(&r, "RECENT"),
        "{r:?}"
    );
    let r = c.expect_ok("b7 SELECT INBOX").await;
    assert!(has(&r, "* OK [CLOSED]"), "{r:?}");
}

/// SUBSCRIBE to a mailbox that does not exist: RFC 9051 §6.3.7 lets the server
/// refuse or accept it; this one refuses with `NO [NONEXISTENT]` and LSUB and
/// LIST (SUBSCRIBED) show nothing. UNSUBSCRIBE of a name not subscribed is OK
/// (RFC 9051 §6.3.8).
#[tokio::test]
async fn subscribe_to_a_missing_mailbox_is_no() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_no("a1 SUBSCRIBE Nowhere").await;
    assert!(r[0].starts_with("a1 NO [NONEXISTENT]"), "{r:?}");
    let r = c.expect_ok("a2 LSUB \"\" Nowhere").await;
    assert_eq!(r.len(), 1, "{r:?}");
    let r = c.expect_ok("a3 LIST (SUBSCRIBED) \"\" Nowhere").await;
    assert_eq!(r.len(), 1, "{r:?}");
    c.expect_ok("a4 UNSUBSCRIBE Nowhere").await;
    // Created, it can be subscribed.
    c.expect_ok("a5 CREATE Nowhere").await;
    c.expect_ok("a6 SUBSCRIBE Nowhere").await;
    let r = c.expect_ok("a7 LSUB \"\" Nowhere").await;
    assert!(
        r[0].starts_with("* LSUB (") && r[0].ends_with(") \"/\" Nowhere"),
        "{r:?}"
    );
}
