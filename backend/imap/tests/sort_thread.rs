//! SORT and THREAD, RFC 5256: every sort key, REVERSE, UID SORT, and both threading
//! algorithms over a small conversation.

use crate::harness::{Harness, has};

fn message(
    from: &str,
    to: &str,
    cc: &str,
    subject: &str,
    date: &str,
    extra: &str,
    body: usize,
) -> Vec<u8> {
    let cc = if cc.is_empty() {
        String::new()
    } else {
        format!("Cc: {cc}\r\n")
    };
    format!(
        "From: {from}\r\nTo: {to}\r\n{cc}Subject: {subject}\r\nDate: {date}\r\n{extra}\r\n{}\r\n",
        "x".repeat(body)
    )
    .into_bytes()
}

async fn conversation() -> Harness {
    let h = Harness::start().await;
    let m1 = message(
        "Carol <carol@example.com>",
        "mia@example.com",
        "Dan <dan@example.com>",
        "Plan",
        "Sat, 3 Jan 2026 10:00:00 +0000",
        "Message-ID: <a@example.com>\r\n",
        1,
    );
    let m2 = message(
        "alice@example.com",
        "Zed <zed@example.com>",
        "carl@example.com",
        "Re: Plan",
        "Thu, 1 Jan 2026 10:00:00 +0000",
        "Message-ID: <b@example.com>\r\nReferences: <a@example.com>\r\n",
        400,
    );
    let m3 = message(
        "bob@example.com",
        "amy@example.com",
        "",
        "Apples",
        "Fri, 2 Jan 2026 10:00:00 +0000",
        "Message-ID: <c@example.com>\r\n",
        200,
    );
    for m in [m1, m2, m3] {
        h.deliver(&m).await;
    }
    h
}

#[tokio::test]
async fn sort_by_every_key() {
    let h = conversation().await;
    let mut c = h.select().await;
    let r = c.expect_ok("a0 CAPABILITY").await;
    for cap in [" SORT", " THREAD=ORDEREDSUBJECT", " THREAD=REFERENCES"] {
        assert!(has(&r, cap), "{cap} in {r:?}");
    }
    let cases = [
        ("ARRIVAL", "1 2 3"),
        ("DATE", "2 3 1"),
        ("REVERSE DATE", "1 3 2"),
        // `Re: Plan` and `Plan` share a base subject: tied, so by sequence number.
        ("SUBJECT", "3 1 2"),
        ("REVERSE SUBJECT", "1 2 3"),
        ("FROM", "2 3 1"),
        ("TO", "3 1 2"),
        ("CC", "3 2 1"),
        ("SIZE", "1 3 2"),
        ("SUBJECT REVERSE SIZE", "3 2 1"),
    ];
    for (i, (criteria, want)) in cases.iter().enumerate() {
        let r = c
            .expect_ok(&format!("s{i} SORT ({criteria}) UTF-8 ALL"))
            .await;
        assert_eq!(r[0], format!("* SORT {want}"), "SORT ({criteria})");
    }
    // UID SORT with search keys.
    c.expect_ok("b1 STORE 2 +FLAGS.SILENT (\\Seen)").await;
    let r = c.expect_ok("b2 UID SORT (DATE) US-ASCII UNSEEN").await;
    assert_eq!(r[0], "* SORT 3 1");
    let r = c.expect_ok("b3 SORT (DATE) UTF-8 SUBJECT nothing").await;
    assert_eq!(r[0], "* SORT");
    c.expect_no("b4 SORT (DATE) KOI8-R ALL").await;
}

#[tokio::test]
async fn thread_both_algorithms() {
    let h = conversation().await;
    let mut c = h.select().await;
    // Same base subject; the thread starts with the earliest, threads by their date.
    let r = c.expect_ok("t1 THREAD ORDEREDSUBJECT UTF-8 ALL").await;
    assert_eq!(r[0], "* THREAD (2 1)(3)");
    // References make 2 a reply to 1; 3 stands alone and is older than 1.
    let r = c.expect_ok("t2 THREAD REFERENCES UTF-8 ALL").await;
    assert_eq!(r[0], "* THREAD (3)(1 2)");
    let r = c
        .expect_ok("t3 UID THREAD REFERENCES UTF-8 NOT SUBJECT apples")
        .await;
    assert_eq!(r[0], "* THREAD (1 2)");
    c.expect_bad("t4 THREAD NOSUCH UTF-8 ALL").await;
}

/// RFC 5256 §3: "CC [IMAP] addr-mailbox of the first "cc" address" (and FROM, TO
/// alike). In the envelope (RFC 9051 §7.5.2) a field that starts with a group starts
/// with the group's start, whose mailbox name is the group's name: that is the key.
#[tokio::test]
async fn sort_by_an_address_field_that_starts_with_a_group() {
    let h = Harness::start().await;
    let date = "Mon, 2 Nov 2026 10:00:00 +0000";
    h.deliver(&message(
        "zed@x.example",
        "a@x.example",
        "Zulu: ann@x.example;",
        "s",
        date,
        "",
        1,
    ))
    .await;
    h.deliver(&message(
        "Alpha: yan@x.example;",
        "a@x.example",
        "zulu@x.example",
        "s",
        date,
        "",
        1,
    ))
    .await;
    h.deliver(&message(
        "bob@x.example",
        "a@x.example",
        "Bravo Team: zoe@x.example;",
        "s",
        date,
        "",
        1,
    ))
    .await;
    let mut c = h.select().await;
    // CC keys: ZULU (the group, not ANN), ZULU, BRAVO TEAM (not ZOE); equal keys go
    // by sequence number.
    let r = c.expect_ok("a1 SORT (CC) UTF-8 ALL").await;
    assert_eq!(r[0], "* SORT 3 1 2");
    // FROM keys: ZED, ALPHA (not YAN), BOB.
    let r = c.expect_ok("a2 SORT (FROM) UTF-8 ALL").await;
    assert_eq!(r[0], "* SORT 2 3 1");
}

/// ESORT, RFC 5267 §3.1: `SORT RETURN (...)` answers with ESEARCH in sort order: "MIN
/// Return the message number/UID of the lowest sorted message satisfying the search
/// criteria", MAX the highest sorted, ALL "in the requested sort order", COUNT.
#[tokio::test]
async fn esort_returns_esearch_in_sort_order() {
    let h = conversation().await;
    let mut c = h.select().await;
    let r = c.expect_ok("e0 CAPABILITY").await;
    assert!(has(&r, " ESORT"), "{r:?}");
    // DATE order is 2 3 1.
    let r = c
        .expect_ok("e1 SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"e1\") MIN 2 MAX 1 ALL 2:3,1 COUNT 3");
    // RETURN () is ALL; UID SORT answers UIDs.
    let r = c
        .expect_ok("e2 UID SORT RETURN () (REVERSE DATE) UTF-8 ALL")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"e2\") UID ALL 1,3,2");
    let r = c
        .expect_ok("e3 SORT RETURN (COUNT MIN) (DATE) UTF-8 SUBJECT nothing")
        .await;
    assert_eq!(r[0], "* ESEARCH (TAG \"e3\") COUNT 0");
    // Plain SORT still answers SORT.
    let r = c.expect_ok("e4 SORT (DATE) UTF-8 ALL").await;
    assert_eq!(r[0], "* SORT 2 3 1");
}

/// SORT=DISPLAY, RFC 5957 §3: DISPLAYFROM and DISPLAYTO sort by the display name of
/// the first address, or by the address itself when it has none, not by its mailbox.
#[tokio::test]
async fn sort_display_keys_use_the_display_name() {
    let h = Harness::start().await;
    let date = "Mon, 2 Nov 2026 10:00:00 +0000";
    for (from, to) in [
        ("Zoe Adams <adams@x.example>", "Mia <zz@x.example>"),
        ("Bert <zulu@x.example>", "aa@x.example"),
        ("carl@x.example", "Bea <mm@x.example>"),
    ] {
        h.deliver(&message(from, to, "", "s", date, "", 1)).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("d0 CAPABILITY").await;
    assert!(has(&r, " SORT=DISPLAY"), "{r:?}");
    // FROM: ADAMS, ZULU, CARL; DISPLAYFROM: zoe adams, bert, carl@x.example.
    assert_eq!(
        c.expect_ok("d1 SORT (FROM) UTF-8 ALL").await[0],
        "* SORT 1 3 2"
    );
    assert_eq!(
        c.expect_ok("d2 SORT (DISPLAYFROM) UTF-8 ALL").await[0],
        "* SORT 2 3 1"
    );
    // TO: ZZ, AA, MM; DISPLAYTO: mia, aa@x.example, bea.
    assert_eq!(
        c.expect_ok("d3 SORT (TO) UTF-8 ALL").await[0],
        "* SORT 2 3 1"
    );
    assert_eq!(
        c.expect_ok("d4 SORT (REVERSE DISPLAYTO) UTF-8 ALL").await[0],
        "* SORT 1 3 2"
    );
}
