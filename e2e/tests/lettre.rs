//! SMTP with an independent Rust client (lettre, over rustls): submission with STARTTLS
//! and AUTH PLAIN, implicit TLS, the MX port, and the refusals (bad credentials, no AUTH,
//! unknown local user, a certificate that does not match); the mail is then read back
//! over POP3 with Python's poplib.

use std::process::Command;

use ::lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        Error,
        authentication::{Credentials, Mechanism},
        client::{Certificate, CertificateStore, Tls, TlsParameters},
        extension::ClientId,
    },
};

use crate::support::{HOSTNAME, Server, osprey, repo_root};

const DOMAIN: &str = "lettre.e2e.example";
const USER: &str = "lee@lettre.e2e.example";
const PASSWORD: &str = "Copper-Lantern-58q";
const BODY: &str = "Hello from lettre.\n.a line with a leading dot\n";
const ATTACHMENT: &str = "notes.txt";

/// TLS that trusts only the server's self-signed certificate, verified for `name`.
fn tls_parameters(server: &Server, name: &str) -> TlsParameters {
    let pem = std::fs::read(server.db.dir.join("data/tls/cert.pem")).unwrap();
    TlsParameters::builder(name.to_owned())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build_rustls()
        .unwrap()
}

/// A transport to `port` on loopback; it authenticates with AUTH PLAIN when given
/// credentials.
fn transport(
    port: u16,
    tls: Tls,
    credentials: Option<(&str, &str)>,
) -> AsyncSmtpTransport<Tokio1Executor> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .tls(tls)
        .hello_name(ClientId::Domain("e2e.client".to_owned()))
        .authentication(vec![Mechanism::Plain]);
    if let Some((user, password)) = credentials {
        builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
    }
    builder.build()
}

/// A multipart message: a text part and a text attachment.
fn message(from: &str, to: &str, subject: &str) -> Message {
    Message::builder()
        .from(from.parse().unwrap())
        .to(to.parse().unwrap())
        .subject(subject)
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(BODY.to_owned()))
                .singlepart(
                    Attachment::new(ATTACHMENT.to_owned())
                        .body("attached notes\n".to_owned(), ContentType::TEXT_PLAIN),
                ),
        )
        .unwrap()
}

/// The reply code of a refusal; panics on errors that are not SMTP replies.
fn code(e: &Error) -> String {
    match e.status() {
        Some(code) => code.to_string(),
        None => panic!("not an SMTP reply: {e:?}"),
    }
}

/// An error and all its causes, one after the other.
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Every message in the mailbox of USER, as its lines, read over POP3 with implicit TLS.
fn mailbox(server: &Server) -> Vec<Vec<String>> {
    let cafile = server.db.dir.join("data/tls/cert.pem");
    let out = Command::new("python3")
        .arg(repo_root().join("e2e/pop3/client.py"))
        .args([
            "--port",
            &server.pop3s_port.to_string(),
            "--tls",
            "implicit",
        ])
        .arg("--cafile")
        .arg(&cafile)
        .args(["--user", USER, "--password", PASSWORD])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn lettre_submits_over_starttls_and_implicit_tls_and_is_refused_without_valid_auth() {
    let server = Server::start(false).await;
    let db = &server.db;
    for args in [
        &["domain", "add", DOMAIN][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let starttls = || Tls::Required(tls_parameters(&server, HOSTNAME));
    let implicit = || Tls::Wrapper(tls_parameters(&server, HOSTNAME));
    let login = Some((USER, PASSWORD));

    // Accepted: submission with STARTTLS, implicit TLS, and the MX port.
    let sent = transport(server.submission_port, starttls(), login)
        .send(message(USER, USER, "lettre via submission"))
        .await
        .expect("submission with STARTTLS");
    assert!(sent.has_code(250), "{sent:?}");
    let sent = transport(server.submissions_port, implicit(), login)
        .send(message(USER, USER, "lettre via submissions"))
        .await
        .expect("submission over implicit TLS");
    assert!(sent.has_code(250), "{sent:?}");
    let mx = || {
        transport(
            server.smtp_port,
            Tls::Opportunistic(tls_parameters(&server, HOSTNAME)),
            None,
        )
    };
    let sent = mx()
        .send(message("someone@remote.example", USER, "lettre via mx"))
        .await
        .expect("delivery over the MX port");
    assert!(sent.has_code(250), "{sent:?}");

    // Refused: a wrong password, no AUTH on submission, an unknown local user, relaying.
    let e = transport(
        server.submission_port,
        starttls(),
        Some((USER, "Wrong-Pass-00")),
    )
    .send(message(USER, USER, "lettre wrong password"))
    .await
    .unwrap_err();
    assert!(e.is_permanent(), "{e:?}");
    assert_eq!(code(&e), "535", "{e:?}");
    let e = transport(server.submission_port, starttls(), None)
        .send(message(USER, USER, "lettre without auth"))
        .await
        .unwrap_err();
    assert!(e.is_permanent(), "{e:?}");
    assert_eq!(code(&e), "530", "{e:?}");
    let e = mx()
        .send(message(
            "someone@remote.example",
            &format!("nobody@{DOMAIN}"),
            "lettre unknown user",
        ))
        .await
        .unwrap_err();
    assert!(e.is_permanent(), "{e:?}");
    assert_eq!(code(&e), "550", "{e:?}");
    let e = mx()
        .send(message(
            "someone@remote.example",
            "victim@elsewhere.example",
            "lettre relay",
        ))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "550", "no open relay: {e:?}");

    // The client checks the certificate: a name it does not cover fails the handshake.
    let e = transport(
        server.submissions_port,
        Tls::Wrapper(tls_parameters(&server, "other.example")),
        login,
    )
    .send(message(USER, USER, "lettre wrong name"))
    .await
    .unwrap_err();
    assert!(e.status().is_none(), "{e:?}");
    assert!(causes(&e).contains("not valid for name"), "{e:?}");

    // Each accepted message arrived once, whole, over TLS; no refused one arrived.
    let messages = mailbox(&server);
    let subject = |lines: &[String]| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned()
    };
    let mut subjects: Vec<String> = messages.iter().map(|m| subject(m)).collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        [
            "lettre via mx",
            "lettre via submission",
            "lettre via submissions"
        ]
    );
    for lines in &messages {
        let (from, with) = if subject(lines) == "lettre via mx" {
            ("someone@remote.example", "with ESMTPS id")
        } else {
            (USER, "with ESMTPSA id")
        };
        let has_line = |want: &str| lines.iter().any(|l| l == want);
        assert!(has_line(&format!("From: {from}")), "{lines:#?}");
        assert!(has_line(&format!("To: {USER}")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.contains(with)), "{lines:#?}");
        assert!(has_line(".a line with a leading dot"), "{lines:#?}");
        assert!(
            has_line(&format!(
                "Content-Disposition: attachment; filename=\"{ATTACHMENT}\""
            )),
            "{lines:#?}"
        );
        assert!(has_line("attached notes"), "{lines:#?}");
    }
}
