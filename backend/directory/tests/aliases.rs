use osprey_core::Role;
use osprey_directory::{Actor, DirectoryError, MAX_TARGETS};

use crate::support::{Fixture, invalid_fields};

#[tokio::test]
async fn an_alias_needs_targets_and_never_names_itself() {
    let f = Fixture::new().await;
    let op = &Actor::Operator;
    assert_eq!(
        invalid_fields(f.directory.create_alias(op, "team@example.com", &[]).await),
        ["targets"]
    );
    let many: Vec<String> = (0..=MAX_TARGETS)
        .map(|i| format!("u{i}@x.example"))
        .collect();
    assert_eq!(
        invalid_fields(
            f.directory
                .create_alias(op, "team@example.com", &many)
                .await
        ),
        ["targets"]
    );
    assert_eq!(
        invalid_fields(
            f.directory
                .create_alias(op, "team@example.com", &["TEAM@example.com".into()])
                .await
        ),
        ["targets"]
    );
    assert_eq!(
        invalid_fields(
            f.directory
                .create_alias(op, "team@nowhere.example", &["a@b.example".into()])
                .await
        ),
        ["address"]
    );
    let a = f
        .directory
        .create_alias(op, "team@example.com", &["a@b.example".into()])
        .await
        .unwrap();
    assert_eq!(
        invalid_fields(
            f.directory
                .update_alias(op, &a.id, &["team@example.com".into()])
                .await
        ),
        ["targets"]
    );
    let catch_all = f
        .directory
        .create_alias(op, "@example.com", &["a@b.example".into()])
        .await
        .unwrap();
    assert_eq!(catch_all.address, "@example.com");
}

#[tokio::test]
async fn a_domain_admin_manages_the_aliases_of_its_domains() {
    let f = Fixture::new().await;
    f.add_domain("other.example", Default::default()).await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let actor = Actor::account(&da);
    let mine = f
        .directory
        .create_alias(&actor, "team@example.com", &["a@b.example".into()])
        .await
        .unwrap();
    let theirs = f
        .directory
        .create_alias(
            &Actor::Operator,
            "team@other.example",
            &["a@b.example".into()],
        )
        .await
        .unwrap();
    assert!(matches!(
        f.directory
            .create_alias(&actor, "x@other.example", &["a@b.example".into()])
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    assert!(matches!(
        f.directory.delete_alias(&actor, &theirs.id).await,
        Err(DirectoryError::Forbidden(_))
    ));
    f.directory.delete_alias(&actor, &mine.id).await.unwrap();
}
