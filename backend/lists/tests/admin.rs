//! Managing lists and members: one namespace with accounts and aliases, each
//! administrator in its own domains, every bad input named.

use osprey_core::Role;
use osprey_directory::{Actor, DirectoryError};
use osprey_lists::{ListAdmin, ListSettings, NewListRequest, NewMemberRequest};
use osprey_store::{
    ListOrder, ListQuery,
    testing::{self, TestDb},
};

fn request(address: &str) -> NewListRequest {
    NewListRequest {
        address: address.into(),
        name: "The team".into(),
        description: String::new(),
        settings: None,
    }
}

#[tokio::test]
async fn a_list_and_its_companions_share_one_namespace_with_accounts_and_aliases() {
    let db = TestDb::new().await;
    let store = db.store().await;
    testing::user(&store, "ann@lists.example").await;
    let admin = ListAdmin::new(store.clone());
    // The address of an account.
    assert!(matches!(
        admin
            .create(&Actor::Operator, request("ann@lists.example"))
            .await,
        Err(DirectoryError::Conflict(_))
    ));
    // A companion (`ann-owner`) would not collide, but the posting address does; a list
    // whose companion is an account's address is refused too.
    testing::user(&store, "dev-request@lists.example").await;
    let taken = admin
        .create(&Actor::Operator, request("dev@lists.example"))
        .await;
    assert!(
        matches!(&taken, Err(DirectoryError::Conflict(why)) if why.contains("dev-request@lists.example")),
        "{taken:?}"
    );
    let team = admin
        .create(&Actor::Operator, request("Team@Lists.example"))
        .await
        .unwrap();
    assert_eq!(team.address(), "team@lists.example");
    assert_eq!(
        ListSettings::read(&team.settings).subject_prefix,
        "[team]",
        "the default prefix is the list's name"
    );
    assert!(matches!(
        admin
            .create(&Actor::Operator, request("team@lists.example"))
            .await,
        Err(DirectoryError::Conflict(_))
    ));
    // Accounts and aliases cannot take a list's addresses either.
    for address in [
        "team@lists.example",
        "team-owner@lists.example",
        "team-bounces@lists.example",
    ] {
        let account = store
            .accounts()
            .create_account(osprey_store::NewAccount {
                address: osprey_core::Address::parse(address).unwrap(),
                credentials: osprey_core::hash_credentials("Plain-Ribbon-77z"),
                role: Role::User,
                display_name: String::new(),
                quota_bytes: None,
                admin_domain_ids: vec![],
                enabled: true,
            })
            .await;
        assert!(
            matches!(account, Err(osprey_store::StoreError::Conflict(_))),
            "{address}: {account:?}"
        );
        let local = address.split('@').next().unwrap();
        let alias = store
            .aliases()
            .create_alias(
                Some(local),
                "lists.example",
                vec!["ann@lists.example".into()],
            )
            .await;
        assert!(
            matches!(alias, Err(osprey_store::StoreError::Conflict(_))),
            "{address}: {alias:?}"
        );
    }
    // Deleted, its addresses are free again.
    admin.delete(&Actor::Operator, &team.id).await.unwrap();
    store
        .aliases()
        .create_alias(
            Some("team-owner"),
            "lists.example",
            vec!["ann@lists.example".into()],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn an_administrator_manages_the_lists_of_its_own_domains_only() {
    let db = TestDb::new().await;
    let store = db.store().await;
    testing::user(&store, "ann@mine.example").await;
    testing::user(&store, "bob@theirs.example").await;
    let mine = store
        .domains()
        .domain_by_name("mine.example")
        .await
        .unwrap();
    let domain_admin = Actor::Account {
        id: "x".into(),
        role: Role::DomainAdmin,
        domain_ids: vec![mine.id.clone()],
        address: "boss@mine.example".into(),
        origin: Default::default(),
    };
    let user = Actor::Account {
        id: "y".into(),
        role: Role::User,
        domain_ids: vec![],
        address: "user@mine.example".into(),
        origin: Default::default(),
    };
    let admin = ListAdmin::new(store.clone());
    assert!(matches!(
        admin.create(&user, request("team@mine.example")).await,
        Err(DirectoryError::Forbidden(_))
    ));
    assert!(matches!(
        admin
            .create(&domain_admin, request("team@theirs.example"))
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    let ours = admin
        .create(&domain_admin, request("team@mine.example"))
        .await
        .unwrap();
    let theirs = admin
        .create(&Actor::Operator, request("team@theirs.example"))
        .await
        .unwrap();
    assert!(matches!(
        admin.get(&domain_admin, &theirs.id).await,
        Err(DirectoryError::Forbidden(_))
    ));
    assert!(matches!(
        admin
            .add_member(&domain_admin, &theirs.id, member("eve@far.example"))
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    let query = ListQuery {
        limit: 50,
        ..Default::default()
    };
    let seen = admin
        .list(&domain_admin, query.clone(), ListOrder::Key)
        .await
        .unwrap();
    assert_eq!(
        seen.items.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        [ours.id.as_str()]
    );
    // Asking for the other domain by id gives nothing of it.
    let asked = ListQuery {
        domain_ids: Some(vec![theirs.domain_id.clone()]),
        ..query
    };
    assert!(
        admin
            .list(&domain_admin, asked, ListOrder::Key)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

fn member(address: &str) -> NewMemberRequest {
    NewMemberRequest {
        address: address.into(),
        display_name: None,
        delivery_mode: None,
    }
}

#[tokio::test]
async fn members_are_added_once_and_bad_input_is_named() {
    let db = TestDb::new().await;
    let store = db.store().await;
    testing::user(&store, "ann@lists.example").await;
    let admin = ListAdmin::new(store.clone());
    let team = admin
        .create(&Actor::Operator, request("team@lists.example"))
        .await
        .unwrap();
    let m = admin
        .add_member(&Actor::Operator, &team.id, member("Bob@Far.example"))
        .await
        .unwrap();
    assert_eq!(m.delivery_mode, "each");
    assert!(matches!(
        admin
            .add_member(&Actor::Operator, &team.id, member("bob@far.example"))
            .await,
        Err(DirectoryError::Conflict(_))
    ));
    let bad = admin
        .add_member(
            &Actor::Operator,
            &team.id,
            NewMemberRequest {
                address: "not an address".into(),
                display_name: Some("x".repeat(300)),
                delivery_mode: Some("weekly".into()),
            },
        )
        .await;
    let Err(DirectoryError::Invalid(problems)) = bad else {
        panic!("{bad:?}")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["address", "display_name", "delivery_mode"]);
    // The list itself.
    let own = admin
        .add_member(&Actor::Operator, &team.id, member("team@lists.example"))
        .await;
    assert!(matches!(own, Err(DirectoryError::Invalid(_))), "{own:?}");
    let bad_settings = admin
        .create(
            &Actor::Operator,
            NewListRequest {
                settings: Some(ListSettings {
                    subject_prefix: "x".repeat(41),
                    owners: vec!["nobody".into()],
                    ..ListSettings::default()
                }),
                ..request("other@lists.example")
            },
        )
        .await;
    let Err(DirectoryError::Invalid(problems)) = bad_settings else {
        panic!("{bad_settings:?}")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["settings.subject_prefix", "settings.owners[0]"]);
    admin
        .remove_member(&Actor::Operator, &team.id, "BOB@far.example")
        .await
        .unwrap();
    assert!(matches!(
        admin
            .remove_member(&Actor::Operator, &team.id, "bob@far.example")
            .await,
        Err(DirectoryError::NotFound)
    ));
}
