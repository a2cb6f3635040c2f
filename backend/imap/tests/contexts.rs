//! Search and sort contexts, RFC 5267 §4 (CONTEXT=SEARCH, CONTEXT=SORT): results kept
//! up to date with ADDTO and REMOVEFROM, CANCELUPDATE, the NOUPDATE limit, PARTIAL and
//! the CONTEXT hint.

use crate::harness::{Harness, MSG, has};

fn with_subject(subject: &str) -> Vec<u8> {
    format!("From: bob@example.com\r\nSubject: {subject}\r\n\r\nbody\r\n").into_bytes()
}

fn esearch_lines(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.starts_with("* ESEARCH"))
        .collect()
}

fn position(lines: &[String], starts: &str) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(starts))
        .unwrap_or_else(|| panic!("{starts} in {lines:#?}"))
}

/// RFC 5267 §4.1: "The Contexts extension is present in any IMAP4rev1 server that
/// includes the string "CONTEXT=SEARCH", and/or "CONTEXT=SORT", within its advertised
/// capabilities."
#[tokio::test]
async fn capability_lists_both_contexts_after_login() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let r = c.expect_ok("c1 CAPABILITY").await;
    assert!(has(&r, " CONTEXT=SEARCH"), "{r:?}");
    assert!(has(&r, " CONTEXT=SORT"), "{r:?}");
}

/// RFC 5267 §4.3.3: "Note that an ADDTO containing message sequence numbers added as a
/// result of those messages being delivered or appended MUST be sent after the EXISTS
/// notification itself, in order that those sequence numbers are valid."
#[tokio::test]
async fn a_new_message_is_added_after_exists() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let r = c.expect_ok("c1 SEARCH RETURN (UPDATE) UNSEEN").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"c1\") ALL 1");
    let r = c
        .expect_ok("c2 UID SEARCH RETURN (UPDATE COUNT) UNSEEN")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"c2\") UID COUNT 1");
    h.deliver(MSG).await;
    let r = c.expect_ok("c3 NOOP").await;
    let exists = position(&r, "* 2 EXISTS");
    let by_seq = position(&r, "* ESEARCH (TAG \"c1\") ADDTO (0 2)");
    let by_uid = position(&r, "* ESEARCH (TAG \"c2\") UID ADDTO (0 2)");
    assert!(exists < by_seq && exists < by_uid, "{r:#?}");
}

/// RFC 5267 §4.3: "Both ADDTO and REMOVEFROM data items SHOULD be delivered to clients
/// in a timely manner, as and when results change, whether by new messages arriving in
/// the mailbox, metadata such as flags being changed, or messages being expunged."
#[tokio::test]
async fn flag_changes_add_and_remove_results() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let mut other = h.select().await;
    c.expect_ok("c1 UID SEARCH RETURN (UPDATE) FLAGGED").await;
    // Another session's change, at the next command.
    other
        .expect_ok("o1 STORE 2:3 +FLAGS.SILENT (\\Flagged)")
        .await;
    let r = c.expect_ok("c2 NOOP").await;
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID ADDTO (0 2:3)"),
        "{r:#?}"
    );
    // The session's own change, before the tagged answer of its STORE.
    let r = c.expect_ok("c3 STORE 2 -FLAGS (\\Flagged)").await;
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID REMOVEFROM (0 2)"),
        "{r:#?}"
    );
    // Nothing changed: nothing to say.
    let r = c.expect_ok("c4 NOOP").await;
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
}

/// RFC 5267 §4.3.4: "Note that a REMOVEFROM containing message sequence numbers
/// removed as a result of those messages being expunged MUST be sent prior to the
/// expunge notification itself, in order that those sequence numbers remain valid."
#[tokio::test]
async fn removal_by_expunge_comes_before_the_expunge() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let mut other = h.select().await;
    c.expect_ok("c1 SEARCH RETURN (UPDATE) ALL").await;
    other
        .expect_ok("o1 STORE 2 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("o2 EXPUNGE").await;
    // FETCH by number holds the EXPUNGE back; the removal may go out already, with
    // the numbers still valid.
    let r = c.expect_ok("c2 FETCH 3 (UID)").await;
    assert!(has(&r, "* ESEARCH (TAG \"c1\") REMOVEFROM (0 2)"), "{r:#?}");
    assert!(!has(&r, "EXPUNGE"), "{r:#?}");
    let r = c.expect_ok("c3 NOOP").await;
    assert_eq!(r[0], "* 2 EXPUNGE", "{r:#?}");
    assert!(esearch_lines(&r).is_empty(), "said once: {r:#?}");
    // Both in one round: the removal first.
    other
        .expect_ok("o3 STORE 1 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("o4 EXPUNGE").await;
    let r = c.expect_ok("c4 NOOP").await;
    let removal = position(&r, "* ESEARCH (TAG \"c1\") REMOVEFROM (0 1)");
    let expunge = position(&r, "* 1 EXPUNGE");
    assert!(removal < expunge, "{r:#?}");
}

/// RFC 5267 §4.3.2: "servers MAY send such responses when no command is in progress,
/// during the processing of any command, or when the client is using the IDLE
/// facility described in [IDLE]."
#[tokio::test]
async fn updates_arrive_in_idle() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    let mut other = h.select().await;
    c.expect_ok("c1 UID SEARCH RETURN (UPDATE) FLAGGED").await;
    c.send("c2 IDLE").await;
    assert!(c.line().await.starts_with("+ "));
    other
        .expect_ok("o1 STORE 1 +FLAGS.SILENT (\\Flagged)")
        .await;
    assert_eq!(
        c.line().await,
        "* 1 FETCH (FLAGS (\\Flagged \\Recent) UID 1)"
    );
    assert_eq!(c.line().await, "* ESEARCH (TAG \"c1\") UID ADDTO (0 1)");
    c.send("DONE").await;
    assert!(c.line().await.starts_with("c2 OK"));
}

/// RFC 5267 §4.3.3: "If the context position is non-zero, the result update is
/// inserted at the given context position, meaning that the first result in the set
/// will occupy the new context position after insertion"; §4.3.4: "the first result in
/// the set will occupy the given context position before removal".
#[tokio::test]
async fn sort_contexts_say_where() {
    let h = Harness::start().await;
    for s in ["Apple", "Cherry", "Elder"] {
        h.deliver(&with_subject(s)).await;
    }
    let mut c = h.select().await;
    let mut other = h.select().await;
    let r = c
        .expect_ok("c1 UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"c1\") UID ALL 1:3");
    let r = c
        .expect_ok("c2 SORT RETURN (UPDATE) (REVERSE SUBJECT) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"c2\") ALL 3,2,1");
    h.deliver(&with_subject("Banana")).await;
    h.deliver(&with_subject("Date")).await;
    let r = c.expect_ok("c3 NOOP").await;
    // Apple Banana Cherry Date Elder; reversed: Elder Date Cherry Banana Apple.
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID ADDTO (2 4 4 5)"),
        "{r:#?}"
    );
    assert!(has(&r, "* ESEARCH (TAG \"c2\") ADDTO (2 5 4 4)"), "{r:#?}");
    // Banana and Date leave: each at its position once the pairs before it applied.
    other
        .expect_ok("o1 STORE 4:5 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("o2 EXPUNGE").await;
    let r = c.expect_ok("c4 NOOP").await;
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID REMOVEFROM (2 4 3 5)"),
        "{r:#?}"
    );
    assert!(
        has(&r, "* ESEARCH (TAG \"c2\") REMOVEFROM (2 5 3 4)"),
        "{r:#?}"
    );
    let removal = position(&r, "* ESEARCH (TAG \"c2\")");
    assert!(removal < position(&r, "* 4 EXPUNGE"), "{r:#?}");
    // Neighbours leave as one run.
    other
        .expect_ok("o3 STORE 1:2 +FLAGS.SILENT (\\Deleted)")
        .await;
    other.expect_ok("o4 EXPUNGE").await;
    let r = c.expect_ok("c5 NOOP").await;
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID REMOVEFROM (1 1:2)"),
        "{r:#?}"
    );
}

/// RFC 5267 §4.3: "An attempt to use UPDATE where a tag is already in use with a
/// previous searching command that itself used UPDATE SHALL result in the server
/// rejecting the searching command with a BAD response."
#[tokio::test]
async fn a_tag_in_use_is_bad_and_changes_nothing() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    c.expect_ok("b0 SEARCH RETURN (SAVE) 1").await;
    c.expect_ok("b1 UID SEARCH RETURN (UPDATE) FLAGGED").await;
    let r = c
        .expect_bad("b1 SORT RETURN (UPDATE) (DATE) UTF-8 ALL")
        .await;
    assert_eq!(r.len(), 1, "{r:#?}");
    let r = c.expect_bad("b1 SEARCH RETURN (UPDATE SAVE) ALL").await;
    assert_eq!(r.len(), 1, "{r:#?}");
    // `$` was not emptied, and the first context is still there.
    let r = c.expect_ok("b2 SEARCH $").await;
    assert_eq!(r[0], "* SEARCH 1");
    let r = c.expect_ok("b3 STORE 1 +FLAGS (\\Flagged)").await;
    assert!(has(&r, "* ESEARCH (TAG \"b1\") UID ADDTO (0 1)"), "{r:#?}");
    // A tag used without UPDATE holds no context.
    c.expect_ok("b2 SEARCH RETURN (UPDATE) ALL").await;
}

/// RFC 5267 §4.3.5: the CANCELUPDATE command "will prevent all updates to the contexts
/// named in the arguments from being transmitted by the server."
#[tokio::test]
async fn cancelupdate_ends_the_updates() {
    let h = Harness::start().await;
    let mut c = h.select().await;
    c.expect_ok("a1 UID SEARCH RETURN (UPDATE) ALL").await;
    c.expect_ok("a2 UID SEARCH RETURN (UPDATE) UNSEEN").await;
    c.expect_ok("a3 UID SEARCH RETURN (UPDATE) SEEN").await;
    // An unknown tag fails the command, and cancels nothing.
    c.expect_no("a4 CANCELUPDATE \"a1\" \"zz\"").await;
    c.expect_bad("a5 CANCELUPDATE").await;
    c.expect_bad("a6 CANCELUPDATE a1").await;
    h.deliver(MSG).await;
    let r = c.expect_ok("a7 NOOP").await;
    assert_eq!(esearch_lines(&r).len(), 2, "{r:#?}");
    c.expect_ok("a8 CANCELUPDATE \"a1\" \"a2\"").await;
    h.deliver(MSG).await;
    let r = c.expect_ok("a9 NOOP").await;
    assert!(has(&r, "* 2 EXISTS"), "{r:#?}");
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
    // A cancelled tag may be used again.
    c.expect_ok("a1 UID SEARCH RETURN (UPDATE) ALL").await;
    // Outside the selected state, CANCELUPDATE is not valid.
    let mut d = h.login().await;
    d.expect_bad("d1 CANCELUPDATE \"a1\"").await;
}

/// RFC 5267 §4.3.1: "an untagged NO is generated during processing of the command with
/// a response-code of NOUPDATE" and "Other return options specified SHALL still be
/// honoured."
#[tokio::test]
async fn past_the_limit_updates_are_refused_with_noupdate() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    for i in 1..=4 {
        let r = c
            .expect_ok(&format!("n{i} SEARCH RETURN (UPDATE COUNT) ALL"))
            .await;
        assert!(!has(&r, "NOUPDATE"), "{r:#?}");
    }
    let r = c
        .expect_ok("n5 UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"n5\") UID COUNT 1");
    assert!(r[1].starts_with("* NO [NOUPDATE \"n5\"]"), "{r:#?}");
    // n5 is no context: no updates for it, and its tag is free.
    h.deliver(MSG).await;
    let r = c.expect_ok("n6 NOOP").await;
    assert!(!has(&r, "\"n5\""), "{r:#?}");
    assert_eq!(esearch_lines(&r).len(), 4, "{r:#?}");
    // Cancelling one makes room.
    c.expect_ok("n7 CANCELUPDATE \"n1\"").await;
    let r = c
        .expect_ok("n5 UID SORT RETURN (UPDATE) (DATE) UTF-8 ALL")
        .await;
    assert!(!has(&r, "NOUPDATE"), "{r:#?}");
}

/// RFC 5267 §4.3: "Updates will cease when the mailbox is no longer selected".
#[tokio::test]
async fn updates_end_with_the_selection() {
    let h = Harness::start().await;
    let mut c = h.select().await;
    c.expect_ok("c1 SEARCH RETURN (UPDATE) ALL").await;
    c.expect_ok("c2 SELECT INBOX").await;
    h.deliver(MSG).await;
    let r = c.expect_ok("c3 NOOP").await;
    assert!(has(&r, "* 1 EXISTS"), "{r:#?}");
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
    // The tag is free in the new selection.
    c.expect_ok("c1 SEARCH RETURN (UPDATE) ALL").await;
    c.expect_ok("c4 UNSELECT").await;
    c.expect_ok("c5 SELECT INBOX").await;
    h.deliver(MSG).await;
    let r = c.expect_ok("c6 NOOP").await;
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
}

/// RFC 5267 §4.3: "any message sequence numbers used in the search program are
/// evaluated at the time the command is received; therefore, if the messages referred
/// to by such message sequence numbers change, no notifications will be emitted."
#[tokio::test]
async fn sequence_numbers_in_the_program_are_read_once() {
    let h = Harness::start().await;
    for _ in 0..2 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    c.expect_ok("c1 UID SEARCH RETURN (UPDATE) 2:* UNSEEN")
        .await;
    c.expect_ok("c2 UID SEARCH RETURN (UPDATE) UNSEEN").await;
    h.deliver(MSG).await;
    let r = c.expect_ok("c3 NOOP").await;
    assert!(has(&r, "* ESEARCH (TAG \"c2\") UID ADDTO (0 3)"), "{r:#?}");
    assert!(
        !has(&r, "\"c1\""),
        "message 3 was not named by 2:* then: {r:#?}"
    );
    let r = c.expect_ok("c4 STORE 2 +FLAGS (\\Seen)").await;
    assert!(
        has(&r, "* ESEARCH (TAG \"c1\") UID REMOVEFROM (0 2)"),
        "{r:#?}"
    );
}

/// RFC 5267 §4.4: "Where a PARTIAL search return option references results that do not
/// exist, by using a range which starts or ends higher than the current number of
/// results, then the server returns the results that are in the set."
#[tokio::test]
async fn partial_answers_a_window_of_the_result() {
    let h = Harness::start().await;
    for s in ["Delta", "Alpha", "Charlie", "Bravo"] {
        h.deliver(&with_subject(s)).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("p1 UID SEARCH RETURN (PARTIAL 2:3) ALL").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"p1\") UID PARTIAL (2:3 2:3)");
    // partial-range: "A range 500:400 is the same as 400:500."
    let r = c
        .expect_ok("p2 SEARCH RETURN (PARTIAL 4:3 COUNT) ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"p2\") COUNT 4 PARTIAL (4:3 3:4)");
    let r = c.expect_ok("p3 SEARCH RETURN (PARTIAL 3:10) ALL").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"p3\") PARTIAL (3:10 3:4)");
    // "NIL indicates no results correspond to the requested range."
    let r = c.expect_ok("p4 SEARCH RETURN (PARTIAL 5:9) ALL").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"p4\") PARTIAL (5:9 NIL)");
    // SORT: the window of the sorted result (Alpha 2, Bravo 4, Charlie 3, Delta 1).
    let r = c
        .expect_ok("p5 UID SORT RETURN (PARTIAL 2:3) (SUBJECT) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"p5\") UID PARTIAL (2:3 4,3)");
}

/// RFC 5267 §4.4: "A single command MUST NOT contain more than one PARTIAL or ALL
/// search return option"; §5: `partial-range = nz-number ":" nz-number`.
#[tokio::test]
async fn partial_with_all_or_twice_is_bad() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.select().await;
    for bad in [
        "b1 SEARCH RETURN (PARTIAL 1:2 ALL) ALL",
        "b2 SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL",
        "b3 SORT RETURN (ALL PARTIAL 1:2) (DATE) UTF-8 ALL",
        "b4 SEARCH RETURN (PARTIAL 0:2) ALL",
        "b5 SEARCH RETURN (PARTIAL 1:*) ALL",
        "b6 SEARCH RETURN (PARTIAL) ALL",
        "b7 SEARCH RETURN (SAVE UPDATE PARTIAL 1:2 ALL) ALL",
    ] {
        let r = c.expect_bad(bad).await;
        assert_eq!(r.len(), 1, "{r:#?}");
    }
    // b7 changed nothing: no context, `$` as it was (empty).
    h.deliver(MSG).await;
    let r = c.expect_ok("b8 NOOP").await;
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
    let r = c.expect_ok("b9 SEARCH $").await;
    assert_eq!(r[0], "* SEARCH");
}

/// RFC 5267 §4.2: "Servers MAY ignore this return option or use it as a hint to
/// maintain a full result cache, or index." The answer is the one without it.
#[tokio::test]
async fn the_context_hint_changes_no_answer() {
    let h = Harness::start().await;
    for _ in 0..3 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("h1 SEARCH RETURN (CONTEXT COUNT) ALL").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"h1\") COUNT 3");
    let r = c
        .expect_ok("h2 SORT RETURN (CONTEXT) (DATE) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"h2\") ALL 1:3");
    // No updates without UPDATE.
    h.deliver(MSG).await;
    let r = c.expect_ok("h3 NOOP").await;
    assert!(esearch_lines(&r).is_empty(), "{r:#?}");
}
