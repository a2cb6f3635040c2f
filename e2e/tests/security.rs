//! The findings of the outside security pass, against the real binary: an attacker who
//! fails a hundred times from one address does not lock the owner out (IMAP, POP3, SMTP
//! AUTH and the REST sign-in, the owner signing in at once from another address); a
//! logout ends the session's access token and disabling an account ends its open IMAP
//! session; the generated certificate names the host and follows a new host name.
//!
//! The attacker is 127.0.0.2, the owner 127.0.0.1: Linux routes all of 127.0.0.0/8 to
//! the loopback interface, so the server sees two clients.

use std::{
    net::{IpAddr, SocketAddr},
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpSocket, TcpStream},
};

use crate::{api, support::*};

const USER: &str = "olga@sec.e2e.example";
const PASSWORD: &str = "Amber-Lantern-47k";
const ATTACKER: &str = "127.0.0.2";
const OWNER: &str = "127.0.0.1";

/// A line client from a chosen source address.
struct Line(BufReader<TcpStream>);

impl Line {
    async fn connect(from: &str, port: u16) -> Line {
        let socket = TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new(from.parse().unwrap(), 0))
            .unwrap();
        let tcp = socket
            .connect(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap();
        Line(BufReader::new(tcp))
    }

    async fn read(&mut self) -> String {
        let mut s = String::new();
        tokio::time::timeout(Duration::from_secs(30), self.0.read_line(&mut s))
            .await
            .expect("an answer within 30 s")
            .unwrap();
        s.trim_end().to_owned()
    }

    /// Sends a line and reads the first line of the answer.
    async fn cmd(&mut self, line: &str) -> String {
        self.0
            .get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        self.read().await
    }

    /// Reads an SMTP reply to its last line.
    async fn reply(&mut self) -> String {
        loop {
            let l = self.read().await;
            if l.as_bytes().get(3) != Some(&b'-') {
                return l;
            }
        }
    }
}

fn plain(user: &str, password: &str) -> String {
    osprey_proto::sasl::encode_base64(format!("\0{user}\0{password}").as_bytes())
}

/// One IMAP LOGIN from `from`; the tagged answer.
async fn imap_login(s: &Server, from: &str, password: &str) -> String {
    let mut c = Line::connect(from, s.imap_port).await;
    assert!(c.read().await.starts_with("* OK"));
    c.cmd(&format!("a LOGIN {USER} {password}")).await
}

/// One POP3 USER/PASS from `from`; the answer to PASS.
async fn pop3_login(s: &Server, from: &str, password: &str) -> String {
    let mut c = Line::connect(from, s.pop3_port).await;
    assert!(c.read().await.starts_with("+OK"));
    assert!(c.cmd(&format!("USER {USER}")).await.starts_with("+OK"));
    c.cmd(&format!("PASS {password}")).await
}

/// One SMTP AUTH PLAIN on the submission port from `from`; the reply.
async fn smtp_auth(s: &Server, from: &str, password: &str) -> String {
    let mut c = Line::connect(from, s.submission_port).await;
    assert!(c.reply().await.starts_with("220"));
    c.0.get_mut().write_all(b"EHLO client\r\n").await.unwrap();
    assert!(c.reply().await.starts_with("250"));
    c.0.get_mut()
        .write_all(format!("AUTH PLAIN {}\r\n", plain(USER, password)).as_bytes())
        .await
        .unwrap();
    c.reply().await
}

/// One REST sign-in from `from`; the status and body.
async fn web_login(s: &Server, from: &str, password: &str) -> (StatusCode, Value) {
    let c = Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/api/v1/auth/login", s.url))
        .json(&json!({"username": USER, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn server_with_user() -> Server {
    let s = Server::start_with(false, &[("OSPREY_AUTH_PLAINTEXT_LOOPBACK", "true")]).await;
    assert!(
        osprey(&s.db, &["domain", "add", "sec.e2e.example"])
            .status
            .success()
    );
    let out = osprey_with_input(
        &s.db,
        &["user", "add", USER, "--password-stdin"],
        PASSWORD.as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    s
}

#[tokio::test]
async fn an_attacker_failing_a_hundred_times_does_not_lock_the_owner_out() {
    let s = server_with_user().await;
    let wrong = "Wrong-Guess-00x";
    for i in 0..100 {
        let r = imap_login(&s, ATTACKER, wrong).await;
        assert!(
            r.starts_with("a NO [AUTHENTICATIONFAILED]") || r.starts_with("a NO [UNAVAILABLE]"),
            "IMAP attempt {i}: {r}"
        );
        let r = pop3_login(&s, ATTACKER, wrong).await;
        assert!(
            r.starts_with("-ERR [AUTH]") || r.starts_with("-ERR [SYS/TEMP]"),
            "POP3 attempt {i}: {r}"
        );
        let r = smtp_auth(&s, ATTACKER, wrong).await;
        assert!(
            r.starts_with("535") || r.starts_with("421 4.7.0"),
            "SMTP attempt {i}: {r}"
        );
        let (st, _) = web_login(&s, ATTACKER, wrong).await;
        assert!(
            st == StatusCode::UNAUTHORIZED || st == StatusCode::TOO_MANY_REQUESTS,
            "REST attempt {i}: {st}"
        );
    }
    // The attacker is held back, even with the right password...
    assert!(
        imap_login(&s, ATTACKER, PASSWORD)
            .await
            .starts_with("a NO [UNAVAILABLE]")
    );
    assert_eq!(
        web_login(&s, ATTACKER, PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...the owner, from another address, signs in at once on every protocol.
    let started = Instant::now();
    let r = imap_login(&s, OWNER, PASSWORD).await;
    assert!(r.starts_with("a OK"), "IMAP: {r}");
    let r = pop3_login(&s, OWNER, PASSWORD).await;
    assert!(r.starts_with("+OK"), "POP3: {r}");
    let r = smtp_auth(&s, OWNER, PASSWORD).await;
    assert!(r.starts_with("235"), "SMTP: {r}");
    let (st, body) = web_login(&s, OWNER, PASSWORD).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "at once, not after a delay: {:?}",
        started.elapsed()
    );
    // The owner sees who tried: the attacker's address on each protocol.
    let token = body["access_token"].as_str().unwrap();
    let r = Client::new()
        .get(format!("{}/api/v1/me/login-failures", s.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let failures: Value = r.json().await.unwrap();
    let items = failures["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|f| f["ip"] == ATTACKER), "{failures}");
    for protocol in ["imap", "pop3", "smtp", "web"] {
        assert!(
            items.iter().any(|f| f["protocol"] == protocol),
            "{protocol}: {failures}"
        );
    }
}

#[tokio::test]
async fn logout_ends_the_access_token_and_disabling_ends_an_open_imap_session() {
    let s = server_with_user().await;
    let c = Client::new();
    let r = c
        .post(format!("{}/api/v1/auth/login", s.url))
        .json(&json!({"username": USER, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let tokens: Value = r.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let me = |token: String| {
        let c = c.clone();
        let url = format!("{}/api/v1/me", s.url);
        async move { c.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let account: Value = me(access.to_owned()).await.json().await.unwrap();
    let r = c
        .post(format!("{}/api/v1/auth/logout", s.url))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = me(access.to_owned()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "session_revoked");

    // An IMAP session in IDLE, then the account is disabled over the API.
    let mut imap = Line::connect(OWNER, s.imap_port).await;
    imap.read().await;
    assert!(
        imap.cmd(&format!("a LOGIN {USER} {PASSWORD}"))
            .await
            .starts_with("a OK")
    );
    let r = imap.cmd("b SELECT INBOX").await;
    assert!(r.starts_with('*'), "{r}");
    while !imap.read().await.starts_with("b OK") {}
    assert!(imap.cmd("c IDLE").await.starts_with('+'));
    let admin = api::login(&c, &s.url, &Server::admin(), ADMIN_PASSWORD).await;
    let r = c
        .patch(format!(
            "{}/api/v1/admin/accounts/{}",
            s.url,
            account["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let started = Instant::now();
    assert_eq!(imap.read().await, "* BYE the account has been disabled");
    assert_eq!(imap.read().await, "", "closed");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_self_signed_certificate_names_the_host_and_follows_a_new_host_name() {
    let mut s = Server::start(false).await;
    let pem = s.db.dir.join("data/tls/cert.pem");
    let names = |pem: &std::path::Path| {
        let der = tokio_rustls::rustls::pki_types::CertificateDer::pem_file_iter(pem)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        let sans: Vec<String> = cert
            .subject_alternative_name()
            .unwrap()
            .unwrap()
            .value
            .general_names
            .iter()
            .map(|n| n.to_string())
            .collect();
        let v = cert.validity();
        let days = (v.not_after.timestamp() - v.not_before.timestamp()) / 86400;
        (cert.subject().to_string(), sans, days)
    };
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let (subject, sans, days) = names(&pem);
    assert!(subject.contains(&format!("CN={HOSTNAME}")), "{subject}");
    assert_eq!(
        sans,
        [format!("DNSName({HOSTNAME})"), "DNSName(localhost)".into()]
    );
    assert_eq!(days, 365);
    // A new host name: a new certificate at the next start.
    s.kill();
    s.set_env("OSPREY_HOSTNAME", "mx.renamed.example");
    s.restart().await;
    let (subject, sans, _) = names(&pem);
    assert!(subject.contains("CN=mx.renamed.example"), "{subject}");
    assert!(sans.contains(&"DNSName(mx.renamed.example)".to_owned()));
}
