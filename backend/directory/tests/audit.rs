//! The audit log: every administrative change is recorded with who, when, from where,
//! through which door and what it changed; administrators read it back, a domain
//! administrator only its own domains' entries; it keeps entries for its retention.

use osprey_core::{RelayMode, Role};
use osprey_directory::{
    AccountUpdate, Actor, AuditFilter, DirectoryError, DomainSettings, DomainUpdate, Origin, Via,
    access::{IpRuleRequest, KillEntryRequest},
    field_changes,
};
use osprey_store::AuditRecord;

use crate::support::{Fixture, invalid_fields};

async fn log(f: &Fixture, actor: &Actor, filter: AuditFilter) -> Vec<AuditRecord> {
    f.directory
        .audit_log(
            actor,
            AuditFilter {
                limit: 100,
                ..filter
            },
        )
        .await
        .unwrap()
        .items
}

fn changed(entry: &AuditRecord) -> Vec<(String, Option<String>, Option<String>)> {
    field_changes(entry)
        .into_iter()
        .map(|c| (c.field, c.before, c.after))
        .collect()
}

#[tokio::test]
async fn an_update_records_who_from_where_and_only_what_changed() {
    let f = Fixture::new().await;
    let actor = Actor::account_from(
        &f.admin,
        Origin {
            ip: Some("203.0.113.7".parse().unwrap()),
            via: Via::Api,
        },
    );
    f.directory
        .update_domain(
            &actor,
            &f.domain.id,
            DomainUpdate {
                settings: Some(DomainSettings {
                    max_accounts: Some(10),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let entries = log(&f, &Actor::Operator, AuditFilter::default()).await;
    let e = &entries[0];
    assert_eq!(
        (
            e.action.as_str(),
            e.target.as_str(),
            e.actor.as_str(),
            e.ip.as_deref(),
            e.via.as_str()
        ),
        (
            "domain.update",
            "example.com",
            "root@example.com",
            Some("203.0.113.7"),
            "api"
        )
    );
    assert_eq!(e.actor_id.as_deref(), Some(f.admin.id.as_str()));
    assert_eq!(e.domain_id.as_deref(), Some(f.domain.id.as_str()));
    assert_eq!(
        changed(e),
        [("settings.max_accounts".into(), None, Some("10".into()))]
    );
    // The fixture's own creations, by the operator at the command line, came first.
    let first = entries.last().unwrap();
    assert_eq!(
        (
            first.action.as_str(),
            first.actor.as_str(),
            first.via.as_str()
        ),
        ("domain.create", "operator", "cli")
    );
}

#[tokio::test]
async fn a_new_password_is_recorded_as_changed_never_as_a_hash() {
    let f = Fixture::new().await;
    let user = f.add("ann@example.com", Role::User, &[]).await;
    f.directory
        .update_account(
            &Actor::account(&f.admin),
            &user.id,
            AccountUpdate {
                password: Some("Another-Vivid-Harbor-7".into()),
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let e = &log(&f, &Actor::Operator, AuditFilter::default()).await[0];
    assert_eq!(e.action, "account.update");
    assert_eq!(
        changed(e),
        [
            ("enabled".into(), Some("true".into()), Some("false".into())),
            ("password".into(), None, Some("changed".into())),
        ]
    );
    for json in [&e.before, &e.after] {
        let json = json.as_deref().unwrap();
        assert!(!json.contains("argon2") && !json.contains("Another-Vivid"));
    }
}

#[tokio::test]
async fn domain_administrators_read_only_their_domains_entries() {
    let f = Fixture::new().await;
    let other = f.add_domain("other.example", Default::default()).await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    f.add("ann@other.example", Role::User, &[]).await;
    f.directory
        .set_relay_policy(&Actor::Operator, RelayMode::LocalUsers, &[], &[])
        .await
        .unwrap();
    let all = log(&f, &Actor::Operator, AuditFilter::default()).await;
    assert!(
        all.iter()
            .any(|e| e.domain_id.as_deref() == Some(&other.id))
    );
    assert!(all.iter().any(|e| e.action == "relay.update"));
    let own = log(&f, &Actor::account(&da), AuditFilter::default()).await;
    assert!(!own.is_empty());
    assert!(
        own.iter()
            .all(|e| e.domain_id.as_deref() == Some(f.domain.id.as_str())),
        "{own:?}"
    );
    let user = f.add("bob@example.com", Role::User, &[]).await;
    assert!(matches!(
        f.directory
            .audit_log(&Actor::account(&user), AuditFilter::default())
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
}

#[tokio::test]
async fn search_by_words_and_action_pages_newest_first() {
    let f = Fixture::new().await;
    for name in ["ann", "bob", "cid", "d_e"] {
        f.add(&format!("{name}@example.com"), Role::User, &[]).await;
    }
    let by = |q: &str, action: Option<&str>| AuditFilter {
        q: Some(q.into()),
        action: action.map(Into::into),
        ..Default::default()
    };
    let found = log(&f, &Actor::Operator, by("BOB example", None)).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].target, "bob@example.com");
    // `_` is no wildcard: only d_e's entry holds it.
    let found = log(&f, &Actor::Operator, by("_", None)).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let accounts = log(&f, &Actor::Operator, by("", Some("account."))).await;
    assert_eq!(accounts.len(), 5, "the administrator and four users");
    assert!(
        log(&f, &Actor::Operator, by("", Some("account.delete")))
            .await
            .is_empty()
    );
    // Pages of two, newest first, each entry once.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = f
            .directory
            .audit_log(
                &Actor::Operator,
                AuditFilter {
                    action: Some("account.create".into()),
                    cursor: cursor.clone(),
                    limit: 2,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        seen.extend(page.items.into_iter().map(|e| e.target));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "d_e@example.com",
            "cid@example.com",
            "bob@example.com",
            "ann@example.com",
            "root@example.com"
        ]
    );
}

#[tokio::test]
async fn access_rules_are_checked_once_and_recorded() {
    let f = Fixture::new().await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let rule = || IpRuleRequest {
        action: "deny".into(),
        network: "198.51.100.0/24".into(),
        ..Default::default()
    };
    assert!(matches!(
        f.directory
            .create_ip_rule(&Actor::account(&da), rule())
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    let bad = IpRuleRequest {
        action: "maybe".into(),
        network: "198.51.100.0/33".into(),
        listener: Some("pop3".into()),
        ..Default::default()
    };
    assert_eq!(
        invalid_fields(f.directory.create_ip_rule(&Actor::Operator, bad).await),
        ["action", "network", "listener"]
    );
    let admin = Actor::account(&f.admin);
    let created = f.directory.create_ip_rule(&admin, rule()).await.unwrap();
    f.directory
        .delete_ip_rule(&admin, &created.id)
        .await
        .unwrap();
    let (entry, domain) = f
        .directory
        .create_kill_entry(
            &admin,
            KillEntryRequest {
                kind: "address".into(),
                value: "Spammer@Bad.Example".into(),
                domain: Some("example.com".into()),
                note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(domain.as_deref(), Some("example.com"));
    let entries = log(&f, &Actor::Operator, AuditFilter::default()).await;
    let actions: Vec<_> = entries[..3].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["kill_entry.create", "ip_rule.delete", "ip_rule.create"]
    );
    assert_eq!(entries[0].target, entry.value);
    assert_eq!(entries[0].domain_id.as_deref(), Some(f.domain.id.as_str()));
    assert!(changed(&entries[1]).contains(&(
        "network".into(),
        Some("198.51.100.0/24".into()),
        None
    )));
}

#[tokio::test]
async fn retention_is_bounded_and_removes_older_entries() {
    let f = Fixture::new().await;
    let da = f
        .add("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    assert_eq!(
        f.directory
            .audit_retention_days(&Actor::Operator)
            .await
            .unwrap(),
        365
    );
    assert_eq!(
        invalid_fields(
            f.directory
                .set_audit_retention_days(&Actor::Operator, 0)
                .await
        ),
        ["retention_days"]
    );
    assert_eq!(
        invalid_fields(
            f.directory
                .set_audit_retention_days(&Actor::Operator, 3651)
                .await
        ),
        ["retention_days"]
    );
    assert!(matches!(
        f.directory
            .set_audit_retention_days(&Actor::account(&da), 30)
            .await,
        Err(DirectoryError::Forbidden(_))
    ));
    f.directory
        .set_audit_retention_days(&Actor::Operator, 30)
        .await
        .unwrap();
    // Entries within the retention stay; the change itself is recorded.
    assert_eq!(f.directory.purge_audit_log().await.unwrap(), 0);
    let entries = log(&f, &Actor::Operator, AuditFilter::default()).await;
    assert_eq!(entries[0].action, "audit.retention");
    assert_eq!(
        changed(&entries[0]),
        [(
            "retention_days".into(),
            Some("365".into()),
            Some("30".into())
        )]
    );
    let cutoff = chrono::Utc::now() + chrono::Duration::seconds(1);
    let removed = f.store.audit().purge_before(cutoff).await.unwrap();
    assert_eq!(removed, entries.len() as u64);
    assert!(
        log(&f, &Actor::Operator, AuditFilter::default())
            .await
            .is_empty()
    );
}
