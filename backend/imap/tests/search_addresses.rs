//! FROM, TO, CC and BCC search the address fields as the envelope renders them: every
//! address, display names and group names (RFC 3501 §6.4.4, RFC 9051 §6.4.4).

use crate::harness::Harness;

const ONE: &[u8] = b"From: \"Bob Smith\" <bob@example.com>\r\n\
    To: ann@imap.example, Carol Jones <carol@example.org>\r\n\
    Subject: one\r\n\r\nbody\r\n";
const TWO: &[u8] = b"From: dave@example.net\r\n\
    To: Friends: Ann <ann@imap.example>, Zed <zed@x.example>;\r\n\
    Cc: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>\r\n\
    Bcc: Audit Team: audit@example.com;\r\n\
    Subject: two\r\n\r\nbody\r\n";

#[tokio::test]
async fn address_keys_match_anywhere_in_the_field() {
    let h = Harness::start().await;
    h.deliver(ONE).await;
    h.deliver(TWO).await;
    let mut c = h.select().await;
    // RFC 3501 §6.4.4: "FROM <string> Messages that contain the specified string in
    // the envelope structure's FROM field", and likewise TO, CC and BCC: the whole
    // field, not only its first mailbox's address.
    for (key, want) in [
        ("FROM \"Bob Smith\"", "* SEARCH 1"),
        ("FROM smith", "* SEARCH 1"),
        ("FROM bob@example.com", "* SEARCH 1"),
        ("FROM example", "* SEARCH 1 2"),
        ("TO carol", "* SEARCH 1"),
        ("TO \"Carol Jones\"", "* SEARCH 1"),
        ("TO org", "* SEARCH 1"),
        ("TO friends", "* SEARCH 2"),
        ("TO zed@x.example", "* SEARCH 2"),
        ("TO ann", "* SEARCH 1 2"),
        ("CC joerg@example.de", "* SEARCH 2"),
        ("BCC \"Audit Team\"", "* SEARCH 2"),
        ("BCC audit@", "* SEARCH 2"),
        ("NOT TO zed", "* SEARCH 1"),
        ("OR FROM bob CC joerg", "* SEARCH 1 2"),
    ] {
        let r = c.expect_ok(&format!("s1 SEARCH {key}")).await;
        assert_eq!(r[0], want, "SEARCH {key}");
    }
    // The display name with its encoded words decoded.
    c.raw("s2 SEARCH CHARSET UTF-8 CC {5+}\r\nJ\u{f6}rg\r\n".as_bytes())
        .await;
    let r = c.until_tagged("s2").await;
    assert_eq!(r[0], "* SEARCH 2", "{r:?}");
}
