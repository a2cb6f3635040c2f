//! Calendar reminders under `kill -9`: 2,000 events whose reminders fall due at once;
//! the server is killed while it is mailing them and started again. Every reminder must
//! reach the INBOX exactly once (a worker that takes up an expired lease first looks for
//! the reminder's Message-ID), and none may be lost.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use chrono::{Timelike, Utc};
use osprey_core::Address;
use osprey_store::blob::FsBlobStore;
use reqwest::Client;
use serde_json::json;

use crate::api::{get, login, post};
use crate::exchange::{PASSWORD, ok};
use crate::support::Server;

const USER: &str = "rita@remind.e2e.example";
const EVENTS: usize = 2_000;

/// The INBOX's message count, as the REST mailbox list gives it.
async fn inbox_total(c: &Client, s: &Server, token: &str) -> Option<u64> {
    let r = c
        .get(format!("{}/api/v1/mailboxes", s.url))
        .bearer_auth(token)
        .send()
        .await
        .ok()?;
    let boxes: serde_json::Value = r.json().await.ok()?;
    boxes.as_array()?.iter().find(|m| m["name"] == "INBOX")?["total"].as_u64()
}

#[tokio::test]
async fn reminders_due_while_the_server_is_killed_go_out_exactly_once() {
    let mut s = Server::start_with(
        false,
        &[
            ("OSPREY_CALENDAR_REMINDER_TICK_SECS", "1"),
            ("OSPREY_CALENDAR_REMINDER_LEASE_SECS", "3"),
        ],
    )
    .await;
    ok(&s, &["domain", "add", "remind.e2e.example"]);
    ok(&s, &["user", "add", USER, "--password", PASSWORD]);
    let c = Client::new();
    let token = login(&c, &s.url, USER, PASSWORD).await;
    let (_, cals) = get(&c, &s.url, &token, "/api/v1/calendars").await;
    let cal = cals[0]["id"].as_str().unwrap().to_owned();
    // Every event starts at one whole minute, each with a reminder ten minutes before:
    // all due together, a little after the import.
    let due = (Utc::now() + Duration::from_secs(20))
        .with_nanosecond(0)
        .unwrap();
    let start = (due + chrono::Duration::minutes(10)).format("%Y%m%dT%H%M%SZ");
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//E2E//EN\r\n");
    for i in 0..EVENTS {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:r{i}@e2e\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Slot {i}\r\n\
             DTSTART:{start}\r\nDURATION:PT15M\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
             DESCRIPTION:Slot {i}\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    let (status, report) = post(
        &c,
        &s.url,
        &token,
        &format!("/api/v1/calendars/{cal}/import"),
        json!({"ics": ics}),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], EVENTS, "{report}");

    // Kill the server as soon as the first reminders are in the INBOX.
    let deadline = Instant::now() + Duration::from_secs(90);
    let at_kill = loop {
        if let Some(n) = inbox_total(&c, &s, &token).await
            && n > 0
        {
            s.kill();
            break n;
        }
        assert!(Instant::now() < deadline, "no reminder arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    s.restart().await;
    let token = login(&c, &s.url, USER, PASSWORD).await;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let n = inbox_total(&c, &s, &token).await.unwrap_or(0);
        if n >= EVENTS as u64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {n} of {EVENTS} reminders arrived"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A little longer: a reminder sent twice would arrive now.
    tokio::time::sleep(Duration::from_secs(5)).await;

    let store = s.db.store().await;
    let account = store
        .accounts()
        .account_by_address(&Address::parse(USER).unwrap())
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&account.id, "INBOX")
        .await
        .unwrap();
    let rows = store.messages().in_mailbox(&inbox.id).await.unwrap();
    let blobs = FsBlobStore::open(s.db.dir.join("data/blobs")).unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &rows {
        let body = String::from_utf8(
            osprey_store::blob::BlobStore::get(&blobs, &m.blob_hash)
                .await
                .unwrap(),
        )
        .unwrap();
        let subject = body
            .lines()
            .find_map(|l| l.strip_prefix("Subject: Reminder: "))
            .expect("a reminder")
            .split(" (")
            .next()
            .unwrap()
            .to_owned();
        *seen.entry(subject).or_default() += 1;
    }
    eprintln!(
        "reminders under kill -9: killed with {at_kill} of {EVENTS} in the INBOX; {} after the restart",
        rows.len()
    );
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(seen.len(), EVENTS, "every reminder arrived");
    assert_eq!(rows.len(), EVENTS);
}
