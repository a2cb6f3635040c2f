//! CATENATE, RFC 4469: APPEND of a message made of text and of messages or parts the
//! account already has, named by IMAP URLs (RFC 5092).

use crate::harness::{Harness, USER, has, number_after};

const SOURCE: &[u8] = b"From: Bob <bob@example.com>\r\nSubject: Report\r\n\
    Content-Type: multipart/mixed; boundary=b\r\n\r\n\
    --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
    --b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n\
    --b--\r\n";

#[tokio::test]
async fn append_catenates_text_and_urls() {
    let h = Harness::start().await;
    h.deliver(SOURCE).await;
    let mut c = h.login().await;
    let r = c.expect_ok("c1 CAPABILITY").await;
    assert!(has(&r, " CATENATE"), "{r:?}");
    let r = c.expect_ok("s1 SELECT INBOX").await;
    let line = r.iter().find(|l| l.contains("[UIDVALIDITY")).unwrap();
    let v = number_after(line, "[UIDVALIDITY");

    // RFC 4469 §3: "If the extended form is used, 'CATENATE' and a parenthesized list
    // of message literals and message URLs follows, each of which is appended to the
    // new message.": the header of message 1, new text, the second part (its MIME
    // header and body), and the closing boundary.
    let text = "--b\r\nContent-Type: text/plain\r\n\r\nForwarded, with a note.\r\n";
    let end = "\r\n--b--\r\n";
    c.raw(
        format!(
            "a1 APPEND Drafts (\\Draft) CATENATE (URL \"/INBOX;UIDVALIDITY={v}/;UID=1/;SECTION=HEADER\" \
             TEXT {{{}+}}\r\n{text} URL \"/INBOX/;UID=1/;SECTION=2.MIME\" \
             URL \";UID=1/;SECTION=2\" TEXT {{{}+}}\r\n{end})\r\n",
            text.len(),
            end.len()
        )
        .as_bytes(),
    )
    .await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID "), "{r:?}");
    c.expect_ok("s2 SELECT Drafts").await;
    let r = c.expect_ok("f1 FETCH 1 (BODY.PEEK[] FLAGS)").await;
    let want = "From: Bob <bob@example.com>\r\nSubject: Report\r\n\
        Content-Type: multipart/mixed; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nForwarded, with a note.\r\n\
        Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\
        \r\n--b--\r\n";
    assert!(r[0].contains(want), "{r:#?}\nwant {want:?}");
    assert!(r[0].contains("\\Draft"), "{r:?}");

    // RFC 5092 §3: ;PARTIAL=origin.length, of the whole message here.
    c.raw(b"a2 APPEND Drafts CATENATE (URL \"/INBOX/;UID=1/;PARTIAL=6.3\")\r\n")
        .await;
    let r = c.until_tagged("a2").await;
    assert!(r.last().unwrap().starts_with("a2 OK"), "{r:?}");
    let r = c.expect_ok("f2 FETCH 2 BODY.PEEK[]").await;
    // (A message is stored with a final line end, as every APPEND.)
    assert!(r[0].contains("BODY[] {5}\r\nBob\r\n"), "{r:?}");
}

#[tokio::test]
async fn urls_that_do_not_resolve_are_badurl() {
    let h = Harness::start().await;
    h.deliver(SOURCE).await;
    let mut c = h.login().await;
    // RFC 4469 §4.1: "The BADURL response code is returned if the APPEND fails to
    // process one of the specified URLs."
    for (i, url) in [
        "/INBOX;UIDVALIDITY=1/;UID=1".to_owned(),
        "/INBOX/;UID=9".to_owned(),
        "/Nowhere/;UID=1".to_owned(),
        "/INBOX/;UID=1/;SECTION=7".to_owned(),
        "imap://someone@imap.example/INBOX/;UID=1".to_owned(),
        "/INBOX/;UID=1/;URLAUTH=anonymous".to_owned(),
        ";UID=1".to_owned(),
        "nonsense".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        let r = c
            .expect_no(&format!("b{i} APPEND Drafts CATENATE (URL \"{url}\")"))
            .await;
        assert!(
            r[0].starts_with(&format!("b{i} NO [BADURL {url}]")),
            "{r:?}"
        );
    }
    // The client's own address in the URL is fine; nothing was stored before.
    let r = c
        .expect_ok(&format!(
            "b9 APPEND Drafts CATENATE (URL \"imap://{USER}@imap.example/INBOX/;UID=1\")"
        ))
        .await;
    assert!(
        r[0].contains("[APPENDUID ") && r[0].ends_with("1] APPEND completed"),
        "{r:?}"
    );
}
