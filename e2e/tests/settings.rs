//! Server settings changed while the server runs: a change through the REST API reaches
//! the next SMTP, IMAP and web session without a restart, and the command line changes
//! them with the same rules.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

use crate::{api::login, support::*};

/// Connects, sends `command` after the greeting and reads until a line starting with
/// `last`; returns the greeting and the answer.
async fn ask(port: u16, command: &str, last: &str) -> (String, String) {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut reader = BufReader::new(tcp);
    let mut greeting = String::new();
    reader.read_line(&mut greeting).await.unwrap();
    reader
        .get_mut()
        .write_all(command.as_bytes())
        .await
        .unwrap();
    let mut answer = String::new();
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            reader.read_line(&mut line),
        )
        .await
        .expect("an answer within 10 s")
        .unwrap();
        answer.push_str(&line);
        if n == 0 || line.starts_with(last) {
            return (greeting, answer);
        }
    }
}

async fn patch(c: &Client, url: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let r = c
        .patch(format!("{url}/api/v1/admin/settings"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn a_change_reaches_new_sessions_without_a_restart() {
    let server = Server::start(false).await;
    let c = Client::new();
    let admin = login(&c, &server.url, &Server::admin(), ADMIN_PASSWORD).await;
    let (_, ehlo) = ask(server.smtp_port, "EHLO client.example\r\n", "250 ").await;
    assert!(ehlo.contains("250-SIZE 26214400\r\n"), "{ehlo}");
    let (_, caps) = ask(server.imap_port, "a CAPABILITY\r\n", "a ").await;
    assert!(!caps.contains("AUTH=CRAM-MD5"), "{caps}");

    let (status, body) = patch(
        &c,
        &server.url,
        &admin,
        json!({
            "max_message_size": 1048576,
            "legacy_auth": true,
            "access_token_ttl_secs": 120,
            "max_connections_per_ip": 2
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // RFC 1870 §4: the EHLO answer names the largest message the server accepts.
    let (_, ehlo) = ask(server.smtp_port, "EHLO client.example\r\n", "250 ").await;
    assert!(ehlo.contains("250-SIZE 1048576\r\n"), "{ehlo}");
    // RFC 2195 §2: a server that offers CRAM-MD5 lists it among its capabilities.
    let (_, caps) = ask(server.imap_port, "a CAPABILITY\r\n", "a ").await;
    assert!(caps.contains("AUTH=CRAM-MD5"), "{caps}");
    // A new web sign-in lasts as long as the setting now says.
    let r = c
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&json!({"username": Server::admin(), "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let signed_in: Value = r.json().await.unwrap();
    assert_eq!(signed_in["expires_in"], 120, "{signed_in}");
    // Two IMAP connections from this address, then BYE (RFC 9051 §7.1.5).
    let mut held = Vec::new();
    for _ in 0..2 {
        let tcp = TcpStream::connect(("127.0.0.1", server.imap_port))
            .await
            .unwrap();
        let mut reader = BufReader::new(tcp);
        let mut greeting = String::new();
        reader.read_line(&mut greeting).await.unwrap();
        assert!(greeting.starts_with("* OK"), "{greeting}");
        held.push(reader);
    }
    let (refused, _) = ask(server.imap_port, "", "").await;
    assert!(refused.starts_with("* BYE [UNAVAILABLE]"), "{refused}");
    drop(held);

    // Back to the configuration file's value.
    let (status, body) = patch(&c, &server.url, &admin, json!({"max_message_size": null})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, ehlo) = ask(server.smtp_port, "EHLO client.example\r\n", "250 ").await;
    assert!(ehlo.contains("250-SIZE 26214400\r\n"), "{ehlo}");
}

#[tokio::test]
async fn the_command_line_shows_and_changes_settings_with_the_same_rules() {
    let server = Server::start(false).await;
    let db = &server.db;
    let out = osprey(db, &["settings", "set", "max_recipients", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("max_recipients: must be a whole number from 1 to 10000"),
        "{err}"
    );
    let out = osprey(db, &["settings", "set", "no_such", "1"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no_such is not a server setting"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = osprey(
        db,
        &["settings", "set", "retry_intervals_secs", "60,600,3600"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = osprey(db, &["settings", "show"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("retry_intervals_secs\t60,600,3600\tset\n"),
        "{text}"
    );
    assert!(text.contains("max_recipients\t100\tdefault\n"), "{text}");
    assert!(text.contains(&format!("hostname\t{HOSTNAME}\n")), "{text}");
    let out = osprey(db, &["settings", "reset", "retry_intervals_secs"]);
    assert!(out.status.success());
    let out = osprey(db, &["settings", "show", "--json"]);
    let view: Value = serde_json::from_slice(&out.stdout).unwrap();
    let retries = view["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "retry_intervals_secs")
        .unwrap();
    assert_eq!(retries["overridden"], false);
    assert_eq!(
        retries["value"],
        json!([60, 300, 900, 1800, 3600, 7200, 14400])
    );
    // The audit log names the operator's changes.
    let out = osprey(db, &["audit", "show", "--action", "settings."]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(log.matches("settings.update").count(), 2, "{log}");
}
