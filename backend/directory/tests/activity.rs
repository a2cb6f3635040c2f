//! The dashboard's figures: what nodes record at their interval adds up per hour and
//! per day, levels (sessions, the queue) are the highest of each span and the latest of
//! each node that sampled lately, the "top" lists rank names over the span, and only a
//! server administrator reads them.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use osprey_core::{
    Role,
    activity::{Count, Ranked, SessionKind, Snapshot},
};
use osprey_directory::{
    Actor, DirectoryError,
    activity::{ActivityRange, ActivityRecorder},
};

use crate::support::Fixture;

const INTERVAL: Duration = Duration::from_secs(60);

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, h, m, 0).unwrap()
}

fn snapshot(counts: &[(Count, u64)], ranked: &[(Ranked, &str, u64)], imap: u64) -> Snapshot {
    Snapshot {
        counts: counts.to_vec(),
        ranked: ranked
            .iter()
            .map(|(k, name, n)| (*k, (*name).to_owned(), *n))
            .collect(),
        sessions: vec![(SessionKind::Imap, imap), (SessionKind::Smtp, 1)],
    }
}

#[tokio::test]
async fn samples_add_up_per_hour_and_day_across_nodes() {
    let f = Fixture::new().await;
    let one = ActivityRecorder::new(f.store.clone(), "node-1", INTERVAL);
    let two = ActivityRecorder::new(f.store.clone(), "node-2", INTERVAL);
    // Two samples of node 1 in the 09:00 hour, one of node 2; one of node 1 at 11:00.
    one.record(
        &snapshot(
            &[(Count::Received, 3), (Count::FailedLogin, 1)],
            &[
                (Ranked::Sender, "a@example.net", 2),
                (Ranked::Sender, "b@example.net", 1),
            ],
            5,
        ),
        t(9, 1),
    )
    .await
    .unwrap();
    one.record(
        &snapshot(
            &[(Count::Received, 2)],
            &[(Ranked::Sender, "b@example.net", 4)],
            2,
        ),
        t(9, 2),
    )
    .await
    .unwrap();
    two.record(
        &snapshot(
            &[(Count::Sent, 7), (Count::Bounced, 1)],
            &[(Ranked::RejectedIp, "192.0.2.9", 3)],
            4,
        ),
        t(9, 30),
    )
    .await
    .unwrap();
    one.record(&snapshot(&[(Count::Login, 6)], &[], 1), t(11, 59))
        .await
        .unwrap();

    let admin = Actor::account(&f.admin);
    let day = f
        .directory
        .activity(&admin, ActivityRange::Day, t(12, 0), INTERVAL)
        .await
        .unwrap();
    assert_eq!(day.step_seconds, 3600);
    assert_eq!(day.points.len(), 24);
    assert_eq!(
        day.points.last().unwrap().start,
        t(12, 0),
        "the last point holds now"
    );
    let nine = day.points.iter().find(|p| p.start == t(9, 0)).unwrap();
    assert_eq!(
        (
            nine.counts.received,
            nine.counts.sent,
            nine.counts.bounced,
            nine.counts.failed_logins
        ),
        (5, 7, 1, 1),
        "the counts of both nodes and both samples add up in their hour"
    );
    // Node 1 was at 5 then 2 (its peak 5), node 2 at 4: nodes add up, 9 at the most.
    assert_eq!(nine.peaks.imap, 9);
    assert_eq!(nine.peaks.smtp, 2);
    let ten = day.points.iter().find(|p| p.start == t(10, 0)).unwrap();
    assert_eq!(
        ten.counts,
        Default::default(),
        "an hour without samples is zero"
    );
    assert_eq!(day.totals.received, 5);
    assert_eq!(day.totals.logins, 6);
    assert_eq!(
        day.top_senders,
        vec![
            ("b@example.net".to_owned(), 5),
            ("a@example.net".to_owned(), 2)
        ]
    );
    assert_eq!(day.top_rejected_ips, vec![("192.0.2.9".to_owned(), 3)]);
    // Now (12:00): node 1 sampled a minute ago (1 IMAP session); node 2's sample of
    // 09:30 is too old to count.
    assert_eq!(day.now.imap, 1);
    assert_eq!(day.sampled_at, Some(t(11, 59)));

    let month = f
        .directory
        .activity(&admin, ActivityRange::Month, t(12, 0), INTERVAL)
        .await
        .unwrap();
    assert_eq!((month.step_seconds, month.points.len()), (86_400, 30));
    let today = month.points.last().unwrap();
    assert_eq!(today.start, t(0, 0));
    assert_eq!((today.counts.received, today.counts.logins), (5, 6));
    assert_eq!(today.peaks.imap, 9, "a day's peak is its highest hour");

    // Names are kept a month, counts longer: pruning the names of these hours leaves
    // the counts.
    let removed = f
        .store
        .activity()
        .prune(0, t(12, 0).timestamp())
        .await
        .unwrap();
    assert_eq!(removed, 3, "the three named rows");
    let pruned = f
        .directory
        .activity(&admin, ActivityRange::Day, t(12, 0), INTERVAL)
        .await
        .unwrap();
    assert!(pruned.top_senders.is_empty() && pruned.top_rejected_ips.is_empty());
    assert_eq!(pruned.totals, day.totals);

    // A day later the 09:00 hour has left the 24 hours, not the 30 days.
    let later = t(12, 0) + chrono::Duration::days(1);
    let next_day = f
        .directory
        .activity(&admin, ActivityRange::Day, later, INTERVAL)
        .await
        .unwrap();
    assert_eq!(next_day.totals.received, 0);
    assert!(next_day.top_senders.is_empty());
    assert_eq!(next_day.now.imap, 0, "no node sampled lately");
    assert_eq!(next_day.sampled_at, None);
}

#[tokio::test]
async fn storage_and_the_queue_are_read_from_the_store() {
    let f = Fixture::new().await;
    let big = f.add("big@example.com", Role::User, &[]).await;
    let inbox = f
        .store
        .messages()
        .mailbox_by_name(&big.id, "INBOX")
        .await
        .unwrap();
    let message = |size| osprey_store::NewMessage {
        account_id: big.id.clone(),
        mailbox_id: inbox.id.clone(),
        blob_hash: "0".repeat(64),
        size,
        flags: 0,
        keywords: vec![],
        internal_date: Utc::now(),
        summary: Default::default(),
    };
    f.store
        .messages()
        .append_messages(vec![message(4_000), message(1_000)])
        .await
        .unwrap();
    let report = f
        .directory
        .activity(
            &Actor::account(&f.admin),
            ActivityRange::Day,
            Utc::now(),
            INTERVAL,
        )
        .await
        .unwrap();
    assert_eq!(report.storage.len(), 1);
    assert_eq!(report.storage[0].domain, "example.com");
    assert_eq!(report.storage[0].accounts, 2);
    assert_eq!(report.storage[0].used_bytes, 5_000);
    assert_eq!(report.largest_mailboxes[0].address, "big@example.com");
    assert_eq!(report.largest_mailboxes[0].used_bytes, 5_000);
    assert_eq!(report.now.queue, 0);
}

#[tokio::test]
async fn only_a_server_administrator_reads_the_dashboard() {
    let f = Fixture::new().await;
    let helper = f
        .add("helper@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let user = f.add("user@example.com", Role::User, &[]).await;
    for who in [&helper, &user] {
        let refused = f
            .directory
            .activity(
                &Actor::account(who),
                ActivityRange::Day,
                Utc::now(),
                INTERVAL,
            )
            .await;
        assert!(
            matches!(refused, Err(DirectoryError::Forbidden(_))),
            "{}: {refused:?}",
            who.address()
        );
    }
}
