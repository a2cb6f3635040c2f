//! IMAP state kept between sessions: `\Recent` claims (RFC 3501 §2.3.2) and
//! subscriptions kept apart from the mailboxes (RFC 3501 §6.3.6).

use osprey_core::Role;
use osprey_store::testing::TestDb;

use crate::{domain, new_account, new_message};

#[tokio::test]
async fn recent_is_claimed_once() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "recent.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("r@recent.example", Role::User))
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    let mailboxes = store.mailboxes();
    assert!(mailboxes.claim_recent(&inbox.id).await.unwrap().is_empty());
    store
        .messages()
        .append_messages(vec![
            new_message(&acc.id, &inbox.id, 10),
            new_message(&acc.id, &inbox.id, 10),
        ])
        .await
        .unwrap();
    // Looking takes nothing.
    assert_eq!(mailboxes.unclaimed_recent(&inbox.id).await.unwrap(), 1..3);
    assert_eq!(mailboxes.unclaimed_recent(&inbox.id).await.unwrap(), 1..3);
    // Concurrent claims get disjoint shares of what there is.
    let (a, b) = tokio::join!(
        mailboxes.claim_recent(&inbox.id),
        mailboxes.claim_recent(&inbox.id)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 2, "{a:?} {b:?}");
    assert!(a.is_empty() || b.is_empty(), "{a:?} {b:?}");
    assert!(
        mailboxes
            .unclaimed_recent(&inbox.id)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .messages()
        .append_messages(vec![new_message(&acc.id, &inbox.id, 10)])
        .await
        .unwrap();
    assert_eq!(mailboxes.claim_recent(&inbox.id).await.unwrap(), 3..4);
    let record = store.mailboxes().mailbox(&inbox.id).await.unwrap();
    assert_eq!(record.recent_uid, 4);
}

/// RFC 3501 §2.3.2: "\Recent  Message is "recently" arrived in this mailbox. This
/// session is the first session to have been notified about this message". A message
/// expunged before any session saw it is recent to nobody: claiming it writes nothing,
/// and the next message to arrive is claimed as usual.
#[tokio::test]
async fn a_claim_of_expunged_messages_only_writes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "gone.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("g@gone.example", Role::User))
        .await
        .unwrap();
    let messages = store.messages();
    let inbox = messages.mailbox_by_name(&acc.id, "INBOX").await.unwrap();
    messages
        .append_messages(vec![new_message(&acc.id, &inbox.id, 10)])
        .await
        .unwrap();
    let ids: Vec<String> = messages
        .in_mailbox(&inbox.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    messages.expunge_messages(&inbox.id, &ids).await.unwrap();
    let mailboxes = store.mailboxes();
    let before = mailboxes.mailbox(&inbox.id).await.unwrap();
    assert!(mailboxes.claim_recent(&inbox.id).await.unwrap().is_empty());
    let after = mailboxes.mailbox(&inbox.id).await.unwrap();
    assert_eq!(after.recent_uid, before.recent_uid, "nothing was written");
    messages
        .append_messages(vec![new_message(&acc.id, &inbox.id, 10)])
        .await
        .unwrap();
    assert_eq!(mailboxes.claim_recent(&inbox.id).await.unwrap(), 1..3);
    assert!(mailboxes.claim_recent(&inbox.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn subscriptions_outlive_their_mailboxes_and_follow_renames() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "subs.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("s@subs.example", Role::User))
        .await
        .unwrap();
    let mailboxes = store.mailboxes();
    // The special-use mailboxes start subscribed.
    let subs = mailboxes.subscriptions(&acc.id).await.unwrap();
    for name in ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"] {
        assert!(subs.iter().any(|s| s == name), "{name}: {subs:?}");
    }
    let a = mailboxes.create_mailbox(&acc.id, "a", None).await.unwrap();
    mailboxes
        .create_mailbox(&acc.id, "a/b", None)
        .await
        .unwrap();
    mailboxes.subscribe(&acc.id, "a").await.unwrap();
    mailboxes.subscribe(&acc.id, "a").await.unwrap();
    mailboxes.subscribe(&acc.id, "a/b").await.unwrap();
    mailboxes.subscribe(&acc.id, "nowhere").await.unwrap();
    mailboxes
        .rename_mailbox(&acc.id, "a", "z", '/')
        .await
        .unwrap();
    let subs = mailboxes.subscriptions(&acc.id).await.unwrap();
    assert!(
        subs.contains(&"z".to_owned()) && subs.contains(&"z/b".to_owned()),
        "{subs:?}"
    );
    assert!(!subs.contains(&"a".to_owned()), "{subs:?}");
    mailboxes.delete_mailbox(&a.id).await.unwrap();
    let subs = mailboxes.subscriptions(&acc.id).await.unwrap();
    assert!(
        subs.contains(&"z".to_owned()),
        "deleting keeps the name: {subs:?}"
    );
    mailboxes.unsubscribe(&acc.id, "nowhere").await.unwrap();
    mailboxes.unsubscribe(&acc.id, "nowhere").await.unwrap();
    let subs = mailboxes.subscriptions(&acc.id).await.unwrap();
    assert!(!subs.contains(&"nowhere".to_owned()), "{subs:?}");
}

/// A mailbox view reads the messages' states only (eight columns, not the header
/// summary): they must be what the full rows say, flags and keywords included, and the
/// catch-up by MODSEQ gives the same states for the messages that changed.
#[tokio::test]
async fn message_states_are_what_the_full_rows_say() {
    use osprey_store::{FlagChange, FlagUpdate, MessageState, flags};
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "states.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("s@states.example", Role::User))
        .await
        .unwrap();
    let messages = store.messages();
    let inbox = messages.mailbox_by_name(&acc.id, "INBOX").await.unwrap();
    messages
        .append_messages(vec![
            new_message(&acc.id, &inbox.id, 10),
            new_message(&acc.id, &inbox.id, 20),
            new_message(&acc.id, &inbox.id, 30),
        ])
        .await
        .unwrap();
    let before = messages.highest_modseq(&inbox.id).await.unwrap();
    let second = messages.in_mailbox(&inbox.id).await.unwrap()[1].id.clone();
    let update = FlagUpdate {
        change: FlagChange::Add,
        flags: flags::FLAGGED,
        keywords: vec!["$Label1".into()],
    };
    messages
        .update_flags(&inbox.id, std::slice::from_ref(&second), &update)
        .await
        .unwrap();
    let full: Vec<MessageState> = messages
        .in_mailbox(&inbox.id)
        .await
        .unwrap()
        .into_iter()
        .map(MessageState::from)
        .collect();
    let states = messages.states_in_mailbox(&inbox.id).await.unwrap();
    assert_eq!(states, full);
    assert_eq!(states.len(), 3);
    assert_eq!(states[1].id, second);
    assert_eq!(states[1].keywords, ["$Label1"]);
    assert_ne!(states[1].flags & flags::FLAGGED, 0);
    assert!(states.iter().all(|s| s.size > 0 && !s.blob_hash.is_empty()));
    let changes = messages.mailbox_changes(&inbox.id, before).await.unwrap();
    assert_eq!(changes.changed, [states[1].clone()]);
    assert!(changes.expunged.is_empty());
}
