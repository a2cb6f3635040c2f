//! Flag updates: MODSEQ bumps and the UNCHANGEDSINCE test (RFC 7162 §3.1.3).

use osprey_core::Role;
use osprey_store::{FlagChange, FlagUpdate, flags, testing::TestDb};

use crate::{account_with_inbox, domain, new_account, new_message};

#[tokio::test]
async fn unchanged_since_leaves_newer_messages_alone() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "mail.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("f@mail.example", Role::User))
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    let landed = store
        .messages()
        .append_messages(vec![
            new_message(&acc.id, &inbox.id, 10),
            new_message(&acc.id, &inbox.id, 10),
        ])
        .await
        .unwrap();
    let ids: Vec<String> = landed.iter().map(|l| l.id.clone()).collect();
    let base = landed[1].modseq;
    let flag = |bits| FlagUpdate {
        change: FlagChange::Add,
        flags: bits,
        keywords: vec![],
    };
    let first = store
        .messages()
        .update_flags(&inbox.id, &ids[1..], &flag(flags::FLAGGED))
        .await
        .unwrap();
    assert!(first[0].modseq > base);
    let (done, modified) = store
        .messages()
        .update_flags_unchanged_since(&inbox.id, &ids, &flag(flags::SEEN), Some(base), false)
        .await
        .unwrap();
    assert_eq!(modified, vec![2]);
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].uid, 1);
    assert_eq!(done[0].flags, flags::SEEN);
    let now = store.messages().in_mailbox(&inbox.id).await.unwrap();
    assert_eq!(now[1].flags, flags::FLAGGED, "message 2 was left alone");
    // A message not changed by the update keeps its MODSEQ and passes.
    let (done, modified) = store
        .messages()
        .update_flags_unchanged_since(
            &inbox.id,
            &ids[..1],
            &flag(flags::SEEN),
            Some(done[0].modseq),
            true,
        )
        .await
        .unwrap();
    assert!(modified.is_empty());
    assert_eq!(done[0].modseq, now[0].modseq);
}

/// A STORE that changes nothing is a read: RFC 9051 §6.4.6 asks only that the flags
/// end up as requested, and they already are. It is answered while another connection
/// holds the write lock (SQLite) or the account's and mailbox's rows (PostgreSQL); a
/// STORE that changes a flag still waits for them.
#[tokio::test]
async fn a_store_that_changes_nothing_does_not_wait_for_the_writers() {
    use sea_orm::{
        ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    };

    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "g@mail.example").await;
    let landed = store
        .messages()
        .append_messages(vec![new_message(&account, &inbox, 10)])
        .await
        .unwrap();
    let ids = vec![landed[0].id.clone()];
    let add = |bits| FlagUpdate {
        change: FlagChange::Add,
        flags: bits,
        keywords: vec!["$Label1".into()],
    };
    let flagged = store
        .messages()
        .update_flags(&inbox, &ids, &add(flags::FLAGGED))
        .await
        .unwrap();

    let other = Database::connect(db.url.as_str()).await.unwrap();
    let sqlite = other.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let blocker = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();
    if !sqlite {
        for sql in [
            format!(
                "SELECT id FROM accounts WHERE id = '{}' FOR UPDATE",
                account
            ),
            format!("SELECT id FROM mailboxes WHERE id = '{}' FOR UPDATE", inbox),
        ] {
            blocker.execute_unprepared(&sql).await.unwrap();
        }
    }
    let again = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        store
            .messages()
            .update_flags(&inbox, &ids, &add(flags::FLAGGED)),
    )
    .await
    .expect("answered without waiting for the writer")
    .unwrap();
    assert_eq!(again, flagged, "as it was: same flags, keywords and MODSEQ");

    let writer = {
        let (store, mailbox, ids) = (store.clone(), inbox.clone(), ids.clone());
        tokio::spawn(async move {
            store
                .messages()
                .update_flags(&mailbox, &ids, &add(flags::SEEN))
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!writer.is_finished(), "a change waits for the other writer");
    blocker.rollback().await.unwrap();
    let seen = writer.await.unwrap().unwrap();
    assert_eq!(seen[0].flags, flags::FLAGGED | flags::SEEN);
    assert!(seen[0].modseq > flagged[0].modseq);
    let _ = other.close().await;
}

/// A STORE that the caller's view sees changing a message goes straight to the write.
/// When the view was out of date (the message is already as asked), the answer is the
/// one the read would have given, and nothing is written: no MODSEQ is spent.
#[tokio::test]
async fn a_store_seen_as_a_change_on_an_out_of_date_view_answers_as_the_read_would() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "h@mail.example").await;
    let landed = store
        .messages()
        .append_messages(vec![new_message(&account, &inbox, 10)])
        .await
        .unwrap();
    let ids = vec![landed[0].id.clone()];
    let add = |bits, keyword: &str| FlagUpdate {
        change: FlagChange::Add,
        flags: bits,
        keywords: vec![keyword.into()],
    };
    let seen = store
        .messages()
        .update_flags(&inbox, &ids, &add(flags::SEEN, "$Label1"))
        .await
        .unwrap();
    let highest = store.messages().highest_modseq(&inbox).await.unwrap();
    // Keywords compare without regard to case (RFC 9051 §2.3.2).
    let again = add(flags::SEEN, "$label1");
    assert!(!again.changes(seen[0].flags, &seen[0].keywords));
    assert!(again.changes(0, &[]));
    assert!(add(flags::FLAGGED, "$Label1").changes(seen[0].flags, &seen[0].keywords));

    let (done, modified) = store
        .messages()
        .update_flags_unchanged_since(&inbox, &ids, &again, None, true)
        .await
        .unwrap();
    assert!(modified.is_empty());
    assert_eq!(done, seen, "the answer of the read");
    assert_eq!(
        store.messages().highest_modseq(&inbox).await.unwrap(),
        highest,
        "nothing was written"
    );

    // A view that is right: the flag is set, with the next MODSEQ.
    let (done, _) = store
        .messages()
        .update_flags_unchanged_since(&inbox, &ids, &add(flags::FLAGGED, "$Label1"), None, true)
        .await
        .unwrap();
    assert_eq!(done[0].flags, flags::SEEN | flags::FLAGGED);
    assert!(done[0].modseq > highest);
}

/// RFC 9051 §6.4.3: EXPUNGE "permanently removes all messages that have the \Deleted
/// flag set from the currently selected mailbox". They are chosen in the write that
/// removes them: a message whose `\Deleted` was taken away before it ran stays, and an
/// expunge that finds none writes nothing.
#[tokio::test]
async fn expunging_the_deleted_chooses_them_when_the_write_runs() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "i@mail.example").await;
    let landed = store
        .messages()
        .append_messages((0..4).map(|_| new_message(&account, &inbox, 10)).collect())
        .await
        .unwrap();
    let ids: Vec<String> = landed.iter().map(|l| l.id.clone()).collect();
    let deleted = |change| FlagUpdate {
        change,
        flags: flags::DELETED,
        keywords: vec![],
    };
    let messages = store.messages();
    messages
        .update_flags(&inbox, &ids[..3], &deleted(FlagChange::Add))
        .await
        .unwrap();
    // Another session takes \Deleted away from the second one again.
    messages
        .update_flags(&inbox, &ids[1..2], &deleted(FlagChange::Remove))
        .await
        .unwrap();
    let gone = messages.expunge_deleted(&inbox).await.unwrap();
    assert_eq!(gone, vec![1, 3]);
    let left: Vec<u32> = messages
        .in_mailbox(&inbox)
        .await
        .unwrap()
        .iter()
        .map(|m| m.uid)
        .collect();
    assert_eq!(left, vec![2, 4]);
    assert_eq!(
        messages.expunged_since(&inbox, 0).await.unwrap(),
        vec![1, 3]
    );
    assert_eq!(
        store.accounts().account(&account).await.unwrap().used_bytes,
        20,
        "the usage follows"
    );
    let highest = messages.highest_modseq(&inbox).await.unwrap();
    assert!(messages.expunge_deleted(&inbox).await.unwrap().is_empty());
    assert_eq!(messages.highest_modseq(&inbox).await.unwrap(), highest);
}
