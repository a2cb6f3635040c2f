//! The one password check of every front end: the web API's sign-in goes through the
//! same cache, throttle and made-up timing for unknown logins as IMAP, POP3 and SMTP.

use std::{net::IpAddr, sync::Arc, time::Duration};

use osprey_core::{LoginThrottle, Role, ThrottleLimits};
use osprey_directory::{AuthError, Authenticator, CacheSettings};

use crate::support::{Fixture, PASSWORD};

fn authenticator(f: &Fixture, per_account: u32) -> Authenticator {
    let limits = ThrottleLimits {
        per_account,
        per_ip: 1000,
        window: Duration::from_secs(60),
    };
    Authenticator::new(
        f.store.clone(),
        Arc::new(LoginThrottle::new(limits)),
        CacheSettings::default(),
    )
}

#[tokio::test]
async fn failures_without_a_known_address_still_count_for_the_account() {
    let f = Fixture::new().await;
    f.add("bob@example.com", Role::User, &[]).await;
    let auth = authenticator(&f, 2);
    for _ in 0..2 {
        assert_eq!(
            auth.verify_password_from("bob@example.com", "wrong", None)
                .await
                .unwrap_err(),
            AuthError::Failed
        );
    }
    // Spelling variants share the count; the right password now waits too.
    assert!(matches!(
        auth.verify_password_from("BOB@Example.com", PASSWORD, None)
            .await
            .unwrap_err(),
        AuthError::Throttled { .. }
    ));
}

#[tokio::test]
async fn unknown_and_disabled_accounts_fail_alike() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    f.directory
        .update_account(
            &osprey_directory::Actor::Operator,
            &bob.id,
            osprey_directory::AccountUpdate {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let auth = authenticator(&f, 100);
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    for login in ["bob@example.com", "nobody@example.com", "not an address"] {
        assert_eq!(
            auth.verify_password(login, PASSWORD, ip).await.unwrap_err(),
            AuthError::Failed,
            "{login}"
        );
    }
    let ok = auth
        .verify_password("root@example.com", PASSWORD, ip)
        .await
        .unwrap();
    assert_eq!(ok.address(), "root@example.com");
}
