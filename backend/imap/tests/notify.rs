//! NOTIFY, RFC 5465: STATUS for other mailboxes, LIST for names and subscriptions, the
//! selected mailbox between commands, IDLE, NOTIFY NONE, and the refusals (BAD,
//! BADEVENT, NOTIFICATIONOVERFLOW).

use crate::harness::{Harness, MSG, has, number_after};

/// RFC 5465 §3: "IMAP servers that support this extension advertise the NOTIFY
/// capability."
#[tokio::test]
async fn capability_lists_notify_after_login() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_ok("c1 CAPABILITY").await;
    assert!(has(&r, " NOTIFY"), "{r:?}");
}

/// RFC 5465 §5.2: "If the new/appended message is in another mailbox, the server sends
/// an unsolicited STATUS (UIDNEXT MESSAGES) response for the relevant mailbox." §5.3
/// the same for expunges; §5.1 flag changes: "the server MAY also include the UNSEEN
/// data item".
#[tokio::test]
async fn other_mailboxes_changes_come_as_status_between_commands() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("c1 SELECT Archive").await;
    c.expect_ok("c2 NOTIFY SET (personal (MessageNew MessageExpunge FlagChange))")
        .await;
    // No command in progress: the STATUS comes on its own.
    h.deliver(MSG).await;
    assert_eq!(c.line().await, "* STATUS INBOX (UIDNEXT 2 MESSAGES 1)");
    let mut other = h.select().await;
    other.expect_ok("o1 STORE 1 +FLAGS.SILENT (\\Seen)").await;
    let line = c.line().await;
    assert!(line.starts_with("* STATUS INBOX (UIDVALIDITY "), "{line}");
    assert!(line.ends_with(" UNSEEN 0)"), "{line}");
    other
        .expect_ok("o2 STORE 1 +FLAGS.SILENT (\\Deleted)")
        .await;
    c.line().await;
    other.expect_ok("o3 EXPUNGE").await;
    assert_eq!(c.line().await, "* STATUS INBOX (UIDNEXT 2 MESSAGES 0)");
    // The selected mailbox's own changes are not told as STATUS.
    let r = c.expect_ok("c3 NOOP").await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

/// RFC 5465 §3.1: "the server MUST send a STATUS response for that mailbox before
/// NOTIFY's tagged OK. If MessageNew is enabled, the STATUS response MUST contain
/// MESSAGES, UIDNEXT, and UIDVALIDITY."
#[tokio::test]
async fn the_status_indicator_sends_status_first() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    let r = c
        .expect_ok("c1 NOTIFY SET STATUS (mailboxes (INBOX Nowhere) (MessageNew MessageExpunge))")
        .await;
    assert_eq!(
        r.len(),
        2,
        "one STATUS, for the mailbox that exists: {r:#?}"
    );
    assert!(
        r[0].starts_with("* STATUS INBOX (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "),
        "{r:#?}"
    );
    assert!(number_after(&r[0], "UIDVALIDITY") > 0);
    // Without the indicator, none.
    let r = c
        .expect_ok("c2 NOTIFY SET (subtree INBOX (MessageNew MessageExpunge))")
        .await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

/// RFC 5465 §3.1: the client "listens for event notifications all the time (even when
/// no command is in progress)"; §5.2: "the server notifies the client by sending an
/// unsolicited EXISTS response, followed by an unsolicited FETCH response containing
/// the information requested by the client."
#[tokio::test]
async fn the_selected_mailbox_is_reported_between_commands() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    c.expect_ok("c1 ENABLE IMAP4rev2").await;
    c.expect_ok("c1a SELECT INBOX").await;
    c.expect_ok("c2 NOTIFY SET (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange))")
        .await;
    h.deliver(MSG).await;
    assert_eq!(c.line().await, "* 2 EXISTS");
    assert_eq!(c.line().await, "* 2 FETCH (UID 2 FLAGS ())");
    let mut other = h.select().await;
    other
        .expect_ok("o1 STORE 1 +FLAGS.SILENT (\\Deleted)")
        .await;
    assert_eq!(c.line().await, "* 1 FETCH (FLAGS (\\Deleted) UID 1)");
    other.expect_ok("o2 EXPUNGE").await;
    assert_eq!(c.line().await, "* 1 EXPUNGE");
    // SELECTED-DELAYED holds expunges back until a command that allows them (§6.1.2).
    c.expect_ok("c3 NOTIFY SET (selected-delayed (MessageNew MessageExpunge))")
        .await;
    other
        .expect_ok("o3 STORE 1 +FLAGS.SILENT (\\Deleted)")
        .await;
    assert_eq!(c.line().await, "* 1 FETCH (FLAGS (\\Deleted) UID 2)");
    other.expect_ok("o4 EXPUNGE").await;
    h.deliver(MSG).await;
    // The expunge is not told; the new message is, and still counts the old one.
    assert_eq!(c.line().await, "* 2 EXISTS");
    let r = c.expect_ok("c4 NOOP").await;
    assert_eq!(r[0], "* 1 EXPUNGE", "{r:#?}");
}

/// RFC 5465 §5.4: "The server notifies the client by sending an unsolicited LIST
/// response for each affected mailbox name. If, after the event, the mailbox name does
/// not refer to a mailbox accessible to the client, the \Nonexistent flag MUST be
/// included." and "the server sends an extended LIST response [RFC5258] for the new
/// mailbox name, containing the OLDNAME extended data item with the old mailbox name".
#[tokio::test]
async fn mailbox_names_come_as_list() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("c1 NOTIFY SET (personal (MailboxName))").await;
    let mut other = h.login().await;
    other.expect_ok("o1 CREATE Lists").await;
    assert_eq!(c.line().await, "* LIST (\\HasNoChildren) \"/\" Lists");
    other.expect_ok("o2 CREATE Lists/Rust").await;
    // "the mailbox itself and its direct parent ... are considered to be affected"
    let mut lines = vec![c.line().await, c.line().await];
    lines.sort();
    assert_eq!(
        lines,
        [
            "* LIST (\\HasChildren) \"/\" Lists",
            "* LIST (\\HasNoChildren) \"/\" Lists/Rust",
        ]
    );
    // Renaming: one LIST with OLDNAME; none for the children renamed with it.
    other.expect_ok("o3 RENAME Lists Groups").await;
    assert_eq!(
        c.line().await,
        "* LIST (\\HasChildren) \"/\" Groups (\"OLDNAME\" (Lists))"
    );
    other.expect_ok("o4 DELETE Groups/Rust").await;
    let mut lines = vec![c.line().await, c.line().await];
    lines.sort();
    assert_eq!(
        lines,
        [
            "* LIST (\\HasNoChildren) \"/\" Groups",
            "* LIST (\\NonExistent) \"/\" Groups/Rust",
        ]
    );
    // §5: "The server SHOULD omit notifying the client if the event is caused by this
    // client."
    let r = c.expect_ok("c2 CREATE Mine").await;
    assert_eq!(r.len(), 1, "{r:#?}");
    let r = c.expect_ok("c3 NOOP").await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

/// RFC 5465 §5.5: "If and only if the mailbox is subscribed after the event, the
/// \Subscribed attribute (see [RFC5258]) is included."
#[tokio::test]
async fn subscription_changes_come_as_list() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("c0 CREATE Lists").await;
    c.expect_ok(
        "c1 NOTIFY SET (subscribed (SubscriptionChange)) (mailboxes Lists (SubscriptionChange))",
    )
    .await;
    let mut other = h.login().await;
    other.expect_ok("o1 SUBSCRIBE Lists").await;
    assert_eq!(
        c.line().await,
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" Lists"
    );
    other.expect_ok("o2 UNSUBSCRIBE Lists").await;
    assert_eq!(c.line().await, "* LIST (\\HasNoChildren) \"/\" Lists");
    // Another name, told through the SUBSCRIBED group once it is subscribed.
    other.expect_ok("o3 CREATE Elsewhere").await;
    other.expect_ok("o4 SUBSCRIBE Elsewhere").await;
    assert_eq!(
        c.line().await,
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" Elsewhere"
    );
    // The session's own subscription is not told back.
    let r = c.expect_ok("c2 UNSUBSCRIBE Elsewhere").await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

/// RFC 5465 §4: "while processing any IDLE command, the server MUST send exactly the
/// same events as instructed by the client using the NOTIFY command."
#[tokio::test]
async fn idle_carries_the_notifications() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("c1 SELECT Archive").await;
    c.expect_ok("c2 NOTIFY SET (inboxes (MessageNew MessageExpunge))")
        .await;
    c.send("c3 IDLE").await;
    assert!(c.line().await.starts_with("+ "));
    h.deliver(MSG).await;
    assert_eq!(c.line().await, "* STATUS INBOX (UIDNEXT 2 MESSAGES 1)");
    c.send("DONE").await;
    assert!(c.line().await.starts_with("c3 OK"));
}

/// RFC 5465 §3.1: "NOTIFY NONE specifies that the client is not interested in any kind
/// of event happening on the server."
#[tokio::test]
async fn notify_none_ends_the_notifications() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("c1 NOTIFY SET (personal (MessageNew MessageExpunge MailboxName))")
        .await;
    c.expect_ok("c2 NOTIFY NONE").await;
    h.deliver(MSG).await;
    let mut other = h.login().await;
    other.expect_ok("o1 CREATE Lists").await;
    let r = c.expect_ok("c3 NOOP").await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

/// RFC 5465 §5: "If one of MessageNew or MessageExpunge is specified, then both events
/// MUST be specified. Otherwise, the server MUST respond with the tagged BAD
/// response."; §6.1: "It is an error to specify other types of events with either the
/// SELECTED or the SELECTED-DELAYED selector."
#[tokio::test]
async fn malformed_event_groups_are_bad_and_change_nothing() {
    let h = Harness::start().await;
    let mut c = h.connect().await;
    c.expect_bad("c0 NOTIFY NONE").await;
    let mut c = h.login().await;
    c.expect_ok("c1 NOTIFY SET (personal (MailboxName))").await;
    for bad in [
        "b1 NOTIFY SET (personal (MessageNew))",
        "b2 NOTIFY SET (personal (MessageExpunge FlagChange))",
        "b3 NOTIFY SET (personal (FlagChange))",
        "b4 NOTIFY SET (selected (MessageNew MessageExpunge MailboxName))",
        "b5 NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)",
        "b6 NOTIFY SET (personal (MessageNew (UID) MessageExpunge))",
        "b7 NOTIFY SET (everything (MailboxName))",
        "b8 NOTIFY SET",
        "b9 NOTIFY",
    ] {
        let r = c.expect_bad(bad).await;
        assert_eq!(r.len(), 1, "{r:#?}");
    }
    // The first NOTIFY still holds.
    let mut other = h.login().await;
    other.expect_ok("o1 CREATE Lists").await;
    assert_eq!(c.line().await, "* LIST (\\HasNoChildren) \"/\" Lists");
}

/// RFC 5465 §3.1: "If the client requests information for events of an unsupported
/// type, the server MUST refuse the command with a tagged NO response (not a BAD). This
/// response SHOULD contain the BADEVENT response code, which MUST list names of all
/// events supported by the server."
#[tokio::test]
async fn unsupported_events_get_badevent() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    for (tag, events) in [
        ("n1", "(personal (MailboxMetadataChange))"),
        (
            "n2",
            "(personal (MessageNew MessageExpunge AnnotationChange))",
        ),
        ("n3", "(personal (SomethingNew))"),
    ] {
        let r = c.expect_no(&format!("{tag} NOTIFY SET {events}")).await;
        assert_eq!(
            r[0],
            format!(
                "{tag} NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName \
                 SubscriptionChange)] event not supported"
            )
        );
    }
}

/// RFC 5465 §3.1: "If the notification would be prohibitively expensive for the server
/// ..., the server MAY refuse the command with a tagged NO [NOTIFICATIONOVERFLOW]
/// response." Past 100 mailbox names, it is.
#[tokio::test]
async fn too_many_names_get_notificationoverflow() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let names: Vec<String> = (0..101).map(|i| format!("box{i}")).collect();
    let line = format!(
        "n1 NOTIFY SET (mailboxes ({}) (MessageNew MessageExpunge))",
        names.join(" ")
    );
    let r = c.expect_no(&line).await;
    assert!(r[0].starts_with("n1 NO [NOTIFICATIONOVERFLOW]"), "{r:#?}");
    let line = format!(
        "n2 NOTIFY SET (subtree ({}) (MessageNew MessageExpunge))",
        names[1..].join(" ")
    );
    c.expect_ok(&line).await;
}
