//! New keywords are announced with FLAGS and PERMANENTFLAGS before a FETCH shows them:
//! to the session that stored them, to other sessions, and at the next SELECT
//! (RFC 3501 §7.2.6, RFC 9051 §7.3.5).

use crate::harness::{Harness, MSG, has};

const SYSTEM: &str = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

fn flags_line(keywords: &str) -> String {
    format!("* FLAGS ({SYSTEM}{keywords})")
}

fn permanent_line(keywords: &str) -> String {
    format!("* OK [PERMANENTFLAGS ({SYSTEM}{keywords} \\*)] flags permitted")
}

/// The index of the first line of `lines` that starts with `prefix`.
fn index(lines: &[String], prefix: &str) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix}: {lines:#?}"))
}

/// Panics unless every keyword that a FETCH in `lines` shows was announced by a FLAGS
/// line before it.
fn assert_announced(lines: &[String]) {
    let mut known: Vec<String> = Vec::new();
    for l in lines {
        let Some(at) = l.find("FLAGS (") else {
            continue;
        };
        let list = &l[at + 7..];
        let list = &list[..list.find(')').unwrap()];
        let keywords = list
            .split(' ')
            .filter(|f| !f.is_empty() && !f.starts_with('\\'));
        if l.starts_with("* FLAGS (") {
            known.extend(keywords.map(str::to_ascii_lowercase));
        } else if l.contains(" FETCH ") {
            for k in keywords {
                assert!(
                    known.contains(&k.to_ascii_lowercase()),
                    "{k} shown before it was announced: {lines:#?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_new_keyword_is_announced_before_any_fetch_shows_it() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    h.deliver(MSG).await;
    let mut a = h.select().await;
    let mut b = h.select().await;
    let mut idle = h.select().await;
    idle.send("i1 IDLE").await;
    assert!(idle.line().await.starts_with("+ "));

    // RFC 3501 §7.2.6: "The FLAGS response occurs as a result of a SELECT or EXAMINE
    // command. The flag parenthesized list identifies the flags (at a minimum, the
    // system-defined flags) that are applicable for this mailbox." A keyword stored
    // now is applicable: the storing session hears of it before its FETCH.
    let r = a.expect_ok("a1 STORE 1 +FLAGS ($Label5)").await;
    assert_eq!(r[0], flags_line(" $Label5"), "{r:#?}");
    assert_eq!(r[1], permanent_line(" $Label5"), "{r:#?}");
    assert!(r[2].starts_with("* 1 FETCH (FLAGS ("), "{r:#?}");
    assert!(r[2].contains("$Label5"), "{r:#?}");
    // Keywords compare without regard to case: a known one is not announced again,
    // and `.SILENT` stores need the announcement as much as loud ones.
    let r = a.expect_ok("a2 STORE 2 +FLAGS.SILENT ($label5)").await;
    assert_eq!(r.len(), 1, "{r:#?}");
    let r = a.expect_ok("a3 STORE 2 +FLAGS.SILENT (Work)").await;
    assert_eq!(r[0], flags_line(" $Label5 Work"), "{r:#?}");
    assert_eq!(r[1], permanent_line(" $Label5 Work"), "{r:#?}");

    // Another session: FLAGS and PERMANENTFLAGS come before the first FETCH that
    // carries the new keywords (RFC 9051 §7.3.5: "The update from the FLAGS response
    // MUST be remembered by the client.").
    let r = b.expect_ok("b1 NOOP").await;
    let flags = index(&r, "* FLAGS");
    let fetch = index(&r, "* 1 FETCH");
    assert!(flags < fetch, "{r:#?}");
    assert_eq!(r[flags], flags_line(" $Label5 Work"), "{r:#?}");
    assert_eq!(r[flags + 1], permanent_line(" $Label5 Work"), "{r:#?}");
    assert_announced(&r);
    // ... and in IDLE, where each change arrives on its own.
    idle.send("DONE").await;
    let lines = idle.until_tagged("i1").await;
    assert!(has(&lines, "$Label5"), "{lines:#?}");
    assert_announced(&lines);

    // The next SELECT names every keyword in use; EXAMINE too, with an empty
    // PERMANENTFLAGS (RFC 9051 §6.3.3: nothing can be changed).
    let mut c = h.login().await;
    let r = c.expect_ok("c1 SELECT INBOX").await;
    assert!(has(&r, &flags_line(" $Label5 Work")), "{r:#?}");
    assert!(has(&r, &permanent_line(" $Label5 Work")), "{r:#?}");
    let r = c.expect_ok("c2 EXAMINE INBOX").await;
    assert!(has(&r, &flags_line(" $Label5 Work")), "{r:#?}");
    assert!(has(&r, "* OK [PERMANENTFLAGS ()]"), "{r:#?}");
}

/// A message that arrives with a keyword the session has not announced (APPEND or
/// COPY by anyone): FLAGS before EXISTS, so the client's FETCH of it finds the keyword
/// announced.
#[tokio::test]
async fn a_new_message_with_a_new_keyword_is_announced_before_exists() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut a = h.select().await;
    let mut b = h.login().await;
    let len = MSG.len();
    b.send(&format!("b1 APPEND INBOX ($Todo) {{{len}}}")).await;
    assert!(b.line().await.starts_with("+ "));
    b.raw(MSG).await;
    b.send("").await;
    let r = b.until_tagged("b1").await;
    assert!(r.last().unwrap().starts_with("b1 OK"), "{r:#?}");
    let r = a.expect_ok("a1 NOOP").await;
    let flags = index(&r, "* FLAGS");
    assert_eq!(r[flags], flags_line(" $Todo"), "{r:#?}");
    assert!(flags < index(&r, "* 2 EXISTS"), "{r:#?}");
    let r = a.expect_ok("a2 FETCH 2 (FLAGS)").await;
    assert!(r[0].contains("$Todo"), "{r:#?}");
}
