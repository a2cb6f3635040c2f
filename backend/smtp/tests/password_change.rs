//! An account whose administrator asks for a new password may not submit mail with the
//! right password until its owner chooses one in the web app.

use osprey_store::AccountChanges;

use crate::harness::{ANN, Harness, PASSWORD, plain};

#[tokio::test]
async fn auth_with_the_right_password_is_refused_until_a_new_one_is_set() {
    let h = Harness::start().await;
    let demand = |on: bool| {
        let (store, id) = (h.store.clone(), h.ann.clone());
        async move {
            store
                .accounts()
                .update_account(
                    &id,
                    AccountChanges {
                        must_change_password: Some(on),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
    };
    demand(true).await;
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect("STARTTLS", "220").await;
    let mut c = c.start_tls().await;
    c.expect("EHLO c", "250").await;
    // RFC 4954 §6: 535 5.7.8 "Authentication credentials invalid"; the text says that a
    // new password is what is wanted.
    let r = c
        .expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "535 5.7.8")
        .await;
    assert!(r.contains("new password is required"), "{r}");
    c.expect("MAIL FROM:<ann@mx.example>", "530 5.7.0").await;
    demand(false).await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "235 2.7.0")
        .await;
}
