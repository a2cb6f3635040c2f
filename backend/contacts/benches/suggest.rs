//! Recipient suggestions from an address book of 5,000 contacts (about 7,500 addresses)
//! and 50 groups, on this run's engine (`OSPREY_TEST_BACKEND`, SQLite by default), for
//! 300 things a person types: one to four letters of a first name, a last name or an
//! address. Target: p99 at most 20 ms. The import of the 5,000 cards is timed too.
//!
//! `cargo bench -p osprey-contacts`

use std::time::{Duration, Instant};

use osprey_contacts::AddressBook;
use osprey_store::testing::{self, TestDb};

const CONTACTS: usize = 5_000;
const QUERIES: usize = 300;

const FIRST: [&str; 20] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kai",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Yuki",
];
const LAST: [&str; 25] = [
    "Abbott",
    "Baker",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quint",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Zimmermann",
];

fn file() -> String {
    let mut out = String::new();
    for i in 0..CONTACTS {
        let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
        let host = ["example.com", "mail.example.net", "corp.example.org"][i % 3];
        out.push_str(&format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{first} {last} {i}\r\nN:{last};{first};;;\r\n\
             EMAIL:{}.{}{i}@{host}\r\nTEL:+1 555 {i:04}\r\nORG:Company {}\r\n",
            first.to_lowercase(),
            last.to_lowercase(),
            i % 97
        ));
        if i % 2 == 0 {
            out.push_str(&format!(
                "EMAIL;TYPE=home:{}{i}@home.example\r\n",
                first.to_lowercase()
            ));
        }
        out.push_str("END:VCARD\r\n");
    }
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(run());
}

async fn run() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let account = testing::user(&store, "me@bench.example").await;
    let book = AddressBook::new(store.clone());
    let text = file();
    let started = Instant::now();
    let report = book.import(&account.id, &text).await.expect("the import");
    let import = started.elapsed();
    assert_eq!(report.created, CONTACTS);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let page = book
        .list(
            &account.id,
            &osprey_store::ListQuery {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .expect("a page");
    for g in 0..50 {
        let members: Vec<String> = page.items.iter().take(10).map(|c| c.id.clone()).collect();
        book.save_group(&account.id, None, &format!("Team {g}"), &members)
            .await
            .expect("a group");
    }

    let queries: Vec<String> = (0..QUERIES)
        .map(|i| {
            let word = match i % 3 {
                0 => FIRST[i % FIRST.len()].to_lowercase(),
                1 => LAST[i % LAST.len()].to_lowercase(),
                _ => ["example", "home", "corp", "mail"][i % 4].to_owned(),
            };
            word.chars().take(1 + i % 4).collect()
        })
        .collect();
    // Warm up, and check that suggestions come back.
    let first = book
        .suggest(&account.id, "gra", 10)
        .await
        .expect("suggestions");
    assert!(first.iter().any(|s| s.name.starts_with("Grace")));
    let mut samples: Vec<Duration> = Vec::with_capacity(QUERIES);
    let mut slowest = (Duration::ZERO, String::new());
    for q in &queries {
        let started = Instant::now();
        let found = book.suggest(&account.id, q, 10).await.expect("suggestions");
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, q.clone());
        }
        samples.push(took);
        std::hint::black_box(found);
    }
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / QUERIES as u32;
    println!(
        "address book: {CONTACTS} contacts, 50 groups, on {}",
        testing::backend_name()
    );
    println!(
        "import of {CONTACTS} cards ({} bytes): {import:?}",
        text.len()
    );
    println!(
        "suggest x{QUERIES}: mean {mean:?}, p50 {:?}, p99 {:?}, max {:?} (target p99 <= 20 ms)",
        samples[QUERIES / 2],
        samples[QUERIES * 99 / 100],
        samples[QUERIES - 1]
    );
    println!("slowest: {:?} for {:?}", slowest.0, slowest.1);
}
