//! SEARCHRES, RFC 5182: SEARCH RETURN (SAVE) keeps the result, `$` names it in later
//! commands, by sequence number or UID; a new SELECT or a failed SEARCH empties it.

use crate::harness::{Harness, MSG, has};

#[tokio::test]
async fn saved_result_is_used_by_later_commands() {
    let h = Harness::start().await;
    for _ in 0..5 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    let r = c.expect_ok("a0 CAPABILITY").await;
    assert!(has(&r, " SEARCHRES"), "{r:?}");
    // SAVE alone: no ESEARCH answer (RFC 5182 §2.1).
    let r = c.expect_ok("a1 SEARCH RETURN (SAVE) 2:4").await;
    assert_eq!(r.len(), 1, "{r:?}");
    let r = c.expect_ok("a2 FETCH $ (UID)").await;
    assert_eq!(
        r[..3],
        [
            "* 2 FETCH (UID 2)",
            "* 3 FETCH (UID 3)",
            "* 4 FETCH (UID 4)"
        ]
    );
    c.expect_ok("a3 STORE $ +FLAGS.SILENT (\\Seen)").await;
    let r = c.expect_ok("a4 SEARCH SEEN").await;
    assert_eq!(r[0], "* SEARCH 2 3 4");
    // `$` as a search key.
    let r = c.expect_ok("a5 SEARCH $ 3:5").await;
    assert_eq!(r[0], "* SEARCH 3 4");

    // With MIN alone, only the message MIN returns is saved (RFC 5182 §2.4).
    let r = c.expect_ok("a6 UID SEARCH RETURN (MIN SAVE) 3:5").await;
    assert_eq!(r[0], "* ESEARCH (TAG \"a6\") UID MIN 3");
    let r = c.expect_ok("a7 UID FETCH $ (FLAGS)").await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0], "* 3 FETCH (FLAGS (\\Seen \\Recent) UID 3)");
    c.expect_ok("a8 CREATE Keep").await;
    let r = c.expect_ok("a9 UID COPY $ Keep").await;
    assert!(r[0].contains("[COPYUID "), "{r:?}");
    let r = c.expect_ok("a10 STATUS Keep (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS Keep (MESSAGES 1)");

    // MOVE by `$`; the moved message drops out of the result.
    c.expect_ok("b1 SEARCH RETURN (SAVE ALL) 1,5").await;
    let r = c.expect_ok("b2 MOVE $ Keep").await;
    assert!(has(&r, "* 1 EXPUNGE"), "{r:?}");
    let r = c.expect_ok("b3 FETCH $ (UID)").await;
    assert_eq!(r.len(), 1, "{r:?}");
    let r = c.expect_ok("b4 STATUS Keep (MESSAGES)").await;
    assert_eq!(r[0], "* STATUS Keep (MESSAGES 3)");
}

#[tokio::test]
async fn saved_result_is_reset() {
    let h = Harness::start().await;
    for _ in 0..2 {
        h.deliver(MSG).await;
    }
    let mut c = h.select().await;
    c.expect_ok("a1 SEARCH RETURN (SAVE) ALL").await;
    let r = c.expect_ok("a2 FETCH $ (UID)").await;
    assert_eq!(r.len(), 3, "{r:?}");
    // A new SELECT empties it (RFC 5182 §2.1).
    c.expect_ok("a3 SELECT INBOX").await;
    let r = c.expect_ok("a4 FETCH $ (UID)").await;
    assert_eq!(r.len(), 1, "{r:?}");
    // So does a failed SEARCH with SAVE.
    c.expect_ok("a5 SEARCH RETURN (SAVE) 1").await;
    c.expect_no("a6 SEARCH RETURN (SAVE) CHARSET KOI8-R ALL")
        .await;
    let r = c.expect_ok("a7 UID FETCH $ (UID)").await;
    assert_eq!(r.len(), 1, "{r:?}");
}
