use osprey_core::Role;
use osprey_directory::{AccountUpdate, Actor, DirectoryError, DomainSettings};

use crate::support::{Fixture, account, invalid_fields};

/// A display name is written into the `From:` field of mail the account sends; a CR/LF
/// in it would start a header field of its own (`Bcc:`, say). Refused on creation and on
/// change, for the operator (CLI) as for an administrator (API), and nothing is stored.
#[tokio::test]
async fn a_display_name_with_a_line_break_is_refused_everywhere() {
    let f = Fixture::new().await;
    let admin = Actor::account(&f.admin);
    for actor in [&Actor::Operator, &admin] {
        let mut req = account("mallory@example.com", Role::User);
        req.display_name = Some("Mallory\r\nBcc: victim@other.example".into());
        let fields = invalid_fields(f.directory.create_account(actor, req).await);
        assert_eq!(fields, ["display_name"]);
    }
    let addr = osprey_core::Address::parse("mallory@example.com").unwrap();
    assert!(
        f.store.accounts().account_by_address(&addr).await.is_err(),
        "no account was created"
    );
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let update = AccountUpdate {
        display_name: Some("Bob\nBcc: x@other.example".into()),
        ..Default::default()
    };
    let fields = invalid_fields(
        f.directory
            .update_account(&Actor::Operator, &bob.id, update.clone())
            .await,
    );
    assert_eq!(fields, ["display_name"]);
    let fields = invalid_fields(
        f.directory
            .update_own_profile(&bob, update.display_name, None)
            .await,
    );
    assert_eq!(fields, ["display_name"]);
    assert_eq!(
        f.store
            .accounts()
            .account(&bob.id)
            .await
            .unwrap()
            .display_name,
        ""
    );
}

#[tokio::test]
async fn every_problem_of_a_request_is_named_at_once() {
    let f = Fixture::new().await;
    let mut req = account("not an address", Role::User);
    req.password = "short".into();
    req.display_name = Some("x".repeat(201));
    req.admin_domains = vec!["example.com".into()];
    let mut fields = invalid_fields(f.directory.create_account(&Actor::Operator, req).await);
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        ["address", "admin_domains", "display_name", "password"]
    );
}

/// `max_accounts` holds for the CLI too (it used to be checked by the API only).
#[tokio::test]
async fn a_full_domain_refuses_accounts_from_every_front_end() {
    let f = Fixture::new().await;
    let settings = DomainSettings {
        max_accounts: Some(1),
        default_quota_bytes: Some(5_000),
        ..Default::default()
    };
    f.add_domain("small.example", settings).await;
    let first = f.add("one@small.example", Role::User, &[]).await;
    assert_eq!(first.quota_bytes, Some(5_000), "the domain's default quota");
    for actor in [Actor::Operator, Actor::account(&f.admin)] {
        match f
            .directory
            .create_account(&actor, account("two@small.example", Role::User))
            .await
        {
            Err(DirectoryError::Invalid(problems)) => {
                assert_eq!(problems[0].field, "address");
                assert!(
                    problems[0].message.contains("its limit of 1 account"),
                    "{problems:?}"
                );
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_address_under_a_domain_alias_is_stored_under_the_domain() {
    let f = Fixture::new().await;
    let mut req = crate::support::domain_request("corp.example");
    req.aliases = vec!["corp.example.net".into()];
    f.directory
        .create_domain(&Actor::Operator, req)
        .await
        .unwrap();
    let a = f.add("eve@corp.example.net", Role::User, &[]).await;
    assert_eq!(a.address(), "eve@corp.example");
}

#[tokio::test]
async fn a_domain_admin_manages_plain_users_of_its_domains_only() {
    let f = Fixture::new().await;
    f.add_domain("other.example", Default::default()).await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let actor = Actor::account(&da);
    // Its own domain: yes. Another domain, or an administrator role: no.
    let bob = f
        .directory
        .create_account(&actor, account("bob@example.com", Role::User))
        .await
        .unwrap();
    for (req, why) in [
        (
            account("x@other.example", Role::User),
            "the domain other.example is not one you administer",
        ),
        (
            account("y@example.com", Role::Admin),
            "only a server administrator",
        ),
    ] {
        match f.directory.create_account(&actor, req).await {
            Err(DirectoryError::Forbidden(w)) => assert!(w.contains(why), "{w}"),
            other => panic!("expected Forbidden, got {other:?}"),
        }
    }
    // It may change bob, but not the server admin, nor hand out managed domains.
    f.directory
        .update_account(
            &actor,
            &bob.id,
            AccountUpdate {
                quota_bytes: Some(Some(1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        f.directory
            .update_account(&actor, &f.admin.id, AccountUpdate::default())
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    // A plain user administers nothing.
    assert!(matches!(
        f.directory
            .create_account(&Actor::account(&bob), account("z@example.com", Role::User))
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
}

#[tokio::test]
async fn the_last_server_administrator_stays() {
    let f = Fixture::new().await;
    let admin = Actor::account(&f.admin);
    for update in [
        AccountUpdate {
            enabled: Some(false),
            ..Default::default()
        },
        AccountUpdate {
            role: Some(Role::User),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            f.directory
                .update_account(&Actor::Operator, &f.admin.id, update)
                .await,
            Err(DirectoryError::Conflict(_))
        ));
    }
    match f
        .directory
        .delete_account(&Actor::Operator, &f.admin.id)
        .await
    {
        Err(DirectoryError::Conflict(why)) => {
            assert!(why.contains("last server administrator"), "{why}")
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    // With a second one, the first may go, but nobody removes themselves.
    let second = f.add("second@example.com", Role::Admin, &[]).await;
    assert!(matches!(
        f.directory.delete_account(&admin, &f.admin.id).await,
        Err(DirectoryError::Conflict(_))
    ));
    f.directory
        .delete_account(&Actor::account(&second), &f.admin.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_password_follows_the_policy_and_signs_sessions_out() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    let update = AccountUpdate {
        password: Some("bob".into()),
        ..Default::default()
    };
    let fields = invalid_fields(
        f.directory
            .update_account(&Actor::Operator, &bob.id, update)
            .await,
    );
    assert!(!fields.is_empty() && fields.iter().all(|f| f == "password"));
    let wrong = f
        .directory
        .change_own_password(&bob, "nope".into(), "Another-Good-Pass-1".into())
        .await;
    assert_eq!(invalid_fields(wrong), ["current_password"]);
    f.store
        .credentials()
        .insert_refresh_token(
            &bob.id,
            "family",
            "hash",
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    f.directory
        .change_own_password(
            &bob,
            crate::support::PASSWORD.into(),
            "Another-Good-Pass-1".into(),
        )
        .await
        .unwrap();
    let changed = f.store.accounts().account(&bob.id).await.unwrap();
    assert!(osprey_core::verify_password(
        "Another-Good-Pass-1",
        &changed.password_hash
    ));
    assert!(
        matches!(
            f.store
                .credentials()
                .rotate_refresh_token("hash", "next", chrono::Utc::now())
                .await
                .unwrap(),
            osprey_store::RefreshOutcome::Invalid
        ),
        "the session's refresh token was revoked"
    );
}

#[tokio::test]
async fn pop3_retention_is_between_one_day_and_ten_years() {
    let f = Fixture::new().await;
    let bob = f.add("bob@example.com", Role::User, &[]).await;
    for days in [0, 3651] {
        let update = AccountUpdate {
            pop3_retention_days: Some(Some(days)),
            ..Default::default()
        };
        assert_eq!(
            invalid_fields(
                f.directory
                    .update_account(&Actor::Operator, &bob.id, update)
                    .await
            ),
            ["pop3.retention_days"]
        );
    }
}

/// The password policy is a server setting, read when a password is set: a stricter one
/// applies at once, to the operator as to administrators.
#[tokio::test]
async fn the_stored_password_policy_applies_at_once() {
    let f = Fixture::new().await;
    let stricter = osprey_core::PasswordPolicy {
        min_len: 20,
        relaxed_len: 24,
        ..Default::default()
    };
    f.store
        .settings()
        .set_password_policy(&stricter)
        .await
        .unwrap();
    assert_eq!(f.directory.password_policy().await.unwrap().min_len, 20);
    // The fixture's password has 16 characters: enough by default, not now.
    let fields = invalid_fields(
        f.directory
            .create_account(&Actor::Operator, account("new@example.com", Role::User))
            .await,
    );
    assert!(!fields.is_empty() && fields.iter().all(|f| f == "password"));
}
