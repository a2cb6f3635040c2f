//! POP3 with an independent client (Python's poplib) over STLS and implicit TLS, with
//! mail delivered by `osprey deliver` and the POP3 mode set by `osprey user pop3`.

use std::process::Command;

use crate::support::{Server, osprey, osprey_with_input, repo_root};

const USER: &str = "pat@pop.e2e.example";
const PASSWORD: &str = "Copper-Lantern-58q";

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "osprey failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn poplib(server: &Server, tls: &str, dele: &[u32]) -> serde_json::Value {
    let port = if tls == "implicit" {
        server.pop3s_port
    } else {
        server.pop3_port
    };
    let cafile = server.db.dir.join("data/tls/cert.pem");
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("e2e/pop3/client.py"))
        .args(["--port", &port.to_string(), "--tls", tls])
        .arg("--cafile")
        .arg(&cafile)
        .args(["--user", USER, "--password", PASSWORD]);
    for n in dele {
        cmd.args(["--dele", &n.to_string()]);
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "poplib client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn poplib_reads_and_deletes_mail_over_stls_and_implicit_tls() {
    let server = Server::start(false).await;
    let db = &server.db;
    ok(osprey(db, &["domain", "add", "pop.e2e.example"]));
    ok(osprey(db, &["user", "add", USER, "--password", PASSWORD]));
    let first = b"From: a@example.com\nSubject: first\n\n.dot line\nbody one\n";
    let delivered = ok(osprey_with_input(db, &["deliver", "--to", USER], first));
    assert!(delivered.contains("uid 1"), "{delivered}");
    ok(osprey_with_input(
        db,
        &["deliver", "--to", USER],
        b"Subject: second\r\n\r\nbody two\r\n",
    ));

    // STLS; the first message is downloaded and deleted.
    let seen = poplib(&server, "stls", &[1]);
    assert!(seen["welcome"].as_str().unwrap().starts_with("+OK"));
    let capa: Vec<&str> = seen["capa"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(capa.contains(&"UIDL") && capa.contains(&"USER"), "{capa:?}");
    assert_eq!(seen["stat"][0], 2);
    let m1 = &seen["messages"][0];
    let lines: Vec<&str> = m1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(lines.contains(&".dot line"), "poplib un-stuffs: {lines:?}");
    // The octet count LIST gave equals what RETR delivered (bare LFs became CRLF).
    let listed: u64 = seen["list"][0]
        .as_str()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(listed, first.len() as u64 + 5, "five LFs became CRLF");
    let uid2 = seen["uidl"][1]
        .as_str()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_owned();

    // Implicit TLS: one message left, and it kept its unique-id.
    let seen = poplib(&server, "implicit", &[1]);
    assert_eq!(seen["stat"][0], 1);
    assert_eq!(
        seen["uidl"][0].as_str().unwrap().split(' ').nth(1).unwrap(),
        uid2
    );

    // Online mode: DELE is ignored.
    ok(osprey_with_input(
        db,
        &["deliver", "--to", USER],
        b"Subject: kept\r\n\r\nk\r\n",
    ));
    let shown = ok(osprey(
        db,
        &[
            "user",
            "pop3",
            USER,
            "--mode",
            "keep",
            "--retention-days",
            "30",
        ],
    ));
    assert!(
        shown.contains("pop3 mode keep") && shown.contains("retention days 30"),
        "{shown}"
    );
    let seen = poplib(&server, "implicit", &[1]);
    assert_eq!(seen["stat"][0], 1);
    let seen = poplib(&server, "stls", &[]);
    assert_eq!(
        seen["stat"][0], 1,
        "keep mode left the message on the server"
    );

    let refused = osprey(db, &["user", "pop3", USER, "--mode", "delete"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown POP3 mode"));
}
