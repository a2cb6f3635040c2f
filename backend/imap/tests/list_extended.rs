//! LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), CREATE-SPECIAL-USE (RFC 6154 §3)
//! and RENAME INBOX (RFC 9051 §6.3.6), as transcripts.

use crate::harness::{Harness, MSG, has};

#[tokio::test]
async fn capabilities_are_advertised() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_ok("a1 CAPABILITY").await;
    for cap in [" LIST-EXTENDED", " LIST-STATUS", " CREATE-SPECIAL-USE"] {
        assert!(has(&r, cap), "{cap}: {r:?}");
    }
}

#[tokio::test]
async fn selection_and_return_options() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Fruit/Apple").await;
    c.expect_ok("a2 CREATE Fruit/Banana").await;
    c.expect_ok("a3 CREATE Veg").await;
    c.expect_ok("a4 SUBSCRIBE Fruit/Banana").await;
    c.expect_ok("a5 SUBSCRIBE Veg").await;

    // RFC 5258 §3.1: SUBSCRIBED selects subscribed mailboxes and implies \Subscribed.
    let r = c.expect_ok("b1 LIST (SUBSCRIBED) \"\" (Fruit* Veg)").await;
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(has(&r, "\\Subscribed) \"/\" Fruit/Banana"), "{r:?}");
    assert!(has(&r, "\\Subscribed) \"/\" Veg"), "{r:?}");

    // RFC 5258 §3.5: RECURSIVEMATCH returns the parent of a subscribed child with
    // CHILDINFO, without \Subscribed.
    let r = c
        .expect_ok("b2 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (F% V%) RETURN (CHILDREN)")
        .await;
    assert!(
        has(
            &r,
            "* LIST (\\HasChildren) \"/\" Fruit (\"CHILDINFO\" (\"SUBSCRIBED\"))"
        ),
        "{r:?}"
    );
    assert!(
        has(&r, "* LIST (\\HasNoChildren \\Subscribed) \"/\" Veg"),
        "{r:?}"
    );
    assert_eq!(r.len(), 3, "{r:?}");

    // RETURN (SUBSCRIBED) marks subscribed mailboxes without selecting by it.
    let r = c
        .expect_ok("b3 LIST \"\" Fruit* RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)")
        .await;
    assert_eq!(r.len(), 4, "{r:?}");
    assert!(has(&r, "\\Subscribed) \"/\" Fruit/Banana"), "{r:?}");
    assert!(has(&r, "(\\HasNoChildren) \"/\" Fruit/Apple"), "{r:?}");

    // Several patterns, each mailbox once; REMOTE selects nothing more.
    let r = c.expect_ok("b4 LIST (REMOTE) \"\" (Veg INBOX Ve*)").await;
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(has(&r, "\"/\" INBOX"), "{r:?}");

    // SPECIAL-USE selection with RECURSIVEMATCH.
    c.expect_ok("b5 CREATE Old (USE (\\Archive))").await;
    let r = c.expect_ok("b6 LIST (SPECIAL-USE) \"\" Old").await;
    assert!(
        has(&r, "* LIST (\\HasNoChildren \\Archive) \"/\" Old"),
        "{r:?}"
    );

    // RFC 5258 §3: RECURSIVEMATCH alone, and unknown options, are BAD.
    c.expect_bad("c1 LIST (RECURSIVEMATCH) \"\" *").await;
    c.expect_bad("c2 LIST (NOSUCHOPTION) \"\" *").await;
    c.expect_bad("c3 LIST \"\" * RETURN (NOSUCHOPTION)").await;
}

#[tokio::test]
async fn list_status_follows_each_list_line() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Empty").await;
    let r = c
        .expect_ok("a2 LIST \"\" (INBOX Empty) RETURN (STATUS (MESSAGES UNSEEN UIDNEXT))")
        .await;
    assert_eq!(r.len(), 5, "{r:?}");
    let inbox = r.iter().position(|l| l.ends_with("\"/\" INBOX")).unwrap();
    assert_eq!(
        r[inbox + 1],
        "* STATUS INBOX (MESSAGES 2 UNSEEN 2 UIDNEXT 3)",
        "{r:?}"
    );
    let empty = r.iter().position(|l| l.ends_with("\"/\" Empty")).unwrap();
    assert_eq!(
        r[empty + 1],
        "* STATUS Empty (MESSAGES 0 UNSEEN 0 UIDNEXT 1)",
        "{r:?}"
    );
}

#[tokio::test]
async fn create_special_use() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Keep (USE (\\Archive))").await;
    let r = c.expect_ok("a2 LIST \"\" Keep").await;
    assert!(
        has(&r, "* LIST (\\HasNoChildren \\Archive) \"/\" Keep"),
        "{r:?}"
    );
    // RFC 6154 §3: an attribute that cannot be given is NO [USEATTR]: a second \Sent
    // or \Trash, one this server does not know, or two at once.
    for (i, cmd) in [
        "CREATE Sent2 (USE (\\Sent))",
        "CREATE Keep2 (USE (\\Trash))",
        "CREATE Every (USE (\\All))",
        "CREATE Both (USE (\\Junk \\Drafts))",
    ]
    .iter()
    .enumerate()
    {
        let r = c.expect_no(&format!("n{i} {cmd}")).await;
        assert!(has(&r, "[USEATTR]"), "{r:?}");
    }
    let r = c.expect_ok("a3 LIST \"\" *").await;
    for name in ["Sent2", "Keep2", "Every", "Both"] {
        assert!(!has(&r, &format!("\"/\" {name}")), "{name}: {r:?}");
    }
}

#[tokio::test]
async fn rename_inbox_moves_the_messages() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Dest").await;
    let r = c.expect_no("a2 RENAME INBOX Dest").await;
    assert!(has(&r, "[ALREADYEXISTS]"), "{r:?}");
    let r = c.expect_ok("a2 STATUS INBOX (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 2)", "nothing moved: {r:?}");
    c.expect_ok("a3 RENAME INBOX Old/Inbox").await;
    let r = c
        .expect_ok("a4 STATUS Old/Inbox (MESSAGES UIDNEXT UIDVALIDITY)")
        .await;
    assert!(
        r[0].starts_with("* STATUS Old/Inbox (MESSAGES 2 UIDNEXT 3 "),
        "{r:?}"
    );
    let r = c.expect_ok("a5 STATUS INBOX (MESSAGES UIDNEXT)").await;
    // INBOX is empty; its UIDs are never reused.
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 0 UIDNEXT 3)", "{r:?}");
    c.expect_ok("a6 SELECT Old/Inbox").await;
    let r = c.expect_ok("a7 UID FETCH 1:* (UID)").await;
    assert!(has(&r, "* 1 FETCH (UID 1)"), "{r:?}");
    assert!(has(&r, "* 2 FETCH (UID 2)"), "{r:?}");
    // A new message arrives in INBOX as usual.
    h.deliver(MSG).await;
    let r = c.expect_ok("a8 STATUS INBOX (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS INBOX (MESSAGES 1)", "{r:?}");
}
