//! The MX port: mail for local domains, recipients, aliases, limits (RFC 5321).

use crate::harness::{ANN, Harness};

const MSG: &str =
    "From: x@remote.example\r\nTo: ann@mx.example\r\nSubject: hi\r\n\r\nHello.\r\n.leading dot\r\n";

#[tokio::test]
async fn ehlo_lists_the_extensions_and_helo_works() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    let ehlo = c.expect("EHLO client.example", "250").await;
    for ext in [
        "PIPELINING",
        "SIZE 26214400",
        "8BITMIME",
        "SMTPUTF8",
        "ENHANCEDSTATUSCODES",
        "CHUNKING",
        "STARTTLS",
    ] {
        assert!(
            ehlo.lines().any(|l| l[4..] == *ext),
            "{ext} missing: {ehlo}"
        );
    }
    assert!(
        !ehlo.contains("AUTH"),
        "no AUTH on port 25 before TLS: {ehlo}"
    );
    c.expect("HELO client.example", "250 mx.example").await;
    c.expect("NOOP", "250 2.0.0").await;
    c.expect("VRFY ann", "252").await;
    c.expect("EXPN list", "502 5.5.1").await;
    c.expect("QUIT", "221 2.0.0").await;
    assert!(c.closed().await);
}

#[tokio::test]
async fn mail_for_a_local_user_is_stored_with_trace_headers() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO client.example", "250").await;
    c.expect("MAIL FROM:<x@remote.example> SIZE=100", "250 2.1.0")
        .await;
    c.expect("RCPT TO:<ANN@mx-alias.example>", "250 2.1.5")
        .await;
    let r = c.data(MSG).await;
    assert!(r.starts_with("250 2.0.0 OK, queued as"), "{r}");
    let inbox = h.inbox(&h.ann).await;
    assert_eq!(inbox.len(), 1);
    let body = String::from_utf8(h.blobs.get(&inbox[0].blob_hash).await.unwrap()).unwrap();
    assert!(body.starts_with("Return-Path: <x@remote.example>\r\nReceived: from client.example ([127.0.0.1])\r\n\tby mx.example (Osprey) with ESMTP id "), "{body}");
    assert!(body.contains("\tfor <ANN@mx-alias.example>;"), "{body}");
    assert!(
        body.ends_with("\r\nHello.\r\n.leading dot\r\n"),
        "dot removed once: {body}"
    );
    assert_eq!(inbox[0].size as usize, body.len());
}

#[tokio::test]
async fn unknown_users_relaying_and_bad_sequences_are_refused() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    c.expect("MAIL FROM:<x@remote.example>", "503 5.5.1").await;
    c.expect("EHLO client.example", "250").await;
    c.expect("RCPT TO:<ann@mx.example>", "503 5.5.1").await;
    c.expect("DATA", "503 5.5.1").await;
    c.expect("MAIL FROM:<x@remote.example>", "250").await;
    c.expect("MAIL FROM:<x@remote.example>", "503 5.5.1").await;
    c.expect("RCPT TO:<nobody@mx.example>", "550 5.1.1").await;
    c.expect(
        "RCPT TO:<someone@elsewhere.example>",
        "550 5.7.1 Relaying denied",
    )
    .await;
    c.expect("DATA", "554 5.5.1").await;
    c.expect("RCPT TO:<bad address>", "501").await;
    c.expect("MAIL FROM:<x@remote.example> SIZE=999999999", "503")
        .await;
    c.expect("RSET", "250").await;
    c.expect("MAIL FROM:<x@remote.example> SIZE=999999999", "552 5.3.4")
        .await;
    c.expect("FROB", "500 5.5.1").await;
}

#[tokio::test]
async fn aliases_expand_nested_with_catch_all_and_loops_refused() {
    let h = Harness::start().await;
    h.store
        .aliases()
        .create_alias(
            Some("team"),
            "mx.example",
            vec![ANN.into(), "bob@mx.example".into()],
        )
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(
            Some("all"),
            "mx.example",
            vec!["team@mx.example".into(), ANN.into()],
        )
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(Some("loop1"), "mx.example", vec!["loop2@mx.example".into()])
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(Some("loop2"), "mx.example", vec!["loop1@mx.example".into()])
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(
            Some("fwd"),
            "mx.example",
            vec!["someone@elsewhere.example".into()],
        )
        .await
        .unwrap();
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    c.expect("MAIL FROM:<>", "250").await;
    c.expect("RCPT TO:<all@mx.example>", "250").await;
    c.expect("RCPT TO:<loop1@mx.example>", "550 5.4.6").await;
    // A remote alias target goes to the outbound queue, whatever the relay policy.
    c.expect("RCPT TO:<fwd@mx.example>", "250").await;
    assert!(
        c.data("Subject: team\r\n\r\nfor all\r\n")
            .await
            .starts_with("250")
    );
    let bob = h.account_id("bob@mx.example").await;
    assert_eq!(
        h.inbox(&h.ann).await.len(),
        1,
        "ann once, though named twice"
    );
    assert_eq!(h.inbox(&bob).await.len(), 1);
    let queued = h.queue().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].recipients[0].address, "someone@elsewhere.example");
    assert_eq!(queued[0].message.sender, "", "the null sender is kept");
    assert!(
        queued[0].message.is_bounce,
        "a null-sender message never bounces"
    );
    assert_eq!(
        h.inbox(&h.ann).await[0].blob_hash,
        h.inbox(&bob).await[0].blob_hash,
        "one blob"
    );
    // A catch-all takes unknown local parts.
    h.store
        .aliases()
        .create_alias(None, "mx.example", vec!["bob@mx.example".into()])
        .await
        .unwrap();
    c.expect("MAIL FROM:<>", "250").await;
    c.expect("RCPT TO:<whoever@mx.example>", "250").await;
    assert!(
        c.data("Subject: catch\r\n\r\nall\r\n")
            .await
            .starts_with("250")
    );
    assert_eq!(h.inbox(&bob).await.len(), 2);
}

#[tokio::test]
async fn deep_alias_chains_stop_at_the_limit() {
    let h = Harness::with_alias_depth(2).await;
    h.store
        .aliases()
        .create_alias(Some("a1"), "mx.example", vec!["a2@mx.example".into()])
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(Some("a2"), "mx.example", vec!["a3@mx.example".into()])
        .await
        .unwrap();
    h.store
        .aliases()
        .create_alias(Some("a3"), "mx.example", vec![ANN.into()])
        .await
        .unwrap();
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    c.expect("MAIL FROM:<>", "250").await;
    c.expect("RCPT TO:<a2@mx.example>", "250").await;
    c.expect("RCPT TO:<a1@mx.example>", "550 5.4.6").await;
}

#[tokio::test]
async fn limits_size_recipients_hops_quota_and_errors() {
    let h = Harness::with(|c| {
        c.max_message_size = 2000;
        c.max_recipients = 2;
        c.max_hops = 3;
        c.max_errors = 4;
    })
    .await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    c.expect("MAIL FROM:<>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    c.expect("RCPT TO:<bob@mx.example>", "250").await;
    c.expect("RCPT TO:<tiny@mx.example>", "452 4.5.3").await;
    let big = format!("Subject: big\r\n\r\n{}\r\n", "x".repeat(3000));
    assert!(c.data(&big).await.starts_with("552 5.3.4"));
    c.expect("MAIL FROM:<>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    let looping = "Received: a\r\nReceived: b\r\nReceived: c\r\nSubject: loop\r\n\r\nx\r\n";
    assert!(c.data(looping).await.starts_with("554 5.4.6"));
    assert!(
        h.inbox(&h.ann).await.is_empty(),
        "nothing of the refused messages"
    );
    // tiny has a 200-byte quota: a message that would overflow it is refused at DATA.
    c.expect("MAIL FROM:<>", "250").await;
    c.expect("RCPT TO:<tiny@mx.example>", "250").await;
    let over = format!("Subject: q\r\n\r\n{}\r\n", "y".repeat(300));
    assert!(c.data(&over).await.starts_with("552 5.2.2"));
    // Declared too big at MAIL: refused at RCPT as full.
    c.expect("MAIL FROM:<> SIZE=500", "250").await;
    c.expect("RCPT TO:<tiny@mx.example>", "452 4.2.2").await;
    c.expect("RSET", "250").await;
    for _ in 0..3 {
        c.expect("FROB", "500").await;
    }
    c.expect("FROB", "421 4.7.0").await;
    assert!(c.closed().await);
}

#[tokio::test]
async fn bdat_chunks_and_pipelining() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    let part1 = "Subject: chunked\r\n\r\n";
    let part2 = ".not stuffed in BDAT\r\n";
    c.raw(
        format!(
            "MAIL FROM:<>\r\nRCPT TO:<{ANN}>\r\nBDAT {}\r\n{part1}BDAT {} LAST\r\n{part2}",
            part1.len(),
            part2.len()
        )
        .as_bytes(),
    )
    .await;
    assert!(c.reply().await.starts_with("250 2.1.0"));
    assert!(c.reply().await.starts_with("250 2.1.5"));
    assert!(c.reply().await.starts_with("250 2.0.0 20 octets"));
    assert!(c.reply().await.starts_with("250 2.0.0 OK, queued as"));
    let inbox = h.inbox(&h.ann).await;
    assert_eq!(inbox.len(), 1);
    // The stored message ends with the chunk exactly (no dot removed).
    assert!(inbox[0].size as usize > part1.len() + part2.len());
}

#[tokio::test]
async fn starttls_discards_pipelined_commands_and_shutdown_says_421() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    // RFC 3207 §4.2: the RSET after STARTTLS in the same packet must not be run.
    c.raw(b"STARTTLS\r\nMAIL FROM:<x@remote.example>\r\n").await;
    assert!(c.reply().await.starts_with("220 2.0.0"));
    let mut c = c.start_tls().await;
    // Had the MAIL survived, this would be 503 "nested"; EHLO is required again first.
    c.expect("MAIL FROM:<x@remote.example>", "503 5.5.1 Send EHLO first")
        .await;
    let ehlo = c.expect("EHLO c", "250").await;
    assert!(
        !ehlo.contains("STARTTLS") && ehlo.contains("AUTH SCRAM-SHA-256 PLAIN LOGIN"),
        "{ehlo}"
    );
    h.trigger.fire();
    assert_eq!(c.reply().await, "421 4.3.2 Server shutting down");
}

#[tokio::test]
async fn disabled_accounts_refuse_mail() {
    let h = Harness::start().await;
    let bob = h.account_id("bob@mx.example").await;
    h.store
        .accounts()
        .update_account(
            &bob,
            osprey_store::AccountChanges {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    c.expect("MAIL FROM:<>", "250").await;
    c.expect("RCPT TO:<bob@mx.example>", "550 5.2.1").await;
}

#[tokio::test]
async fn oversized_bdat_is_refused_and_a_stalled_chunk_times_out() {
    let h = Harness::with(|c| {
        c.max_message_size = 1000;
        c.command_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    // BDAT without a transaction: the chunk is read and thrown away, then 503.
    c.raw(b"BDAT 5\r\nhello").await;
    assert!(c.reply().await.starts_with("503 5.5.1"));
    c.expect("MAIL FROM:<>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    let big = "z".repeat(1500);
    c.raw(format!("BDAT {} LAST\r\n{big}", big.len()).as_bytes())
        .await;
    assert!(c.reply().await.starts_with("552 5.3.4"));
    assert!(h.inbox(&h.ann).await.is_empty());
    // A client that announces a chunk and sends nothing is dropped after the timeout.
    c.expect("MAIL FROM:<>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    c.raw(b"BDAT 100000 LAST\r\n").await;
    assert!(c.reply().await.starts_with("421 4.4.2"));
}

/// RFC 5321 §4.1.1.4: "the receiver-SMTP MUST send a 250 OK reply" only when it "accepts
/// the message data ... and takes responsibility for it", and §6.1: once it has, the
/// message "MUST NOT be lost". The converse holds too: a 4yz after DATA means nothing
/// was taken, so the client's retry must not deliver twice. A message for a local
/// account and a remote address (through an alias) whose local part fails: 451, nothing
/// queued; the retry then delivers to both exactly once.
#[tokio::test]
async fn a_failed_delivery_queues_nothing_and_the_retry_delivers_once() {
    let h = Harness::start().await;
    h.store
        .aliases()
        .create_alias(
            Some("team"),
            "mx.example",
            vec![ANN.into(), "friend@elsewhere.example".into()],
        )
        .await
        .unwrap();
    h.break_deliveries_to(&h.ann).await;
    let send = async || {
        let mut c = h.connect(h.mx).await;
        c.expect("EHLO c", "250").await;
        c.expect("MAIL FROM:<sender@far.example>", "250").await;
        c.expect("RCPT TO:<team@mx.example>", "250").await;
        c.data("Subject: once\r\n\r\nonly once\r\n").await
    };
    let first = send().await;
    assert!(first.starts_with("451 4.3.0"), "{first}");
    assert!(h.inbox(&h.ann).await.is_empty());
    assert!(h.queue().await.is_empty(), "the remote copy was not queued");

    h.heal().await;
    let retry = send().await;
    assert!(retry.starts_with("250"), "{retry}");
    assert_eq!(h.inbox(&h.ann).await.len(), 1);
    let queue = h.queue().await;
    assert_eq!(queue.len(), 1, "queued once: {queue:?}");
    assert_eq!(queue[0].recipients.len(), 1);
}

/// RFC 1870 §6: a declared SIZE over the server's fixed maximum is refused with 552;
/// one so large that it does not fit a 64-bit number is over it too (the command parser
/// used to wrap 21 digits around to a small number and answer 250), and one that is not
/// a number is a syntax error.
#[tokio::test]
async fn an_oversized_size_parameter_is_552_however_many_digits() {
    let h = Harness::start().await;
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO c", "250").await;
    for size in ["999999999", "99999999999999999999", "999999999999999999999"] {
        c.expect(
            &format!("MAIL FROM:<x@remote.example> SIZE={size}"),
            "552 5.3.4",
        )
        .await;
    }
    c.expect("MAIL FROM:<x@remote.example> SIZE=12x", "501")
        .await;
    c.expect("MAIL FROM:<x@remote.example> SIZE=100", "250 2.1.0")
        .await;
}
