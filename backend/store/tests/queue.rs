//! The outbound queue and the relay policy setting.

use chrono::{Duration, Utc};
use osprey_core::{RelayDestination, RelayMode, RelayPolicy};
use osprey_store::{
    Attempt, DELIVERED, FAILED, NewQueuedMessage, NewQueuedRecipient, PENDING, QueueFilter,
    StoreError, testing::TestDb,
};

fn queued(sender: &str, rcpts: &[&str]) -> NewQueuedMessage {
    NewQueuedMessage {
        sender: sender.into(),
        account_id: Some("acc-1".into()),
        blob_hash: "a".repeat(64),
        size: 1234,
        envelope_id: Some("env-1".into()),
        return_full: false,
        is_bounce: false,
        subject: "Hello".into(),
        message_id: None,
        recipients: rcpts.iter().map(|r| NewQueuedRecipient::to(*r)).collect(),
    }
}

#[tokio::test]
async fn relay_policy_defaults_and_round_trips() {
    let db = TestDb::new().await;
    let store = db.store().await;
    assert_eq!(
        store.settings().relay_policy().await.unwrap(),
        RelayPolicy::default()
    );
    let policy = RelayPolicy {
        mode: RelayMode::LocalHosts,
        networks: vec![
            "10.0.0.0/8".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
        ],
        destinations: vec![RelayDestination::parse("partner.test").unwrap()],
    };
    store.settings().set_relay_policy(&policy).await.unwrap();
    assert_eq!(store.settings().relay_policy().await.unwrap(), policy);
    let none = RelayPolicy {
        mode: RelayMode::NoRelay,
        ..Default::default()
    };
    store.settings().set_relay_policy(&none).await.unwrap();
    assert_eq!(
        store.settings().relay_policy().await.unwrap(),
        none,
        "replaced, not merged"
    );
}

#[tokio::test]
async fn queued_recipients_are_claimed_once_and_carry_their_own_state() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let id = store
        .queue()
        .enqueue(queued("a@local.test", &["x@Remote.TEST", "y@other.test"]))
        .await
        .unwrap();
    let now = Utc::now() + Duration::seconds(1);
    let claimed = store
        .queue()
        .claim_due(now, Duration::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].message.id, id);
    assert_eq!(claimed[0].recipients.len(), 2);
    assert!(
        claimed[0]
            .recipients
            .iter()
            .any(|r| r.domain == "remote.test")
    );
    // Leased: a second worker gets nothing until the lease runs out.
    assert!(
        store
            .queue()
            .claim_due(now, Duration::minutes(5), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .queue()
            .claim_due(now + Duration::minutes(6), Duration::minutes(5), 10)
            .await
            .unwrap()
            .len(),
        1,
        "an expired lease is claimed again"
    );
    let (x, y) = (&claimed[0].recipients[0], &claimed[0].recipients[1]);
    store
        .queue()
        .record_attempt(
            &x.id,
            Attempt::Delivered {
                status: "2.0.0".into(),
                detail: "250 ok".into(),
                remote_mta: Some("mx.remote.test".into()),
            },
        )
        .await
        .unwrap();
    let later = Utc::now() + Duration::minutes(10);
    store
        .queue()
        .record_attempt(
            &y.id,
            Attempt::Deferred {
                next_attempt_at: later,
                status: "4.4.1".into(),
                error: "connection refused".into(),
                remote_mta: None,
            },
        )
        .await
        .unwrap();
    let entry = store.queue().queue_entry(&id).await.unwrap();
    let state = |rid: &str| {
        entry
            .recipients
            .iter()
            .find(|r| r.id == rid)
            .unwrap()
            .clone()
    };
    assert_eq!(state(&x.id).status, DELIVERED);
    let y_state = state(&y.id);
    assert_eq!(y_state.status, PENDING);
    assert_eq!(y_state.attempts, 1);
    assert_eq!(y_state.last_error.as_deref(), Some("connection refused"));
    // Not due before its next attempt; retry-now makes it due.
    assert!(
        store
            .queue()
            .claim_due(Utc::now(), Duration::minutes(5), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.queue().queue_retry_now(&id).await.unwrap(), 1);
    let again = store
        .queue()
        .claim_due(Utc::now() + Duration::seconds(1), Duration::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(again[0].recipients.len(), 1);
    store
        .queue()
        .record_attempt(
            &y.id,
            Attempt::Failed {
                status: "5.1.1".into(),
                error: "550 5.1.1 no such user".into(),
                remote_mta: Some("mx.other.test".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .queue()
            .queue_entry(&id)
            .await
            .unwrap()
            .recipients
            .iter()
            .filter(|r| r.status == FAILED)
            .count(),
        1
    );
    assert_eq!(
        store.queue().next_due_at().await.unwrap(),
        None,
        "nothing pending"
    );
    // Finished messages are purged after their time; pending ones never are.
    let pending = store
        .queue()
        .enqueue(queued("b@local.test", &["z@remote.test"]))
        .await
        .unwrap();
    let purged = store
        .queue()
        .purge_finished_queue(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert!(matches!(
        store.queue().queue_entry(&id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.queue().queue_entry(&pending).await.is_ok());
}

#[tokio::test]
async fn queue_lists_by_filter_and_deletes() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let a = store
        .queue()
        .enqueue(queued("a@local.test", &["x@remote.test"]))
        .await
        .unwrap();
    let mut other = queued("b@local.test", &["y@other.test"]);
    other.account_id = Some("acc-2".into());
    let b = store.queue().enqueue(other).await.unwrap();
    let all = store
        .queue()
        .queue_entries(&QueueFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|e| e.message.id.clone()).collect::<Vec<_>>(),
        vec![b.clone(), a.clone()]
    );
    let by_domain = store
        .queue()
        .queue_entries(&QueueFilter {
            domain: Some("REMOTE.test".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_domain.len(), 1);
    assert_eq!(by_domain[0].message.id, a);
    let by_account = store
        .queue()
        .queue_entries(&QueueFilter {
            account_id: Some("acc-2".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_account[0].message.id, b);
    let failed = store
        .queue()
        .queue_entries(&QueueFilter {
            status: Some(FAILED.into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(failed.is_empty());
    store.queue().queue_delete(&a).await.unwrap();
    assert!(matches!(
        store.queue().queue_delete(&a).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.queue().queue_retry_now(&a).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .queue()
            .enqueue(queued("c@local.test", &[]))
            .await
            .is_err(),
        "no recipients"
    );
}

/// A mailing list's post goes to thousands of recipients in one message: more rows than
/// one statement may carry values for (32,766 on SQLite, 65,535 on PostgreSQL; 16 per
/// recipient).
#[tokio::test]
async fn a_message_for_five_thousand_recipients_is_queued_whole() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let rcpts: Vec<String> = (0..5_000)
        .map(|i| format!("member{i}@domain{}.example", i % 100))
        .collect();
    let refs: Vec<&str> = rcpts.iter().map(String::as_str).collect();
    let id = store
        .queue()
        .enqueue(queued("team-bounces@lists.example", &refs))
        .await
        .unwrap();
    let entry = store.queue().queue_entry(&id).await.unwrap();
    assert_eq!(entry.recipients.len(), 5_000);
}
