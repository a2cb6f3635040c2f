//! The query language of webmail search: what a person types, as filters, and clear
//! errors that say where.

use chrono::NaiveDate;
use osprey_mail::search::{Filter, Query};

#[test]
fn a_typed_query_becomes_its_filters() {
    let q = Query::parse(r#"from:bob subject:"q3 report" has:attachment after:2026-01-01 invoice is:unread larger:2M in:Archive"#)
        .unwrap();
    assert_eq!(
        q.filters,
        vec![
            Filter::From("bob".into()),
            Filter::Subject("q3 report".into()),
            Filter::HasAttachment,
            Filter::After(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            Filter::Text("invoice".into()),
            Filter::Unread,
            Filter::Larger(2 * 1024 * 1024),
            Filter::In("Archive".into()),
        ]
    );
    // A quoted phrase without a key is one word; keys are case-insensitive.
    let q = Query::parse(r#""monthly numbers" FROM:ann"#).unwrap();
    assert_eq!(
        q.filters,
        vec![
            Filter::Text("monthly numbers".into()),
            Filter::From("ann".into())
        ]
    );
    assert!(Query::parse("   ").unwrap().filters.is_empty());
}

#[test]
fn a_bad_query_says_what_and_where() {
    for (text, position, says) in [
        ("from:bob colour:red", 9, "colour: is not a filter"),
        ("after:yesterday", 6, "YYYY-MM-DD"),
        ("subject:\"q3 report", 8, "quote is not closed"),
        ("larger:lots", 7, "size"),
        ("is:important", 3, "is:important is not a filter"),
        ("from:", 0, "needs a value"),
    ] {
        let e = Query::parse(text).unwrap_err();
        assert_eq!(e.position, position, "{text}: {e}");
        assert!(e.message.contains(says), "{text}: {e}");
    }
}

/// A search across mailboxes answers the same before and after the full-text index has
/// reached the messages, newest first, stops at the limit (more matches than a page of
/// candidates), and folds case beyond ASCII.
#[tokio::test]
async fn a_search_runs_in_the_database_newest_first_indexed_or_not() {
    use std::sync::Arc;

    use osprey_mail::{LocalDelivery, TextIndexer, search::Searcher};
    use osprey_store::{
        blob::{BlobStore, FsBlobStore},
        testing::{self, TestDb},
    };

    let db = TestDb::new().await;
    let store = db.store().await;
    let account = testing::user(&store, "me@search.example").await;
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let delivery = LocalDelivery::new(store.clone(), blobs.clone());
    for i in 0..130 {
        let (from, word) = if i % 2 == 0 {
            ("Émile <Émile@far.example>", "walrus")
        } else {
            ("Bob <bob@far.example>", "heron")
        };
        let raw = format!(
            "From: {from}\r\nTo: me@search.example\r\nSubject: note {i:03}\r\n\r\nA {word} today.\r\n"
        );
        delivery
            .deliver(
                std::slice::from_ref(&account.id),
                "INBOX",
                raw.as_bytes(),
                0,
            )
            .await
            .unwrap();
    }
    let whole = Searcher::new(store.clone(), blobs.clone());
    // Looking at the ten newest first: the same answers.
    let recent_first = Searcher::new(store.clone(), blobs.clone()).recent_window(10);
    let subjects = |found: Vec<osprey_store::MessageRecord>| -> Vec<String> {
        found
            .into_iter()
            .map(|m| m.summary.subject.unwrap_or_default())
            .collect()
    };
    let run = |q: &'static str, limit: usize| {
        let (whole, recent_first, account) =
            (whole.clone(), recent_first.clone(), account.id.clone());
        async move {
            let query = Query::parse(q).unwrap();
            let found = whole.search(&account, &query, None, limit).await.unwrap();
            let again = recent_first
                .search(&account, &query, None, limit)
                .await
                .unwrap();
            let ids = |l: &[osprey_store::MessageRecord]| -> Vec<String> {
                l.iter().map(|m| m.id.clone()).collect()
            };
            assert_eq!(ids(&found), ids(&again), "{q}");
            found
        }
    };
    for indexed in [false, true] {
        if indexed {
            TextIndexer::new(store.clone(), blobs.clone())
                .drain()
                .await
                .unwrap();
        }
        let walrus = subjects(run("walrus", 100).await);
        assert_eq!(walrus.len(), 65, "indexed: {indexed}");
        assert_eq!(walrus[0], "note 128", "newest first");
        assert_eq!(
            subjects(run("heron", 3).await),
            ["note 129", "note 127", "note 125"]
        );
        // Case folded beyond ASCII: `from:émile` finds "Émile".
        assert_eq!(run("from:émile", 500).await.len(), 65);
        assert_eq!(run("from:bob walrus", 500).await.len(), 0);
        // Words anywhere: the sender's name and address count (once indexed, through the
        // index's header text alone); a phrase found nowhere finds nothing.
        assert_eq!(run("émile", 500).await.len(), 65, "indexed: {indexed}");
        assert_eq!(run("bob@far.example", 500).await.len(), 65);
        assert_eq!(run("\"a walrus yesterday\"", 500).await.len(), 0);
        assert_eq!(
            subjects(run("subject:\"note 064\" walrus", 10).await),
            ["note 064"]
        );
    }
}
