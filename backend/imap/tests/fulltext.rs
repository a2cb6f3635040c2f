//! SEARCH BODY and TEXT through the full-text index (RFC 9051 §6.4.4): before the
//! indexer reaches a message, the raw message is searched; after, its decoded text.

use base64::Engine;
use osprey_mail::TextIndexer;

use crate::harness::{Client, Harness};

/// The untagged answer to `SEARCH key`.
async fn search(c: &mut Client, tag: &str, key: &str) -> String {
    c.expect_ok(&format!("{tag} SEARCH {key}")).await[0].clone()
}

#[tokio::test]
async fn search_uses_decoded_text_once_indexed() {
    let h = Harness::start().await;
    let body = base64::engine::general_purpose::STANDARD.encode("Spotted a Zebracorn today");
    let encoded = format!(
        "From: a@example.org\r\nSubject: =?utf-8?b?WmVwcGVsaW4gcmVwb3J0?=\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{body}\r\n"
    );
    h.deliver(encoded.as_bytes()).await;
    h.deliver(b"From: b@example.org\r\nSubject: Plain\r\n\r\nA plain walrus\r\n")
        .await;
    let mut c = h.select().await;
    // Not indexed yet: the raw message, where the encoded words are not to be seen.
    assert_eq!(search(&mut c, "a1", "BODY walrus").await, "* SEARCH 2");
    assert_eq!(
        search(&mut c, "a2", "TEXT \"PLAIN WALRUS\"").await,
        "* SEARCH 2"
    );
    assert_eq!(search(&mut c, "a3", "BODY zebracorn").await, "* SEARCH");
    assert_eq!(search(&mut c, "a4", "TEXT zeppelin").await, "* SEARCH");
    let indexer = TextIndexer::new(h.store.clone(), h.delivery.blobs().clone());
    assert_eq!(indexer.drain().await.unwrap(), 2);
    // Indexed: the decoded, case-folded text.
    assert_eq!(search(&mut c, "b1", "BODY zebracorn").await, "* SEARCH 1");
    assert_eq!(search(&mut c, "b2", "BODY ZEBRA").await, "* SEARCH 1");
    assert_eq!(search(&mut c, "b3", "TEXT zeppelin").await, "* SEARCH 1");
    assert_eq!(search(&mut c, "b4", "BODY zeppelin").await, "* SEARCH");
    assert_eq!(search(&mut c, "b5", "BODY walrus").await, "* SEARCH 2");
    assert_eq!(
        search(&mut c, "b6", "NOT BODY zebracorn").await,
        "* SEARCH 2"
    );
    assert_eq!(
        search(&mut c, "b7", "OR BODY zebracorn TEXT walrus").await,
        "* SEARCH 1 2"
    );
    assert_eq!(
        search(&mut c, "b8", "BODY zebracorn FROM b@").await,
        "* SEARCH"
    );
    let r = c.expect_ok("b9 UID SEARCH BODY w").await;
    assert_eq!(r[0], "* SEARCH 2");
}
