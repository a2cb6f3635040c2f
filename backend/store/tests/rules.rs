//! Delivery rule sets (revisions, one per owner) and the log of automatic answers.

use chrono::{Duration, Utc};
use osprey_core::Role;
use osprey_store::{RuleOwner, StoreError, testing::TestDb};

use crate::{domain, new_account};

#[tokio::test]
async fn a_rule_set_is_replaced_only_at_the_revision_its_writer_read() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let d = domain(&store, "example.com", &[]).await;
    let a = store
        .accounts()
        .create_account(new_account("ann@example.com", Role::User))
        .await
        .unwrap();
    let mine = RuleOwner::Account(a.id.clone());
    let theirs = RuleOwner::Domain(d.id.clone());
    let r = store.rules();

    let none = r.rule_set(&mine).await.unwrap();
    assert_eq!((none.revision, none.rules.as_str()), (0, ""));
    let first = r.put_rule_set(&mine, "[1]", Some(0)).await.unwrap();
    assert_eq!(first.revision, 1);
    // A writer that read revision 0 is too late now.
    let stale = r.put_rule_set(&mine, "[2]", Some(0)).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale:?}");
    assert_eq!(r.rule_set(&mine).await.unwrap().rules, "[1]");
    let second = r.put_rule_set(&mine, "[2]", Some(1)).await.unwrap();
    assert_eq!((second.revision, second.rules.as_str()), (2, "[2]"));
    // Without an expected revision the write always goes in.
    assert_eq!(
        r.put_rule_set(&mine, "[3]", None).await.unwrap().revision,
        3
    );

    r.put_rule_set(&theirs, "[\"domain\"]", None).await.unwrap();
    let (dom, acc) = r.for_delivery(&a.id, &d.id).await.unwrap();
    assert_eq!(dom.unwrap().rules, "[\"domain\"]");
    assert_eq!(acc.unwrap().rules, "[3]");
    let (dom, acc) = r.for_delivery("nobody", "nowhere").await.unwrap();
    assert!(dom.is_none() && acc.is_none());

    let missing = RuleOwner::Account("nobody".into());
    let err = r.put_rule_set(&missing, "[]", None).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // The rules go with their account.
    store.accounts().delete_account(&a.id).await.unwrap();
    assert_eq!(r.rule_set(&mine).await.unwrap().revision, 0);
}

#[tokio::test]
async fn the_last_answer_to_a_sender_is_remembered_per_handle() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "example.com", &[]).await;
    let a = store
        .accounts()
        .create_account(new_account("ann@example.com", Role::User))
        .await
        .unwrap();
    let r = store.rules();
    assert!(r.replies_to(&a.id, "bob@x.org").await.unwrap().is_empty());
    let then = Utc::now() - Duration::days(3);
    r.record_reply(&a.id, "h1", "bob@x.org", then)
        .await
        .unwrap();
    let now = Utc::now();
    r.record_reply(&a.id, "h1", "bob@x.org", now).await.unwrap();
    r.record_reply(&a.id, "h2", "bob@x.org", then)
        .await
        .unwrap();
    let mut got = r.replies_to(&a.id, "bob@x.org").await.unwrap();
    got.sort();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, "h1");
    assert!((got[0].1 - now).num_seconds().abs() < 1, "{got:?}");
    assert_eq!(got[1].0, "h2");
    assert!(r.replies_to(&a.id, "carol@x.org").await.unwrap().is_empty());
}
