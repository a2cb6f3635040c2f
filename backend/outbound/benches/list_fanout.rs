//! A post to a list of `FANOUT_BENCH_MEMBERS` members (10,000 by default) spread over 100
//! destination domains, a few of them local accounts, on this run's engine
//! (`OSPREY_TEST_BACKEND`, SQLite by default): the time from the end of DATA (the
//! submission of the accepted post) until every recipient is durable in the queue or
//! the local mailboxes, five posts in a row, and the process's resident memory before
//! and after. Checks that the queue holds one recipient per remote member. Then the
//! queue worker delivers them (each remote member its own SMTP transaction from its VERP
//! address, its `List-Unsubscribe` DKIM-signed) to an SMTP sink on loopback that stands
//! for the 100 domains: the time until the queue is empty, and the deliveries a second.
//!
//! The list server's fan-out and this crate's delivery together, so it lives here, above
//! both. `cargo bench -p osprey-outbound --bench list_fanout`

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use osprey_core::Address;
use osprey_lists::{ListServer, ListSettings, NewListRequest};
use osprey_mail::{Client, Envelope, LocalDelivery, Outbox, Submission, Verdict};
use osprey_outbound::{
    ClientConfig, QueueSettings, QueueWorker, Schedule, StaticResolver, system_roots_config,
};
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
    // The list's domain signs each member's copy at delivery, as a real one does.
    let key = osprey_mail::auth::generate_key("bench").expect("a key");
    let domain = store
        .domains()
        .domain_by_name("lists.example")
        .await
        .expect("the domain");
    store
        .dkim()
        .set_dkim_key(&domain.id, "bench", &key.private_pkcs8, &key.public_spki)
        .await
        .expect("a DKIM key");
    let lists = Arc::new(ListServer::new(&plain).with_web_url("https://mail.lists.example"));
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
    deliver(&submission, remote * 5).await;
}

/// Delivers the queue to an SMTP sink standing for every destination domain, with the
/// server's default of 8 domains at once, until it is empty.
async fn deliver(submission: &Submission, expected: usize) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sink = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = sink.local_addr().expect("an address");
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = sink.accept().await {
            tokio::spawn(serve_sink(stream, counter.clone()));
        }
    });
    let routes = (0..100)
        .map(|d| (format!("domain{d}.example"), vec![addr]))
        .collect();
    let settings = QueueSettings {
        hostname: "mx.lists.example".into(),
        schedule: Schedule {
            intervals: vec![chrono::Duration::minutes(1)],
            lifetime: chrono::Duration::days(1),
            delay_notice_after: None,
        }
        .into(),
        client: ClientConfig::new("mx.lists.example", system_roots_config()),
        smarthost: None,
        require_tls: vec![],
        parallel_domains: 8,
        max_alias_depth: 8,
    };
    let worker = QueueWorker::new(
        submission.clone(),
        Arc::new(StaticResolver::new(routes)),
        settings,
    );
    let t = Instant::now();
    while worker.round().await {}
    let elapsed = t.elapsed().as_secs_f64();
    let got = received.load(Ordering::Relaxed);
    assert_eq!(got, expected, "every remote member's copy reached the sink");
    println!(
        "  delivery of {got} copies (one SMTP transaction each, DKIM-signed) to a loopback sink: {elapsed:.1} s, {:.0} a second",
        got as f64 / elapsed
    );
}

/// A minimal SMTP server that takes every message (RFC 5321 §4.3.2's replies only).
async fn serve_sink(stream: tokio::net::TcpStream, received: Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let mut line = String::new();
    let mut in_data = false;
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let reply: &[u8] = if in_data {
            if line != ".\r\n" {
                continue;
            }
            in_data = false;
            received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            b"250 2.0.0 taken\r\n"
        } else {
            match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                Some("EHLO") => b"250-sink\r\n250 8BITMIME\r\n",
                Some("DATA") => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                Some("QUIT") => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"250 ok\r\n",
            }
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
