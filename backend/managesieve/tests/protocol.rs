//! The session: greeting, capabilities, authentication, STARTTLS, bad input.

use osprey_proto::sasl::{ScramClient, decode_base64, encode_base64};

use crate::harness::{Harness, PASSWORD, USER, plain};

fn has(lines: &[String], line: &str) -> bool {
    lines.iter().any(|l| l == line)
}

#[tokio::test]
async fn the_greeting_is_the_capability_list_and_ok() {
    // RFC 5804 §1.7: "An OK response is sent ... the server MUST send the capability
    // list ... as the server greeting"; VERSION "1.0" for servers of this document.
    let h = Harness::start().await;
    let (mut c, greeting) = h.connect().await;
    assert!(
        has(&greeting, "\"IMPLEMENTATION\" \"Osprey\""),
        "{greeting:?}"
    );
    assert!(
        has(&greeting, "\"SASL\" \"PLAIN SCRAM-SHA-256\""),
        "{greeting:?}"
    );
    assert!(has(&greeting, "\"STARTTLS\""), "{greeting:?}");
    assert!(has(&greeting, "\"VERSION\" \"1.0\""), "{greeting:?}");
    let sieve = greeting
        .iter()
        .find(|l| l.starts_with("\"SIEVE\" "))
        .unwrap();
    for ext in ["fileinto", "vacation", "imap4flags", "copy"] {
        assert!(sieve.contains(ext), "{sieve}");
    }
    assert!(greeting.last().unwrap().starts_with("OK "), "{greeting:?}");
    // §2.4: CAPABILITY gives the same list.
    let caps = c.cmd("CAPABILITY").await;
    assert_eq!(caps[..caps.len() - 1], greeting[..greeting.len() - 1]);
    // §2.3: "The client sends the LOGOUT command ... The server MUST ... send OK".
    assert_eq!(c.status("LOGOUT").await, "OK \"Logout complete\"");
    assert_eq!(c.line().await, "<EOF>");
}

#[tokio::test]
async fn plain_needs_tls_unless_loopback_is_allowed() {
    let h = Harness::with(|c| c.plaintext_loopback = false).await;
    let (mut c, greeting) = h.connect().await;
    assert!(has(&greeting, "\"SASL\" \"SCRAM-SHA-256\""), "{greeting:?}");
    // RFC 5804 §1.3: ENCRYPT-NEEDED, "the client should ... negotiate TLS first".
    let r = c
        .status(&format!(
            "AUTHENTICATE \"PLAIN\" \"{}\"",
            plain(USER, PASSWORD)
        ))
        .await;
    assert!(r.starts_with("NO (ENCRYPT-NEEDED)"), "{r}");
    // §2.2: after the handshake, "the server MUST re-issue the capability results,
    // followed by an OK response".
    assert_eq!(
        c.status("STARTTLS").await,
        "OK \"Begin TLS negotiation now\""
    );
    let mut c = c.start_tls().await;
    let caps = c.response().await;
    assert!(has(&caps, "\"SASL\" \"PLAIN SCRAM-SHA-256\""), "{caps:?}");
    assert!(!has(&caps, "\"STARTTLS\""), "{caps:?}");
    assert_eq!(caps.last().unwrap(), "OK \"TLS negotiation successful\"");
    let r = c
        .status(&format!(
            "AUTHENTICATE \"PLAIN\" \"{}\"",
            plain(USER, PASSWORD)
        ))
        .await;
    assert_eq!(r, "OK \"Logged in\"");
    let caps = c.cmd("CAPABILITY").await;
    assert!(has(&caps, &format!("\"OWNER\" \"{USER}\"")), "{caps:?}");
}

#[tokio::test]
async fn authenticate_with_a_challenge_a_literal_and_a_cancel() {
    let h = Harness::start().await;
    let (mut c, _) = h.connect().await;
    // §2.1: without an initial response the server sends an empty challenge.
    c.raw(b"AUTHENTICATE \"PLAIN\"\r\n").await;
    assert_eq!(c.line().await, "\"\"");
    // "the client MAY cancel ... by sending a string containing a single '*'".
    assert_eq!(c.status("\"*\"").await, "NO \"authentication cancelled\"");
    // A wrong password is NO; the client may try again.
    let r = c
        .status(&format!(
            "AUTHENTICATE \"PLAIN\" \"{}\"",
            plain(USER, "nope")
        ))
        .await;
    assert_eq!(r, "NO \"Authentication failed\"");
    // The response as a literal (§4 literal-c2s).
    let ir = plain(USER, PASSWORD);
    c.raw(format!("AUTHENTICATE \"PLAIN\" {{{}+}}\r\n{ir}\r\n", ir.len()).as_bytes())
        .await;
    assert_eq!(c.response().await.pop().unwrap(), "OK \"Logged in\"");
    // §2.1: AUTHENTICATE is not allowed once authenticated.
    assert!(
        c.status("AUTHENTICATE \"PLAIN\" \"\"")
            .await
            .starts_with("NO")
    );
}

#[tokio::test]
async fn scram_sha_256_signs_in_and_proves_the_server() {
    let h = Harness::with(|c| c.plaintext_loopback = false).await;
    let (mut c, _) = h.connect().await;
    let mut client = ScramClient::new(USER, PASSWORD, "fyko+d2lbbFgONRv9qkxdawL");
    let first = encode_base64(client.client_first().as_bytes());
    // §2.1: each challenge is a string of base64 on a line of its own.
    c.raw(format!("AUTHENTICATE \"SCRAM-SHA-256\" \"{first}\"\r\n").as_bytes())
        .await;
    let server_first = decode_base64(c.line().await.trim_matches('"')).unwrap();
    let fin = client.client_final(&server_first).unwrap();
    c.raw(format!("\"{}\"\r\n", encode_base64(fin.as_bytes())).as_bytes())
        .await;
    let server_final = c.line().await;
    client
        .verify_server_final(&decode_base64(server_final.trim_matches('"')).unwrap())
        .unwrap();
    assert_eq!(c.status("\"\"").await, "OK \"Logged in\"");
    assert_eq!(
        c.status("LISTSCRIPTS").await,
        "OK \"Listscripts completed\""
    );
}

#[tokio::test]
async fn script_commands_need_authentication_and_bad_input_gets_no() {
    let h = Harness::start().await;
    let (mut c, _) = h.connect().await;
    assert_eq!(c.status("LISTSCRIPTS").await, "NO \"authenticate first\"");
    assert_eq!(
        c.status("FROBNICATE").await,
        "NO \"unknown command FROBNICATE\""
    );
    let r = c.status("GETSCRIPT \"unterminated").await;
    assert_eq!(r, "NO \"a quoted string has no closing quote\"");
    // §2.13: NOOP echoes its tag in a TAG response code.
    assert_eq!(c.status("NOOP \"t1\"").await, "OK (TAG \"t1\") \"Done\"");
    // Too many bad commands end the session with BYE.
    for _ in 0..7 {
        assert!(c.status("BAD").await.starts_with("NO"));
    }
    assert_eq!(
        c.status("BAD").await,
        "BYE \"too many bad commands, closing\""
    );
    assert_eq!(c.line().await, "<EOF>");
}

#[tokio::test]
async fn unauthenticate_returns_to_the_non_authenticated_state() {
    // RFC 5804 §2.14.1: "the server ... returns to the non-authenticated state".
    let h = Harness::start().await;
    let mut c = h.login().await;
    assert_eq!(c.status("UNAUTHENTICATE").await, "OK");
    assert_eq!(c.status("LISTSCRIPTS").await, "NO \"authenticate first\"");
}
