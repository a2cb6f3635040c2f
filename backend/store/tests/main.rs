//! Store tests; each runs on the engine named by OSPREY_TEST_BACKEND (sqlite or postgres).

mod flags;
mod imap_state;
mod move_all;
mod queue;
mod rules;
mod sorting;
mod text_index;
mod threads;

use chrono::{Duration, Utc};
use osprey_core::{Address, DomainName, Role};
use osprey_store::{
    AccountChanges, DomainChanges, ListQuery, NewAccount, NewApiKey, NewDomain, RefreshOutcome,
    SPECIAL_MAILBOXES, Store, StoreError, testing::TestDb,
};

fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

async fn domain(store: &Store, name: &str, aliases: &[&str]) -> osprey_store::DomainRecord {
    store
        .domains()
        .create_domain(NewDomain {
            name: dn(name),
            aliases: aliases.iter().map(|a| dn(a)).collect(),
            settings: serde_json::json!({"description": "test"}),
            enabled: true,
        })
        .await
        .unwrap()
}

fn new_account(address: &str, role: Role) -> NewAccount {
    NewAccount {
        address: Address::parse(address).unwrap(),
        credentials: osprey_core::StoredCredentials {
            password_hash: "$argon2id$test".into(),
            scram_sha256: "4096:c2FsdA==:AA==:AA==".into(),
        },
        role,
        display_name: "Test".into(),
        quota_bytes: Some(1000),
        admin_domain_ids: vec![],
        enabled: true,
    }
}

#[tokio::test]
async fn domains_with_aliases_are_unique_across_names() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let d = domain(&store, "example.com", &["example.org"]).await;
    assert_eq!(d.aliases, vec!["example.org"]);
    assert_eq!(d.settings["description"], "test");
    for name in ["example.com", "example.org"] {
        let err = store
            .domains()
            .create_domain(NewDomain {
                name: dn(name),
                aliases: vec![],
                settings: serde_json::json!({}),
                enabled: true,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{name}: {err:?}");
    }
    assert_eq!(
        store
            .domains()
            .domain_by_name("EXAMPLE.org")
            .await
            .unwrap()
            .id,
        d.id
    );
    let other = domain(&store, "other.net", &[]).await;
    let err = store
        .domains()
        .update_domain(
            &other.id,
            DomainChanges {
                aliases: Some(vec![dn("example.org")]),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let updated = store
        .domains()
        .update_domain(
            &d.id,
            DomainChanges {
                aliases: Some(vec![dn("example.net")]),
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.aliases, vec!["example.net"]);
    assert!(!updated.enabled);
    assert!(matches!(
        store.domains().domain("nope").await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn accounts_get_special_mailboxes_and_are_found_by_any_domain_name() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let d = domain(&store, "example.com", &["example.org"]).await;
    let a = store
        .accounts()
        .create_account(new_account("Alice@example.com", Role::User))
        .await
        .unwrap();
    assert_eq!(a.address(), "Alice@example.com");
    assert_eq!(a.domain_id, d.id);
    let names: Vec<String> = store
        .mailboxes()
        .of_account(&a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names.len(), SPECIAL_MAILBOXES.len());
    assert_eq!(names[0], "INBOX");
    assert!(names.contains(&"Trash".to_string()));
    let mb = store.mailboxes().of_account(&a.id).await.unwrap();
    assert!(mb.iter().all(|m| m.uidnext == 1 && m.uidvalidity > 0));
    let found = store
        .accounts()
        .account_by_address(&Address::parse("alice@EXAMPLE.org").unwrap())
        .await
        .unwrap();
    assert_eq!(found.id, a.id);
    let err = store
        .accounts()
        .create_account(new_account("alice@example.com", Role::User))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .accounts()
        .create_account(new_account("x@missing.example", Role::User))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        store.domains().domain(&d.id).await.unwrap().account_count,
        1
    );
    let err = store.domains().delete_domain(&d.id).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a domain with accounts stays: {err:?}"
    );
    store.accounts().delete_account(&a.id).await.unwrap();
    assert!(
        store
            .mailboxes()
            .of_account(&a.id)
            .await
            .unwrap()
            .is_empty(),
        "mailboxes go with the account"
    );
    store.domains().delete_domain(&d.id).await.unwrap();
}

#[tokio::test]
async fn account_changes_and_domain_admin_links() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let d1 = domain(&store, "one.example", &[]).await;
    let d2 = domain(&store, "two.example", &[]).await;
    let mut n = new_account("boss@one.example", Role::DomainAdmin);
    n.admin_domain_ids = vec![d1.id.clone(), d2.id.clone()];
    let a = store.accounts().create_account(n).await.unwrap();
    let managed: Vec<&str> = a.admin_domains.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(managed, [d1.id.as_str(), d2.id.as_str()]);
    assert_eq!(
        a.admin_domains
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>(),
        ["one.example", "two.example"]
    );
    // Found by its login, a domain admin comes with the domains it manages, as when it
    // was made (an ordinary account's lookup skips that read).
    let login = Address::parse("Boss@one.example").unwrap();
    assert_eq!(
        store.accounts().account_by_address(&login).await.unwrap(),
        a
    );
    let a = store
        .accounts()
        .update_account(
            &a.id,
            AccountChanges {
                role: Some(Role::User),
                quota_bytes: Some(None),
                display_name: Some("Plain".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(a.role, Role::User);
    assert!(a.admin_domains.is_empty(), "a user manages no domains");
    assert_eq!(a.quota_bytes, None);
    assert_eq!(a.display_name, "Plain");
    assert_eq!(
        store
            .accounts()
            .count_accounts_with_role(Role::DomainAdmin)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn listing_pages_with_cursor_search_and_domain_restriction() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let d1 = domain(&store, "a.example", &[]).await;
    let d2 = domain(&store, "b.example", &[]).await;
    for i in 0..5 {
        store
            .accounts()
            .create_account(new_account(&format!("user{i}@a.example"), Role::User))
            .await
            .unwrap();
    }
    store
        .accounts()
        .create_account(new_account("user_x@b.example", Role::User))
        .await
        .unwrap();
    let mut seen = vec![];
    let mut cursor = None;
    loop {
        let page = store
            .accounts()
            .list_accounts(&ListQuery {
                limit: 2,
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|a| a.address()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "address order, no duplicates across pages");
    let only_b = store
        .accounts()
        .list_accounts(&ListQuery {
            limit: 50,
            domain_ids: Some(vec![d2.id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(only_b.items.len(), 1);
    // `_` is a literal in a search, not a LIKE wildcard.
    let search = store
        .accounts()
        .list_accounts(&ListQuery {
            limit: 50,
            q: Some("USER_".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(search.items.len(), 1, "{:?}", search.items);
    let domains = store
        .domains()
        .list_domains(&ListQuery {
            limit: 50,
            domain_ids: Some(vec![d1.id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(domains.items.len(), 1);
    assert_eq!(domains.items[0].account_count, 5);
    let bad = store
        .domains()
        .list_domains(&ListQuery {
            limit: 5,
            cursor: Some("!!!".into()),
            ..Default::default()
        })
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))));
}

#[tokio::test]
async fn aliases_and_accounts_share_one_address_space() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "example.com", &[]).await;
    store
        .accounts()
        .create_account(new_account("bob@example.com", Role::User))
        .await
        .unwrap();
    let err = store
        .aliases()
        .create_alias(Some("Bob"), "example.com", vec!["x@remote.example".into()])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let sales = store
        .aliases()
        .create_alias(
            Some("Sales"),
            "example.com",
            vec!["bob@example.com".into(), "x@remote.example".into()],
        )
        .await
        .unwrap();
    assert_eq!(sales.address, "sales@example.com");
    let catch_all = store
        .aliases()
        .create_alias(None, "example.com", vec!["bob@example.com".into()])
        .await
        .unwrap();
    assert!(catch_all.catch_all());
    assert_eq!(catch_all.address, "@example.com");
    let err = store
        .accounts()
        .create_account(new_account("sales@example.com", Role::User))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .aliases()
        .create_alias(Some("sales"), "example.com", vec!["a@b.example".into()])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let updated = store
        .aliases()
        .update_alias_targets(&sales.id, vec!["only@remote.example".into()])
        .await
        .unwrap();
    assert_eq!(updated.targets, vec!["only@remote.example"]);
    assert_eq!(
        store
            .aliases()
            .alias_by_address("SALES@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        sales.id
    );
    store.aliases().delete_alias(&sales.id).await.unwrap();
    assert!(matches!(
        store.aliases().delete_alias(&sales.id).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn refresh_tokens_rotate_once_and_reuse_revokes_the_family() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "example.com", &[]).await;
    let a = store
        .accounts()
        .create_account(new_account("t@example.com", Role::User))
        .await
        .unwrap();
    let later = Utc::now() + Duration::days(1);
    store
        .credentials()
        .insert_refresh_token(&a.id, "fam", "h1", later)
        .await
        .unwrap();
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("h1", "h2", later)
            .await
            .unwrap(),
        RefreshOutcome::Rotated {
            account_id: a.id.clone()
        }
    );
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("h1", "h3", later)
            .await
            .unwrap(),
        RefreshOutcome::Reused
    );
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("h2", "h4", later)
            .await
            .unwrap(),
        RefreshOutcome::Invalid,
        "the successor is revoked with its family"
    );
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("nope", "h5", later)
            .await
            .unwrap(),
        RefreshOutcome::Invalid
    );
    store
        .credentials()
        .insert_refresh_token(&a.id, "fam2", "old", Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("old", "h6", later)
            .await
            .unwrap(),
        RefreshOutcome::Invalid,
        "expired"
    );
    store
        .credentials()
        .insert_refresh_token(&a.id, "fam3", "k1", later)
        .await
        .unwrap();
    assert_eq!(
        store
            .credentials()
            .revoke_refresh_family("k1")
            .await
            .unwrap(),
        Some(a.id.clone())
    );
    assert_eq!(
        store
            .credentials()
            .rotate_refresh_token("k1", "h7", later)
            .await
            .unwrap(),
        RefreshOutcome::Invalid,
        "logged out"
    );
}

#[tokio::test]
async fn api_keys_are_found_by_hash_and_deleted_by_owner_only() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "example.com", &[]).await;
    let a = store
        .accounts()
        .create_account(new_account("k@example.com", Role::User))
        .await
        .unwrap();
    let b = store
        .accounts()
        .create_account(new_account("m@example.com", Role::User))
        .await
        .unwrap();
    let key = store
        .credentials()
        .create_api_key(NewApiKey {
            account_id: a.id.clone(),
            name: "ci".into(),
            prefix: "osk_abcdefgh".into(),
            key_hash: "hash-1".into(),
            scopes: vec!["account:read".into()],
            expires_at: None,
        })
        .await
        .unwrap();
    let used = store
        .credentials()
        .use_api_key("hash-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.scopes, vec!["account:read"]);
    assert!(
        store.credentials().list_api_keys(&a.id).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
    assert!(
        store
            .credentials()
            .use_api_key("hash-2")
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.credentials().delete_api_key(&b.id, &key.id).await,
        Err(StoreError::NotFound)
    ));
    store
        .credentials()
        .delete_api_key(&a.id, &key.id)
        .await
        .unwrap();
    assert!(
        store
            .credentials()
            .use_api_key("hash-1")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn sqlite_or_postgres_as_configured() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let want = match osprey_store::testing::backend_name().as_str() {
        "postgres" => osprey_store::Backend::Postgres,
        _ => osprey_store::Backend::Sqlite,
    };
    assert_eq!(store.backend(), want);
    store.ping().await.unwrap();
}

fn new_message(account_id: &str, mailbox_id: &str, size: u64) -> osprey_store::NewMessage {
    osprey_store::NewMessage {
        account_id: account_id.to_owned(),
        mailbox_id: mailbox_id.to_owned(),
        blob_hash: "0".repeat(64),
        size,
        flags: 0,
        keywords: vec![],
        internal_date: Utc::now(),
        summary: Default::default(),
    }
}

#[tokio::test]
async fn messages_get_ascending_uids_quota_tombstones_and_moves() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "mail.example", &[]).await;
    let acc = store
        .accounts()
        .create_account(new_account("m@mail.example", Role::User))
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    let trash = store
        .messages()
        .mailbox_by_name(&acc.id, "Trash")
        .await
        .unwrap();
    let mut changes = store.subscribe();
    let landed = store
        .messages()
        .append_messages(vec![
            new_message(&acc.id, &inbox.id, 300),
            new_message(&acc.id, &inbox.id, 300),
            new_message(&acc.id, &inbox.id, 300),
        ])
        .await
        .unwrap();
    let uids: Vec<u32> = landed.iter().map(|a| a.uid).collect();
    assert_eq!(uids, vec![1, 2, 3]);
    assert!(landed.windows(2).all(|w| w[0].modseq < w[1].modseq));
    assert_eq!(
        changes.try_recv().unwrap().kind,
        osprey_store::ChangeKind::Appended
    );
    // Quota 1000: a fourth message of 300 bytes is refused, and nothing of it lands.
    let over = store
        .messages()
        .append_messages(vec![new_message(&acc.id, &inbox.id, 300)])
        .await;
    assert!(matches!(over, Err(StoreError::OverQuota)), "{over:?}");
    assert_eq!(
        store.messages().in_mailbox(&inbox.id).await.unwrap().len(),
        3
    );
    assert_eq!(
        store.accounts().account(&acc.id).await.unwrap().used_bytes,
        900
    );
    // Expunge leaves tombstones; UIDs are never reused.
    let gone = store
        .messages()
        .expunge_messages(&inbox.id, &[landed[1].id.clone(), "no-such-id".into()])
        .await
        .unwrap();
    assert_eq!(gone, vec![2]);
    let moved = store
        .messages()
        .move_messages(&inbox.id, &[landed[0].id.clone()], &trash.id)
        .await
        .unwrap();
    assert_eq!(moved, vec![(1, 1)]);
    assert_eq!(
        store.messages().in_mailbox(&trash.id).await.unwrap()[0].uid,
        1
    );
    let again = store
        .messages()
        .append_messages(vec![new_message(&acc.id, &inbox.id, 10)])
        .await
        .unwrap();
    assert_eq!(again[0].uid, 4, "UIDs are not reused after expunge");
    let left: Vec<u32> = store
        .messages()
        .in_mailbox(&inbox.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.uid)
        .collect();
    assert_eq!(left, vec![3, 4]);
    // The usage counter follows appends, expunges and moves: 3 and 4 in INBOX, 1 in Trash.
    assert_eq!(
        store.accounts().account(&acc.id).await.unwrap().used_bytes,
        300 + 10 + 300
    );
    let inbox_after = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    assert!(inbox_after.highestmodseq > inbox.highestmodseq);
    assert_eq!(inbox_after.uidnext, 5);
}

/// A quota is a limit the usage may reach: a batch that fills it exactly lands, one
/// byte more does not, counted over the whole batch; a batch for an account that does
/// not exist lands nowhere.
#[tokio::test]
async fn a_batch_may_fill_the_quota_exactly_but_not_pass_it() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_quota(&store, "q@quota.example", Some(1000)).await;
    let batch = |sizes: &[u64]| {
        sizes
            .iter()
            .map(|s| new_message(&account, &inbox, *s))
            .collect()
    };
    let over = store.messages().append_messages(batch(&[600, 401])).await;
    assert!(matches!(over, Err(StoreError::OverQuota)), "{over:?}");
    let used = async || store.accounts().account(&account).await.unwrap().used_bytes;
    assert_eq!(used().await, 0);
    store
        .messages()
        .append_messages(batch(&[600, 400]))
        .await
        .unwrap();
    assert_eq!(used().await, 1000);
    let nobody = store
        .messages()
        .append_messages(vec![new_message("no-such-account", &inbox, 1)])
        .await;
    assert!(matches!(nobody, Err(StoreError::NotFound)), "{nobody:?}");
    assert_eq!(store.messages().in_mailbox(&inbox).await.unwrap().len(), 2);
}

/// A domain and an account of it without a quota: the account's id and its INBOX's.
async fn account_with_inbox(store: &Store, address: &str) -> (String, String) {
    account_with_quota(store, address, None).await
}

/// An account of a new domain with this quota, and its INBOX: (account id, INBOX id).
async fn account_with_quota(
    store: &Store,
    address: &str,
    quota_bytes: Option<u64>,
) -> (String, String) {
    domain(store, address.split_once('@').unwrap().1, &[]).await;
    let mut new = new_account(address, Role::User);
    new.quota_bytes = quota_bytes;
    let account = store.accounts().create_account(new).await.unwrap().id;
    let inbox = store
        .messages()
        .mailbox_by_name(&account, "INBOX")
        .await
        .unwrap()
        .id;
    (account, inbox)
}

#[tokio::test]
async fn concurrent_writers_never_share_a_uid_or_modseq() {
    writers_race().await;
}

/// The same on a multi-threaded runtime, as the server runs: there a write given the
/// closure form waits for its turn and runs on a thread of its own, and the others
/// (the claims of `\Recent` here) wait as tasks, at the same gate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_on_a_multi_threaded_runtime() {
    writers_race().await;
}

/// Six writers append five messages each, claiming `\Recent` after each append, then
/// two expunge the same ten messages at once.
async fn writers_race() {
    let db = TestDb::new().await;
    let store = db.store().await;
    domain(&store, "race.example", &[]).await;
    let mut new = new_account("r@race.example", Role::User);
    new.quota_bytes = None;
    let acc = store.accounts().create_account(new).await.unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&acc.id, "INBOX")
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (store, acc, inbox) = (store.clone(), acc.id.clone(), inbox.id.clone());
        tasks.push(tokio::spawn(async move {
            let mut landed = Vec::new();
            let mut claimed = Vec::new();
            for _ in 0..5 {
                landed.extend(
                    store
                        .messages()
                        .append_messages(vec![new_message(&acc, &inbox, 10)])
                        .await
                        .unwrap(),
                );
                claimed.extend(store.mailboxes().claim_recent(&inbox).await.unwrap());
            }
            (landed, claimed)
        }));
    }
    let mut uids = Vec::new();
    let mut modseqs = Vec::new();
    let mut claimed = Vec::new();
    for t in tasks {
        let (landed, claims) = t.await.unwrap();
        for a in landed {
            uids.push(a.uid);
            modseqs.push(a.modseq);
        }
        claimed.extend(claims);
    }
    // RFC 3501 §2.3.2: a message is recent in one session only; every claim took what
    // the appends before it left, and no UID twice.
    claimed.sort_unstable();
    assert_eq!(claimed, (1..=30).collect::<Vec<u32>>());
    uids.sort_unstable();
    modseqs.sort_unstable();
    modseqs.dedup();
    assert_eq!(uids, (1..=30).collect::<Vec<u32>>());
    assert_eq!(modseqs.len(), 30, "every append has its own MODSEQ");
    // Two expunges of the same messages at once: both succeed, one does the work.
    let ids: Vec<String> = store
        .messages()
        .in_mailbox(&inbox.id)
        .await
        .unwrap()
        .iter()
        .take(10)
        .map(|m| m.id.clone())
        .collect();
    let (a, b) = tokio::join!(
        store.messages().expunge_messages(&inbox.id, &ids),
        store.messages().expunge_messages(&inbox.id, &ids)
    );
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 10);
    assert_eq!(
        store.messages().in_mailbox(&inbox.id).await.unwrap().len(),
        20
    );
}
