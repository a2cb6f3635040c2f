//! The web app in headless Chromium, driven by Playwright: an admin signs in, creates a
//! domain and a user, signs out; the user signs in (`e2e/browser/admin_flow.mjs`); and the
//! delivery rules pages (`e2e/browser/rules_flow.mjs`), after which the next message the
//! rule made in the browser matches is filed by it.

use std::{path::PathBuf, process::Command};

use crate::support::*;

/// The web app is built and Playwright is installed.
fn browser_dir() -> PathBuf {
    let root = repo_root();
    assert!(
        root.join("frontend/dist/index.html").is_file(),
        "the web app is not built: run `cargo xtask test` (or `cargo xtask build`) first"
    );
    let dir = root.join("e2e/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `cargo xtask test` (it runs npm ci in e2e/browser)"
    );
    dir
}

fn screenshots() -> PathBuf {
    repo_root()
        .join("e2e/output/screenshots")
        .join(osprey_store::testing::backend_name())
}

/// Runs a flow script with `env`; panics with its output when it fails, or when a
/// screenshot it names is missing.
fn run_flow(script: &str, s: &Server, env: &[(&str, &str)]) {
    let out = Command::new("node")
        .arg(script)
        .current_dir(browser_dir())
        .env("OSPREY_URL", &s.url)
        .env("OSPREY_SCREENSHOT_DIR", screenshots())
        .envs(env.iter().copied())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed\n{stdout}\n{stderr}");
    // The flow's steps and figures (shown with `--nocapture`).
    print!("{stdout}");
    for shot in stdout
        .lines()
        .filter_map(|l| l.split(":   screenshot ").nth(1))
    {
        assert!(std::path::Path::new(shot).is_file(), "screenshot {shot}");
    }
}

/// The domain whose DNS page the admin flow checks, against a DNS server of the test
/// (served by a second worker thread while the flow runs).
const DNS_DOMAIN: &str = "dns.e2e.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_and_user_flow_in_a_real_browser() {
    use osprey_mail::dns::testing::{DnsServer, Zone};
    let dns = DnsServer::start(Zone::default()).await;
    let s = Server::start_with(
        true,
        &[
            ("OSPREY_DNS_SERVERS", &dns.addr.to_string()),
            ("OSPREY_ACTIVITY_INTERVAL_SECS", "1"),
        ],
    )
    .await;
    // Published: the MX (with the host's address), SPF and the DKIM key; not DMARC.
    let out = osprey(&s.db, &["domain", "add", DNS_DOMAIN]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added = String::from_utf8_lossy(&out.stdout).into_owned();
    let (key_name, key_value) = added
        .lines()
        .find_map(|l| l.strip_prefix("DKIM: "))
        .and_then(|l| l.split_once(" TXT "))
        .expect("the DKIM record is printed");
    dns.zone.add(DNS_DOMAIN, "MX", &format!("10 {HOSTNAME}"));
    dns.zone.add(HOSTNAME, "A", "192.0.2.25");
    dns.zone.add(DNS_DOMAIN, "TXT", "v=spf1 mx -all");
    dns.zone.add(key_name, "TXT", key_value.trim_matches('"'));
    // Mail for closed.e2e.example waits in the queue: its MX has no SMTP server.
    dns.zone
        .add("closed.e2e.example", "MX", "10 mx.closed.e2e.example");
    dns.zone.add("mx.closed.e2e.example", "A", "127.0.0.1");
    let admin = Server::admin();
    // Some mail for the dashboard: messages from a few senders, a recipient refused.
    for (from, n) in [
        ("news@lists.example", 3),
        ("ann@elsewhere.example", 2),
        ("bob@elsewhere.example", 1),
    ] {
        for i in 0..n {
            let to = [admin.as_str(), "nobody@mail.e2e.example"];
            let (rcpts, end) = SmtpTalk::send(s.smtp_port, from, &to[..1 + i % 2], "Hello").await;
            assert!(end.starts_with("250"), "{rcpts:?} {end}");
        }
    }
    run_flow(
        "admin_flow.mjs",
        &s,
        &[
            ("OSPREY_ADMIN_USER", admin.as_str()),
            ("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD),
            ("OSPREY_DNS_DOMAIN", DNS_DOMAIN),
        ],
    );
    let shots = screenshots();
    for page in [
        "login",
        "admin-domains",
        "admin-accounts",
        "settings",
        "admin-list-held",
        "admin-dns",
        "admin-dashboard",
        "list-archive",
        "list-archive-thread",
    ] {
        assert!(
            shots.join(format!("{page}.png")).is_file(),
            "screenshot {page}.png"
        );
    }
}

#[tokio::test]
async fn rules_pages_in_a_real_browser_and_the_rule_files_the_next_message() {
    const USER: &str = "rae@rules.e2e.example";
    const PASSWORD: &str = "Cobalt-Orchard-81s";
    let s = Server::start(true).await;
    for args in [
        &["domain", "add", "rules.e2e.example"][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(&s.db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A message already stored: "run now" in the browser moves it.
    let out = osprey_with_input(
        &s.db,
        &["deliver", "--to", USER],
        b"From: boss@far.example\r\nSubject: [report] Q3\r\n\r\nnumbers\r\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = Server::admin();
    run_flow(
        "rules_flow.mjs",
        &s,
        &[
            ("OSPREY_USER", USER),
            ("OSPREY_PASSWORD", PASSWORD),
            ("OSPREY_DOMAIN", "rules.e2e.example"),
            ("OSPREY_ADMIN_USER", admin.as_str()),
            ("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ],
    );
    // The next such message is filed by the rule made in the browser.
    let c = reqwest::Client::new();
    let token = crate::api::login(&c, &s.url, USER, PASSWORD).await;
    let (status, _) = crate::api::post(
        &c,
        &s.url,
        &token,
        "/api/v1/messages/send",
        serde_json::json!({"to": [USER], "subject": "[report] Q4", "text": "more numbers"}),
    )
    .await;
    assert!(status.is_success(), "{status}");
    let (_, mailboxes) = crate::api::get(&c, &s.url, &token, "/api/v1/mailboxes").await;
    let id_of = |name: &str| {
        mailboxes
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("the folder {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let subjects_in = |id: String| {
        let (c, url, token) = (c.clone(), s.url.clone(), token.clone());
        async move {
            let (_, list) = crate::api::get(
                &c,
                &url,
                &token,
                &format!("/api/v1/mailboxes/{id}/messages"),
            )
            .await;
            let mut subjects: Vec<String> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
                .collect();
            subjects.sort();
            subjects
        }
    };
    // The report the browser moved and deleted is in Trash; the new one was filed in
    // Reports (the folder the rule made) by the rule made in the browser.
    assert_eq!(subjects_in(id_of("Trash")).await, ["[report] Q3"]);
    let mut reports = Vec::new();
    for _ in 0..50 {
        reports = subjects_in(id_of("Reports")).await;
        if !reports.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(reports, ["[report] Q4"]);
}

#[tokio::test]
async fn the_address_book_in_a_real_browser() {
    const USER: &str = "cleo@book.e2e.example";
    const PASSWORD: &str = "Amber-Lantern-52k";
    let s = Server::start(true).await;
    for args in [
        &["domain", "add", "book.e2e.example"][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(&s.db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = osprey_with_input(
        &s.db,
        &["deliver", "--to", USER],
        b"From: Pat Sender <pat@far.example>\r\nSubject: Lunch?\r\n\r\nAt noon.\r\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = osprey_with_input(
        &s.db,
        &["deliver", "--to", USER],
        b"From: Pat Sender <pat@far.example>\r\nSubject: Newsletter\r\nMIME-Version: 1.0\r\n\
          Content-Type: text/html; charset=utf-8\r\n\r\n\
          <p>Our news</p><img src=\"http://127.0.0.1:9/pixel.gif\">\r\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_flow(
        "contacts_flow.mjs",
        &s,
        &[("OSPREY_USER", USER), ("OSPREY_PASSWORD", PASSWORD)],
    );
    // What the browser made is what the API and the export show.
    let c = reqwest::Client::new();
    let token = crate::api::login(&c, &s.url, USER, PASSWORD).await;
    let (_, list) = crate::api::get(&c, &s.url, &token, "/api/v1/contacts").await;
    let mut names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fields"]["full_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["Imogen Import", "Ivo Import", "Pat Sender", "Quinn Ada"]
    );
    let quinn = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fields"]["full_name"] == "Quinn Ada")
        .unwrap();
    assert_eq!(quinn["fields"]["birthday"], "1990-04-30");
    assert_eq!(quinn["fields"]["emails"][0]["label"], "work");
    // "Never mark as read": the newsletter opened in the browser is still unread.
    let list = crate::api::inbox_items(&c, &s.url, &token).await;
    let newsletter = list.iter().find(|m| m["subject"] == "Newsletter").unwrap();
    assert!(
        !newsletter["flags"].to_string().contains("Seen"),
        "{newsletter}"
    );
}

#[tokio::test]
async fn no_vector_of_the_xss_corpus_runs_in_the_reader() {
    const USER: &str = "vic@xss.e2e.example";
    const PASSWORD: &str = "Granite-Willow-63p";
    let s = Server::start(true).await;
    for args in [
        &["domain", "add", "xss.e2e.example"][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(&s.db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let corpus = std::fs::read_to_string(repo_root().join("backend/mail/tests/xss_corpus.html"))
        .expect("the corpus");
    let message = format!(
        "From: attacker@far.example\r\nSubject: XSS corpus\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <p>The safe paragraph before the corpus.</p>\r\n{}\r\n",
        corpus.replace('\n', "\r\n")
    );
    let out = osprey_with_input(&s.db, &["deliver", "--to", USER], message.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_flow(
        "xss_flow.mjs",
        &s,
        &[("OSPREY_USER", USER), ("OSPREY_PASSWORD", PASSWORD)],
    );
}

#[tokio::test]
async fn writing_mail_in_a_real_browser() {
    const USER: &str = "wren@write.e2e.example";
    const FRIEND: &str = "fox@write.e2e.example";
    const BLIND: &str = "owl@write.e2e.example";
    const PASSWORD: &str = "Copper-Kettle-83q";
    let s = Server::start(true).await;
    let mut args: Vec<Vec<&str>> = vec![vec!["domain", "add", "write.e2e.example"]];
    for who in [USER, FRIEND, BLIND] {
        args.push(vec!["user", "add", who, "--password", PASSWORD]);
    }
    for a in &args {
        let out = osprey(&s.db, a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = osprey_with_input(
        &s.db,
        &["deliver", "--to", USER],
        b"From: Fox <fox@write.e2e.example>\r\nTo: wren@write.e2e.example\r\n\
          Subject: Question\r\nMessage-ID: <question-1@write.e2e.example>\r\n\r\nCan you come?\r\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.txt");
    // Larger than the server's general request body limit (1 MiB): uploads have their own.
    std::fs::write(
        &file,
        "1. Meet at nine.\n2. Walk to the lake.\n".repeat(55_000),
    )
    .unwrap();
    run_flow(
        "compose_flow.mjs",
        &s,
        &[
            ("OSPREY_USER", USER),
            ("OSPREY_PASSWORD", PASSWORD),
            ("OSPREY_TO", FRIEND),
            ("OSPREY_BCC", BLIND),
            ("OSPREY_FILE", file.to_str().unwrap()),
        ],
    );

    // The friend got the message with its file, once (the undone send sent nothing),
    // and the reply, threaded under the question; the Bcc recipient got the message
    // without a Bcc field in it.
    let c = reqwest::Client::new();
    let inbox_of = |who: &'static str| {
        let (c, url) = (c.clone(), s.url.clone());
        async move {
            let token = crate::api::login(&c, &url, who, PASSWORD).await;
            let items = crate::api::inbox_items(&c, &url, &token).await;
            (token, items)
        }
    };
    let (token, friend) = inbox_of(FRIEND).await;
    let subjects: Vec<&str> = friend
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), 2, "one message and one reply: {subjects:?}");
    assert!(subjects.contains(&"Plans for Friday"), "{subjects:?}");
    assert!(subjects.contains(&"Re: Question"), "{subjects:?}");
    let plans = friend
        .iter()
        .find(|m| m["subject"] == "Plans for Friday")
        .unwrap();
    let (_, read) = crate::api::get(
        &c,
        &s.url,
        &token,
        &format!("/api/v1/messages/{}", plans["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(read["attachments"][0]["name"], "plan.txt");
    // To named the contact group Walkers, expanded to its member on send; Cc kept the
    // quoted name with a comma as one recipient.
    assert!(read["to"].to_string().contains(FRIEND), "{}", read["to"]);
    assert_eq!(read["cc"][0]["name"], "Far, Away", "{}", read["cc"]);
    // Sent as the identity made in Settings: its name is the sender's.
    assert_eq!(read["from"][0]["name"], "Wren Writer");
    // Flagged together from the list (what is left of INBOX after the flow).
    let (_, mine) = inbox_of(USER).await;
    assert!(!mine.is_empty());
    for m in &mine {
        assert!(
            m["flags"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("\\Flagged")),
            "{m}"
        );
    }
    let (_, blind) = inbox_of(BLIND).await;
    assert_eq!(blind.len(), 1);
    assert_eq!(blind[0]["subject"], "Plans for Friday");
    assert!(
        !read.to_string().contains(BLIND),
        "Bcc shown to the To recipient"
    );
}

#[tokio::test]
async fn the_calendar_in_a_real_browser() {
    const USER: &str = "dora@cal.e2e.example";
    const PASSWORD: &str = "Copper-Kettle-83q";
    const SHAREE: &str = "erin@cal.e2e.example";
    let s = Server::start(true).await;
    for args in [
        &["domain", "add", "cal.e2e.example"][..],
        &["user", "add", USER, "--password", PASSWORD],
        &["user", "add", SHAREE, "--password", PASSWORD],
    ] {
        let out = osprey(&s.db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Erin is busy for the second half of the hour the lunch will be at: the organiser's
    // form says so when she is added as a guest.
    let c = reqwest::Client::new();
    let erin = crate::api::login(&c, &s.url, SHAREE, PASSWORD).await;
    let (_, cals) = crate::api::get(&c, &s.url, &erin, "/api/v1/calendars").await;
    let own = cals[0]["id"].as_str().expect("Erin's calendar").to_owned();
    let (status, _) = crate::api::post(
        &c,
        &s.url,
        &erin,
        &format!("/api/v1/calendars/{own}/events"),
        serde_json::json!({"title": "Dentist", "start": "2026-06-25T09:30", "end": "2026-06-25T10:00", "time_zone": "UTC"}),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    // Frank is in Dora's address book: the guest field offers him.
    let dora = crate::api::login(&c, &s.url, USER, PASSWORD).await;
    let (status, _) = crate::api::post(
        &c,
        &s.url,
        &dora,
        "/api/v1/contacts",
        serde_json::json!({"full_name": "Frank Moreau", "emails": [{"label": "work", "value": "frank@far.example"}]}),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    run_flow(
        "calendar_flow.mjs",
        &s,
        &[
            ("OSPREY_USER", USER),
            ("OSPREY_PASSWORD", PASSWORD),
            ("OSPREY_SHAREE", SHAREE),
        ],
    );
    // What the browser made is what the API expands: three stand-ups (the fourth was
    // deleted with the following ones), the moved one at 11:00, four yogas (the last
    // three dragged to 07:30 together), and the trip.
    let token = crate::api::login(&c, &s.url, USER, PASSWORD).await;
    let (_, list) = crate::api::get(
        &c,
        &s.url,
        &token,
        "/api/v1/calendars/occurrences?from=2026-05-25T00:00:00Z&to=2026-07-06T00:00:00Z",
    )
    .await;
    let got: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["title"].as_str().unwrap(),
                &o["start"].as_str().unwrap()[..10],
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Yoga", "2026-06-01"),
            ("Standup", "2026-06-02"),
            ("Yoga", "2026-06-08"),
            ("Standup", "2026-06-09"),
            ("Review", "2026-06-09"),
            ("Trip to Lyon", "2026-06-11"),
            ("Yoga", "2026-06-15"),
            ("Standup (moved)", "2026-06-16"),
            ("Concert", "2026-06-20"),
            ("Yoga", "2026-06-22"),
            ("Lunch with Erin", "2026-06-25"),
            ("Book club", "2026-06-26"),
        ]
    );
    let items = list["items"].as_array().unwrap();
    let titled = |title: &str| -> Vec<&serde_json::Value> {
        items.iter().filter(|o| o["title"] == title).collect()
    };
    // "This and following" from the second yoga: the first stays at 07:00, the rest go.
    let yoga_times: Vec<&str> = titled("Yoga")
        .iter()
        .map(|o| &o["start"].as_str().unwrap()[11..16])
        .collect();
    assert_eq!(yoga_times, ["07:00", "07:30", "07:30", "07:30"], "{list}");
    // The stand-up of 2 June was dragged to 10:00 and its end to 11:00, on its own.
    let dragged = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["start"].as_str().unwrap().starts_with("2026-06-02"))
        .unwrap();
    assert_eq!(
        &dragged["start"].as_str().unwrap()[11..16],
        "10:00",
        "{dragged}"
    );
    assert_eq!(
        &dragged["end"].as_str().unwrap()[11..16],
        "11:00",
        "{dragged}"
    );
    assert_eq!(dragged["exception"], true, "{dragged}");
    // Erin's answer, given in her own calendar, is on Dora's event.
    let (_, found) = crate::api::get(
        &c,
        &s.url,
        &token,
        "/api/v1/calendars/search?q=lunch%20with%20erin",
    )
    .await;
    let lunch = &found["events"][0]["fields"];
    assert_eq!(lunch["organizer"], USER, "{found}");
    assert_eq!(lunch["attendees"][0]["address"], SHAREE);
    assert_eq!(lunch["attendees"][0]["status"], "accepted", "{found}");
    // The calendar is shared with Erin, read-only; the tasks and the note are there.
    let (_, cals) = crate::api::get(&c, &s.url, &erin, "/api/v1/calendars").await;
    assert!(
        cals.as_array()
            .unwrap()
            .iter()
            .any(|c| c["owner_address"] == USER && c["access"] == "read"),
        "{cals}"
    );
    let (_, tasks) =
        crate::api::get(&c, &s.url, &token, "/api/v1/calendars/tasks?filter=all").await;
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    let plants = tasks
        .iter()
        .find(|t| t["fields"]["title"] == "Water the plants")
        .expect("the task with a reminder");
    // 18:00 the evening before: six hours before the due day starts.
    assert_eq!(
        plants["fields"]["reminders"],
        serde_json::json!([{"minutes_before": 360}])
    );
    let (_, notes) = crate::api::get(&c, &s.url, &token, "/api/v1/calendars/notes?q=lyon").await;
    assert_eq!(notes[0]["fields"]["day"], "2026-06-10");
    let moved = titled("Standup (moved)")[0];
    assert_eq!(moved["exception"], true);
    assert_eq!(&moved["start"].as_str().unwrap()[11..16], "11:00");
    assert_eq!(titled("Trip to Lyon")[0]["end"], "2026-06-14");
}

/// Per-host look: set in Admin → Look for a domain, then shown on the sign-in page reached
/// at one of the domain's alias names (`e2e/browser/look_flow.mjs`); and the server's
/// bounce to a user of that domain names the domain's product.
#[tokio::test]
async fn a_domains_look_in_a_real_browser_at_its_alias_name() {
    const DOMAIN: &str = "look.e2e.example";
    const HOST: &str = "webmail.look.e2e.example";
    let s = Server::start(true).await;
    let out = osprey(&s.db, &["domain", "add", DOMAIN, "--alias", HOST]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = Server::admin();
    run_flow(
        "look_flow.mjs",
        &s,
        &[
            ("OSPREY_ADMIN_USER", admin.as_str()),
            ("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD),
            ("OSPREY_LOOK_DOMAIN", DOMAIN),
            ("OSPREY_LOOK_HOST", HOST),
            ("OSPREY_HOST_RULES", "MAP *.e2e.example 127.0.0.1"),
        ],
    );
    for page in ["admin-look", "login-look", "phone-login-look"] {
        assert!(
            screenshots().join(format!("{page}.png")).is_file(),
            "screenshot {page}.png"
        );
    }
    // What the flow saved, as the command line shows it.
    let out = osprey(&s.db, &["look", "show", "--domain", DOMAIN, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let look: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(look["look"]["product_name"], "Harbour Mail", "{look}");
    assert_eq!(look["logo_type"], "image/png");
    // A bad colour from the command line is refused with the field's message.
    let out = osprey(
        &s.db,
        &[
            "look",
            "set",
            "--domain",
            DOMAIN,
            "--accent-color",
            "orange",
        ],
    );
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("accent_color") && said.contains("#rrggbb"),
        "{said}"
    );
    let out = osprey(&s.db, &["look", "set", "--domain", DOMAIN, "--footer", ""]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = osprey(&s.db, &["look", "show", "--domain", DOMAIN]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("product name: Harbour Mail\n"), "{shown}");
    assert!(shown.contains("footer: -\n"), "unset again: {shown}");
}
