//! The full-text index: the queue delivery fills, the rows the indexer writes, substring
//! search over the folded text, the size limits, pruning and the backfill of an
//! existing store.

use std::collections::HashSet;

use osprey_core::Role;
use osprey_migrations::{Migrator, MigratorTrait};
use osprey_store::{
    MAX_BODY_TEXT, MAX_HEADER_TEXT, MessageText, Store, TextField, blob::blob_hash, testing::TestDb,
};

use crate::{domain, new_account, new_message};

/// A store with one account; returns the store, the account and its INBOX and Trash.
async fn setup(db: &TestDb) -> (Store, String, String, String) {
    let store = db.store().await;
    domain(&store, "fts.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("t@fts.example", Role::User))
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap()
        .id;
    let trash = store
        .messages()
        .mailbox_by_name(&acc.id, "Trash")
        .await
        .unwrap()
        .id;
    (store, acc.id, inbox, trash)
}

/// Appends a message naming the blob `name` stands for; returns the blob hash.
async fn append(store: &Store, account: &str, mailbox: &str, name: &str) -> String {
    let hash = blob_hash(name.as_bytes());
    let mut m = new_message(account, mailbox, 10);
    m.blob_hash.clone_from(&hash);
    store.messages().append_messages(vec![m]).await.unwrap();
    hash
}

fn text(headers: &str, body: &str) -> Option<MessageText> {
    Some(MessageText {
        headers: headers.into(),
        body: body.into(),
    })
}

fn set(hashes: &[&String]) -> HashSet<String> {
    hashes.iter().map(|h| (*h).clone()).collect()
}

#[tokio::test]
async fn delivery_queues_and_search_finds_folded_substrings() {
    let db = TestDb::new().await;
    let (store, acc, inbox, trash) = setup(&db).await;
    let a = append(&store, &acc, &inbox, "a").await;
    let b = append(&store, &acc, &inbox, "b").await;
    let c = append(&store, &acc, &inbox, "c").await;
    let elsewhere = append(&store, &acc, &trash, "elsewhere").await;
    // Delivery queued every blob and indexed none.
    assert_eq!(store.text_index().text_queue_len().await.unwrap(), 4);
    let queued = store.text_index().queued_texts(64).await.unwrap();
    assert_eq!(queued.len(), 4);
    assert!(queued.iter().all(|q| !q.indexed));
    assert_eq!(
        store.text_index().unindexed_blobs(&inbox).await.unwrap(),
        set(&[&a, &b, &c])
    );
    store
        .text_index()
        .save_message_texts(vec![
            (
                a.clone(),
                text(
                    "Subject: Quarterly Report\nFrom: Ann <ann@example.com>",
                    "The QUICK brown fox, un été chaud; 100% sure; a_b; say \"hi\"",
                ),
            ),
            (
                b.clone(),
                text("Subject: Other", "brown quick fox; 1000 ways; axb; zq"),
            ),
            (elsewhere.clone(), text("", "the quick brown fox")),
        ])
        .await
        .unwrap();
    // The rows are written and the blobs left the queue in the same call; c waits.
    assert_eq!(store.text_index().text_queue_len().await.unwrap(), 1);
    assert_eq!(
        store.text_index().unindexed_blobs(&inbox).await.unwrap(),
        set(&[&c])
    );
    let find = |field, needle: &str| {
        let store = store.clone();
        let inbox = inbox.clone();
        let needle = needle.to_owned();
        async move {
            store
                .text_index()
                .search_text(&inbox, field, needle.as_bytes())
                .await
                .unwrap()
        }
    };
    use TextField::{Body, Text};
    // Substrings, not words; case-insensitive, also beyond ASCII; this mailbox only.
    assert_eq!(find(Body, "quick brown").await, set(&[&a]));
    assert_eq!(find(Body, "uick").await, set(&[&a, &b]));
    assert_eq!(find(Body, "ÉTÉ").await, set(&[&a]));
    assert_eq!(find(Body, "Été CHAUD").await, set(&[&a]));
    // Needles of one or two characters have no trigram.
    assert_eq!(find(Body, "zq").await, set(&[&b]));
    assert_eq!(find(Body, "ÉT").await, set(&[&a]));
    assert_eq!(find(Body, "é").await, set(&[&a]));
    assert_eq!(find(Body, "").await, set(&[&a, &b]));
    // LIKE's and FTS5's special characters are plain characters.
    assert_eq!(find(Body, "0%").await, set(&[&a]));
    assert_eq!(find(Body, "00% s").await, set(&[&a]));
    assert_eq!(find(Body, "a_b").await, set(&[&a]));
    assert_eq!(find(Body, "_").await, set(&[&a]));
    assert_eq!(find(Body, "say \"hi\"").await, set(&[&a]));
    assert_eq!(find(Body, "\"").await, set(&[&a]));
    // A long needle: past the trigrams looked up, the text decides.
    let long = "the quick brown fox, un été chaud; 100% sure; a_b; say \"hi\"";
    assert_eq!(find(Body, long).await, set(&[&a]));
    assert_eq!(find(Body, &long.replace("hi", "ho")).await, set(&[]));
    assert_eq!(find(Body, "   ").await, set(&[]));
    // BODY looks at the body, TEXT at the header too.
    assert_eq!(find(Body, "quarterly").await, set(&[]));
    assert_eq!(find(Text, "QUARTERLY report").await, set(&[&a]));
    assert_eq!(find(Text, "ann@example").await, set(&[&a]));
    assert_eq!(find(Text, "fox").await, set(&[&a, &b]));
    assert_eq!(find(Text, "subject: other").await, set(&[&b]));
    assert_eq!(find(Body, "nowhere").await, set(&[]));
    // b has every trigram of the needle, but not in a row: the text itself decides.
    assert_eq!(find(Body, "brown fox").await, set(&[&a]));
}

#[tokio::test]
async fn text_past_the_limits_is_not_indexed() {
    let db = TestDb::new().await;
    let (store, acc, inbox, _) = setup(&db).await;
    let a = append(&store, &acc, &inbox, "a").await;
    let mut body = "lorem ipsum ".repeat(MAX_BODY_TEXT / 12);
    // "tailword" starts three bytes before the limit.
    body.truncate(MAX_BODY_TEXT - 12);
    body.push_str("édgeword tailword");
    let mut headers = "X-Filler: padding\n".repeat(MAX_HEADER_TEXT / 18);
    headers.push_str("X-Last: lastheader\n");
    store
        .text_index()
        .save_message_texts(vec![(a.clone(), text(&headers, &body))])
        .await
        .unwrap();
    let find = |field, needle: &str| {
        let store = store.clone();
        let inbox = inbox.clone();
        let needle = needle.to_owned();
        async move {
            store
                .text_index()
                .search_text(&inbox, field, needle.as_bytes())
                .await
                .unwrap()
        }
    };
    assert_eq!(find(TextField::Body, "lorem ipsum").await, set(&[&a]));
    assert_eq!(find(TextField::Body, "édgeword").await, set(&[&a]));
    assert_eq!(find(TextField::Body, "tailword").await, set(&[]));
    assert_eq!(find(TextField::Text, "x-filler").await, set(&[&a]));
    assert_eq!(find(TextField::Text, "lastheader").await, set(&[]));
}

#[tokio::test]
async fn indexed_blobs_leave_the_queue_and_orphans_are_pruned() {
    let db = TestDb::new().await;
    let (store, acc, inbox, _) = setup(&db).await;
    let a = append(&store, &acc, &inbox, "a").await;
    let b = append(&store, &acc, &inbox, "b").await;
    store
        .text_index()
        .save_message_texts(vec![
            (a.clone(), text("", "alpha text")),
            (b.clone(), text("", "beta text")),
        ])
        .await
        .unwrap();
    // The same body delivered again is queued, but its row is there already: it only
    // leaves the queue, and the row stays.
    append(&store, &acc, &inbox, "a").await;
    let queued = store.text_index().queued_texts(64).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert!(queued[0].indexed);
    store
        .text_index()
        .save_message_texts(vec![(a.clone(), None)])
        .await
        .unwrap();
    assert_eq!(store.text_index().text_queue_len().await.unwrap(), 0);
    let alpha = store
        .text_index()
        .search_text(&inbox, TextField::Body, b"alpha")
        .await
        .unwrap();
    assert_eq!(alpha, set(&[&a]));
    // Nothing is orphaned while a message names the blob.
    assert_eq!(store.text_index().prune_message_texts().await.unwrap(), 0);
    let messages = store.messages().in_mailbox(&inbox).await.unwrap();
    let of_b: Vec<String> = messages
        .iter()
        .filter(|m| m.blob_hash == b)
        .map(|m| m.id.clone())
        .collect();
    store
        .messages()
        .expunge_messages(&inbox, &of_b)
        .await
        .unwrap();
    assert_eq!(store.text_index().prune_message_texts().await.unwrap(), 1);
    assert_eq!(store.text_index().prune_message_texts().await.unwrap(), 0);
    // b's row (and its trigrams) went: delivered again, it is not indexed and no
    // search finds it until it is.
    append(&store, &acc, &inbox, "b").await;
    assert_eq!(
        store.text_index().unindexed_blobs(&inbox).await.unwrap(),
        set(&[&b])
    );
    let beta = store
        .text_index()
        .search_text(&inbox, TextField::Body, b"beta")
        .await
        .unwrap();
    assert!(beta.is_empty());
    let text_hits = store
        .text_index()
        .search_text(&inbox, TextField::Body, b"text")
        .await
        .unwrap();
    assert_eq!(text_hits, set(&[&a]));
}

#[tokio::test]
async fn the_migration_queues_the_messages_of_an_existing_store() {
    let db = TestDb::new().await;
    let (store, acc, inbox, trash) = setup(&db).await;
    let a = append(&store, &acc, &inbox, "a").await;
    let b = append(&store, &acc, &inbox, "b").await;
    append(&store, &acc, &trash, "a").await;
    // The store as it was before the index: no queue, no text (the migrations after
    // it are rolled back first).
    let conn = sea_orm::Database::connect(db.url.as_str()).await.unwrap();
    // Back to before the text index, however many migrations came after it.
    let later = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261127_000011_create_text_index")
        .unwrap();
    Migrator::down(&conn, Some(later as u32 + 1)).await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    let _ = conn.close().await;
    let queued: HashSet<String> = store
        .text_index()
        .queued_texts(64)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.blob_hash)
        .collect();
    assert_eq!(queued, set(&[&a, &b]), "each blob once");
    assert_eq!(
        store.text_index().unindexed_blobs(&inbox).await.unwrap(),
        set(&[&a, &b])
    );
}
