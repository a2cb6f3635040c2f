//! Webmail search over one account's mailbox of `SEARCH_BENCH_MESSAGES` messages (10,000
//! by default) shaped like delivered mail — fifty senders, subjects and bodies from a
//! vocabulary, one in five with an attachment, a few kilobytes each — on this run's
//! engine (`OSPREY_TEST_BACKEND`, SQLite by default), with the full-text index filled
//! (and, on PostgreSQL, the planner's statistics gathered, as autovacuum keeps them on a
//! running server). Each query runs 20 times; the figures are per query.
//!
//! `cargo bench -p osprey-mail --bench search`

mod support;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use osprey_mail::{
    LocalDelivery, TextIndexer,
    search::{Query, Searcher},
};
use osprey_store::{
    blob::{BlobStore, FsBlobStore},
    testing::{self, TestDb},
};

const WORDS: [&str; 24] = [
    "report", "invoice", "meeting", "budget", "quarter", "travel", "lunch", "project", "deadline",
    "review", "contract", "figures", "team", "launch", "design", "client", "office", "holiday",
    "server", "update", "schedule", "plan", "offer", "summary",
];

fn message(i: usize) -> Vec<u8> {
    let word = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
    let mut body = String::new();
    for k in 0..(150 + i % 200) {
        body.push_str(word(k));
        body.push(if k % 12 == 11 { '\n' } else { ' ' });
    }
    let subject = format!("{} {} #{i}", word(1), word(2));
    let from = format!("Sender {} <sender{}@far.example>", i % 50, i % 50);
    if i.is_multiple_of(5) {
        format!(
            "From: {from}\r\nTo: me@bench.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
             {body}\r\n--b\r\nContent-Type: application/pdf; name=\"f{i}.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"f{i}.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
        )
        .into_bytes()
    } else {
        format!("From: {from}\r\nTo: me@bench.example\r\nSubject: {subject}\r\n\r\n{body}\r\n")
            .into_bytes()
    }
}

fn main() {
    support::block_on(run());
}

async fn run() {
    let count: usize = std::env::var("SEARCH_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let db = TestDb::new().await;
    let store = db.store().await;
    let account = testing::user(&store, "me@bench.example").await;
    let blobs: Arc<dyn BlobStore> =
        Arc::new(FsBlobStore::open(db.dir.join("blobs")).expect("a blob store"));
    let delivery = LocalDelivery::new(store.clone(), blobs.clone());
    let started = Instant::now();
    for i in 0..count {
        delivery
            .deliver(std::slice::from_ref(&account.id), "INBOX", &message(i), 0)
            .await
            .expect("delivered");
    }
    let delivered = started.elapsed();
    let started = Instant::now();
    TextIndexer::new(store.clone(), blobs.clone())
        .drain()
        .await
        .expect("indexed");
    let indexed = started.elapsed();
    testing::analyze(&store).await;
    println!(
        "search: {count} messages on {} (delivered in {delivered:?}, indexed in {indexed:?})",
        testing::backend_name()
    );
    let searcher = Searcher::new(store.clone(), blobs);
    for q in [
        "from:sender7",
        "subject:invoice",
        "deadline",
        "has:attachment after:2026-01-01",
        "is:unread larger:2K from:sender3",
        "\"no such words anywhere\"",
    ] {
        let query = Query::parse(q).expect("a query");
        let mut samples: Vec<Duration> = Vec::new();
        let mut hits = 0;
        for _ in 0..20 {
            let started = Instant::now();
            hits = searcher
                .search(&account.id, &query, None, 100)
                .await
                .expect("searched")
                .len();
            samples.push(started.elapsed());
        }
        samples.sort();
        println!(
            "  {q:<36} {hits:>3} hits  p50 {:?}  max {:?}",
            samples[samples.len() / 2],
            samples[samples.len() - 1]
        );
    }
}
