//! SMTP with an independent client (Python's smtplib) over the MX port, submission with
//! STARTTLS and AUTH, and implicit TLS; the mail is then read back over POP3.

use std::process::Command;

use crate::support::{Server, osprey, repo_root};

const USER: &str = "sam@smtp.e2e.example";
const PASSWORD: &str = "Granite-Beacon-37v";

fn smtplib(
    server: &Server,
    mode: &str,
    port: u16,
    auth: bool,
    to: &str,
    subject: &str,
) -> serde_json::Value {
    let cafile = server.db.dir.join("data/tls/cert.pem");
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("e2e/smtp/client.py"))
        .args(["--mode", mode, "--port", &port.to_string()])
        .arg("--cafile")
        .arg(&cafile)
        .args([
            "--sender",
            if auth { USER } else { "someone@remote.example" },
        ])
        .args(["--to", to, "--subject", subject]);
    if auth {
        cmd.args(["--user", USER, "--password", PASSWORD]);
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "smtplib client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn subjects(server: &Server) -> Vec<String> {
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
        .flat_map(|m| m["lines"].as_array().unwrap().clone())
        .filter_map(|l| {
            l.as_str()
                .and_then(|l| l.strip_prefix("Subject: "))
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn smtplib_delivers_over_mx_starttls_submission_and_implicit_tls() {
    let server = Server::start(false).await;
    let db = &server.db;
    assert!(
        osprey(db, &["domain", "add", "smtp.e2e.example"])
            .status
            .success()
    );
    assert!(
        osprey(db, &["user", "add", USER, "--password", PASSWORD])
            .status
            .success()
    );

    let mx = smtplib(&server, "mx", server.smtp_port, false, USER, "via mx");
    assert_eq!(mx["sent"], true, "{mx}");
    let features: Vec<&str> = mx["esmtp_features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for f in [
        "pipelining",
        "size",
        "8bitmime",
        "smtputf8",
        "enhancedstatuscodes",
        "chunking",
        "starttls",
    ] {
        assert!(features.contains(&f), "{f} missing: {features:?}");
    }
    let relay = smtplib(
        &server,
        "mx",
        server.smtp_port,
        false,
        "victim@elsewhere.example",
        "relay",
    );
    assert_eq!(relay["sent"], false, "no open relay: {relay}");
    assert_eq!(relay["refused"]["victim@elsewhere.example"][0], 550);

    let sub = smtplib(
        &server,
        "starttls",
        server.submission_port,
        true,
        USER,
        "via submission",
    );
    assert_eq!(sub["sent"], true, "{sub}");
    let imp = smtplib(
        &server,
        "implicit",
        server.submissions_port,
        true,
        USER,
        "via submissions",
    );
    assert_eq!(imp["sent"], true, "{imp}");

    let mut got = subjects(&server);
    got.sort();
    assert_eq!(got, vec!["via mx", "via submission", "via submissions"]);

    // Access control from the CLI: the kill file, then an IP rule for the MX listener.
    let ok = |args: &[&str]| {
        let out = osprey(db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ok(&["access", "kill", "add", "address", "Someone@Remote.Example"]);
    let killed = smtplib(&server, "mx", server.smtp_port, false, USER, "killed");
    // The kill file refuses at each recipient (postmaster mail still gets through).
    assert_eq!(killed["refused"][USER][0], 550, "{killed}");
    assert_eq!(killed["sent"], false, "{killed}");
    assert!(ok(&["access", "kill", "list"]).contains("someone@remote.example\thits 1"));
    ok(&[
        "access",
        "ip",
        "add",
        "deny",
        "127.0.0.0/8",
        "--listener",
        "smtp",
        "--note",
        "e2e",
    ]);
    let denied = smtplib(&server, "mx", server.smtp_port, false, USER, "denied");
    assert_eq!(denied["connect_refused"], 554, "{denied}");
    let listed = ok(&["access", "ip", "list"]);
    assert!(
        listed.contains("deny\t127.0.0.0/8\tsmtp\thits 1"),
        "{listed}"
    );
    let refused = osprey(db, &["access", "ip", "add", "deny", "300.1.2.3"]);
    assert!(!refused.status.success());
    // Submission is another listener: still open.
    let sub = smtplib(
        &server,
        "implicit",
        server.submissions_port,
        true,
        USER,
        "still open",
    );
    assert_eq!(sub["sent"], true, "{sub}");

    // The order decides: an allow rule for 127.0.0.1 after the deny changes nothing;
    // moved first, it lets the client connect again (the kill file still refuses it).
    let added = ok(&[
        "access",
        "ip",
        "add",
        "allow",
        "127.0.0.1",
        "--listener",
        "smtp",
    ]);
    let allow_id = added.split_whitespace().nth(2).unwrap().to_owned();
    let still = smtplib(&server, "mx", server.smtp_port, false, USER, "still denied");
    assert_eq!(still["connect_refused"], 554, "{still}");
    assert_eq!(
        ok(&["access", "ip", "move", &allow_id, "1"]).trim(),
        format!("moved rule {allow_id} to position 1")
    );
    let allowed = smtplib(&server, "mx", server.smtp_port, false, USER, "let in");
    assert!(allowed["connect_refused"].is_null(), "{allowed}");
    assert_eq!(allowed["refused"][USER][0], 550, "{allowed}");
    assert!(ok(&["access", "ip", "list"]).starts_with(&format!("1\t{allow_id}\tallow")));
    let bad = osprey(db, &["access", "ip", "move", &allow_id, "0"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("position"));
}
