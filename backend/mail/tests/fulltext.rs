//! The full-text indexer: decoded text in the index, unreadable blobs, waking on
//! delivery and stopping on shutdown.

use std::{collections::HashSet, sync::Arc, time::Duration};

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_mail::{LocalDelivery, TextIndexer};
use osprey_store::{
    NewAccount, NewDomain, NewMessage, Store, TextField, blob::FsBlobStore, testing::TestDb,
};

struct Setup {
    store: Store,
    delivery: LocalDelivery,
    indexer: TextIndexer,
    account: String,
    inbox: String,
    _db: TestDb,
}

async fn setup() -> Setup {
    let db = TestDb::new().await;
    let store = db.store().await;
    store
        .domains()
        .create_domain(NewDomain {
            name: DomainName::parse("index.example").unwrap(),
            aliases: vec![],
            settings: Default::default(),
            enabled: true,
        })
        .await
        .unwrap();
    let account = store
        .accounts()
        .create_account(NewAccount {
            address: Address::parse("i@index.example").unwrap(),
            credentials: hash_credentials("Plain-Ribbon-77z"),
            role: Role::User,
            display_name: String::new(),
            quota_bytes: None,
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .unwrap()
        .id;
    let inbox = store
        .messages()
        .mailbox_by_name(&account, "INBOX")
        .await
        .unwrap()
        .id;
    let blobs = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    Setup {
        delivery: LocalDelivery::new(store.clone(), blobs.clone()),
        indexer: TextIndexer::new(store.clone(), blobs),
        store,
        account,
        inbox,
        _db: db,
    }
}

impl Setup {
    /// Delivers `message` to the INBOX; returns its blob hash.
    async fn deliver(&self, message: &[u8]) -> String {
        let landed = self
            .delivery
            .deliver(std::slice::from_ref(&self.account), "INBOX", message, 0)
            .await
            .unwrap();
        let rows = self.store.messages().in_mailbox(&self.inbox).await.unwrap();
        rows.into_iter()
            .find(|r| r.id == landed[0].id)
            .unwrap()
            .blob_hash
    }

    async fn find(&self, field: TextField, needle: &str) -> HashSet<String> {
        self.store
            .text_index()
            .search_text(&self.inbox, field, needle.as_bytes())
            .await
            .unwrap()
    }
}

fn one(hash: &str) -> HashSet<String> {
    HashSet::from([hash.to_owned()])
}

#[tokio::test]
async fn the_index_holds_decoded_text() {
    let s = setup().await;
    let qp = s
        .deliver(
            b"Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\n\
              Content-Transfer-Encoding: quoted-printable\r\n\r\n\
              Soft=\r\nbreak and na=C3=AFve\r\n",
        )
        .await;
    let b64 = s
        .deliver(
            b"Subject: b64\r\nContent-Type: text/plain; charset=utf-8\r\n\
              Content-Transfer-Encoding: base64\r\n\r\nU3BvdHRlZCBhIFplYnJhY29ybiB0b2RheQ==\r\n",
        )
        .await;
    let latin1 = s
        .deliver(
            b"Subject: latin\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\
              Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus K=F6ln\r\n",
        )
        .await;
    let encoded_subject = s
        .deliver(
            b"From: =?iso-8859-1?q?J=F6rg?= <j@example.org>\r\n\
              Subject: =?utf-8?b?WmVwcGVsaW4gcmVwb3J0?=\r\n\r\nnothing here\r\n",
        )
        .await;
    let parts = s
        .deliver(
            b"Subject: parts\r\nMIME-Version: 1.0\r\n\
              Content-Type: multipart/mixed; boundary=xyz\r\n\r\n\
              --xyz\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
              <html><body><p>Tag<b>less</b> markup</p></body></html>\r\n\
              --xyz\r\nContent-Type: application/octet-stream\r\n\
              Content-Transfer-Encoding: base64\r\n\r\naGlkZGVucGF5bG9hZA==\r\n\
              --xyz--\r\n",
        )
        .await;
    assert_eq!(s.store.text_index().text_queue_len().await.unwrap(), 5);
    assert_eq!(s.indexer.drain().await.unwrap(), 5);
    assert_eq!(s.store.text_index().text_queue_len().await.unwrap(), 0);
    assert!(
        s.store
            .text_index()
            .unindexed_blobs(&s.inbox)
            .await
            .unwrap()
            .is_empty()
    );
    use TextField::{Body, Text};
    // Quoted-printable: a soft line break joins the word; UTF-8 octets decoded.
    assert_eq!(s.find(Body, "softbreak").await, one(&qp));
    assert_eq!(s.find(Body, "NAÏVE").await, one(&qp));
    // Base64.
    assert_eq!(s.find(Body, "zebracorn").await, one(&b64));
    // ISO-8859-1 to UTF-8, then folded.
    assert_eq!(s.find(Body, "grüße").await, one(&latin1));
    assert_eq!(s.find(Body, "KÖLN").await, one(&latin1));
    // RFC 2047 encoded words, in the subject and in an address: TEXT, not BODY.
    assert_eq!(s.find(Text, "zeppelin report").await, one(&encoded_subject));
    assert_eq!(s.find(Text, "jörg").await, one(&encoded_subject));
    assert!(s.find(Body, "zeppelin").await.is_empty());
    // HTML as text; a part that is not text is left out.
    assert_eq!(s.find(Body, "tagless markup").await, one(&parts));
    assert!(s.find(Text, "hiddenpayload").await.is_empty());
}

#[tokio::test]
async fn an_unreadable_blob_leaves_the_queue_with_an_empty_row() {
    let s = setup().await;
    let missing = "f".repeat(64);
    s.store
        .messages()
        .append_messages(vec![NewMessage {
            account_id: s.account.clone(),
            mailbox_id: s.inbox.clone(),
            blob_hash: missing.clone(),
            size: 10,
            flags: 0,
            keywords: vec![],
            internal_date: chrono::Utc::now(),
            summary: Default::default(),
        }])
        .await
        .unwrap();
    let fine = s.deliver(b"Subject: fine\r\n\r\nreadable words\r\n").await;
    assert_eq!(s.indexer.drain().await.unwrap(), 2);
    assert_eq!(s.store.text_index().text_queue_len().await.unwrap(), 0);
    // Indexed, as empty: nothing but the empty needle finds it.
    assert!(
        s.store
            .text_index()
            .unindexed_blobs(&s.inbox)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.find(TextField::Text, "readable").await, one(&fine));
    let all = s.find(TextField::Text, "").await;
    assert!(all.contains(&missing) && all.contains(&fine), "{all:?}");
}

#[tokio::test]
async fn the_running_indexer_wakes_on_delivery_and_stops_on_shutdown() {
    let s = setup().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(s.indexer.clone().run(async move {
        let _ = stopped.await;
    }));
    // Let it start and go to sleep on an empty queue.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let hash = s
        .deliver(b"Subject: live\r\n\r\nindexed while running\r\n")
        .await;
    // Far sooner than its timer: the delivery woke it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while s.store.text_index().text_queue_len().await.unwrap() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the queue never drained"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s.find(TextField::Body, "while running").await, one(&hash));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the indexer stops on shutdown")
        .unwrap();
}

#[tokio::test]
async fn shutdown_keeps_what_was_not_indexed_on_the_queue() {
    let s = setup().await;
    for i in 0..3 {
        s.deliver(format!("Subject: {i}\r\n\r\nbody {i}\r\n").as_bytes())
            .await;
    }
    // Shut down before it starts: it returns at once and the queue is whole.
    tokio::time::timeout(
        Duration::from_secs(10),
        s.indexer.clone().run(std::future::ready(())),
    )
    .await
    .expect("the indexer stops on shutdown");
    assert_eq!(s.store.text_index().text_queue_len().await.unwrap(), 3);
    assert_eq!(
        s.store
            .text_index()
            .unindexed_blobs(&s.inbox)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(s.indexer.drain().await.unwrap(), 3);
    assert!(
        s.store
            .text_index()
            .unindexed_blobs(&s.inbox)
            .await
            .unwrap()
            .is_empty()
    );
}
