//! An account whose administrator asks for a new password is refused by IMAP with the
//! right password until its owner chooses one in the web app.

use osprey_store::AccountChanges;

use crate::harness::{Harness, PASSWORD, USER, has};

async fn demand(h: &Harness, on: bool) {
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            AccountChanges {
                must_change_password: Some(on),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn login_with_the_right_password_gets_expired_until_a_new_one_is_set() {
    let h = Harness::start().await;
    demand(&h, true).await;
    let mut c = h.connect().await;
    // RFC 5530 §3: "EXPIRED: Either authentication succeeded or the server no longer had
    // the necessary data; either way, access is no longer permitted using that
    // passphrase. The client or user should get a new passphrase."
    let r = c.expect_no(&format!("a1 LOGIN {USER} {PASSWORD}")).await;
    assert!(has(&r, "a1 NO [EXPIRED]"), "{r:?}");
    let plain = osprey_proto::sasl::encode_base64(format!("\0{USER}\0{PASSWORD}").as_bytes());
    let r = c.expect_no(&format!("a2 AUTHENTICATE PLAIN {plain}")).await;
    assert!(has(&r, "a2 NO [EXPIRED]"), "{r:?}");
    // Not a failed login: the session stays open for the next attempt.
    c.expect_ok("a3 NOOP").await;
    demand(&h, false).await;
    c.expect_ok(&format!("a4 LOGIN {USER} {PASSWORD}")).await;
}
