//! ManageSieve with an independent client library (sievelib, from PyPI): a script stored
//! and activated over STARTTLS becomes the account's delivery rules, and the next
//! message it matches is filed by them (sent with smtplib, looked for with imaplib).

use std::process::Command;

use crate::support::{Server, osprey, repo_root, venv};

const USER: &str = "sid@sieve.e2e.example";
const PASSWORD: &str = "Amber-Trellis-64d";

#[tokio::test]
async fn sievelib_activates_a_script_and_the_next_message_is_filed_by_it() {
    let server = Server::start(false).await;
    let db = &server.db;
    for args in [
        &["domain", "add", "sieve.e2e.example"][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new(venv().join("bin/python"))
        .arg(repo_root().join("e2e/managesieve/client.py"))
        .args(["--port", &server.managesieve_port.to_string()])
        .args(["--smtp-port", &server.smtp_port.to_string()])
        .args(["--imaps-port", &server.imaps_port.to_string()])
        .arg("--cafile")
        .arg(db.dir.join("data/tls/cert.pem"))
        .args(["--user", USER, "--password", PASSWORD])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "the sievelib client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["connected"], true, "{r}");
    assert_eq!(r["implementation"], "Osprey");
    let extensions = r["extensions"].as_array().unwrap();
    assert!(extensions.iter().any(|e| e == "fileinto"), "{r}");
    assert_eq!(r["havespace"], true, "{r}");
    assert_eq!(r["put"], true, "{r}");
    assert_eq!(r["setactive"], true, "{r}");
    assert_eq!(r["active"], "reports", "{r}");
    assert_eq!(r["others"], serde_json::json!([]), "{r}");
    // The active script read back is the rules written as Sieve: same rule, same actions.
    let script = r["script"].as_str().unwrap();
    assert!(script.contains("# rule:[Reports]"), "{script}");
    assert!(script.contains("fileinto :create \"Reports\""), "{script}");
    // RFC 5804 §2.6: a script the server cannot take gets NO with a reason.
    assert_eq!(r["put_unsupported"], false, "{r}");
    let why = r["unsupported_error"].as_str().unwrap();
    assert!(why.contains("line 1") && why.contains("enotify"), "{why}");
    assert_eq!(r["check"], true, "{r}");
    // The message the script matches was filed into Reports and flagged.
    let filed = r["filed"].as_array().unwrap();
    assert_eq!(filed.len(), 1, "{r}");
    assert!(
        filed[0]["meta"].as_str().unwrap().contains("\\Flagged"),
        "{r}"
    );
    assert_eq!(filed[0]["subject"], "Subject: [report] weekly numbers");
}
