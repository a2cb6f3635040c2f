//! The web app's sorted message list over one mailbox of `LISTING_BENCH_MESSAGES`
//! messages (100,000 by default): five hundred senders, subjects from a vocabulary (some
//! with `Re:`), Date fields spread over three years, sizes from a few hundred bytes to a
//! few kilobytes, conversations of one to three messages interleaved (a reply names the
//! message five before it) — on this run's engine (`OSPREY_TEST_BACKEND`, SQLite by
//! default; on PostgreSQL with the planner's statistics gathered, as autovacuum keeps
//! them on a running server). For each sort key and direction, and for the list by
//! conversation, the first page of 50 and the page after ten pages, 30 times each;
//! figures per page.
//!
//! `cargo bench -p osprey-mail --bench listing`

mod support;

use std::{sync::Arc, time::Instant};

use chrono::{TimeZone, Utc};
use osprey_mail::{
    AppendRequest, LocalDelivery,
    listing::{self, Sort},
};
use osprey_store::{
    blob::{BlobStore, FsBlobStore},
    testing::{self, TestDb},
};
use support::report;

const WORDS: [&str; 16] = [
    "report", "invoice", "meeting", "budget", "quarter", "travel", "lunch", "project", "deadline",
    "review", "contract", "figures", "team", "launch", "design", "client",
];

fn message(i: usize) -> Vec<u8> {
    let word = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
    let re = if i.is_multiple_of(3) { "Re: " } else { "" };
    let subject = format!("{re}{} {} {}", word(1), word(2), i % 997);
    let from = format!("Sender {} <sender{}@far.example>", i % 500, (i * 31) % 500);
    let date = Utc
        .timestamp_opt(1_700_000_000 + ((i * 7_919) % 94_000_000) as i64, 0)
        .unwrap()
        .to_rfc2822();
    let body = "lorem ipsum ".repeat(20 + i % 300);
    let refs = if i >= 5 && !i.is_multiple_of(3) {
        format!("References: <m{}@bench.example>\r\n", i - 5)
    } else {
        String::new()
    };
    format!(
        "From: {from}\r\nTo: me@bench.example\r\nDate: {date}\r\nSubject: {subject}\r\n\
         Message-ID: <m{i}@bench.example>\r\n{refs}\r\n{body}\r\n"
    )
    .into_bytes()
}

fn main() {
    support::block_on(run());
}

async fn run() {
    let count: usize = std::env::var("LISTING_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let db = TestDb::new().await;
    let store = db.store().await;
    let account = testing::user(&store, "me@bench.example").await;
    let blobs: Arc<dyn BlobStore> =
        Arc::new(FsBlobStore::open(db.dir.join("blobs")).expect("a blob store"));
    let delivery = LocalDelivery::new(store.clone(), blobs);
    let inbox = store
        .messages()
        .mailbox_by_name(&account.id, "INBOX")
        .await
        .expect("an INBOX");
    let started = Instant::now();
    for batch in (0..count).collect::<Vec<_>>().chunks(1_000) {
        let requests = batch
            .iter()
            .map(|&i| AppendRequest {
                message: message(i),
                exact: false,
                flags: if i.is_multiple_of(10) { 4 } else { 0 },
                keywords: Vec::new(),
                internal_date: Utc::now(),
            })
            .collect();
        delivery
            .append(&account.id, &inbox.id, requests)
            .await
            .expect("appended");
    }
    // The statistics autovacuum keeps on a running PostgreSQL server.
    testing::analyze(&store).await;
    println!(
        "listing bench on {}: {count} messages stored in {:.1} s",
        testing::backend_name(),
        started.elapsed().as_secs_f64()
    );
    for key in [
        "received", "sent", "from", "subject", "size", "to", "flagged",
    ] {
        for descending in [false, true] {
            let sort = Sort::parse(key, descending).expect("a sort");
            // The cursor after ten pages, for the deep page.
            let mut cursor = None;
            for _ in 0..10 {
                cursor = listing::sorted(&store, &inbox.id, sort, cursor.as_deref(), 50)
                    .await
                    .expect("a page")
                    .next_cursor;
            }
            for (what, at) in [("first page", None), ("page 11", cursor.as_deref())] {
                let mut times = Vec::new();
                for _ in 0..30 {
                    let t = Instant::now();
                    let page = listing::sorted(&store, &inbox.id, sort, at, 50)
                        .await
                        .expect("a page");
                    times.push(t.elapsed());
                    assert_eq!(page.messages.len(), 50);
                }
                let way = if descending { "desc" } else { "asc" };
                report(&format!("{key:>8} {way:<4} {what}"), times);
            }
        }
    }
    for descending in [true, false] {
        let mut cursor = None;
        for _ in 0..10 {
            cursor = listing::by_conversation(&store, &inbox.id, descending, cursor.as_deref(), 50)
                .await
                .expect("a page")
                .next_cursor;
        }
        for (what, at) in [("first page", None), ("page 11", cursor.as_deref())] {
            let mut times = Vec::new();
            for _ in 0..30 {
                let t = Instant::now();
                let page = listing::by_conversation(&store, &inbox.id, descending, at, 50)
                    .await
                    .expect("a page");
                times.push(t.elapsed());
                assert_eq!(page.threads.len(), 50);
                assert!(page.threads.iter().any(|t| t.count > 1), "conversations");
            }
            let way = if descending { "desc" } else { "asc" };
            report(&format!("threads {way:<4} {what}"), times);
        }
    }
}
