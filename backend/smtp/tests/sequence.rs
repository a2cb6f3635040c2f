//! Which command each state of the session takes (`op::allowed`), transcribed with the
//! exact replies, and the session's own replies (greeting, HELP, VRFY, QUIT, TLS).

use crate::harness::{ANN, Harness, PASSWORD, raw_connect};

#[tokio::test]
async fn every_state_refuses_what_it_does_not_take() {
    let h = Harness::with(|c| c.max_errors = 100).await;
    let mut c = h.connect(h.mx).await;
    // Before EHLO.
    let cases = [
        ("MAIL FROM:<x@remote.example>", "503 5.5.1 Send EHLO first"),
        ("RCPT TO:<ann@mx.example>", "503 5.5.1 Send MAIL first"),
        ("DATA", "503 5.5.1 Send MAIL first"),
        ("NOOP", "250 2.0.0 OK"),
        // RSET before EHLO leaves the session waiting for it.
        ("RSET", "250 2.0.0 OK"),
        ("MAIL FROM:<x@remote.example>", "503 5.5.1 Send EHLO first"),
        ("HELO client.example", "250 mx.example Hello client.example"),
        // After EHLO or HELO, outside a transaction.
        ("DATA", "503 5.5.1 Send MAIL first"),
        ("RCPT TO:<ann@mx.example>", "503 5.5.1 Send MAIL first"),
        ("MAIL FROM:<x@remote.example>", "250 2.1.0 Sender OK"),
        // MAIL accepted, no recipient yet.
        (
            "MAIL FROM:<x@remote.example>",
            "503 5.5.1 Nested MAIL command",
        ),
        ("DATA", "554 5.5.1 No valid recipients"),
        ("AUTH PLAIN", "503 5.5.1 Not during a mail transaction"),
        ("RCPT TO:<ann@mx.example>", "250 2.1.5 Recipient OK"),
    ];
    for (command, reply) in cases {
        assert_eq!(c.cmd(command).await, reply, "{command}");
    }
    // BDAT chunks are coming: no DATA, no MAIL; more recipients are still taken.
    c.raw(b"BDAT 20\r\nSubject: chunked\r\n\r\n").await;
    assert_eq!(c.reply().await, "250 2.0.0 20 octets received");
    let cases = [
        ("DATA", "503 5.5.1 DATA after BDAT"),
        (
            "MAIL FROM:<x@remote.example>",
            "503 5.5.1 Nested MAIL command",
        ),
        ("RCPT TO:<bob@mx.example>", "250 2.1.5 Recipient OK"),
    ];
    for (command, reply) in cases {
        assert_eq!(c.cmd(command).await, reply, "{command}");
    }
    c.raw(b"BDAT 4 LAST\r\nhi\r\n").await;
    let queued = c.reply().await;
    assert!(queued.starts_with("250 2.0.0 OK, queued as "), "{queued}");
    let bob = h.account_id("bob@mx.example").await;
    assert_eq!(h.inbox(&bob).await.len(), 1);
    // The message is in: back outside a transaction.
    assert_eq!(
        c.cmd("RCPT TO:<ann@mx.example>").await,
        "503 5.5.1 Send MAIL first"
    );
    // A refused BDAT's chunk is skipped, not read as commands.
    c.raw(b"BDAT 6\r\nNOOP\r\n").await;
    assert_eq!(c.reply().await, "503 5.5.1 Send MAIL first");
    c.expect("MAIL FROM:<x@remote.example>", "250").await;
    c.raw(b"BDAT 6\r\nNOOP\r\n").await;
    assert_eq!(c.reply().await, "554 5.5.1 No valid recipients");
    // RSET ends the transaction.
    assert_eq!(c.cmd("RSET").await, "250 2.0.0 OK");
    assert_eq!(c.cmd("DATA").await, "503 5.5.1 Send MAIL first");
    let cases = [
        (
            "VRFY ann",
            "252 2.5.0 Cannot VRFY user, but will accept the message and attempt delivery",
        ),
        ("HELP", "214 2.0.0 See RFC 5321; this server speaks ESMTP"),
        ("EXPN team", "502 5.5.1 Command not implemented"),
        ("FROB", "500 5.5.1 Command unrecognized"),
        ("STARTTLS", "220 2.0.0 Ready to start TLS"),
    ];
    for (command, reply) in cases {
        assert_eq!(c.cmd(command).await, reply, "{command}");
    }
    let mut c = c.start_tls().await;
    // RFC 3207 §4.2: after the handshake the session starts again, before EHLO.
    assert_eq!(
        c.cmd("MAIL FROM:<x@remote.example>").await,
        "503 5.5.1 Send EHLO first"
    );
    c.expect("EHLO client.example", "250-mx.example Hello client.example")
        .await;
    assert_eq!(c.cmd("STARTTLS").await, "503 5.5.1 TLS already active");
    assert_eq!(c.cmd("QUIT").await, "221 2.0.0 Bye");
    assert!(c.closed().await);
}

#[tokio::test]
async fn greeting_and_authentication_replies() {
    let h = Harness::start().await;
    let mut greeted = raw_connect(h.submission).await;
    assert_eq!(greeted.reply().await, "220 mx.example ESMTP Osprey");
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    assert_eq!(c.cmd("STARTTLS").await, "220 2.0.0 Ready to start TLS");
    let mut c = c.start_tls().await;
    c.expect("EHLO c", "250").await;
    let plain = osprey_proto::sasl::encode_base64(format!("\0{ANN}\0{PASSWORD}").as_bytes());
    let cases = [
        ("AUTH FOO", "504 5.5.4 Unrecognized authentication type"),
        ("AUTH PLAIN !!", "501 5.5.2 Invalid base64"),
        ("AUTH PLAIN", "334 "),
        ("*", "501 5.0.0 Authentication cancelled"),
        (
            &format!("AUTH PLAIN {plain}") as &str,
            "235 2.7.0 Authentication successful",
        ),
        (
            &format!("AUTH PLAIN {plain}"),
            "503 5.5.1 Already authenticated",
        ),
        (
            "MAIL FROM:<bob@mx.example>",
            "550 5.7.1 <bob@mx.example> (envelope): not an address you may send as",
        ),
    ];
    for (command, reply) in cases {
        assert_eq!(c.cmd(command).await, reply, "{command}");
    }
}
