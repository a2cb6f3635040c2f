//! Two Osprey servers exchanging mail over loopback through the outbound queue: fixed
//! routes map each other's domain to the other's SMTP port. A message is delivered, an
//! unknown recipient bounces back to the sender as an RFC 3464 report, and a message
//! sent while the receiver is down arrives once it is back.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use reqwest::Client;
use serde_json::{Value, json};

use crate::support::{ADMIN_PASSWORD, Server, osprey, repo_root};

pub(crate) const PASSWORD: &str = "Copper-Lantern-81q";

pub(crate) fn ok(server: &Server, args: &[&str]) -> String {
    let out = osprey(&server.db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The header and body lines of every message in `user`'s INBOX, read over POP3.
pub(crate) fn messages(server: &Server, user: &str) -> Vec<Vec<String>> {
    let out = Command::new("python3")
        .arg(repo_root().join("e2e/pop3/client.py"))
        .args([
            "--port",
            &server.pop3s_port.to_string(),
            "--tls",
            "implicit",
        ])
        .arg("--cafile")
        .arg(server.db.dir.join("data/tls/cert.pem"))
        .args(["--user", user, "--password", PASSWORD])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
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

/// The `Subject:` lines of every message in `user`'s INBOX.
pub(crate) fn subjects(server: &Server, user: &str) -> Vec<String> {
    messages(server, user)
        .iter()
        .filter_map(|lines| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
        })
        .collect()
}

/// The Authentication-Results field of a message, continuation lines joined.
pub(crate) fn auth_results(lines: &[String]) -> String {
    let start = lines
        .iter()
        .position(|l| l.starts_with("Authentication-Results:"))
        .expect("an Authentication-Results field");
    let mut out = lines[start].clone();
    for l in &lines[start + 1..] {
        if !l.starts_with([' ', '\t']) {
            break;
        }
        out.push_str(l);
    }
    out
}

pub(crate) async fn token(c: &Client, s: &Server, user: &str, password: &str) -> String {
    let r: Value = c
        .post(format!("{}/api/v1/auth/login", s.url))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["access_token"].as_str().expect("logged in").to_owned()
}

/// Polls the sender's view of a queued message until `done` says so (or 30 s pass).
async fn wait_for(
    c: &Client,
    s: &Server,
    token: &str,
    queue_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v: Value = c
            .get(format!("{}/api/v1/messages/outbound/{queue_id}", s.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if done(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "still not done: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn state_of(v: &Value, address: &str) -> String {
    v["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .map(|r| r["state"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn two_servers_exchange_mail_retry_and_bounce() {
    // B pins a.e2e.test's SPF and DMARC records (DKIM follows once A has its key) and
    // enforces DMARC.
    let pinned =
        std::env::temp_dir().join(format!("osprey-e2e-txt-{}", crate::support::free_port()));
    let base = "a.e2e.test v=spf1 ip4:127.0.0.1 -all\n_dmarc.a.e2e.test v=DMARC1; p=reject\n";
    std::fs::write(&pinned, base).unwrap();
    let mut b = Server::start_with(
        false,
        &[
            ("OSPREY_SMTP_DNS_TXT_FILE", pinned.to_str().unwrap()),
            ("OSPREY_SMTP_DMARC_ENFORCE", "true"),
        ],
    )
    .await;
    ok(&b, &["domain", "add", "b.e2e.test"]);
    ok(
        &b,
        &["user", "add", "bea@b.e2e.test", "--password", PASSWORD],
    );
    let route = format!("b.e2e.test=127.0.0.1:{}", b.smtp_port);
    let a = Server::start_with(
        false,
        &[
            ("OSPREY_OUTBOUND_ROUTES", &route),
            ("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1"),
        ],
    )
    .await;
    let added = ok(&a, &["domain", "add", "a.e2e.test"]);
    // `DKIM: <selector>._domainkey.a.e2e.test TXT "v=DKIM1; k=rsa; p=..."`
    let dkim = added
        .lines()
        .find_map(|l| l.strip_prefix("DKIM: "))
        .expect("the DKIM record is printed");
    let (name, value) = dkim.split_once(" TXT ").unwrap();
    assert!(name.ends_with("._domainkey.a.e2e.test"), "{dkim}");
    assert_eq!(
        ok(&a, &["domain", "dkim", "a.e2e.test"]).trim(),
        format!("DKIM: {dkim}")
    );
    ok(
        &a,
        &["user", "add", "al@a.e2e.test", "--password", PASSWORD],
    );
    let c = Client::new();
    let al = token(&c, &a, "al@a.e2e.test", PASSWORD).await;
    let send = |to: Vec<&'static str>, subject: &'static str| {
        let (c, url, al) = (c.clone(), a.url.clone(), al.clone());
        async move {
            let r: Value = c
                .post(format!("{url}/api/v1/messages/send"))
                .bearer_auth(al)
                .json(&json!({"to": to, "subject": subject, "text": "Hello from A.\r\n"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["queue_id"].as_str().expect("queued").to_owned()
        }
    };

    // One known and one unknown recipient on B.
    let first = send(vec!["bea@b.e2e.test", "ghost@b.e2e.test"], "across").await;
    let v = wait_for(&c, &a, &al, &first, |v| {
        state_of(v, "bea@b.e2e.test") == "delivered" && state_of(v, "ghost@b.e2e.test") == "failed"
    })
    .await;
    let ghost = v["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "ghost@b.e2e.test")
        .unwrap();
    assert!(
        ghost["last_error"].as_str().unwrap().contains("550 5.1.1"),
        "{ghost}"
    );
    assert_eq!(subjects(&b, "bea@b.e2e.test"), vec!["across"]);
    // The bounce lands in al's INBOX, from the null sender, as a multipart report.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut inbox = subjects(&a, "al@a.e2e.test");
    while inbox.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        inbox = subjects(&a, "al@a.e2e.test");
    }
    assert_eq!(inbox, vec!["Undelivered Mail Returned to Sender"]);

    let first_results = auth_results(&messages(&b, "bea@b.e2e.test")[0]);
    assert!(
        first_results.contains("spf=pass") && first_results.contains("dmarc=pass"),
        "{first_results}"
    );

    // B is down: the message waits in A's queue and is retried until B is back, now
    // with A's DKIM key pinned too.
    b.kill();
    std::fs::write(&pinned, format!("{base}{name} {value}\n")).unwrap();
    let second = send(vec!["bea@b.e2e.test"], "after the outage").await;
    let v = wait_for(&c, &a, &al, &second, |v| {
        v["recipients"][0]["attempts"].as_u64().unwrap_or(0) >= 2
    })
    .await;
    assert_eq!(state_of(&v, "bea@b.e2e.test"), "pending", "{v}");
    assert!(v["recipients"][0]["last_error"].as_str().is_some(), "{v}");
    b.restart().await;
    wait_for(&c, &a, &al, &second, |v| {
        state_of(v, "bea@b.e2e.test") == "delivered"
    })
    .await;
    assert_eq!(
        subjects(&b, "bea@b.e2e.test"),
        vec!["across", "after the outage"]
    );
    let second_results = auth_results(&messages(&b, "bea@b.e2e.test")[1]);
    for part in ["dkim=pass", "header.d=a.e2e.test", "spf=pass", "dmarc=pass"] {
        assert!(second_results.contains(part), "{part}: {second_results}");
    }

    // The administrator's view from the CLI and the API.
    let listed = ok(&a, &["queue", "list"]);
    assert!(listed.contains("bea@b.e2e.test\tdelivered"), "{listed}");
    let shown = ok(&a, &["queue", "show", &first]);
    assert!(shown.contains("ghost@b.e2e.test\tfailed"), "{shown}");
    let admin = token(&c, &a, &Server::admin(), ADMIN_PASSWORD).await;
    let failed: Value = c
        .get(format!("{}/api/v1/admin/queue?state=failed", a.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["id"], first.as_str());
    let _ = std::fs::remove_file(&pinned);
}
