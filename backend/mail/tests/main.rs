//! Local delivery into a real store and blob store.

mod auth;
mod dns_setup;
mod fulltext;
mod html;
mod mailboxes;
mod rule_runs;
mod rules;
mod search;
mod submission;

use std::sync::Arc;

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_mail::{DeliveryError, LocalDelivery};
use osprey_store::{NewAccount, NewDomain, blob::FsBlobStore, testing::TestDb};

#[tokio::test]
async fn one_blob_linked_into_each_inbox_with_crlf_and_summary() {
    let db = TestDb::new().await;
    let store = db.store().await;
    store
        .domains()
        .create_domain(NewDomain {
            name: DomainName::parse("deliver.example").unwrap(),
            aliases: vec![],
            settings: Default::default(),
            enabled: true,
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (who, quota) in [("a", None), ("b", None), ("small", Some(10))] {
        let acc = store
            .accounts()
            .create_account(NewAccount {
                address: Address::parse(&format!("{who}@deliver.example")).unwrap(),
                credentials: hash_credentials("Plain-Ribbon-77z"),
                role: Role::User,
                display_name: String::new(),
                quota_bytes: quota,
                admin_domain_ids: vec![],
                enabled: true,
            })
            .await
            .unwrap();
        ids.push(acc.id);
    }
    let blobs = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let delivery = LocalDelivery::new(store.clone(), blobs.clone());
    let message = b"From: x@example.com\nSubject: Hi\n\nbody\n";
    let landed = delivery
        .deliver(&ids[..2], "INBOX", message, 0)
        .await
        .unwrap();
    assert_eq!(landed.len(), 2);
    let mut hashes = Vec::new();
    for (id, a) in ids[..2].iter().zip(&landed) {
        let inbox = store.messages().mailbox_by_name(id, "INBOX").await.unwrap();
        assert_eq!(a.mailbox_id, inbox.id);
        let rows = store.messages().in_mailbox(&inbox.id).await.unwrap();
        assert_eq!(rows[0].size as usize, message.len() + 4, "LF became CRLF");
        hashes.push(rows[0].blob_hash.clone());
    }
    assert_eq!(hashes[0], hashes[1], "the body is stored once");
    let body = blobs.get(&hashes[0]).await.unwrap();
    assert_eq!(body, b"From: x@example.com\r\nSubject: Hi\r\n\r\nbody\r\n");
    // Over quota: refused, and the other recipient in the same batch gets nothing.
    let r = delivery
        .deliver(&[ids[0].clone(), ids[2].clone()], "INBOX", message, 0)
        .await;
    assert!(matches!(r, Err(DeliveryError::OverQuota)), "{r:?}");
    let inbox = store
        .messages()
        .mailbox_by_name(&ids[0], "INBOX")
        .await
        .unwrap();
    assert_eq!(
        store.messages().in_mailbox(&inbox.id).await.unwrap().len(),
        1
    );
    let r = delivery
        .deliver(&["no-such-account".into()], "INBOX", message, 0)
        .await;
    assert!(
        matches!(r, Err(DeliveryError::UnknownRecipient(_))),
        "{r:?}"
    );
}
