//! BODY, BODYSTRUCTURE (RFC 9051 §7.5.2) and BINARY (RFC 3516) of a multipart message
//! with an attachment and a nested message.

use crate::harness::{Harness, has};

const MULTI: &[u8] = b"From: Bob <bob@example.com>\r\n\
To: ann@imap.example\r\n\
Subject: Report\r\n\
Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\
Message-ID: <m2@example.com>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
Preamble\r\n\
--outer\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Caf=C3=A9 ready.\r\n\
Second line.\r\n\
--outer\r\n\
Content-Type: application/octet-stream; name=\"data.bin\"\r\n\
Content-Disposition: attachment; filename=\"data.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-ID: <d1@example.com>\r\n\
Content-Language: en\r\n\
\r\n\
AAECAwQ=\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\
Content-Description: forwarded\r\n\
\r\n\
From: Carol <carol@example.org>\r\n\
Subject: Inner\r\n\
Message-ID: <inner@example.org>\r\n\
\r\n\
Inner body\r\n\
--outer\r\n\
Content-Type: text/plain\r\n\
Content-Transfer-Encoding: x-unknown\r\n\
\r\n\
odd\r\n\
--outer--\r\n";

/// The inner message of part 3 as stored, without the line break before the boundary.
const INNER_LEN: usize = 94;

#[tokio::test]
async fn bodystructure_of_a_multipart_message() {
    let h = Harness::start().await;
    h.deliver(MULTI).await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 FETCH 1 BODYSTRUCTURE").await;
    let want = format!(
        "* 1 FETCH (BODYSTRUCTURE (\
         (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 30 2 NIL NIL NIL NIL)\
         (\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"data.bin\") \"<d1@example.com>\" NIL \"BASE64\" 8 \
         NIL (\"ATTACHMENT\" (\"FILENAME\" \"data.bin\")) \"en\" NIL)\
         (\"MESSAGE\" \"RFC822\" NIL NIL \"forwarded\" \"7BIT\" {INNER_LEN} \
         (NIL \"Inner\" ((\"Carol\" NIL \"carol\" \"example.org\")) ((\"Carol\" NIL \"carol\" \"example.org\")) \
         ((\"Carol\" NIL \"carol\" \"example.org\")) NIL NIL NIL NIL \"<inner@example.org>\") \
         (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) 5 NIL NIL NIL NIL)\
         (\"TEXT\" \"PLAIN\" NIL NIL NIL \"X-UNKNOWN\" 3 1 NIL NIL NIL NIL) \
         \"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL))"
    );
    assert_eq!(r[0], want);
    // BODY: the same tree without extension data.
    let r = c.expect_ok("a2 FETCH 1 BODY").await;
    assert!(
        r[0].starts_with(
            "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 30 2)"
        ),
        "{r:?}"
    );
    assert!(
        r[0].ends_with("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"X-UNKNOWN\" 3 1) \"MIXED\"))"),
        "{r:?}"
    );
    // BODY[3.1] is the inner message's body (RFC 9051 §6.4.5).
    let r = c.expect_ok("a3 FETCH 1 BODY.PEEK[3.TEXT]").await;
    assert_eq!(r[0], "* 1 FETCH (BODY[3.TEXT] \"Inner body\")");
}

#[tokio::test]
async fn binary_decodes_parts() {
    let h = Harness::start().await;
    h.deliver(MULTI).await;
    let mut c = h.select().await;
    let r = c.expect_ok("a1 FETCH 1 BINARY.PEEK[1]").await;
    assert_eq!(
        r[0],
        "* 1 FETCH (BINARY[1] {26}\r\nCafé ready.\r\nSecond line.)"
    );
    // NUL in the decoded data: a literal8 (RFC 3516 §4.3).
    let r = c
        .expect_ok("a2 FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])")
        .await;
    assert_eq!(
        r[0],
        "* 1 FETCH (BINARY.SIZE[2] 5 BINARY[2] ~{5}\r\n\u{0}\u{1}\u{2}\u{3}\u{4})"
    );
    let r = c.expect_ok("a3 FETCH 1 BINARY.PEEK[2]<0.2>").await;
    assert_eq!(r[0], "* 1 FETCH (BINARY[2]<0> ~{2}\r\n\u{0}\u{1})");
    let r = c.expect_ok("a4 FETCH 1 FLAGS").await;
    assert_eq!(
        r[0], "* 1 FETCH (FLAGS (\\Recent))",
        "PEEK leaves \\Seen unset"
    );
    let r = c.expect_no("a5 FETCH 1 BINARY.PEEK[4]").await;
    assert!(r[0].starts_with("a5 NO [UNKNOWN-CTE]"), "{r:?}");
    let r = c.expect_ok("a6 FETCH 1 BINARY.PEEK[9]").await;
    assert!(has(&r, "BINARY[9] NIL"), "{r:?}");
    let r = c.expect_ok("a7 FETCH 1 BINARY[1]").await;
    assert!(
        has(&r, "FLAGS (\\Seen \\Recent)"),
        "BINARY sets \\Seen: {r:?}"
    );
    let r = c.expect_ok("a8 CAPABILITY").await;
    assert!(has(&r, " BINARY"), "{r:?}");
}

/// `section` of message 1 as a FETCH item: the literal, its length counted here.
fn literal(section: &str, text: &str) -> String {
    format!("BODY[{section}] {{{}}}\r\n{text}", text.len())
}

/// HEADER.FIELDS.NOT returns every other field of the header, and MIME a part's own
/// header fields, each ending in the blank line that ends a header section (RFC 9051
/// §6.4.5); PEEK leaves `\Seen` unset.
#[tokio::test]
async fn header_fields_not_and_mime_sections() {
    let h = Harness::start().await;
    h.deliver(MULTI).await;
    let mut c = h.select().await;
    let r = c
        .expect_ok("a1 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Subject Date)]")
        .await;
    let want = literal(
        "HEADER.FIELDS.NOT (Subject Date)",
        "From: Bob <bob@example.com>\r\n\
         To: ann@imap.example\r\n\
         Message-ID: <m2@example.com>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
         \r\n",
    );
    assert_eq!(r[0], format!("* 1 FETCH ({want})"));
    // Field names match whatever their case.
    let r = c
        .expect_ok("a2 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT date from TO message-id mime-version content-type)]")
        .await;
    assert!(r[0].ends_with(" {2}\r\n\r\n)"), "{r:?}");
    let r = c
        .expect_ok("a3 FETCH 1 (BODY.PEEK[1.MIME] BODY.PEEK[2.MIME])")
        .await;
    let one = literal(
        "1.MIME",
        "Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         \r\n",
    );
    let two = literal(
        "2.MIME",
        "Content-Type: application/octet-stream; name=\"data.bin\"\r\n\
         Content-Disposition: attachment; filename=\"data.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         Content-ID: <d1@example.com>\r\n\
         Content-Language: en\r\n\
         \r\n",
    );
    assert_eq!(r[0], format!("* 1 FETCH ({one} {two})"));
    // A message/rfc822 part: MIME is the part's header in the outer message,
    // HEADER.FIELDS.NOT reads the inner message's.
    let r = c.expect_ok("a4 FETCH 1 BODY.PEEK[3.MIME]").await;
    let want = literal(
        "3.MIME",
        "Content-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\n",
    );
    assert_eq!(r[0], format!("* 1 FETCH ({want})"));
    let r = c
        .expect_ok("a5 FETCH 1 BODY.PEEK[3.HEADER.FIELDS.NOT (From)]")
        .await;
    let want = literal(
        "3.HEADER.FIELDS.NOT (From)",
        "Subject: Inner\r\nMessage-ID: <inner@example.org>\r\n\r\n",
    );
    assert_eq!(r[0], format!("* 1 FETCH ({want})"));
    // A partial fetch counts from the start of the selected fields.
    let r = c
        .expect_ok("a6 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Subject Date)]<6.11>")
        .await;
    assert_eq!(
        r[0],
        "* 1 FETCH (BODY[HEADER.FIELDS.NOT (Subject Date)]<6> \"Bob <bob@ex\")"
    );
    let r = c.expect_ok("a7 FETCH 1 FLAGS").await;
    assert_eq!(
        r[0], "* 1 FETCH (FLAGS (\\Recent))",
        "PEEK leaves \\Seen unset"
    );
    let r = c.expect_ok("a8 FETCH 1 BODY[1.MIME]").await;
    assert!(
        has(&r, "FLAGS (\\Seen \\Recent)"),
        "BODY[1.MIME] sets \\Seen: {r:?}"
    );
}

/// RFC 3516 §4.4: APPEND takes a message as `literal8` so that binary content reaches
/// the server unchanged; stored so, its octets stay exactly as sent (a bare LF is data,
/// not a line end to repair), BINARY.SIZE[] is the stored size and BINARY[1] gives the
/// binary part back octet for octet. BODY[1] sends the part as it is encoded in the
/// message, in a literal, where a NUL may not appear (RFC 9051 §9: `CHAR8` excludes
/// it): only BINARY's literal8 carries NUL.
#[tokio::test]
async fn a_binary_append_keeps_its_octets() {
    let h = Harness::start().await;
    let part: &[u8] = b"\x00\x01\nline\n\x02\xff";
    let mut msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
        Content-Type: application/octet-stream\r\n\
        Content-Transfer-Encoding: binary\r\n\r\n"
        .to_vec();
    msg.extend_from_slice(part);
    msg.extend_from_slice(b"\r\n--b--\r\n");
    let n = msg.len();
    let mut c = h.login().await;
    let mut cmd = format!("a1 APPEND INBOX ~{{{n}+}}\r\n").into_bytes();
    cmd.extend_from_slice(&msg);
    cmd.extend_from_slice(b"\r\n");
    c.raw(&cmd).await;
    let r = c.until_tagged("a1").await;
    assert!(r[0].starts_with("a1 OK [APPENDUID "), "{r:?}");
    c.expect_ok("s1 SELECT INBOX").await;
    let r = c
        .expect_ok("f1 FETCH 1 (RFC822.SIZE BINARY.SIZE[] BINARY.SIZE[1])")
        .await;
    assert_eq!(
        r[0],
        format!(
            "* 1 FETCH (RFC822.SIZE {n} BINARY.SIZE[] {n} BINARY.SIZE[1] {})",
            part.len()
        )
    );
    let r = c.expect_ok("f2 FETCH 1 BINARY.PEEK[1]").await;
    assert_eq!(
        r[0],
        format!(
            "* 1 FETCH (BINARY[1] ~{{{}}}\r\n{})",
            part.len(),
            String::from_utf8_lossy(part)
        )
    );
    let r = c.expect_ok("f3 FETCH 1 BINARY.PEEK[]").await;
    assert!(
        r[0].starts_with(&format!("* 1 FETCH (BINARY[] ~{{{n}}}\r\n")),
        "{r:?}"
    );
    let r = c.expect_ok("f4 FETCH 1 BODY.PEEK[1]").await;
    let head = format!("* 1 FETCH (BODY[1] {{{}}}\r\n", part.len());
    assert!(r[0].starts_with(&head), "{r:?}");
    assert!(!r[0].contains('\0'), "no NUL outside literal8: {r:?}");
    assert!(r[0].contains("\nline\n"), "the part as encoded: {r:?}");
}
