//! Flag updates: MODSEQ bumps and the UNCHANGEDSINCE test (RFC 7162 §3.1.3).

use osprey_core::Role;
use osprey_store::{FlagChange, FlagUpdate, flags, testing::TestDb};

use crate::{domain, new_account, new_message};

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
        .update_flags_unchanged_since(&inbox.id, &ids, &flag(flags::SEEN), Some(base))
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
        )
        .await
        .unwrap();
    assert!(modified.is_empty());
    assert_eq!(done[0].modseq, now[0].modseq);
}
