//! A signed-in session ends when its account is disabled, deleted or gets a new
//! password: `-ERR [SYS/PERM]` at once and the connection closes, with nothing of the
//! transaction applied (RFC 1939 §6: only QUIT applies it).

use osprey_store::AccountChanges;

use crate::harness::Harness;

#[tokio::test]
async fn a_disabled_account_is_told_and_closed_with_nothing_applied() {
    let h = Harness::start().await;
    h.deliver(b"Subject: x\r\n\r\nx\r\n").await;
    let mut c = h.login().await;
    c.ok("DELE 1").await;
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            AccountChanges {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        c.line().await,
        "-ERR [SYS/PERM] the account has been disabled"
    );
    assert!(c.closed().await);
    assert_eq!(h.inbox_count().await, 1, "the DELE was not applied");
}

#[tokio::test]
async fn a_deleted_account_is_told_and_closed() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    h.store
        .accounts()
        .delete_account(&h.account_id)
        .await
        .unwrap();
    assert_eq!(
        c.line().await,
        "-ERR [SYS/PERM] the account has been deleted"
    );
    assert!(c.closed().await);
}
