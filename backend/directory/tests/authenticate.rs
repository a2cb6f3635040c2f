//! The one password check of every front end: the web API's sign-in goes through the
//! same cache, throttle and made-up timing for unknown logins as IMAP, POP3 and SMTP;
//! and the watch that ends the mail sessions of an account that lost its standing.

use std::{net::IpAddr, sync::Arc, time::Duration};

use osprey_core::{LoginThrottle, Role, ThrottleLimits};
use osprey_directory::{
    AccountUpdate, Actor, AuthError, Authenticator, CacheSettings, LoginOrigin, Protocol,
    SessionEnd,
};

use crate::support::{Fixture, PASSWORD};

fn authenticator(f: &Fixture, limits: ThrottleLimits) -> Authenticator {
    Authenticator::new(
        f.store.clone(),
        Arc::new(LoginThrottle::new(limits)),
        CacheSettings::default(),
    )
}

fn imap(ip: &str) -> LoginOrigin {
    LoginOrigin::new(Protocol::Imap, ip.parse::<IpAddr>().unwrap())
}

#[tokio::test]
async fn failures_from_one_ip_throttle_that_ip_and_spare_the_owner_elsewhere() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let auth = authenticator(
        &f,
        ThrottleLimits {
            per_ip_account: 2,
            ..ThrottleLimits::default()
        },
    );
    let attacker = imap("203.0.113.9");
    for _ in 0..2 {
        assert_eq!(
            auth.verify_password("bob@example.com", "wrong", attacker)
                .await
                .unwrap_err(),
            AuthError::Failed
        );
    }
    // Spelling variants share the count; the right password from there now waits too.
    assert!(matches!(
        auth.verify_password("BOB@Example.com", PASSWORD, attacker)
            .await
            .unwrap_err(),
        AuthError::Throttled { .. }
    ));
    // The owner, from elsewhere and over another protocol, signs in at once.
    let web = LoginOrigin::new(Protocol::Web, "198.51.100.7".parse().unwrap());
    let ok = auth
        .verify_password("bob@example.com", PASSWORD, web)
        .await
        .unwrap();
    assert_eq!(ok.id, bob.id);
    // The failures are kept for the owner to see: when, from where, over what.
    let failures = auth.recent_failures(&bob.id);
    assert_eq!(failures.len(), 2);
    assert!(
        failures
            .iter()
            .all(|x| x.ip == attacker.ip && x.protocol == Protocol::Imap)
    );
}

/// Forty-eight wrong passwords at once from one client: the throttle counts each
/// attempt before its hash is computed, so only the allowance is hashed and the rest
/// are refused at once (before, every one of them was hashed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_concurrent_failures_is_throttled_before_hashing() {
    let f = Fixture::new().await;
    f.add("bob@example.com", Role::User, &[]).await;
    let auth = Arc::new(authenticator(&f, ThrottleLimits::default()));
    let tries: Vec<_> = (0..48)
        .map(|i| {
            let auth = auth.clone();
            tokio::spawn(async move {
                auth.verify_password(
                    "bob@example.com",
                    &format!("wrong-{i}"),
                    imap("203.0.113.9"),
                )
                .await
            })
        })
        .collect();
    let (mut failed, mut throttled) = (0, 0);
    for t in tries {
        match t.await.unwrap() {
            Err(AuthError::Failed) => failed += 1,
            Err(AuthError::Throttled { .. }) => throttled += 1,
            other => panic!("{other:?}"),
        }
    }
    let per_pair = ThrottleLimits::default().per_ip_account;
    assert_eq!((failed, throttled), (per_pair, 48 - per_pair));
}

#[tokio::test]
async fn unknown_and_disabled_accounts_fail_alike() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    f.directory
        .update_account(
            &Actor::Operator,
            &bob.id,
            AccountUpdate {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let auth = authenticator(&f, ThrottleLimits::default());
    let from = imap("192.0.2.1");
    for login in ["bob@example.com", "nobody@example.com", "not an address"] {
        assert_eq!(
            auth.verify_password(login, PASSWORD, from)
                .await
                .unwrap_err(),
            AuthError::Failed,
            "{login}"
        );
    }
    let ok = auth
        .verify_password("root@example.com", PASSWORD, from)
        .await
        .unwrap();
    assert_eq!(ok.address(), "root@example.com");
    // Only the existing account keeps a record of the failure.
    assert_eq!(auth.recent_failures(&bob.id).len(), 1);
}

/// Waits a moment for a watch to fire; `None` if it does not.
async fn fired(watch: &mut osprey_directory::SessionWatch) -> Option<SessionEnd> {
    tokio::time::timeout(Duration::from_millis(300), watch.ended())
        .await
        .ok()
}

#[tokio::test]
async fn a_session_watch_fires_when_the_account_is_disabled_deleted_or_its_password_changes() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let carol = f.add("carol@example.com", Role::User, &[]).await;
    let auth = authenticator(&f, ThrottleLimits::default());
    let update = |u: AccountUpdate, id: &str| {
        let (d, id) = (f.directory.clone(), id.to_owned());
        async move { d.update_account(&Actor::Operator, &id, u).await.unwrap() }
    };
    let mut watch = auth.watch(&bob);
    assert_eq!(fired(&mut watch).await, None);
    // Changes that do not touch its standing, or another account, leave it running.
    update(
        AccountUpdate {
            display_name: Some("Bob".into()),
            ..Default::default()
        },
        &bob.id,
    )
    .await;
    update(
        AccountUpdate {
            enabled: Some(false),
            ..Default::default()
        },
        &carol.id,
    )
    .await;
    assert_eq!(fired(&mut watch).await, None);
    assert_eq!(watch.check().await, None);
    update(
        AccountUpdate {
            enabled: Some(false),
            ..Default::default()
        },
        &bob.id,
    )
    .await;
    assert_eq!(fired(&mut watch).await, Some(SessionEnd::Disabled));
    assert_eq!(watch.check().await, Some(SessionEnd::Disabled));

    // A watch made after the change (a login that raced it) fires at once.
    let late = auth.watch(&bob);
    let mut late = late;
    assert_eq!(fired(&mut late).await, Some(SessionEnd::Disabled));

    let bob = update(
        AccountUpdate {
            enabled: Some(true),
            ..Default::default()
        },
        &bob.id,
    )
    .await;
    let mut watch = auth.watch(&bob);
    update(
        AccountUpdate {
            password: Some("Quiet-Meadow-19z".into()),
            ..Default::default()
        },
        &bob.id,
    )
    .await;
    assert_eq!(watch.check().await, Some(SessionEnd::PasswordChanged));

    let bob = f.store.accounts().account(&bob.id).await.unwrap();
    let mut watch = auth.watch(&bob);
    assert_eq!(watch.check().await, None);
    f.directory
        .delete_account(&Actor::Operator, &bob.id)
        .await
        .unwrap();
    assert_eq!(fired(&mut watch).await, Some(SessionEnd::Deleted));
}

#[tokio::test]
async fn sign_out_and_standing_changes_move_the_token_generation() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let auth = authenticator(&f, ThrottleLimits::default());
    let mut watch = auth.watch(&bob);
    let generation = |id: String| {
        let store = f.store.clone();
        async move {
            store
                .accounts()
                .account(&id)
                .await
                .unwrap()
                .token_generation
        }
    };
    let g0 = generation(bob.id.clone()).await;
    f.store
        .credentials()
        .insert_refresh_token(
            &bob.id,
            "family",
            "hash-1",
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    f.directory.sign_out("hash-1").await.unwrap();
    assert_eq!(generation(bob.id.clone()).await, g0 + 1);
    // Signing out of the web app leaves mail sessions running.
    assert_eq!(fired(&mut watch).await, None);
    // An unknown refresh token changes nothing.
    f.directory.sign_out("no-such-hash").await.unwrap();
    assert_eq!(generation(bob.id.clone()).await, g0 + 1);
    for update in [
        AccountUpdate {
            role: Some(Role::Admin),
            ..Default::default()
        },
        AccountUpdate {
            password: Some("Quiet-Meadow-19z".into()),
            ..Default::default()
        },
        AccountUpdate {
            enabled: Some(false),
            ..Default::default()
        },
    ] {
        let before = generation(bob.id.clone()).await;
        f.directory
            .update_account(&Actor::Operator, &bob.id, update)
            .await
            .unwrap();
        assert_eq!(generation(bob.id.clone()).await, before + 1);
    }
    let own = f.add("dora@example.com", Role::User, &[]).await;
    f.directory
        .change_own_password(&own, PASSWORD.into(), "Quiet-Meadow-19z".into())
        .await
        .unwrap();
    assert_eq!(generation(own.id.clone()).await, own.token_generation + 1);
}

/// A session waits for its watch beside its client; every command that arrives first
/// drops the watch's future. The read of the account made after signing in must not go
/// with it: it is made once, however often the wait is cut short, and still tells.
#[tokio::test]
async fn a_session_watch_reads_the_account_once_however_often_its_wait_is_cut_short() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let auth = authenticator(&f, ThrottleLimits::default());
    let mut watch = auth.watch(&bob);
    for _ in 0..20 {
        // A command arrived first: the wait is dropped before the read has answered.
        let cut = tokio::time::timeout(Duration::ZERO, watch.ended()).await;
        assert!(cut.is_err(), "the account is in good standing");
        tokio::task::yield_now().await;
    }
    assert_eq!(watch.check().await, None);
    assert_eq!(watch.reads(), 1, "the read after signing in was made again");

    // A change committed after the password check and before the watch subscribed is
    // seen by that one read.
    let stale = f.store.accounts().account(&bob.id).await.unwrap();
    f.directory
        .update_account(
            &Actor::Operator,
            &bob.id,
            AccountUpdate {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut late = auth.watch(&stale);
    for _ in 0..5 {
        let _ = tokio::time::timeout(Duration::ZERO, late.ended()).await;
    }
    assert_eq!(late.check().await, Some(SessionEnd::Disabled));
    assert_eq!(late.reads(), 1);
}
