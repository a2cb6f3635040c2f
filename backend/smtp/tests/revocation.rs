//! A session authenticated as an account that was disabled, deleted or given a new
//! password since refuses the next command with `421 4.7.0` and closes.

use osprey_store::AccountChanges;

use crate::harness::{ANN, Harness, PASSWORD};

#[tokio::test]
async fn a_disabled_account_cannot_send_on_a_session_it_opened_before() {
    // Plaintext AUTH allowed on loopback.
    let h = Harness::with(|c| c.plaintext_loopback = true).await;
    let plain = osprey_proto::sasl::encode_base64(format!("\0{ANN}\0{PASSWORD}").as_bytes());
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect(&format!("AUTH PLAIN {plain}"), "235").await;
    c.expect(&format!("MAIL FROM:<{ANN}>"), "250").await;
    h.store
        .accounts()
        .update_account(
            &h.ann,
            AccountChanges {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        c.cmd("RCPT TO:<friend@far.example>").await,
        "421 4.7.0 Signed out: the account was disabled or its password changed"
    );
    assert_eq!(c.reply().await, "<EOF>");
    assert!(h.queue().await.is_empty());
}
