//! The queue worker over a real store: per-recipient outcomes, retries, the lifetime,
//! failure, delay and relay reports, and the cases that must never report.

use std::{collections::HashMap, sync::Arc};

use chrono::{Duration, Utc};
use osprey_core::{Address, DomainName, Role, StoredCredentials};
use osprey_mail::{DeliveryRules, LocalDelivery, Outbox, QueueOptions, Submission};
use osprey_outbound::{
    ClientConfig, QueueSettings, QueueWorker, Schedule, StaticResolver, system_roots_config,
};
use osprey_store::{
    DELIVERED, FAILED, NewAccount, NewDomain, NewQueuedRecipient, PENDING, QueueEntry, RuleOwner,
    Store, blob::FsBlobStore, testing::TestDb,
};

use crate::mx::Mx;

const SENDER: &str = "sender@local.test";
const MESSAGE: &[u8] =
    b"From: sender@local.test\r\nTo: x@remote.test\r\nSubject: hello\r\n\r\nHi.\r\n";

struct World {
    _db: TestDb,
    store: Store,
    blobs: Arc<FsBlobStore>,
    submission: Submission,
    sender: String,
    mx: Mx,
}

async fn world() -> World {
    let db = TestDb::new().await;
    let store = db.store().await;
    store
        .domains()
        .create_domain(NewDomain {
            name: DomainName::parse("local.test").unwrap(),
            aliases: vec![],
            settings: Default::default(),
            enabled: true,
        })
        .await
        .unwrap();
    let sender = store
        .accounts()
        .create_account(NewAccount {
            address: Address::parse(SENDER).unwrap(),
            credentials: StoredCredentials {
                password_hash: "$argon2id$test".into(),
                scram_sha256: "4096:c2FsdA==:AA==:AA==".into(),
            },
            role: Role::User,
            display_name: String::new(),
            quota_bytes: None,
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .unwrap()
        .id;
    let blobs = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let submission = Submission::new(
        LocalDelivery::new(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs.clone()),
        8,
    )
    .with_rules(DeliveryRules::new(store.clone(), "mx.local.test"));
    World {
        _db: db,
        store,
        blobs,
        submission,
        sender,
        mx: Mx::start().await,
    }
}

impl World {
    fn settings(&self, schedule: Schedule) -> QueueSettings {
        QueueSettings {
            hostname: "mx.local.test".into(),
            schedule: schedule.into(),
            client: ClientConfig::new("mx.local.test", system_roots_config()),
            smarthost: None,
            require_tls: vec![],
            parallel_domains: 4,
            max_alias_depth: 8,
        }
    }

    fn worker(&self, schedule: Schedule, to: Option<std::net::SocketAddr>) -> QueueWorker {
        let to = to.or(self.mx.addr).unwrap();
        let routes = HashMap::from([("remote.test".to_owned(), vec![to])]);
        QueueWorker::new(
            self.submission.clone(),
            Arc::new(StaticResolver::new(routes)),
            self.settings(schedule),
        )
    }

    async fn enqueue(&self, sender: &str, rcpts: &[(&str, Option<&str>)]) -> String {
        let rcpts = rcpts
            .iter()
            .map(|(a, n)| NewQueuedRecipient {
                address: (*a).into(),
                notify: n.map(str::to_owned),
                orcpt: None,
                return_path: None,
                header: None,
            })
            .collect();
        let options = QueueOptions {
            is_bounce: sender.is_empty(),
            ..Default::default()
        };
        self.submission
            .outbox()
            .enqueue(sender, rcpts, MESSAGE, options)
            .await
            .unwrap()
    }

    async fn entry(&self, id: &str) -> QueueEntry {
        self.store.queue().queue_entry(id).await.unwrap()
    }

    /// The sender's INBOX, bodies as text.
    async fn reports(&self) -> Vec<String> {
        self.mailbox("INBOX").await
    }

    /// A mailbox of the sender, bodies as text.
    async fn mailbox(&self, name: &str) -> Vec<String> {
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(&self.sender, name)
            .await
            .unwrap();
        let mut out = Vec::new();
        for m in self.store.messages().in_mailbox(&inbox.id).await.unwrap() {
            out.push(String::from_utf8(self.blobs.get(&m.blob_hash).await.unwrap()).unwrap());
        }
        out
    }
}

fn state<'a>(e: &'a QueueEntry, address: &str) -> &'a osprey_store::QueuedRecipient {
    e.recipients.iter().find(|r| r.address == address).unwrap()
}

fn schedule(lifetime: Duration, delay_notice_after: Option<Duration>) -> Schedule {
    Schedule {
        intervals: vec![Duration::minutes(1)],
        lifetime,
        delay_notice_after,
    }
}

#[tokio::test]
async fn each_recipient_gets_its_outcome_and_the_sender_its_reports() {
    let w = world().await;
    let id = w
        .enqueue(
            SENDER,
            &[
                ("ok@remote.test", None),
                ("temp@remote.test", None),
                ("perm@remote.test", None),
            ],
        )
        .await;
    let worker = w.worker(schedule(Duration::days(5), Some(Duration::zero())), None);
    assert!(worker.round().await, "work was due");

    let got = w.mx.received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, SENDER);
    assert_eq!(got[0].rcpts, vec!["ok@remote.test"]);
    assert!(got[0].data.contains("Subject: hello"));

    let e = w.entry(&id).await;
    assert_eq!(state(&e, "ok@remote.test").status, DELIVERED);
    assert_eq!(
        state(&e, "ok@remote.test").remote_mta.as_deref(),
        Some("remote.test")
    );
    let perm = state(&e, "perm@remote.test");
    assert_eq!(perm.status, FAILED);
    assert_eq!(perm.last_status.as_deref(), Some("5.1.1"));
    assert!(
        perm.last_error.as_deref().unwrap().contains("550 5.1.1"),
        "{perm:?}"
    );
    let temp = state(&e, "temp@remote.test");
    assert_eq!(temp.status, PENDING);
    assert_eq!(temp.attempts, 1);
    assert!(
        temp.next_attempt_at > Utc::now() + Duration::seconds(50),
        "{temp:?}"
    );

    let reports = w.reports().await;
    assert_eq!(reports.len(), 2, "a bounce and a delay notice");
    let bounce = reports
        .iter()
        .find(|r| r.contains("Action: failed"))
        .unwrap();
    assert!(
        bounce.contains("Final-Recipient: rfc822; perm@remote.test"),
        "{bounce}"
    );
    assert!(
        bounce.contains("Diagnostic-Code: smtp; 550 5.1.1"),
        "{bounce}"
    );
    assert!(!bounce.contains("temp@remote.test"), "{bounce}");
    let delay = reports
        .iter()
        .find(|r| r.contains("Action: delayed"))
        .unwrap();
    assert!(
        delay.contains("temp@remote.test") && delay.contains("Will-Retry-Until"),
        "{delay}"
    );

    // Retried now: still busy, and the delay notice is not sent twice.
    assert_eq!(w.store.queue().queue_retry_now(&id).await.unwrap(), 1);
    assert!(worker.round().await);
    assert_eq!(state(&w.entry(&id).await, "temp@remote.test").attempts, 2);
    assert_eq!(w.reports().await.len(), 2);
    assert_eq!(*w.mx.connections.lock().unwrap(), 2);
    assert!(!worker.round().await, "nothing is due");
}

/// "Bounce now": an administrator returns a message's pending recipients; the worker fails
/// them without trying them and the sender gets one failure report.
#[tokio::test]
async fn bounce_now_returns_the_pending_recipients_without_trying_them() {
    let w = world().await;
    let id = w
        .enqueue(
            SENDER,
            &[("ok@remote.test", None), ("temp@remote.test", None)],
        )
        .await;
    assert_eq!(w.store.queue().queue_bounce_now(&id).await.unwrap(), 2);
    let worker = w.worker(schedule(Duration::days(5), None), None);
    assert!(worker.round().await, "work was due");
    assert_eq!(*w.mx.connections.lock().unwrap(), 0, "nothing is tried");
    let e = w.entry(&id).await;
    for rcpt in ["ok@remote.test", "temp@remote.test"] {
        let r = state(&e, rcpt);
        assert_eq!(r.status, FAILED, "{r:?}");
        assert_eq!(r.last_status.as_deref(), Some("5.0.0"), "{r:?}");
    }
    let reports = w.reports().await;
    assert_eq!(reports.len(), 1, "one report for both");
    let report = &reports[0];
    // RFC 3464 §2.3.3: a failed recipient's Action is "failed".
    assert!(report.contains("Action: failed"), "{report}");
    assert!(report.contains("Status: 5.0.0"), "{report}");
    assert!(
        report.contains("Final-Recipient: rfc822; ok@remote.test")
            && report.contains("Final-Recipient: rfc822; temp@remote.test"),
        "{report}"
    );
    assert!(
        report.contains("returned undelivered by an administrator"),
        "{report}"
    );
    assert_eq!(
        w.store.queue().queue_bounce_now(&id).await.unwrap(),
        0,
        "nothing is pending any more"
    );
    assert!(!worker.round().await, "nothing is due");
}

#[tokio::test]
async fn a_report_to_a_local_sender_goes_through_the_senders_delivery_rules() {
    let w = world().await;
    let rules = w.submission.rules().unwrap();
    rules
        .import_sieve(
            &RuleOwner::Account(w.sender.clone()),
            "require [\"fileinto\", \"mailbox\"];\n\
             if header :contains \"from\" \"MAILER-DAEMON\" { fileinto :create \"Bounces\"; }\n",
            None,
        )
        .await
        .unwrap();
    w.enqueue(SENDER, &[("perm@remote.test", None)]).await;
    let worker = w.worker(schedule(Duration::days(5), None), None);
    assert!(worker.round().await, "work was due");
    assert!(w.reports().await.is_empty(), "the rule moved the report");
    let filed = w.mailbox("Bounces").await;
    assert_eq!(filed.len(), 1);
    assert!(filed[0].contains("Action: failed"), "{}", filed[0]);
}

#[tokio::test]
async fn a_recipient_fails_when_its_lifetime_is_over() {
    let w = world().await;
    let id = w.enqueue(SENDER, &[("temp@remote.test", None)]).await;
    let worker = w.worker(schedule(Duration::zero(), None), None);
    worker.round().await;
    let temp = state(&w.entry(&id).await, "temp@remote.test").clone();
    assert_eq!(temp.status, FAILED);
    assert_eq!(temp.last_status.as_deref(), Some("4.4.7"));
    let reports = w.reports().await;
    assert_eq!(reports.len(), 1);
    assert!(reports[0].contains("Status: 4.4.7"), "{}", reports[0]);
}

#[tokio::test]
async fn null_senders_and_notify_never_get_no_report_success_gets_relayed() {
    let w = world().await;
    let worker = w.worker(schedule(Duration::days(5), Some(Duration::zero())), None);
    let bounce = w.enqueue("", &[("perm@remote.test", None)]).await;
    let never = w
        .enqueue(SENDER, &[("perm@remote.test", Some("NEVER"))])
        .await;
    worker.round().await;
    assert_eq!(
        state(&w.entry(&bounce).await, "perm@remote.test").status,
        FAILED
    );
    assert_eq!(
        state(&w.entry(&never).await, "perm@remote.test").status,
        FAILED
    );
    assert!(
        w.reports().await.is_empty(),
        "bounces never bounce; NEVER means never"
    );
    assert_eq!(
        w.store
            .queue()
            .queue_entries(&osprey_store::QueueFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        2,
        "no bounce was queued for the null sender either"
    );

    w.enqueue(SENDER, &[("ok@remote.test", Some("SUCCESS"))])
        .await;
    worker.round().await;
    let reports = w.reports().await;
    assert_eq!(reports.len(), 1);
    assert!(reports[0].contains("Action: relayed"), "{}", reports[0]);
}

#[tokio::test]
async fn an_unreachable_destination_is_retried_later() {
    let w = world().await;
    // A port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let id = w.enqueue(SENDER, &[("ok@remote.test", None)]).await;
    let worker = w.worker(schedule(Duration::days(5), None), Some(closed));
    worker.round().await;
    let r = state(&w.entry(&id).await, "ok@remote.test").clone();
    assert_eq!(r.status, PENDING);
    assert_eq!(r.last_status.as_deref(), Some("4.4.1"));
    assert!(
        r.last_error.as_deref().unwrap().contains("connect"),
        "{r:?}"
    );
    assert!(w.reports().await.is_empty());
}

#[tokio::test]
async fn messages_to_one_domain_share_one_connection() {
    let w = world().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(w.enqueue(SENDER, &[("ok@remote.test", None)]).await);
    }
    let worker = w.worker(schedule(Duration::days(5), None), None);
    worker.round().await;
    assert_eq!(w.mx.received.lock().unwrap().len(), 3);
    assert_eq!(
        *w.mx.connections.lock().unwrap(),
        1,
        "RSET between, not a new connection"
    );
    for id in ids {
        assert_eq!(
            state(&w.entry(&id).await, "ok@remote.test").status,
            DELIVERED
        );
    }
}

#[tokio::test]
async fn a_smarthost_takes_every_domain_and_require_tls_is_enforced() {
    let w = world().await;
    let id = w.enqueue(SENDER, &[("ok@elsewhere.test", None)]).await;
    // No route for elsewhere.test: only the smarthost can take it.
    let mut settings = w.settings(schedule(Duration::days(5), None));
    settings.smarthost = Some(osprey_outbound::Target {
        host: "smarthost.test".into(),
        addrs: vec![w.mx.addr.unwrap()],
    });
    let worker = QueueWorker::new(
        w.submission.clone(),
        Arc::new(StaticResolver::new(HashMap::new())),
        settings.clone(),
    );
    worker.round().await;
    let r = state(&w.entry(&id).await, "ok@elsewhere.test").clone();
    assert_eq!(r.status, DELIVERED, "{r:?}");
    assert_eq!(r.remote_mta.as_deref(), Some("smarthost.test"));

    // The receiving server offers no STARTTLS: a destination that requires TLS waits.
    let id = w.enqueue(SENDER, &[("ok@elsewhere.test", None)]).await;
    settings.require_tls = vec!["elsewhere.test".into()];
    let worker = QueueWorker::new(
        w.submission.clone(),
        Arc::new(StaticResolver::new(HashMap::new())),
        settings,
    );
    worker.round().await;
    let r = state(&w.entry(&id).await, "ok@elsewhere.test").clone();
    assert_eq!(r.status, PENDING, "{r:?}");
    assert_eq!(r.last_status.as_deref(), Some("4.7.4"));
    assert_eq!(
        w.mx.received.lock().unwrap().len(),
        1,
        "nothing sent in the clear"
    );
}

#[tokio::test]
async fn a_recipient_with_its_own_return_path_gets_its_own_transaction_header_and_reports() {
    let w = world().await;
    // The signing domain's key, published in a DNS table the checks read.
    let key = osprey_mail::auth::generate_key("sel1").unwrap();
    let domain = w
        .store
        .domains()
        .domain_by_name("local.test")
        .await
        .unwrap();
    w.store
        .dkim()
        .set_dkim_key(&domain.id, "sel1", &key.private_pkcs8, &key.public_spki)
        .await
        .unwrap();
    let own = |address: &str, return_path: &str, header: Option<&str>| NewQueuedRecipient {
        address: address.into(),
        notify: None,
        orcpt: None,
        return_path: Some(return_path.into()),
        header: header.map(str::to_owned),
    };
    let unsubscribe = "List-Unsubscribe: <https://mail.local.test/lists/unsubscribe/a1>\r\n\
                       List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    let id = w
        .submission
        .outbox()
        .enqueue(
            "list-bounces@local.test",
            vec![
                NewQueuedRecipient::to("ok@remote.test"),
                own(
                    "ok-a@remote.test",
                    "list-bounces+a1@local.test",
                    Some(unsubscribe),
                ),
                own("perm-b@remote.test", SENDER, None),
            ],
            MESSAGE,
            QueueOptions::default(),
        )
        .await
        .unwrap();
    let worker = w.worker(schedule(Duration::days(5), None), None);
    assert!(worker.round().await);
    let got = w.mx.received.lock().unwrap().clone();
    // RFC 5321 §3.3: one transaction per envelope sender, over the one connection.
    assert_eq!(*w.mx.connections.lock().unwrap(), 1);
    let plain = got.iter().find(|r| r.rcpts == ["ok@remote.test"]).unwrap();
    assert_eq!(plain.from, "list-bounces@local.test");
    assert!(
        plain.data.starts_with("From: sender@local.test"),
        "{}",
        plain.data
    );
    let a = got
        .iter()
        .find(|r| r.rcpts == ["ok-a@remote.test"])
        .unwrap();
    assert_eq!(a.from, "list-bounces+a1@local.test");
    // The recipient's fields come before the queued message, under a DKIM signature
    // of the return path's domain that covers them (RFC 8058 §4).
    assert!(a.data.starts_with("DKIM-Signature: "), "{}", a.data);
    let signature_end = a.data.find("\r\nList-Unsubscribe:").unwrap();
    let signature = a.data[..signature_end].to_ascii_lowercase();
    assert!(signature.contains("d=local.test"), "{signature}");
    assert!(
        signature.contains("list-unsubscribe") && signature.contains("list-unsubscribe-post"),
        "{signature}"
    );
    assert!(
        a.data
            .contains(&format!("{unsubscribe}From: sender@local.test")),
        "{}",
        a.data
    );
    let record = osprey_mail::auth::dns_record(&key.public_spki);
    let checks = osprey_mail::auth::MessageChecks::with_table(
        "mx.remote.test",
        osprey_mail::auth::TxtTable::new([("sel1._domainkey.local.test", record.as_str())]),
    )
    .unwrap();
    let verdict = checks
        .check(&osprey_mail::auth::Received {
            client_ip: "192.0.2.7".parse().unwrap(),
            helo: "mx.local.test",
            mail_from: "list-bounces+a1@local.test",
            message: a.data.as_bytes(),
        })
        .await;
    assert!(verdict.dkim_pass, "{}", verdict.header);
    // The failure of the third goes to its own return path, the sender's INBOX.
    let e = w.entry(&id).await;
    assert_eq!(state(&e, "perm-b@remote.test").status, FAILED);
    let reports = w.reports().await;
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].contains("Final-Recipient: rfc822; perm-b@remote.test"),
        "{}",
        reports[0]
    );
}
