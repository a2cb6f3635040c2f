//! Subscriptions are names, apart from the mailboxes (RFC 3501 §6.3.6, §6.3.9;
//! RFC 9051 §6.3.7, §6.3.8; RFC 5258 §3).

use crate::harness::{Harness, has};

#[tokio::test]
async fn subscriptions_outlive_their_mailboxes() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE Projects/Old").await;
    c.expect_ok("a2 SUBSCRIBE Projects/Old").await;

    // RFC 3501 §6.3.6: the server "MUST NOT unilaterally remove an existing mailbox
    // name from the subscription list even if a mailbox by that name no longer
    // exists".
    c.expect_ok("a3 DELETE Projects/Old").await;
    let r = c.expect_ok("a4 LSUB \"\" Projects/*").await;
    assert!(
        r.iter()
            .any(|l| l.starts_with("* LSUB (") && l.ends_with("\"/\" Projects/Old")),
        "{r:#?}"
    );
    // RFC 5258 §3.1: SUBSCRIBED lists "the names of mailboxes that don't exist" too,
    // and RFC 5258's \NonExistent attribute says so.
    let r = c.expect_ok("a5 LIST (SUBSCRIBED) \"\" Projects/*").await;
    assert_eq!(
        r[0], "* LIST (\\NonExistent \\Subscribed) \"/\" Projects/Old",
        "{r:#?}"
    );
    // A plain LIST lists mailboxes only.
    let r = c.expect_ok("a6 LIST \"\" Projects/*").await;
    assert_eq!(r.len(), 1, "{r:#?}");

    // RFC 9051 §6.3.8: UNSUBSCRIBE of a name no mailbox has succeeds.
    c.expect_ok("a7 UNSUBSCRIBE Projects/Old").await;
    let r = c.expect_ok("a8 LSUB \"\" Projects/*").await;
    assert_eq!(r.len(), 1, "{r:#?}");
}

#[tokio::test]
async fn lsub_percent_returns_the_unsubscribed_parent_as_noselect() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.expect_ok("a1 CREATE x/y/z").await;
    c.expect_ok("a2 SUBSCRIBE x/y/z").await;
    // RFC 3501 §6.3.9: "A '%' wildcard to LSUB must return foo, not foo/bar, in the
    // LSUB response, and it MUST be flagged with the \Noselect attribute."
    let r = c.expect_ok("b1 LSUB \"\" x/%").await;
    assert_eq!(r, ["* LSUB (\\Noselect) \"/\" x/y", "b1 OK LSUB completed"]);
    let r = c.expect_ok("b2 LSUB \"\" %").await;
    assert!(has(&r, "* LSUB (\\Noselect) \"/\" x"), "{r:#?}");
    assert!(!has(&r, "x/y"), "{r:#?}");
    // `*` reaches the subscribed name itself: no stand-in parents.
    let r = c.expect_ok("b3 LSUB \"\" x*").await;
    assert_eq!(r.len(), 2, "{r:#?}");
    assert!(
        r[0].ends_with("\"/\" x/y/z") && !r[0].contains("Noselect"),
        "{r:#?}"
    );
    // A subscribed parent is listed as itself.
    c.expect_ok("b4 SUBSCRIBE x/y").await;
    let r = c.expect_ok("b5 LSUB \"\" x/%").await;
    assert_eq!(r.len(), 2, "{r:#?}");
    assert!(
        !r[0].contains("Noselect") && r[0].ends_with("\"/\" x/y"),
        "{r:#?}"
    );
}
