//! The SMTP client against scripted servers: transcripts of what it sent, and what it made
//! of the replies.

use std::time::Duration;

use osprey_outbound::{SmtpClient, SmtpError, Stage};

use crate::scripted::{Scripted, Step, Step::*, config};

pub const MESSAGE: &[u8] = b"Subject: hi\r\n\r\nHello.\r\n";

pub fn rcpts(list: &[&str]) -> Vec<String> {
    list.iter().map(|r| (*r).to_owned()).collect()
}

/// Greeting and an EHLO reply offering `keywords`.
pub fn opening(ehlo: &'static str) -> Vec<Step> {
    vec![Say("220 mx.b.test ESMTP"), Recv, Say(ehlo)]
}

pub fn script(mut head: Vec<Step>, tail: Vec<Step>) -> Vec<Step> {
    head.extend(tail);
    head
}

#[tokio::test]
async fn delivers_one_message() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250-SIZE 100000\r\n250 ENHANCEDSTATUSCODES"),
        vec![
            Recv,
            Say("250 2.1.0 ok"),
            Recv,
            Say("250 2.1.5 ok"),
            Recv,
            Say("354 go ahead"),
            Data,
            Say("250 2.0.0 queued as 42"),
            Recv,
            Say("221 2.0.0 bye"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    assert!(!client.is_tls());
    assert_eq!(client.capabilities().size, Some(100000));
    let results = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].rcpt, "bob@b.test");
    assert!(results[0].is_delivered());
    assert_eq!(results[0].stage, Stage::DataEnd);
    assert_eq!(results[0].reply.code, 250);
    assert_eq!(
        results[0].reply.enhanced.map(|e| e.to_string()).as_deref(),
        Some("2.0.0")
    );
    assert_eq!(results[0].reply.text, "queued as 42");
    client.quit().await.unwrap();

    assert_eq!(
        server.transcript().await,
        [
            "EHLO client.test",
            "MAIL FROM:<ann@a.test> SIZE=23",
            "RCPT TO:<bob@b.test>",
            "DATA",
            "Subject: hi\r\n\r\nHello.\r\n.\r\n",
            "QUIT",
        ]
    );
}

#[tokio::test]
async fn pipelines_the_envelope() {
    // The server reads MAIL and both RCPTs before it answers: a client that waited for
    // each reply would never get one.
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 PIPELINING"),
        vec![
            Recv,
            Recv,
            Recv,
            Say("250 ok"),
            Say("250 ok"),
            Say("250 ok"),
            Recv,
            Say("354 go ahead"),
            Data,
            Say("250 ok"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    assert!(client.capabilities().pipelining);
    let results = client
        .send("", &rcpts(&["bob@b.test", "cy@b.test"]), MESSAGE)
        .await
        .unwrap();
    assert!(results.iter().all(|r| r.is_delivered()));
    drop(client);
    assert_eq!(
        server.transcript().await[1..4],
        [
            "MAIL FROM:<>",
            "RCPT TO:<bob@b.test>",
            "RCPT TO:<cy@b.test>"
        ]
    );
}

#[tokio::test]
async fn one_of_two_recipients_refused() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![
            Recv,
            Say("250 ok"),
            Recv,
            Say("550-5.1.1 no such user\r\n550 5.1.1 try another"),
            Recv,
            Say("250 ok"),
            Recv,
            Say("354 go ahead"),
            Data,
            Say("250 2.0.0 done"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let results = client
        .send(
            "ann@a.test",
            &rcpts(&["nobody@b.test", "bob@b.test"]),
            MESSAGE,
        )
        .await
        .unwrap();
    assert_eq!(results[0].rcpt, "nobody@b.test");
    assert_eq!(results[0].stage, Stage::RcptTo);
    assert!(!results[0].is_delivered());
    assert!(results[0].reply.is_permanent());
    assert_eq!(results[0].reply.status().to_string(), "5.1.1");
    assert_eq!(results[0].reply.text, "no such user\ntry another");
    assert_eq!(
        results[0].reply.to_string(),
        "550 5.1.1 no such user try another"
    );
    assert!(results[1].is_delivered());
}

#[tokio::test]
async fn all_recipients_refused_resets_without_data() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![
            Recv,
            Say("250 ok"),
            Recv,
            Say("450 4.2.1 try later"),
            Recv,
            Say("250 reset"),
            Recv,
            Say("221 bye"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let results = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap();
    assert_eq!(results[0].reply.code, 450);
    assert!(!results[0].reply.is_permanent());
    client.quit().await.unwrap();
    assert_eq!(server.transcript().await[3..], ["RSET", "QUIT"]);
}

#[tokio::test]
async fn refused_sender_fails_the_transaction() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![Recv, Say("550 5.7.1 go away"), Recv, Say("221 bye")],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let err = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap_err();
    assert!(err.is_permanent());
    assert_eq!(err.status(), "5.7.1");
    assert!(matches!(
        &err,
        SmtpError::Reply { stage: Stage::MailFrom, reply } if reply.code == 550
    ));
    client.quit().await.unwrap();
    // No RCPT after a refused MAIL.
    assert_eq!(server.transcript().await[2..], ["QUIT"]);
}

#[tokio::test]
async fn refused_sender_with_pipelining_reads_every_reply() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 PIPELINING"),
        vec![
            Recv,
            Recv,
            Say("451 4.3.0 busy"),
            Say("503 5.5.1 need MAIL"),
            Recv,
            Say("250 reset"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let err = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap_err();
    assert!(!err.is_permanent());
    assert_eq!(err.reply().map(|r| r.code), Some(451));
    // The RCPT reply was consumed: the next reply read is RSET's.
    client.reset().await.unwrap();
}

#[tokio::test]
async fn temporary_failure_after_the_data_applies_to_accepted_recipients() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![
            Recv,
            Say("250 ok"),
            Recv,
            Say("250 ok"),
            Recv,
            Say("550 5.1.1 unknown"),
            Recv,
            Say("354 go ahead"),
            Data,
            Say("451 4.3.0 disk full"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let results = client
        .send("ann@a.test", &rcpts(&["bob@b.test", "x@b.test"]), MESSAGE)
        .await
        .unwrap();
    assert_eq!(results[0].stage, Stage::DataEnd);
    assert_eq!(results[0].reply.code, 451);
    assert!(!results[0].is_delivered() && !results[0].reply.is_permanent());
    assert_eq!(results[1].stage, Stage::RcptTo);
    assert_eq!(results[1].reply.code, 550);
}

#[tokio::test]
async fn leading_dots_are_doubled() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![
            Recv,
            Say("250 ok"),
            Recv,
            Say("250 ok"),
            Recv,
            Say("354 go ahead"),
            Data,
            Say("250 ok"),
        ],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let message = b"Subject: dots\r\n\r\n.hidden\r\n..two\r\nmid.dot\r\n.";
    client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), message)
        .await
        .unwrap();
    assert_eq!(
        server.transcript().await[4],
        "Subject: dots\r\n\r\n..hidden\r\n...two\r\nmid.dot\r\n..\r\n.\r\n"
    );
}

#[tokio::test]
async fn helo_when_ehlo_is_unknown() {
    let server = Scripted::start(vec![
        Say("220 old.b.test"),
        Recv,
        Say("502 command not implemented"),
        Recv,
        Say("250 old.b.test"),
        Recv,
        Say("221 bye"),
    ])
    .await;
    let client = SmtpClient::connect(server.addr, "old.b.test", &config())
        .await
        .unwrap();
    assert!(!client.capabilities().esmtp);
    client.quit().await.unwrap();
    assert_eq!(
        server.transcript().await,
        ["EHLO client.test", "HELO client.test", "QUIT"]
    );
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = Scripted::start(vec![Say("220 mx.b.test"), Hang]).await;
    let mut cfg = config();
    cfg.command_timeout = Duration::from_millis(200);
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("no EHLO reply");
    assert!(matches!(err, SmtpError::Timeout(Stage::Ehlo)), "{err:?}");
    assert!(!err.is_permanent());
    assert_eq!(err.status(), "4.4.2");
}

#[tokio::test]
async fn server_closing_mid_transaction() {
    let server = Scripted::start(script(
        opening("250 mx.b.test"),
        vec![Recv, Say("250 ok"), Recv],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let err = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SmtpError::Io {
                stage: Stage::RcptTo,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn refuses_what_the_server_cannot_take() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 SIZE 10"),
        vec![Recv, Say("221 bye")],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let err = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap_err();
    assert_eq!(err.status(), "5.3.4");
    assert!(err.is_permanent());
    let err = client
        .send("ann@a.test", &rcpts(&["bøb@b.test"]), b"x\r\n")
        .await
        .unwrap_err();
    assert_eq!(err.status(), "5.6.7");
    let err = client
        .send(
            "ann@a.test",
            &rcpts(&["bob@b.test>\r\nRCPT TO:<x@y"]),
            b"x\r\n",
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), "5.1.3");
    client.quit().await.unwrap();
    assert_eq!(server.transcript().await, ["EHLO client.test", "QUIT"]);
}

#[tokio::test]
async fn refused_connection_is_temporary() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = SmtpClient::connect(addr, "mx.b.test", &config())
        .await
        .err()
        .expect("nothing listens");
    assert!(matches!(err, SmtpError::Connect(_)), "{err:?}");
    assert_eq!(err.status(), "4.4.1");
}

#[tokio::test]
async fn a_554_greeting_is_refused() {
    let server = Scripted::start(vec![Say("554 5.3.2 no service")]).await;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .err()
        .expect("no service");
    assert!(matches!(
        err,
        SmtpError::Reply {
            stage: Stage::Greeting,
            ..
        }
    ));
    assert!(err.is_permanent());
}

#[tokio::test]
async fn garbage_is_a_protocol_error() {
    let server = Scripted::start(vec![Say("hello there"), Hang]).await;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .err()
        .expect("not a reply");
    assert!(
        matches!(
            err,
            SmtpError::Protocol {
                stage: Stage::Greeting,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn pipelined_refusal_before_hanging_up_is_reported() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 PIPELINING"),
        vec![Recv, Recv, Say("421 4.3.2 shutting down")],
    ))
    .await;
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &config())
        .await
        .unwrap();
    let err = client
        .send("ann@a.test", &rcpts(&["bob@b.test"]), MESSAGE)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SmtpError::Reply { stage: Stage::MailFrom, reply } if reply.code == 421),
        "{err:?}"
    );
}
