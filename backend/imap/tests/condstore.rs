//! CONDSTORE, RFC 7162 §3.1: HIGHESTMODSEQ, the MODSEQ fetch item, CHANGEDSINCE,
//! UNCHANGEDSINCE with MODIFIED, SEARCH MODSEQ, STATUS HIGHESTMODSEQ, and MODSEQ in the
//! flag updates another session sees.

use crate::harness::{Harness, MSG, has, number_after};

#[tokio::test]
async fn modseq_fetch_store_search_and_status() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.login().await;
    let r = c.expect_ok("a0 CAPABILITY").await;
    assert!(has(&r, " CONDSTORE"), "{r:?}");
    let r = c.expect_ok("a1 ENABLE CONDSTORE").await;
    assert_eq!(r[0], "* ENABLED CONDSTORE");
    let r = c.expect_ok("a2 SELECT INBOX").await;
    let line = r.iter().find(|l| l.contains("[HIGHESTMODSEQ ")).unwrap();
    let h0 = number_after(line, "[HIGHESTMODSEQ");

    let r = c.expect_ok("a3 FETCH 1:* (UID MODSEQ)").await;
    assert_eq!(r.len(), 4, "{r:?}");
    let seqs: Vec<u64> = r[..3].iter().map(|l| number_after(l, "MODSEQ")).collect();
    assert_eq!(seqs.iter().max(), Some(&h0), "{r:?}");
    assert!(r[0].starts_with("* 1 FETCH (UID 1 MODSEQ ("), "{r:?}");

    // A flag change bumps the message's MODSEQ and is reported with it.
    let r = c.expect_ok("a4 STORE 2 +FLAGS (\\Flagged)").await;
    let m2 = number_after(&r[0], "MODSEQ");
    assert!(m2 > h0, "{r:?}");
    assert_eq!(
        r[0],
        format!("* 2 FETCH (FLAGS (\\Flagged \\Recent) UID 2 MODSEQ ({m2}))")
    );

    // CHANGEDSINCE: only what changed, with MODSEQ though not asked for.
    let r = c
        .expect_ok(&format!("a5 FETCH 1:* (FLAGS) (CHANGEDSINCE {h0})"))
        .await;
    assert_eq!(
        r[..2],
        [
            format!("* 2 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ ({m2}))"),
            "a5 OK FETCH completed".to_owned()
        ]
    );

    // UNCHANGEDSINCE: message 2 changed after h0 and is left alone; the others get
    // their MODSEQ reported even with .SILENT.
    let r = c
        .expect_ok(&format!(
            "a6 UID STORE 1:3 (UNCHANGEDSINCE {h0}) +FLAGS.SILENT (\\Seen)"
        ))
        .await;
    assert_eq!(r.len(), 3, "{r:?}");
    let m3 = number_after(&r[0], "MODSEQ");
    assert!(m3 > m2, "{r:?}");
    assert_eq!(r[0], format!("* 1 FETCH (UID 1 MODSEQ ({m3}))"));
    assert_eq!(r[1], format!("* 3 FETCH (UID 3 MODSEQ ({m3}))"));
    assert!(r[2].starts_with("a6 OK [MODIFIED 2]"), "{r:?}");
    let r = c.expect_ok("a7 FETCH 2 FLAGS").await;
    assert_eq!(r[0], format!("* 2 FETCH (FLAGS (\\Flagged \\Recent))"));
    // UNCHANGEDSINCE 0 always fails (RFC 7162 §3.1.3); by sequence number here.
    let r = c
        .expect_ok("a8 STORE 1,3 (UNCHANGEDSINCE 0) -FLAGS (\\Seen)")
        .await;
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("a8 OK [MODIFIED 1,3]"), "{r:?}");

    // SEARCH MODSEQ: at or above, with the highest MODSEQ found.
    let r = c.expect_ok(&format!("a9 SEARCH MODSEQ {m2}")).await;
    assert_eq!(r[0], format!("* SEARCH 1 2 3 (MODSEQ {m3})"));
    let r = c
        .expect_ok(&format!("b1 UID SEARCH MODSEQ {m3} SEEN"))
        .await;
    assert_eq!(r[0], format!("* SEARCH 1 3 (MODSEQ {m3})"));
    let r = c.expect_ok(&format!("b2 SEARCH MODSEQ {}", m3 + 1)).await;
    assert_eq!(r[0], "* SEARCH");
    let r = c.expect_ok("b3 SEARCH FLAGGED").await;
    assert_eq!(r[0], "* SEARCH 2", "no MODSEQ without the key");

    let r = c
        .expect_ok("b4 STATUS INBOX (HIGHESTMODSEQ MESSAGES)")
        .await;
    assert_eq!(
        r[0],
        format!("* STATUS INBOX (HIGHESTMODSEQ {m3} MESSAGES 3)")
    );
}

#[tokio::test]
async fn select_condstore_and_updates_from_elsewhere() {
    let h = Harness::start().await;
    for _ in 0..2 {
        h.deliver(MSG).await;
    }
    let mut a = h.select().await;
    let mut b = h.login().await;
    b.expect_ok("b0 ENABLE IMAP4rev2").await;
    let r = b.expect_ok("b1 SELECT INBOX (CONDSTORE)").await;
    assert!(has(&r, "[HIGHESTMODSEQ "), "{r:?}");
    // Without CONDSTORE enabled, a's answers carry no MODSEQ.
    let r = a.expect_ok("a1 STORE 2 +FLAGS (\\Answered)").await;
    assert_eq!(r[0], "* 2 FETCH (FLAGS (\\Answered \\Recent))");
    let r = b.expect_ok("b2 NOOP").await;
    let m = number_after(&r[0], "MODSEQ");
    assert_eq!(
        r[0],
        format!("* 2 FETCH (FLAGS (\\Answered) UID 2 MODSEQ ({m}))")
    );
    // ESEARCH with MIN only: the MODSEQ of that message.
    let r = b.expect_ok("b3 SEARCH RETURN (MIN) MODSEQ 1").await;
    let first = number_after(&r[0], "MODSEQ");
    assert!(first < m, "{r:?}");
    assert_eq!(r[0], format!("* ESEARCH (TAG \"b3\") MIN 1 MODSEQ {first}"));
    let r = b.expect_ok("b4 SEARCH RETURN (COUNT) MODSEQ 1").await;
    assert_eq!(r[0], format!("* ESEARCH (TAG \"b4\") COUNT 2 MODSEQ {m}"));
    b.expect_bad("b5 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)")
        .await;
    b.expect_bad("b6 SELECT INBOX (QRESYNC (1 1))").await;
}

/// RFC 7162 §3.2.4: "Once a CONDSTORE enabling command is issued by the client, the
/// server MUST automatically include both UID and mod-sequence data in all subsequent
/// untagged FETCH responses (until the connection is closed), whether they were caused
/// by a regular STORE/UID STORE, a STORE/UID STORE with an UNCHANGEDSINCE modifier, a
/// FETCH/UID FETCH that implicitly set the \Seen flag, or an external agent."
#[tokio::test]
async fn store_answers_carry_uid_and_modseq_once_enabled() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    for enable in ["QRESYNC", "CONDSTORE"] {
        let mut c = h.login().await;
        c.expect_ok(&format!("e1 ENABLE {enable}")).await;
        c.expect_ok("e2 SELECT INBOX").await;
        let r = c.expect_ok("a1 STORE 2 +FLAGS (\\Flagged)").await;
        let m = number_after(&r[0], "MODSEQ");
        assert!(
            r[0].starts_with("* 2 FETCH (FLAGS (")
                && r[0].ends_with(&format!(") UID 2 MODSEQ ({m}))")),
            "{enable}: {r:#?}"
        );
        let r = c.expect_ok("a2 STORE 3 +FLAGS.SILENT (\\Answered)").await;
        let m = number_after(&r[0], "MODSEQ");
        assert_eq!(r[0], format!("* 3 FETCH (UID 3 MODSEQ ({m}))"), "{enable}");
        let r = c
            .expect_ok("a3 STORE 1 (UNCHANGEDSINCE 999999) -FLAGS (\\Seen)")
            .await;
        let m = number_after(&r[0], "MODSEQ");
        assert!(
            r[0].ends_with(&format!(" UID 1 MODSEQ ({m}))")),
            "{enable}: {r:#?}"
        );
        // A FETCH that sets \Seen reports the change with UID and MODSEQ.
        let r = c.expect_ok("a4 FETCH 1 (BODY[TEXT])").await;
        assert!(
            r[0].contains(" UID 1 ") && r[0].contains(" MODSEQ ("),
            "{enable}: {r:#?}"
        );
        c.expect_ok("a5 STORE 1:3 -FLAGS.SILENT (\\Seen \\Flagged \\Answered)")
            .await;
        c.expect_ok("a6 LOGOUT").await;
    }
}

/// RFC 7162 §3.1: a CONDSTORE enabling command given with a mailbox selected (here
/// FETCH with the MODSEQ item, §3.1.4.2) tells the client the mailbox's HIGHESTMODSEQ
/// in an untagged OK (§3.1.2.1), which SELECT did not send it in a form it used.
#[tokio::test]
async fn implicit_condstore_in_a_selected_mailbox_sends_highestmodseq() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 FETCH 1 (MODSEQ)").await;
    let high = number_after(&r[0], "[HIGHESTMODSEQ");
    assert_eq!(
        r[0],
        format!("* OK [HIGHESTMODSEQ {high}] highest mod-sequence")
    );
    assert!(r[1].starts_with("* 1 FETCH (MODSEQ ("), "{r:?}");
    let m2 = {
        let r = c.expect_ok("a2 FETCH 2 (MODSEQ)").await;
        assert_eq!(r.len(), 2, "only once: {r:?}");
        number_after(&r[0], "MODSEQ")
    };
    assert_eq!(high, m2, "the highest is the newest message's");
    // SEARCH MODSEQ and STORE UNCHANGEDSINCE do the same in a fresh session.
    let mut d = h.select().await;
    let r = d.expect_ok("d1 SEARCH MODSEQ 1").await;
    assert!(r[0].starts_with("* OK [HIGHESTMODSEQ "), "{r:?}");
    let mut e = h.select().await;
    let r = e
        .expect_ok("e1 STORE 1 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)")
        .await;
    assert!(r[0].starts_with("* OK [HIGHESTMODSEQ "), "{r:?}");
}

/// A FETCH that sets `\Seen` reports the flags the message has at the MODSEQ it
/// reports, keywords another process set included (announced first, RFC 9051
/// §7.3.5): one MODSEQ, one state of the flags (RFC 7162 §3.1). Before, the FETCH
/// showed the keywords the session last knew with the new MODSEQ, and the next
/// command reported other flags at that same MODSEQ.
#[tokio::test]
async fn a_fetch_that_sets_seen_reports_the_flags_of_its_modseq() {
    use osprey_store::{FlagChange, FlagUpdate};
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut a = h.login().await;
    a.expect_ok("a1 ENABLE CONDSTORE").await;
    a.expect_ok("a2 SELECT INBOX").await;
    // Another process adds a keyword: nothing on this server's bus says so.
    let other = h.other_process().await;
    let store = other.store();
    let inbox = store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let ids: Vec<String> = store
        .messages()
        .in_mailbox(&inbox.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let update = FlagUpdate {
        change: FlagChange::Add,
        flags: 0,
        keywords: vec!["$Label4".into()],
    };
    store
        .messages()
        .update_flags(&inbox.id, &ids, &update)
        .await
        .unwrap();
    let r = a.expect_ok("a3 FETCH 1 (BODY[])").await;
    let fetch = r.iter().find(|l| l.starts_with("* 1 FETCH (")).unwrap();
    assert!(fetch.contains("\\Seen"), "{r:?}");
    assert!(fetch.contains("$Label4"), "{r:?}");
    let announced = r.iter().position(|l| l.starts_with("* FLAGS (")).unwrap();
    let shown = r.iter().position(|l| l.starts_with("* 1 FETCH (")).unwrap();
    assert!(announced < shown, "{r:?}");
    let modseq = number_after(fetch, "MODSEQ (");
    // Later commands have nothing else to say of that MODSEQ.
    let r = a.expect_ok("a4 NOOP").await;
    assert!(
        !r.iter()
            .any(|l| l.contains(&format!("MODSEQ ({modseq})")) && !l.contains("$Label4")),
        "{r:?}"
    );
    assert_eq!(r.len(), 1, "{r:?}");
}
