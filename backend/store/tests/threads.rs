//! Conversations: a message joins the conversation of the first Message-ID it names
//! that the account has seen (whichever of the relatives arrived first), copies keep
//! theirs, accounts never share one, and the migration threads an existing store the
//! same way.

use chrono::{Duration, Utc};
use osprey_core::Role;
use osprey_migrations::{Migrator, MigratorTrait};
use osprey_store::{MessageSummary, Store, testing::TestDb};
use sea_orm::ConnectionTrait;

use crate::{account_with_inbox, domain, new_account, new_message};

/// Appends a message with Message-ID `id` naming `refs`, `minutes` after a fixed start;
/// returns its row id.
async fn append(
    store: &Store,
    account: &str,
    mailbox: &str,
    id: &str,
    refs: &str,
    minutes: i64,
) -> String {
    let mut m = new_message(account, mailbox, 1);
    m.internal_date = Utc::now() - Duration::days(1) + Duration::minutes(minutes);
    m.summary = MessageSummary {
        message_id: (!id.is_empty()).then(|| id.to_owned()),
        references: (!refs.is_empty()).then(|| refs.to_owned()),
        ..MessageSummary::default()
    };
    store.messages().append_messages(vec![m]).await.unwrap()[0]
        .id
        .clone()
}

async fn thread(store: &Store, id: &str) -> String {
    store
        .messages()
        .message(id)
        .await
        .unwrap()
        .thread_id
        .unwrap()
}

/// One account's INBOX with two conversations in it (one of them completed by a
/// message that arrived after its reply) and a message with no IDs; the row ids.
async fn fill(store: &Store, account: &str, inbox: &str) -> [String; 6] {
    [
        append(store, account, inbox, "a@x", "", 1).await,
        append(store, account, inbox, "b@x", "a@x", 2).await,
        append(store, account, inbox, "q@x", "p@x", 3).await,
        append(store, account, inbox, "c@x", "a@x b@x", 4).await,
        append(store, account, inbox, "p@x", "", 5).await,
        append(store, account, inbox, "", "", 6).await,
    ]
}

async fn assert_threads(store: &Store, ids: &[String; 6]) {
    let t: Vec<String> = {
        let mut t = Vec::new();
        for id in ids {
            t.push(thread(store, id).await);
        }
        t
    };
    assert_eq!(
        t[0], ids[0],
        "a message that names nothing known starts its own"
    );
    assert_eq!((&t[1], &t[3]), (&t[0], &t[0]), "replies join it");
    assert_eq!(
        t[4], t[2],
        "a message joins the reply that arrived before it"
    );
    assert_ne!(t[2], t[0]);
    assert_eq!(t[5], ids[5], "no IDs: a conversation of its own");
}

#[tokio::test]
async fn messages_join_the_conversation_of_the_ids_they_name() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "thr.example", &[]).await;
    let mut accounts = Vec::new();
    for who in ["t@thr.example", "u@thr.example"] {
        let mut a = new_account(who, Role::User);
        a.quota_bytes = None;
        accounts.push(store.accounts().create_account(a).await.unwrap().id);
    }
    let inbox = |acc: &str| {
        let (store, acc) = (store.clone(), acc.to_owned());
        async move {
            store
                .messages()
                .mailbox_by_name(&acc, "INBOX")
                .await
                .unwrap()
                .id
        }
    };
    let (t_inbox, u_inbox) = (inbox(&accounts[0]).await, inbox(&accounts[1]).await);
    let ids = fill(&store, &accounts[0], &t_inbox).await;
    assert_threads(&store, &ids).await;

    // Another account's copy of a reply is threaded in that account alone.
    let other = append(&store, &accounts[1], &u_inbox, "b@x", "a@x", 7).await;
    assert_eq!(thread(&store, &other).await, other);

    // A copy keeps its conversation; the conversation lists it.
    let archive = store
        .mailboxes()
        .create_mailbox(&accounts[0], "Kept", None)
        .await
        .unwrap()
        .id;
    store
        .messages()
        .copy_messages(&t_inbox, &[ids[1].clone()], &archive)
        .await
        .unwrap();
    let conv = store
        .messages()
        .conversation(&accounts[0], &ids[0])
        .await
        .unwrap();
    assert_eq!(conv.len(), 4);
    assert!(
        conv.iter()
            .all(|m| m.thread_id.as_deref() == Some(ids[0].as_str()))
    );
    assert!(
        store
            .messages()
            .conversation(&accounts[1], &ids[0])
            .await
            .unwrap()
            .is_empty()
    );
}

/// RFC 5256 §2.2's REFERENCES links every message a message names into one thread: a
/// message naming two conversations joins them, and what comes later meets the whole.
#[tokio::test]
async fn a_message_naming_two_conversations_joins_them() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "j@join.example").await;
    // Two replies to a root not yet seen, one naming it, the other only its own parent.
    let x = append(&store, &account, &inbox, "x@j", "root@j", 1).await;
    let y = append(&store, &account, &inbox, "y@j", "", 2).await;
    let y2 = append(&store, &account, &inbox, "y2@j", "y@j", 3).await;
    assert_ne!(thread(&store, &x).await, thread(&store, &y).await);
    // The root arrives last naming y@j as well: both conversations are one.
    let z = append(&store, &account, &inbox, "z@j", "root@j y@j", 4).await;
    let joined = thread(&store, &x).await;
    for m in [&y, &y2, &z] {
        assert_eq!(thread(&store, m).await, joined, "every message of both");
    }
    // A later reply to the joined one's message finds the whole conversation.
    let w = append(&store, &account, &inbox, "w@j", "y2@j", 5).await;
    assert_eq!(thread(&store, &w).await, joined);
    let conv = store
        .messages()
        .conversation(&account, &joined)
        .await
        .unwrap();
    assert_eq!(conv.len(), 5);
}

/// A message of `summary` (Message-ID `id` naming `refs`) for one batch.
fn named(account: &str, mailbox: &str, id: &str, refs: &str) -> osprey_store::NewMessage {
    let mut m = new_message(account, mailbox, 1);
    m.summary = MessageSummary {
        message_id: Some(id.to_owned()),
        references: (!refs.is_empty()).then(|| refs.to_owned()),
        ..MessageSummary::default()
    };
    m
}

#[tokio::test]
async fn one_batch_threads_as_its_messages_one_by_one() {
    // Delivery appends many messages in one transaction, the conversations of all of
    // them worked out before any is written: each must still meet the ones before it
    // in the batch, and a join must move those too.
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "b@batch.example").await;
    let y = append(&store, &account, &inbox, "y@b", "", 1).await;
    let batch = vec![
        named(&account, &inbox, "p@b", ""),
        // Joins the batch's p into the stored y's conversation (p's row not yet written).
        named(&account, &inbox, "q@b", "y@b p@b"),
        named(&account, &inbox, "x@b", "root@b"),
        named(&account, &inbox, "x2@b", "x@b"),
        // Names x's conversation and the stored one (with p and q now): joins them.
        named(&account, &inbox, "z@b", "root@b y@b"),
        named(&account, &inbox, "w@b", "y@b"),
    ];
    let ids: Vec<String> = store
        .messages()
        .append_messages(batch)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let joined = thread(&store, &ids[2]).await;
    for m in ids.iter().chain([&y]) {
        assert_eq!(
            thread(&store, m).await,
            joined,
            "every message of all three"
        );
    }
    let conv = store
        .messages()
        .conversation(&account, &joined)
        .await
        .unwrap();
    assert_eq!(conv.len(), 7);
    // The links the batch wrote lead a later reply there too.
    let v = append(&store, &account, &inbox, "v@b", "x2@b", 6).await;
    assert_eq!(thread(&store, &v).await, joined);
}

#[tokio::test]
async fn the_migration_threads_an_existing_store() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (acc, inbox) = account_with_inbox(&store, "t@thr.example").await;
    let ids = fill(&store, &acc, &inbox).await;
    // Back to before conversations (threads and links gone), then up again.
    let conn = sea_orm::Database::connect(db.url.as_str()).await.unwrap();
    let later = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261205_000023_create_thread_links")
        .unwrap();
    Migrator::down(&conn, Some(later as u32 + 1)).await.unwrap();
    // (Read without the entity, which knows the columns of later migrations.)
    let threaded = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT count(*) AS n FROM messages WHERE thread_id IS NOT NULL",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(threaded, 0);
    Migrator::up(&conn, None).await.unwrap();
    let _ = conn.close().await;
    assert_threads(&store, &ids).await;
    // New mail finds the links the migration made.
    let late = append(&store, &acc, &inbox, "r@x", "p@x", 9).await;
    assert_eq!(thread(&store, &late).await, thread(&store, &ids[2]).await);
}
