//! The SMTP client's STARTTLS and AUTH against scripted servers: when it encrypts, what
//! it checks, and when it sends a password.

use osprey_outbound::{Credentials, SmtpClient, SmtpError, Stage, TlsPolicy};

use crate::client::{opening, rcpts, script};
use crate::scripted::{Scripted, Step::*, config, trusting};

#[tokio::test]
async fn opportunistic_starttls_encrypts_without_checking_the_certificate() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250-STARTTLS\r\n250 SIZE"),
        vec![
            Recv,
            Say("220 2.0.0 ready"),
            Tls,
            Recv,
            Say("250-mx.b.test\r\n250 8BITMIME"),
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
    let mut cfg = config();
    cfg.tls = TlsPolicy::Opportunistic;
    // The name does not match the certificate and nothing trusts it.
    let mut client = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .unwrap();
    assert!(client.is_tls());
    // What was offered before TLS is forgotten.
    assert!(!client.capabilities().starttls);
    assert_eq!(client.capabilities().size, None);
    assert!(client.capabilities().eight_bit_mime);
    let results = client
        .send(
            "ann@a.test",
            &rcpts(&["bob@b.test"]),
            "Subject: é\r\n\r\nx\r\n".as_bytes(),
        )
        .await
        .unwrap();
    assert!(results[0].is_delivered());
    drop(client);
    let transcript = server.transcript().await;
    assert_eq!(
        transcript[..4],
        [
            "EHLO client.test",
            "STARTTLS",
            "EHLO client.test",
            "MAIL FROM:<ann@a.test> BODY=8BITMIME"
        ]
    );
}

#[tokio::test]
async fn required_tls_checks_the_certificate() {
    let tls_session = |_: ()| {
        script(
            opening("250-mx.b.test\r\n250 STARTTLS"),
            vec![
                Recv,
                Say("220 ready"),
                Tls,
                Recv,
                Say("250 mx.b.test"),
                Recv,
                Say("221 bye"),
            ],
        )
    };
    let server = Scripted::start(tls_session(())).await;
    let mut cfg = config();
    cfg.tls = TlsPolicy::Require;
    cfg.tls_config = trusting(std::slice::from_ref(&server.cert));
    let client = SmtpClient::connect(server.addr, "localhost", &cfg)
        .await
        .unwrap();
    assert!(client.is_tls());
    client.quit().await.unwrap();

    // The same kind of server, with a certificate nothing trusts.
    let untrusted = Scripted::start(tls_session(())).await;
    let err = SmtpClient::connect(untrusted.addr, "localhost", &cfg)
        .await
        .err()
        .expect("an untrusted certificate fails");
    assert!(matches!(err, SmtpError::Tls(_)), "{err:?}");
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn required_tls_without_starttls_is_a_temporary_error() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 PIPELINING"),
        vec![Recv, Say("221 bye")],
    ))
    .await;
    let mut cfg = config();
    cfg.tls = TlsPolicy::Require;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("no STARTTLS offered");
    assert!(!err.is_permanent());
    assert_eq!(err.status(), "4.7.4");
    assert_eq!(server.transcript().await, ["EHLO client.test", "QUIT"]);
}

#[tokio::test]
async fn auth_plain_over_loopback_when_allowed() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 AUTH LOGIN PLAIN"),
        vec![Recv, Say("235 2.7.0 ok"), Recv, Say("221 bye")],
    ))
    .await;
    let mut cfg = config();
    cfg.auth = Some(Credentials {
        user: "ann".to_owned(),
        password: "secret".to_owned(),
    });
    cfg.auth_plaintext_loopback = true;
    let client = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .unwrap();
    client.quit().await.unwrap();
    // base64("\0ann\0secret")
    assert_eq!(server.transcript().await[1], "AUTH PLAIN AGFubgBzZWNyZXQ=");
}

#[tokio::test]
async fn auth_login_when_plain_is_not_offered() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 AUTH LOGIN"),
        vec![
            Recv,
            Say("334 VXNlcm5hbWU6"),
            Recv,
            Say("334 UGFzc3dvcmQ6"),
            Recv,
            Say("535 5.7.8 bad credentials"),
        ],
    ))
    .await;
    let mut cfg = config();
    cfg.auth = Some(Credentials {
        user: "ann".to_owned(),
        password: "secret".to_owned(),
    });
    cfg.auth_plaintext_loopback = true;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("refused credentials");
    assert!(
        matches!(
            err,
            SmtpError::Reply {
                stage: Stage::Auth,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server.transcript().await[1..],
        ["AUTH LOGIN", "YW5u", "c2VjcmV0"]
    );
}

#[tokio::test]
async fn no_password_without_tls() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 AUTH PLAIN"),
        vec![Recv],
    ))
    .await;
    let mut cfg = config();
    cfg.auth = Some(Credentials {
        user: "ann".to_owned(),
        password: "secret".to_owned(),
    });
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("plaintext AUTH refused");
    assert_eq!(err.status(), "4.7.11");
    assert!(!format!("{err:?}").contains("secret"));
    // The client hung up without sending anything after EHLO.
    assert_eq!(server.transcript().await, ["EHLO client.test", "<EOF>"]);
}

#[tokio::test]
async fn replies_smuggled_ahead_of_the_tls_handshake_are_refused() {
    // A reply sent along with the 220 would be taken as if it had come over TLS.
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 STARTTLS"),
        vec![Recv, Say("220 ready\r\n250 injected"), Hang],
    ))
    .await;
    let mut cfg = config();
    cfg.tls = TlsPolicy::Opportunistic;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("injection detected");
    assert!(
        matches!(
            err,
            SmtpError::Protocol {
                stage: Stage::StartTls,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn opportunistic_tls_handshake_failure_is_temporary() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 STARTTLS"),
        // The client's hello is read, and answered with text.
        vec![Recv, Say("220 ready"), Skip, Say("this is not TLS")],
    ))
    .await;
    let mut cfg = config();
    cfg.tls = TlsPolicy::Opportunistic;
    let err = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .err()
        .expect("handshake fails");
    assert!(matches!(err, SmtpError::Tls(_)), "{err:?}");
    assert!(!err.is_permanent());
    assert_eq!(err.status(), "4.7.5");
}

#[tokio::test]
async fn opportunistic_tls_refused_stays_in_plaintext() {
    let server = Scripted::start(script(
        opening("250-mx.b.test\r\n250 STARTTLS"),
        vec![
            Recv,
            Say("454 4.7.0 TLS not available"),
            Recv,
            Say("221 bye"),
        ],
    ))
    .await;
    let mut cfg = config();
    cfg.tls = TlsPolicy::Opportunistic;
    let client = SmtpClient::connect(server.addr, "mx.b.test", &cfg)
        .await
        .unwrap();
    assert!(!client.is_tls());
    client.quit().await.unwrap();
    assert_eq!(server.transcript().await[1..], ["STARTTLS", "QUIT"]);
}
