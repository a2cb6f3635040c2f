use osprey_core::Role;
use osprey_directory::{Actor, DirectoryError, DomainSettings, DomainUpdate};

use crate::support::{Fixture, domain_request, invalid_fields};

#[tokio::test]
async fn only_server_administrators_change_domains() {
    let f = Fixture::new().await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let actor = Actor::account(&da);
    assert!(matches!(
        f.directory
            .create_domain(&actor, domain_request("new.example"))
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    assert!(matches!(
        f.directory
            .update_domain(&actor, &f.domain.id, DomainUpdate::default())
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    assert!(matches!(
        f.directory.delete_domain(&actor, &f.domain.id).await,
        Err(DirectoryError::Forbidden(_))
    ));
    // It reads the domain it manages, and no other.
    f.directory
        .visible_domain(&actor, &f.domain.id)
        .await
        .unwrap();
    let other = f.add_domain("other.example", Default::default()).await;
    assert!(matches!(
        f.directory.visible_domain(&actor, &other.id).await,
        Err(DirectoryError::Forbidden(_))
    ));
}

#[tokio::test]
async fn bad_names_and_settings_are_named() {
    let f = Fixture::new().await;
    let mut req = domain_request("not a domain");
    req.aliases = vec!["ok.example".into(), "bad..example".into()];
    req.settings = DomainSettings {
        description: Some("d".repeat(501)),
        max_message_bytes: Some(0),
        ..Default::default()
    };
    assert_eq!(
        invalid_fields(f.directory.create_domain(&Actor::Operator, req).await),
        [
            "name",
            "aliases[1]",
            "settings.description",
            "settings.max_message_bytes"
        ]
    );
}

#[tokio::test]
async fn settings_are_stored_with_the_domain() {
    let f = Fixture::new().await;
    let settings = DomainSettings {
        description: Some("Sales".into()),
        max_accounts: Some(3),
        ..Default::default()
    };
    let d = f
        .directory
        .update_domain(
            &Actor::Operator,
            &f.domain.id,
            DomainUpdate {
                settings: Some(settings.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(DomainSettings::of(&d), settings);
}
