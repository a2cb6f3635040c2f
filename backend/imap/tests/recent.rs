//! `\Recent` for IMAP4rev1 sessions (RFC 3501 §2.3.2, §6.3.1, §6.3.10, §6.4.4, §7.3.2):
//! a message is recent in exactly one session, the first to select the mailbox after
//! it arrived; EXAMINE shows without taking; IMAP4rev2 sessions neither see nor take.

use crate::harness::{Harness, MSG};

#[tokio::test]
async fn a_message_is_recent_in_exactly_one_session() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;

    // RFC 3501 §6.3.10: STATUS RECENT is "the number of messages with the \Recent
    // flag set": nobody has selected the mailbox yet.
    let mut c = h.login().await;
    let r = c.expect_ok("c1 STATUS INBOX (RECENT MESSAGES)").await;
    assert_eq!(r[0], "* STATUS INBOX (RECENT 2 MESSAGES 2)");

    // RFC 3501 §6.3.2: EXAMINE "MUST NOT cause messages to lose the \Recent flag".
    let mut e = h.login().await;
    let r = e.expect_ok("e1 EXAMINE INBOX").await;
    assert!(r.contains(&"* 2 RECENT".to_owned()), "{r:#?}");
    let r = e.expect_ok("e2 SEARCH RECENT").await;
    assert_eq!(r[0], "* SEARCH 1 2");

    // RFC 3501 §2.3.2: "This session is the first session to have been notified about
    // this message; if the session is read-write, subsequent sessions will not see
    // \Recent set for this message."
    let mut a = h.login().await;
    let r = a.expect_ok("a1 SELECT INBOX").await;
    assert!(r.contains(&"* 2 RECENT".to_owned()), "{r:#?}");
    let r = a.expect_ok("a2 FETCH 1:* (FLAGS)").await;
    assert_eq!(
        r[..2],
        [
            "* 1 FETCH (FLAGS (\\Recent))",
            "* 2 FETCH (FLAGS (\\Recent))"
        ]
    );
    // RFC 3501 §6.4.4: RECENT, NEW ("\Recent flag set but not the \Seen flag"), OLD.
    assert_eq!(a.expect_ok("a3 SEARCH RECENT").await[0], "* SEARCH 1 2");
    assert_eq!(a.expect_ok("a4 SEARCH NEW").await[0], "* SEARCH 1 2");
    assert_eq!(a.expect_ok("a5 SEARCH OLD").await[0], "* SEARCH");

    let mut b = h.login().await;
    let r = b.expect_ok("b1 SELECT INBOX").await;
    assert!(r.contains(&"* 0 RECENT".to_owned()), "{r:#?}");
    let r = b.expect_ok("b2 FETCH 1:* (FLAGS)").await;
    assert_eq!(r[..2], ["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())"]);
    assert_eq!(b.expect_ok("b3 SEARCH RECENT").await[0], "* SEARCH");
    assert_eq!(b.expect_ok("b4 SEARCH OLD").await[0], "* SEARCH 1 2");
    let r = c.expect_ok("c2 STATUS INBOX (RECENT)").await;
    assert_eq!(r[0], "* STATUS INBOX (RECENT 0)");

    // A new message is recent to the first selected session that hears of it, which
    // says so with RECENT after EXISTS (RFC 3501 §7.3.2: "if the size of the mailbox
    // changes").
    h.deliver(MSG).await;
    let r = b.expect_ok("b5 NOOP").await;
    assert_eq!(r[..2], ["* 3 EXISTS", "* 1 RECENT"], "{r:#?}");
    let r = a.expect_ok("a6 NOOP").await;
    assert_eq!(r[..2], ["* 3 EXISTS", "* 2 RECENT"], "{r:#?}");
    assert_eq!(
        b.expect_ok("b6 FETCH 3 (FLAGS)").await[0],
        "* 3 FETCH (FLAGS (\\Recent))"
    );
    assert_eq!(
        a.expect_ok("a7 FETCH 3 (FLAGS)").await[0],
        "* 3 FETCH (FLAGS ())"
    );

    // \Seen takes a message out of NEW, not out of RECENT; the client cannot set or
    // clear \Recent (RFC 3501 §2.3.2: "This flag can not be altered by the client").
    let r = a.expect_ok("a8 STORE 1 +FLAGS (\\Seen)").await;
    assert_eq!(r[0], "* 1 FETCH (FLAGS (\\Seen \\Recent))");
    assert_eq!(a.expect_ok("a9 SEARCH NEW").await[0], "* SEARCH 2");
    let r = a.expect_ok("a10 STORE 2 FLAGS (\\Flagged)").await;
    assert_eq!(r[0], "* 2 FETCH (FLAGS (\\Flagged \\Recent))");
    let r = b.expect_ok("b7 STORE 2 +FLAGS (\\Recent)").await;
    assert!(
        r.iter().any(|l| l == "* 2 FETCH (FLAGS (\\Flagged))"),
        "{r:#?}"
    );

    // IMAP4rev2 has no \Recent: no RECENT response, no flag, and nothing claimed, so
    // the next IMAP4rev1 session still gets the message as recent.
    h.deliver(MSG).await;
    let mut v2 = h.login().await;
    v2.expect_ok("v1 ENABLE IMAP4rev2").await;
    let r = v2.expect_ok("v2 SELECT INBOX").await;
    assert!(!r.iter().any(|l| l.contains("RECENT")), "{r:#?}");
    let r = v2.expect_ok("v3 FETCH 4 (FLAGS)").await;
    assert_eq!(r[0], "* 4 FETCH (FLAGS ())");
    let r = c.expect_ok("c3 SELECT INBOX").await;
    assert!(r.contains(&"* 1 RECENT".to_owned()), "{r:#?}");
    assert_eq!(c.expect_ok("c4 SEARCH RECENT").await[0], "* SEARCH 4");
}

/// Sessions that select and poll while mail arrives: each message is recent in
/// exactly one of them.
#[tokio::test]
async fn concurrent_sessions_share_the_recent_messages_out() {
    let h = Harness::start().await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let mut c = h.login().await;
        tasks.push(tokio::spawn(async move {
            c.expect_ok(&format!("s{i} SELECT INBOX")).await;
            for n in 0..10 {
                c.expect_ok(&format!("n{i}.{n} NOOP")).await;
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            c
        }));
    }
    for _ in 0..20 {
        h.deliver(MSG).await;
    }
    let mut found = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        let mut c = t.await.unwrap();
        c.expect_ok(&format!("f{i} NOOP")).await;
        let r = c.expect_ok(&format!("r{i} UID SEARCH RECENT")).await;
        found.extend(
            r[0].trim_start_matches("* SEARCH")
                .split_whitespace()
                .map(|n| n.parse::<u32>().unwrap()),
        );
    }
    found.sort_unstable();
    assert_eq!(
        found,
        (1..=20).collect::<Vec<u32>>(),
        "each message recent in exactly one session"
    );
}

#[tokio::test]
async fn an_append_to_the_selected_mailbox_is_recent_in_the_session_that_appended_it() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut a = h.select().await;
    let mut b = h.select().await;
    // b listens (IDLE) and would hear of the new message as soon as it lands; a, which
    // appends it, is told of it at the end of its APPEND. RFC 3501 §2.3.2: recent
    // means "This session is the first session to have been notified about this
    // message". The append claims it for a in the same write as the message, so a is
    // that session whatever the timing.
    b.send("i1 IDLE").await;
    assert!(b.line().await.starts_with("+ "));
    let msg = "Subject: mine\r\n\r\nhello\r\n";
    let r = a
        .expect_ok(&format!("a1 APPEND INBOX {{{}+}}\r\n{msg}", msg.len()))
        .await;
    assert_eq!(r[..2], ["* 2 EXISTS", "* 2 RECENT"], "{r:#?}");
    assert_eq!(b.line().await, "* 2 EXISTS");
    assert_eq!(b.line().await, "* 0 RECENT");
    b.send("DONE").await;
    assert!(b.line().await.starts_with("i1 OK"));
    assert_eq!(
        a.expect_ok("a2 FETCH 2 (FLAGS)").await[0],
        "* 2 FETCH (FLAGS (\\Recent))"
    );
    assert_eq!(b.expect_ok("b1 SEARCH RECENT").await[0], "* SEARCH");

    // A session that appends to another mailbox than its own claims nothing there:
    // the next to select it does.
    a.expect_ok("a3 CREATE Later").await;
    a.expect_ok(&format!("a4 APPEND Later {{{}+}}\r\n{msg}", msg.len()))
        .await;
    let r = b.expect_ok("b2 SELECT Later").await;
    assert!(r.contains(&"* 1 RECENT".to_owned()), "{r:#?}");
}
