//! A post to a list of `FANOUT_BENCH_MEMBERS` members (10,000 by default) spread over 100
//! destination domains, a few of them local accounts, on this run's engine
//! (`OSPREY_TEST_BACKEND`, SQLite by default): the time from the end of DATA (the
//! submission of the accepted post) until every recipient is durable in the queue or
//! the local mailboxes, five posts in a row, and the process's resident memory before
//! and after. Checks that the queue holds one recipient per remote member.
//!
//! `cargo bench -p osprey-lists --bench fanout`

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use osprey_core::Address;
use osprey_lists::{ListServer, ListSettings, NewListRequest};
use osprey_mail::{Client, Envelope, LocalDelivery, Outbox, Submission, Verdict};
use osprey_store::{
    NewListMember, NewQueuedRecipient, QueueFilter,
    blob::{BlobStore, FsBlobStore},
    testing::{self, TestDb},
};

/// The process's resident memory in MiB (Linux `VmRSS`).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run());
}

async fn run() {
    let members: usize = std::env::var("FANOUT_BENCH_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let db = TestDb::new().await;
    let store = db.store().await;
    let locals = ["ann", "bob", "cy", "dee", "eve"];
    for who in locals {
        testing::user(&store, &format!("{who}@lists.example")).await;
    }
    let blobs: Arc<dyn BlobStore> =
        Arc::new(FsBlobStore::open(db.dir.join("blobs")).expect("a blob store"));
    let plain = Submission::new(
        LocalDelivery::with_group_commit(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs),
        8,
    );
    let lists = Arc::new(ListServer::new(&plain));
    let submission = plain.with_lists(lists);
    let admin = osprey_lists::ListAdmin::new(store.clone());
    let list = admin
        .create(
            &osprey_directory::Actor::Operator,
            NewListRequest {
                address: "team@lists.example".into(),
                name: "Team".into(),
                description: String::new(),
                settings: Some(ListSettings {
                    posting: osprey_lists::PostingPolicy::Anyone,
                    ..ListSettings::for_list("team")
                }),
            },
        )
        .await
        .expect("a list");
    let started = Instant::now();
    let remote = members - locals.len();
    for i in 0..remote {
        store
            .lists()
            .add_member(
                &list.id,
                NewListMember {
                    address: format!("member{i}@domain{}.example", i % 100),
                    display_name: None,
                    delivery_mode: "each".into(),
                    status: "active".into(),
                },
            )
            .await
            .expect("a member");
    }
    for who in locals {
        store
            .lists()
            .add_member(
                &list.id,
                NewListMember {
                    address: format!("{who}@lists.example"),
                    display_name: None,
                    delivery_mode: "each".into(),
                    status: "active".into(),
                },
            )
            .await
            .expect("a member");
    }
    println!(
        "fanout bench on {}: {members} members ({remote} remote over 100 domains) added in {:.1} s",
        testing::backend_name(),
        started.elapsed().as_secs_f64()
    );
    let body = "A line of the post, long enough to look like mail.\r\n".repeat(60);
    let before = rss_mib();
    let mut times: Vec<Duration> = Vec::new();
    for n in 0..5 {
        let post = format!(
            "From: Ann <ann@lists.example>\r\nTo: team@lists.example\r\nSubject: Post {n}\r\n\
             Message-ID: <post-{n}@lists.example>\r\n\r\n{body}"
        );
        let client = Client {
            ip: None,
            account: None,
            sender: "ann@lists.example".into(),
        };
        let to = Address::parse("team@lists.example").expect("an address");
        let verdict = submission
            .recipient(&client, &to, post.len() as u64)
            .await
            .expect("a verdict");
        assert!(matches!(verdict, Verdict::List(_)), "{verdict:?}");
        let mut envelope = Envelope {
            sender: "ann@lists.example".into(),
            ..Default::default()
        };
        envelope.add(verdict, NewQueuedRecipient::to("team@lists.example"));
        // The end of DATA: the post is taken once it is durable for every member.
        let t = Instant::now();
        submission
            .submit(&envelope, post.as_bytes(), "INBOX")
            .await
            .expect("distributed");
        times.push(t.elapsed());
    }
    let after = rss_mib();
    let queued = store
        .queue()
        .queue_entries(&QueueFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("the queue");
    assert_eq!(queued.len(), 5, "one queued message per post");
    assert!(queued.iter().all(|q| q.recipients.len() == remote));
    times.sort();
    println!(
        "  post to {members} members, durable in the queue and the INBOXes: min {:.0} ms, median {:.0} ms, max {:.0} ms",
        times[0].as_secs_f64() * 1e3,
        times[2].as_secs_f64() * 1e3,
        times[4].as_secs_f64() * 1e3,
    );
    println!("  resident memory: {before:.1} MiB before the posts, {after:.1} MiB after five");
}
