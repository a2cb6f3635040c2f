//! A signed-in session ends when its account loses its standing: disabled, deleted, or
//! its password changed. The server says `* BYE` (RFC 9051 §7.1.5) at once, in IDLE or
//! waiting for a command, and closes the connection.

use std::time::Duration;

use osprey_store::AccountChanges;

use crate::harness::Harness;

async fn within_seconds(c: &mut crate::harness::Client) -> String {
    tokio::time::timeout(Duration::from_secs(5), c.line())
        .await
        .expect("the server speaks within seconds")
}

#[tokio::test]
async fn a_disabled_account_gets_bye_in_idle_and_between_commands() {
    let h = Harness::start().await;
    let mut idle = h.select().await;
    idle.send("i1 IDLE").await;
    assert!(idle.line().await.starts_with("+ "));
    let mut waiting = h.login().await;
    // A change that leaves the account's standing alone ends nothing.
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            AccountChanges {
                display_name: Some("Ann A.".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    waiting.expect_ok("w1 NOOP").await;
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
    for c in [&mut idle, &mut waiting] {
        assert_eq!(
            within_seconds(c).await,
            "* BYE the account has been disabled"
        );
        assert_eq!(within_seconds(c).await, "<EOF>");
    }
}

#[tokio::test]
async fn a_new_password_ends_the_sessions_signed_in_with_the_old_one() {
    let h = Harness::start().await;
    let mut c = h.select().await;
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            AccountChanges {
                credentials: Some(osprey_core::hash_credentials("Other-Harbor-52q")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        within_seconds(&mut c).await,
        "* BYE the password has changed; sign in again"
    );
}
