//! The list server across two Osprey servers: a list on A made with `osprey list`, a
//! member on A, one who gets no mail, and one on B who joins by mail (double opt-in: the
//! confirmation read back over POP3 at B, the reply sent from B). A member's post sent
//! over SMTP submission reaches the members that get posts — on A in the INBOX, on B
//! through A's queue from the list's bounce address, DKIM-signed by the list's domain —
//! with the list's fields, from her own VERP address with her own one-click link; a
//! stranger's post is refused at RCPT with the reason. A member whose address B refuses
//! bounces (A's own report to the VERP address), is paused, and is removed when the
//! probe bounces too; Bea's own post from B, whose domain publishes DMARC p=reject,
//! reaches the members with the list's From; she leaves with one HTTP POST of her link.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use reqwest::Client;
use serde_json::{Value, json};

use crate::exchange::{PASSWORD, auth_results, messages, ok, subjects, token};
use crate::support::{Server, repo_root};

/// Sends one message with Python's smtplib; `user` signs in (submission with STARTTLS),
/// without one it goes to the MX port.
fn smtplib(server: &Server, sender: &str, user: Option<&str>, to: &str, subject: &str) -> Value {
    let (mode, port) = match user {
        Some(_) => ("starttls", server.submission_port),
        None => ("mx", server.smtp_port),
    };
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("e2e/smtp/client.py"))
        .args(["--mode", mode, "--port", &port.to_string()])
        .arg("--cafile")
        .arg(server.db.dir.join("data/tls/cert.pem"))
        .args(["--sender", sender, "--to", to, "--subject", subject]);
    if let Some(u) = user {
        cmd.args(["--user", u, "--password", PASSWORD]);
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Waits until `user` on `s` has `n` messages (or 30 s pass).
async fn wait_for_mail(s: &Server, user: &str, n: usize) -> Vec<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = messages(s, user);
        if seen.len() >= n || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Sends a plain message from the signed-in `token` through `s`'s REST API.
async fn send(c: &Client, s: &Server, token: &str, to: &str, subject: &str) {
    let r = c
        .post(format!("{}/api/v1/messages/send", s.url))
        .bearer_auth(token)
        .json(&json!({"to": [to], "subject": subject, "text": "Thanks.\r\n"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn a_members_post_reaches_the_members_on_both_servers_and_a_strangers_is_refused() {
    let mut a = Server::start_with(false, &[("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1")]).await;
    let added = ok(&a, &["domain", "add", "a.e2e.test"]);
    let dkim = added
        .lines()
        .find_map(|l| l.strip_prefix("DKIM: "))
        .expect("the DKIM record is printed");
    let (name, value) = dkim.split_once(" TXT ").unwrap();
    let pinned =
        std::env::temp_dir().join(format!("osprey-e2e-lists-{}", crate::support::free_port()));
    std::fs::write(
        &pinned,
        format!("a.e2e.test v=spf1 ip4:127.0.0.1 -all\n{name} {value}\n"),
    )
    .unwrap();
    let b = Server::start_with(
        false,
        &[
            ("OSPREY_SMTP_DNS_TXT_FILE", pinned.to_str().unwrap()),
            (
                "OSPREY_OUTBOUND_ROUTES",
                &format!("a.e2e.test=127.0.0.1:{}", a.smtp_port),
            ),
            ("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1"),
        ],
    )
    .await;
    let b_added = ok(&b, &["domain", "add", "b.e2e.test"]);
    ok(
        &b,
        &["user", "add", "bea@b.e2e.test", "--password", PASSWORD],
    );
    a.set_env(
        "OSPREY_OUTBOUND_ROUTES",
        &format!("b.e2e.test=127.0.0.1:{}", b.smtp_port),
    );
    // A reads B's records pinned: its SPF and DKIM key, and DMARC p=reject.
    let b_dkim = b_added
        .lines()
        .find_map(|l| l.strip_prefix("DKIM: "))
        .expect("B's DKIM record is printed");
    let (b_name, b_value) = b_dkim.split_once(" TXT ").unwrap();
    let pinned_at_a = pinned.with_extension("a");
    std::fs::write(
        &pinned_at_a,
        format!(
            "b.e2e.test v=spf1 ip4:127.0.0.1 -all\n{b_name} {b_value}\n\
             _dmarc.b.e2e.test v=DMARC1; p=reject\n"
        ),
    )
    .unwrap();
    a.set_env("OSPREY_SMTP_DNS_TXT_FILE", pinned_at_a.to_str().unwrap());
    a.kill();
    a.restart().await;
    for user in ["al@a.e2e.test", "cy@a.e2e.test"] {
        ok(&a, &["user", "add", user, "--password", PASSWORD]);
    }
    let made = ok(
        &a,
        &[
            "list",
            "add",
            "team@a.e2e.test",
            "--name",
            "Team",
            "--owner",
            "cy@a.e2e.test",
            "--bounce-threshold",
            "1",
        ],
    );
    assert_eq!(made.trim(), "added list team@a.e2e.test");
    for member in ["al@a.e2e.test", "gone@b.e2e.test"] {
        ok(&a, &["list", "subscribe", "team@a.e2e.test", member]);
    }
    ok(
        &a,
        &[
            "list",
            "subscribe",
            "team@a.e2e.test",
            "cy@a.e2e.test",
            "--nomail",
        ],
    );

    // Bea on B joins by mail: the confirmation comes back to B, her reply confirms.
    let c = Client::new();
    let bea = token(&c, &b, "bea@b.e2e.test", PASSWORD).await;
    send(&c, &b, &bea, "team-subscribe@a.e2e.test", "join").await;
    let asked = wait_for_mail(&b, "bea@b.e2e.test", 1).await;
    let confirm = asked
        .first()
        .and_then(|m| m.iter().find_map(|l| l.strip_prefix("Subject: confirm ")))
        .unwrap_or_else(|| panic!("no confirmation at B: {asked:?}"))
        .to_owned();
    assert!(
        !ok(&a, &["list", "members", "team@a.e2e.test"]).contains("bea@b.e2e.test"),
        "not a member before she confirms"
    );
    send(
        &c,
        &b,
        &bea,
        "team-request@a.e2e.test",
        &format!("Re: confirm {confirm}"),
    )
    .await;
    let welcome = wait_for_mail(&b, "bea@b.e2e.test", 2).await;
    assert!(
        welcome.get(1).is_some_and(|m| m
            .iter()
            .any(|l| l == "Subject: Your request to team@a.e2e.test")),
        "{welcome:?}"
    );
    let roster = ok(&a, &["list", "members", "team@a.e2e.test"]);
    assert!(roster.contains("bea@b.e2e.test\teach\tactive"), "{roster}");
    assert!(roster.contains("cy@a.e2e.test\tnomail\tactive"), "{roster}");
    assert!(ok(&a, &["list", "ls"]).contains("team@a.e2e.test\tTeam\t4 members"));
    // The roster as CSV, and an import checked without changing anything.
    let csv = ok(&a, &["list", "export", "team@a.e2e.test"]);
    assert!(
        csv.starts_with("address,name,mode,status,bounces,joined\r\n"),
        "{csv}"
    );
    assert!(csv.contains("\r\nbea@b.e2e.test,,each,active,0,"), "{csv}");
    let file = pinned.with_extension("csv");
    std::fs::write(&file, "dee@b.e2e.test,Dee\nnope\nbea@b.e2e.test\n").unwrap();
    let checked = ok(
        &a,
        &[
            "list",
            "import",
            "team@a.e2e.test",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(
        checked.contains("team@a.e2e.test: 1 to add, 1 already members, 1 lines not taken"),
        "{checked}"
    );
    assert!(!ok(&a, &["list", "members", "team@a.e2e.test"]).contains("dee@b.e2e.test"));
    let _ = std::fs::remove_file(&file);
    // A list's companion is taken for accounts.
    let taken = crate::support::osprey(
        &a.db,
        &[
            "user",
            "add",
            "team-owner@a.e2e.test",
            "--password",
            PASSWORD,
        ],
    );
    assert!(!taken.status.success());

    // A stranger at the MX: refused at RCPT, with the reason (RFC 3463 X.7.1).
    let stranger = smtplib(
        &a,
        "someone@remote.example",
        None,
        "team@a.e2e.test",
        "spam",
    );
    assert_eq!(stranger["sent"], false, "{stranger}");
    assert_eq!(stranger["refused"]["team@a.e2e.test"][0], 550);
    assert_eq!(
        stranger["refused"]["team@a.e2e.test"][1],
        "5.7.1 only members may post to team@a.e2e.test"
    );

    // A member through submission.
    let post = smtplib(
        &a,
        "al@a.e2e.test",
        Some("al@a.e2e.test"),
        "team@a.e2e.test",
        "Friday",
    );
    assert_eq!(post["sent"], true, "{post}");
    assert_eq!(subjects(&a, "al@a.e2e.test"), ["[team] Friday"]);
    let at_b = wait_for_mail(&b, "bea@b.e2e.test", 3).await;
    assert_eq!(at_b.len(), 3, "one copy of the post at B");
    let lines = &at_b[2];
    // Her own link (RFC 8058) and her own bounce address (VERP).
    let link = lines
        .iter()
        .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
        .and_then(|l| l.strip_suffix(">,"))
        .unwrap_or_else(|| panic!("a one-click link: {lines:?}"));
    let bea_token = link
        .rsplit_once("/lists/unsubscribe/")
        .map(|(_, t)| t.to_owned())
        .unwrap_or_else(|| panic!("{link}"));
    for want in [
        "Subject: [team] Friday".to_owned(),
        "List-Id: \"Team\" <team.a.e2e.test>".into(),
        "List-Post: <mailto:team@a.e2e.test>".into(),
        " <mailto:team-unsubscribe@a.e2e.test>".into(),
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click".into(),
        "Precedence: list".into(),
        format!("Return-Path: <team-bounces+{bea_token}@a.e2e.test>"),
    ] {
        assert!(lines.contains(&want), "{want}: {lines:?}");
    }
    let results = auth_results(lines);
    for part in ["dkim=pass", "header.d=a.e2e.test"] {
        assert!(results.contains(part), "{part}: {results}");
    }
    // Bea posts from B, whose domain publishes DMARC p=reject: the copy A's domain signs
    // carries the list's From (RFC 7489 §6.6.2 alignment), and replies reach her.
    send(&c, &b, &bea, "team@a.e2e.test", "From B").await;
    let at_al = wait_for_mail(&a, "al@a.e2e.test", 2).await;
    let copy = at_al
        .iter()
        .find(|m| m.iter().any(|l| l == "Subject: [team] From B"))
        .unwrap_or_else(|| panic!("Bea's post at A: {at_al:?}"));
    for want in [
        "From: \"bea via Team\" <team@a.e2e.test>",
        "Reply-To: <bea@b.e2e.test>",
    ] {
        assert!(copy.iter().any(|l| l == want), "{want}: {copy:?}");
    }

    // The member who gets no mail got no post. Gone at B does not exist: B refuses
    // him, A's report goes to his VERP address, his delivery pauses (the threshold is
    // one bounce), the notice to him bounces too, and he is removed; Cy, the owner, is
    // told of both.
    let deadline = Instant::now() + Duration::from_secs(60);
    while ok(&a, &["list", "members", "team@a.e2e.test"]).contains("gone@b.e2e.test")
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let roster = ok(&a, &["list", "members", "team@a.e2e.test"]);
    assert!(!roster.contains("gone@b.e2e.test"), "{roster}");
    let told = wait_for_mail(&a, "cy@a.e2e.test", 2).await;
    let told: Vec<&String> = told
        .iter()
        .filter_map(|m| m.iter().find(|l| l.starts_with("Subject: ")))
        .collect();
    assert_eq!(
        told,
        [
            "Subject: gone@b.e2e.test paused",
            "Subject: gone@b.e2e.test removed"
        ],
        "{told:?}"
    );

    // Bea leaves with one POST of her link, as a mail provider's button does.
    let url = format!("{}/lists/unsubscribe/{bea_token}", a.url);
    let r = c
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let roster = ok(&a, &["list", "members", "team@a.e2e.test"]);
    assert!(!roster.contains("bea@b.e2e.test"), "{roster}");
    // Told by mail at B (after her own post's copy).
    let left = wait_for_mail(&b, "bea@b.e2e.test", 5).await;
    assert!(
        left.iter()
            .any(|m| m.iter().any(|l| l == "Subject: You left team@a.e2e.test")),
        "{left:?}"
    );
    let _ = std::fs::remove_file(&pinned);
    let _ = std::fs::remove_file(&pinned_at_a);
}

/// A list made with `--archive public --digest-posts 2`: a member who takes plain-text
/// digests gets one digest of the two posts sent over SMTP (read back over POP3), the
/// other member each post; the archive is on the public page and in `osprey list
/// archive`'s mbox, and `osprey list stats` counts the posts.
#[tokio::test]
async fn two_posts_make_a_digest_and_the_public_archive_has_them() {
    let s = Server::start(false).await;
    ok(&s, &["domain", "add", "d.e2e.test"]);
    for user in ["al@d.e2e.test", "dee@d.e2e.test"] {
        ok(&s, &["user", "add", user, "--password", PASSWORD]);
    }
    ok(
        &s,
        &[
            "list",
            "add",
            "news@d.e2e.test",
            "--name",
            "News",
            "--archive",
            "public",
            "--digest-posts",
            "2",
        ],
    );
    ok(
        &s,
        &["list", "subscribe", "news@d.e2e.test", "al@d.e2e.test"],
    );
    ok(
        &s,
        &[
            "list",
            "subscribe",
            "news@d.e2e.test",
            "dee@d.e2e.test",
            "--mode",
            "digest_plain",
        ],
    );
    for subject in ["First news", "Second news"] {
        smtplib(
            &s,
            "al@d.e2e.test",
            Some("al@d.e2e.test"),
            "news@d.e2e.test",
            subject,
        );
    }
    let al = subjects(&s, "al@d.e2e.test");
    assert!(al.contains(&"[news] First news".to_owned()), "{al:?}");
    assert!(al.contains(&"[news] Second news".to_owned()), "{al:?}");
    // (The command line adds members without a welcome.)
    let dee = wait_for_mail(&s, "dee@d.e2e.test", 1).await;
    assert_eq!(dee.len(), 1, "one digest, no single posts: {dee:?}");
    let digest = dee
        .iter()
        .find(|m| {
            m.iter()
                .any(|l| l == "Subject: News Digest, Vol 1, Issue 1")
        })
        .expect("the digest");
    // RFC 1153: the topics, each message's own Subject line, the end line.
    assert!(
        digest.iter().any(|l| l == "Subject: [news] First news"),
        "{digest:?}"
    );
    assert!(
        digest.iter().any(|l| l == "Subject: [news] Second news"),
        "{digest:?}"
    );
    assert!(
        digest
            .iter()
            .any(|l| l == "End of News Digest, Vol 1, Issue 1"),
        "{digest:?}"
    );

    let c = Client::new();
    let page = c
        .get(format!("{}/lists/archive/news@d.e2e.test", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("[news] First news"), "{html}");
    assert!(html.contains("[news] Second news"), "{html}");
    let mbox = ok(&s, &["list", "archive", "news@d.e2e.test"]);
    assert_eq!(
        mbox.lines()
            .filter(|l| l.starts_with("From al@d.e2e.test "))
            .count(),
        2,
        "{mbox}"
    );
    let stats = ok(&s, &["list", "stats", "news@d.e2e.test", "--days", "1"]);
    let today = stats.lines().nth(1).unwrap();
    let columns: Vec<&str> = today.split('\t').collect();
    assert_eq!(&columns[1..], ["2", "2", "0", "0", "2"], "{stats}");
}
