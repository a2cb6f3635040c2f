//! Moving every message of a mailbox into a new one in one transaction (IMAP's RENAME
//! of INBOX, RFC 9051 §6.3.6).

use osprey_core::Role;
use osprey_store::{StoreError, testing::TestDb};

use crate::{domain, new_account, new_message};

#[tokio::test]
async fn move_all_to_new_mailbox_is_all_or_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "move.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("m@move.example", Role::User))
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    store
        .messages()
        .append_messages(vec![
            new_message(&acc.id, &inbox.id, 100),
            new_message(&acc.id, &inbox.id, 100),
        ])
        .await
        .unwrap();
    // A taken name: nothing is created and nothing moves.
    let taken = store
        .mailboxes()
        .move_all_to_new_mailbox(&inbox.id, "Trash")
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(
        store.messages().in_mailbox(&inbox.id).await.unwrap().len(),
        2
    );

    let old = store
        .mailboxes()
        .move_all_to_new_mailbox(&inbox.id, "Old")
        .await
        .unwrap();
    assert_eq!(old.name, "Old");
    let uids: Vec<u32> = store
        .messages()
        .in_mailbox(&old.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.uid)
        .collect();
    assert_eq!(uids, vec![1, 2]);
    assert!(
        store
            .messages()
            .in_mailbox(&inbox.id)
            .await
            .unwrap()
            .is_empty()
    );
    let inbox_after = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    assert_eq!(inbox_after.uidnext, 3, "INBOX keeps its UIDs used");
    assert_eq!(
        store.accounts().account(&acc.id).await.unwrap().used_bytes,
        200
    );
    let missing = store
        .mailboxes()
        .move_all_to_new_mailbox("no-such-id", "Other")
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}
