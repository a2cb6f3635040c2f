//! The dashboard's figures come from the running server: what its SMTP and IMAP
//! listeners and its web sign-in did is recorded into the store at the configured
//! interval, read back through the REST API and the command line, and still there after
//! the server was killed and started again.

use std::time::{Duration, Instant};

use crate::{api::login, support::*};
use reqwest::Client;
use serde_json::Value;

async fn stats(c: &Client, server: &Server, token: &str, range: &str) -> Value {
    let r = c
        .get(format!("{}/api/v1/admin/stats?range={range}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Asks until `ready` holds of the figures (a sample is taken every second).
async fn stats_when(
    c: &Client,
    server: &Server,
    token: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = stats(c, server, token, "24h").await;
        if ready(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "the figures never showed: {s:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn what_the_server_did_is_counted_recorded_and_kept_across_a_restart() {
    let mut server = Server::start_with(false, &[("OSPREY_ACTIVITY_INTERVAL_SECS", "1")]).await;
    let c = Client::new();

    // One message from another server, one recipient refused (RFC 5321 §3.3: 550).
    let (mut smtp, greeting) = SmtpTalk::open(server.smtp_port).await;
    assert!(greeting.starts_with("220"), "{greeting}");
    assert!(
        smtp.smtp("EHLO client.example\r\n")
            .await
            .starts_with("250")
    );
    assert!(
        smtp.smtp("MAIL FROM:<Sender@Example.NET>\r\n")
            .await
            .starts_with("250")
    );
    let rcpt = smtp.smtp(&format!("RCPT TO:<admin@{HOSTNAME}>\r\n")).await;
    assert!(rcpt.starts_with("250"), "{rcpt}");
    let unknown = smtp.smtp(&format!("RCPT TO:<nobody@{HOSTNAME}>\r\n")).await;
    assert!(unknown.starts_with("550"), "{unknown}");
    assert!(smtp.smtp("DATA\r\n").await.starts_with("354"));
    let queued = smtp
        .smtp("From: <sender@example.net>\r\nSubject: counted\r\n\r\nHello.\r\n.\r\n")
        .await;
    assert!(queued.starts_with("250"), "{queued}");
    smtp.smtp("QUIT\r\n").await;

    // Two IMAP sessions stay open (not signed in).
    let (imap, _) = SmtpTalk::open(server.imap_port).await;
    let (_open, _) = SmtpTalk::open(server.imap_port).await;
    // A wrong password at the web sign-in.
    let r = c
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&serde_json::json!({"username": Server::admin(), "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The web sign-in of the administrator who reads the figures.
    let admin = login(&c, &server.url, &Server::admin(), ADMIN_PASSWORD).await;

    let s = stats_when(&c, &server, &admin, |s| {
        s["totals"]["received"] == 1 && s["totals"]["logins"] == 1 && s["now"]["imap_sessions"] == 2
    })
    .await;
    let t = &s["totals"];
    assert_eq!(
        (
            &t["received"],
            &t["rejected"],
            &t["failed_logins"],
            &t["submitted"]
        ),
        (
            &Value::from(1),
            &Value::from(1),
            &Value::from(1),
            &Value::from(0)
        ),
        "{s:#}"
    );
    assert_eq!(s["points"].as_array().unwrap().len(), 24);
    assert_eq!(s["step_seconds"], 3600);
    let last = &s["points"][23];
    assert_eq!(
        last["counts"]["received"], 1,
        "this hour holds them: {last}"
    );
    assert_eq!(last["peaks"]["imap_sessions"], 2);
    assert_eq!(s["top_senders"][0]["name"], "sender@example.net");
    assert_eq!(s["top_senders"][0]["count"], 1);
    assert_eq!(s["top_rejected_ips"][0]["name"], "127.0.0.1");
    let storage = s["storage"].as_array().unwrap();
    let here = storage.iter().find(|d| d["domain"] == HOSTNAME).unwrap();
    assert!(here["used_bytes"].as_u64().unwrap() > 0, "{here}");
    assert_eq!(s["largest_mailboxes"][0]["address"], Server::admin());

    // Killed and started again: what was recorded is still there.
    drop(imap);
    server.kill();
    server.restart().await;
    let admin = login(&c, &server.url, &Server::admin(), ADMIN_PASSWORD).await;
    let s = stats_when(&c, &server, &admin, |s| s["totals"]["logins"] == 2).await;
    assert_eq!(s["totals"]["received"], 1, "{s:#}");
    assert_eq!(s["now"]["imap_sessions"], 0, "{s:#}");
    let month = stats(&c, &server, &admin, "30d").await;
    assert_eq!(month["points"].as_array().unwrap().len(), 30);
    assert_eq!(month["totals"]["received"], 1);

    // The command line reads the same figures.
    let out = osprey(&server.db, &["stats", "--range", "30d", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["totals"]["received"], 1);
    assert_eq!(cli["top_senders"][0]["name"], "sender@example.net");
    let out = osprey(&server.db, &["stats"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("hour\treceived\t"), "{text}");
    assert!(text.contains("\nsender\tsender@example.net\t1\n"), "{text}");
    let out = osprey(&server.db, &["stats", "--range", "7d"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("24h"));
}
