//! The submission service: one verdict per recipient for every front end (SMTP RCPT,
//! REST send), and one transaction for local and remote recipients.

use std::{net::IpAddr, sync::Arc};

use osprey_core::{Address, DomainName, IpNet, RelayMode, RelayPolicy, Role, hash_credentials};
use osprey_mail::{Client, Envelope, LocalDelivery, Outbox, Refusal, Submission, Verdict};
use osprey_store::{
    AccountRecord, NewAccount, NewDomain, NewQueuedRecipient, QueueFilter, Store,
    blob::{BlobStore, FsBlobStore},
    testing::TestDb,
};

async fn setup(db: &TestDb) -> (Store, Submission, AccountRecord) {
    let store = db.store().await;
    store
        .domains()
        .create_domain(NewDomain {
            name: DomainName::parse("here.example").unwrap(),
            aliases: vec![],
            settings: Default::default(),
            enabled: true,
        })
        .await
        .unwrap();
    let ann = store
        .accounts()
        .create_account(NewAccount {
            address: Address::parse("ann@here.example").unwrap(),
            credentials: hash_credentials("Plain-Ribbon-77z"),
            role: Role::User,
            display_name: String::new(),
            quota_bytes: Some(1000),
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .unwrap();
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let submission = Submission::new(
        LocalDelivery::new(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs),
        8,
    );
    (store, submission, ann)
}

fn addr(s: &str) -> Address {
    Address::parse(s).unwrap()
}

fn client(ip: &str, account: Option<&AccountRecord>) -> Client {
    Client {
        ip: Some(ip.parse::<IpAddr>().unwrap()),
        account: account.cloned(),
        sender: String::new(),
    }
}

#[tokio::test]
async fn each_recipient_gets_a_verdict_with_its_reason() {
    let db = TestDb::new().await;
    let (store, s, ann) = setup(&db).await;
    let stranger = client("192.0.2.7", None);
    let signed_in = client("192.0.2.7", Some(&ann));
    let v = s
        .recipient(&stranger, &addr("ann@here.example"), 10)
        .await
        .unwrap();
    assert!(matches!(v, Verdict::Accepted { ref local, .. } if local.len() == 1));
    assert!(matches!(
        s.recipient(&stranger, &addr("nobody@here.example"), 0)
            .await
            .unwrap(),
        Verdict::Refused(Refusal::Unknown)
    ));
    // The declared size would take ann over her quota.
    assert!(matches!(
        s.recipient(&stranger, &addr("ann@here.example"), 5000)
            .await
            .unwrap(),
        Verdict::Refused(Refusal::MailboxFull)
    ));
    // The default policy (local users): a stranger may not relay, ann may.
    match s
        .recipient(&stranger, &addr("x@far.example"), 0)
        .await
        .unwrap()
    {
        Verdict::Refused(Refusal::RelayDenied { rule }) => assert!(!rule.is_empty()),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(
        s.recipient(&signed_in, &addr("x@far.example"), 0)
            .await
            .unwrap(),
        Verdict::Relayed { .. }
    ));
    // Local hosts: the client's real address decides; an unknown one matches nothing.
    store
        .settings()
        .set_relay_policy(&RelayPolicy {
            mode: RelayMode::LocalHosts,
            networks: vec!["192.0.2.0/24".parse::<IpNet>().unwrap()],
            destinations: vec![],
        })
        .await
        .unwrap();
    assert!(matches!(
        s.recipient(&stranger, &addr("x@far.example"), 0)
            .await
            .unwrap(),
        Verdict::Relayed { .. }
    ));
    let unknown = Client {
        ip: None,
        account: None,
        sender: String::new(),
    };
    assert!(matches!(
        s.recipient(&unknown, &addr("x@far.example"), 0)
            .await
            .unwrap(),
        Verdict::Refused(Refusal::RelayDenied { .. })
    ));
}

#[tokio::test]
async fn local_and_remote_recipients_are_stored_together() {
    let db = TestDb::new().await;
    let (store, s, ann) = setup(&db).await;
    let c = client("192.0.2.7", Some(&ann));
    let mut envelope = Envelope {
        sender: "ann@here.example".into(),
        ..Default::default()
    };
    for to in ["ann@here.example", "x@far.example", "X@far.example"] {
        let v = s.recipient(&c, &addr(to), 0).await.unwrap();
        envelope.add(v, NewQueuedRecipient::to(to));
    }
    assert_eq!(envelope.accounts, std::slice::from_ref(&ann.id));
    assert_eq!(
        envelope.remote.len(),
        1,
        "one remote recipient, ignoring case"
    );
    let done = s
        .submit(&envelope, b"Subject: both\r\n\r\nhello\r\n", "INBOX")
        .await
        .unwrap();
    assert_eq!(done.local.len(), 1);
    let queue = store
        .queue()
        .queue_entries(&QueueFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(Some(&queue[0].message.id), done.queue_id.as_ref());
}
