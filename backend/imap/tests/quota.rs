//! QUOTA, RFC 9208: GETQUOTAROOT and GETQUOTA with STORAGE from the account's quota
//! and usage, no quota root without a quota, SETQUOTA refused.

use osprey_store::AccountChanges;

use crate::harness::{Harness, MSG, has};

#[tokio::test]
async fn storage_quota_of_the_account() {
    let h = Harness::start().await;
    h.deliver(MSG).await;
    let mut c = h.login().await;
    let r = c.expect_ok("a0 CAPABILITY").await;
    assert!(has(&r, " QUOTA QUOTA=RES-STORAGE"), "{r:?}");
    // No quota: no quota root.
    let r = c.expect_ok("a1 GETQUOTAROOT INBOX").await;
    assert_eq!(r[0], "* QUOTAROOT INBOX");
    assert_eq!(r.len(), 2, "{r:?}");
    c.expect_no("a2 GETQUOTA \"\"").await;

    let changes = AccountChanges {
        quota_bytes: Some(Some(10 * 1024 * 1024)),
        ..AccountChanges::default()
    };
    h.store
        .accounts()
        .update_account(&h.account_id, changes)
        .await
        .unwrap();
    h.deliver(MSG).await;
    let used = h
        .store
        .accounts()
        .account(&h.account_id)
        .await
        .unwrap()
        .used_bytes;
    assert!(used > 0);
    let want = format!("* QUOTA \"\" (STORAGE {} 10240)", used.div_ceil(1024));
    let r = c.expect_ok("a3 GETQUOTAROOT INBOX").await;
    assert_eq!(r[..2], ["* QUOTAROOT INBOX \"\"".to_owned(), want.clone()]);
    let r = c.expect_ok("a4 GETQUOTA \"\"").await;
    assert_eq!(r[0], want);
    c.expect_no("a5 GETQUOTA other").await;
    c.expect_no("a6 GETQUOTAROOT Nowhere").await;
    let r = c.expect_no("a7 SETQUOTA \"\" (STORAGE 1)").await;
    assert!(r[0].starts_with("a7 NO [NOPERM]"), "{r:?}");
    // In the selected state too.
    c.expect_ok("a8 SELECT INBOX").await;
    let r = c.expect_ok("a9 GETQUOTA \"\"").await;
    assert_eq!(r[0], want);
}
