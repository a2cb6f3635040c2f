//! Delivery rules at delivery, on a real store: where the message lands, what is sent on
//! the recipient's behalf, what is refused, and that nothing is lost when a rule's
//! mailbox is gone or a forward would loop.

use std::sync::Arc;

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_mail::{
    DeliveryError, DeliveryRules, Envelope, LocalDelivery, Outbox, RulesError, Submission,
};
use osprey_rules::{
    Action, Condition, Operator, Rule, RuleSet, TextTest, Vacation, vacation::AUTO_SUBMITTED,
};
use osprey_store::{
    AccountRecord, NewAccount, NewDomain, NewQueuedRecipient, QueueEntry, QueueFilter, RuleOwner,
    Store, StoreError,
    blob::{BlobStore, FsBlobStore},
    flags,
    testing::TestDb,
};

pub(crate) struct World {
    pub(crate) store: Store,
    blobs: Arc<dyn BlobStore>,
    pub(crate) s: Submission,
    pub(crate) rules: DeliveryRules,
    pub(crate) ann: AccountRecord,
    pub(crate) bob: AccountRecord,
}

pub(crate) async fn world(db: &TestDb) -> World {
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
    let mut accounts = Vec::new();
    for who in ["ann", "bob"] {
        accounts.push(
            store
                .accounts()
                .create_account(NewAccount {
                    address: Address::parse(&format!("{who}@here.example")).unwrap(),
                    credentials: hash_credentials("Plain-Ribbon-77z"),
                    role: Role::User,
                    display_name: String::new(),
                    quota_bytes: None,
                    admin_domain_ids: vec![],
                    enabled: true,
                })
                .await
                .unwrap(),
        );
    }
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let rules = DeliveryRules::new(store.clone(), "mx.here.example")
        .with_srs(vec![7; 32], "mx.here.example");
    let s = Submission::new(
        LocalDelivery::new(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs.clone()),
        8,
    )
    .with_rules(rules.clone());
    let bob = accounts.pop().unwrap();
    let ann = accounts.pop().unwrap();
    World {
        store,
        blobs,
        s,
        rules,
        ann,
        bob,
    }
}

impl World {
    pub(crate) async fn set_rules(&self, account: &AccountRecord, rules: Vec<Rule>) {
        self.rules
            .save(
                &RuleOwner::Account(account.id.clone()),
                &RuleSet::new(rules),
                None,
            )
            .await
            .unwrap();
    }

    /// Submits `message` from `sender` to `to` (local or remote) as SMTP would, with the
    /// transaction open.
    pub(crate) async fn send(
        &self,
        sender: &str,
        to: &[&str],
        message: &str,
    ) -> Result<osprey_mail::Submitted, DeliveryError> {
        let mut envelope = Envelope {
            sender: sender.into(),
            in_transaction: true,
            ..Default::default()
        };
        for rcpt in to {
            let v = self
                .s
                .verdict(None, false, &Address::parse(rcpt).unwrap(), 0)
                .await
                .unwrap();
            envelope.add(v, NewQueuedRecipient::to(*rcpt));
        }
        self.s.submit(&envelope, message.as_bytes(), "INBOX").await
    }

    /// The messages of a mailbox of an account, as (flags, keywords, subject).
    pub(crate) async fn mailbox(
        &self,
        account: &AccountRecord,
        name: &str,
    ) -> Vec<(u64, Vec<String>, String)> {
        let Ok(mb) = self
            .store
            .messages()
            .mailbox_by_name(&account.id, name)
            .await
        else {
            return Vec::new();
        };
        self.store
            .messages()
            .in_mailbox(&mb.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.flags, m.keywords, m.summary.subject.unwrap_or_default()))
            .collect()
    }

    pub(crate) async fn queue(&self) -> Vec<QueueEntry> {
        self.store
            .queue()
            .queue_entries(&QueueFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
    }

    async fn body(&self, entry: &QueueEntry) -> String {
        String::from_utf8(self.blobs.get(&entry.message.blob_hash).await.unwrap()).unwrap()
    }
}

pub(crate) fn subject_has(text: &str) -> Condition {
    Condition::Subject(TextTest::new(Operator::Contains, text))
}

pub(crate) const LIST_POST: &str = "From: dev@lists.far.example\r\nTo: ann@here.example\r\n\
    List-Id: Rust <rust.lists.far.example>\r\nSubject: [rust] release\r\n\r\nhello\r\n";

#[tokio::test]
async fn a_rule_files_into_a_new_mailbox_with_its_flags_and_inbox_does_not_get_it() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "lists",
            vec![Condition::ListId(TextTest::new(
                Operator::Contains,
                "rust.lists",
            ))],
            vec![
                Action::SetFlags {
                    flags: vec!["\\Flagged".into(), "$Lists".into()],
                },
                Action::FileInto {
                    mailbox: "Lists/Rust".into(),
                    create_if_missing: true,
                },
            ],
        )],
    )
    .await;
    w.send("dev@lists.far.example", &["ann@here.example"], LIST_POST)
        .await
        .unwrap();
    assert!(w.mailbox(&w.ann, "INBOX").await.is_empty());
    assert_eq!(
        w.mailbox(&w.ann, "Lists/Rust").await,
        vec![(
            flags::FLAGGED,
            vec!["$Lists".to_owned()],
            "[rust] release".to_owned()
        )]
    );
    // Mail the rule does not match is kept in INBOX (Sieve's implicit keep).
    w.send(
        "x@far.example",
        &["ann@here.example"],
        "Subject: other\r\n\r\nhi\r\n",
    )
    .await
    .unwrap();
    assert_eq!(w.mailbox(&w.ann, "INBOX").await.len(), 1);
}

#[tokio::test]
async fn a_rules_mailbox_that_is_gone_gives_way_to_inbox() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "receipts",
            vec![subject_has("receipt")],
            vec![Action::FileInto {
                mailbox: "Receipts".into(),
                create_if_missing: false,
            }],
        )],
    )
    .await;
    w.send(
        "shop@far.example",
        &["ann@here.example"],
        "Subject: your receipt\r\n\r\n1 EUR\r\n",
    )
    .await
    .unwrap();
    assert_eq!(w.mailbox(&w.ann, "INBOX").await.len(), 1, "not lost");
    assert!(w.mailbox(&w.ann, "Receipts").await.is_empty());
}

#[tokio::test]
async fn a_reject_is_the_smtp_reply_for_one_recipient_and_a_notice_for_several() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "no spam",
            vec![subject_has("casino")],
            vec![Action::Reject {
                text: "No casinos here, thanks".into(),
            }],
        )],
    )
    .await;
    let spam = "From: spam@far.example\r\nSubject: casino bonus\r\n\r\nwin\r\n";
    let err = w
        .send("spam@far.example", &["ann@here.example"], spam)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeliveryError::Rejected(t) if t == "No casinos here, thanks"),
        "{err:?}"
    );
    assert!(w.mailbox(&w.ann, "INBOX").await.is_empty());
    assert!(
        w.queue().await.is_empty(),
        "nothing sent: the reply said it"
    );

    // With two recipients the reply cannot speak for ann alone: bob gets the message,
    // the sender a notice with the rule's text.
    w.send(
        "spam@far.example",
        &["ann@here.example", "bob@here.example"],
        spam,
    )
    .await
    .unwrap();
    assert!(w.mailbox(&w.ann, "INBOX").await.is_empty());
    assert_eq!(w.mailbox(&w.bob, "INBOX").await.len(), 1);
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1);
    assert_eq!(
        queue[0].message.sender, "",
        "notices go with the null sender"
    );
    assert_eq!(queue[0].recipients[0].address, "spam@far.example");
    let notice = w.body(&queue[0]).await;
    assert!(notice.contains("No casinos here, thanks"), "{notice}");
    assert!(
        notice.contains(&format!("Auto-Submitted: {AUTO_SUBMITTED}")),
        "{notice}"
    );
}

#[tokio::test]
async fn discard_stores_nothing() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "drop",
            vec![subject_has("drop me")],
            vec![Action::Discard],
        )],
    )
    .await;
    let done = w
        .send(
            "x@far.example",
            &["ann@here.example"],
            "Subject: drop me\r\n\r\n.\r\n",
        )
        .await
        .unwrap();
    assert!(done.local.is_empty());
    assert!(w.mailbox(&w.ann, "INBOX").await.is_empty());
}

#[tokio::test]
async fn a_forward_goes_out_with_an_srs_sender_and_a_delivered_to_field() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "away",
            vec![],
            vec![Action::Forward {
                to: vec!["ann.private@far.example".into()],
                keep_copy: true,
            }],
        )],
    )
    .await;
    w.send(
        "carol@other.example",
        &["ann@here.example"],
        "From: carol@other.example\r\nSubject: hi\r\n\r\nhello\r\n",
    )
    .await
    .unwrap();
    assert_eq!(w.mailbox(&w.ann, "INBOX").await.len(), 1, "a copy is kept");
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1);
    let sender = &queue[0].message.sender;
    assert!(
        sender.starts_with("SRS0=") && sender.ends_with("@mx.here.example"),
        "{sender}"
    );
    assert!(sender.contains("=other.example=carol@"), "{sender}");
    assert_eq!(queue[0].recipients[0].address, "ann.private@far.example");
    assert!(
        w.body(&queue[0])
            .await
            .starts_with("Delivered-To: ann@here.example\r\n")
    );
    // A bounce to the SRS address goes back to the original sender.
    let back =
        w.s.verdict(None, false, &Address::parse(sender).unwrap(), 0)
            .await
            .unwrap();
    assert!(
        matches!(&back, osprey_mail::Verdict::Accepted { local, forwarded }
            if local.is_empty() && forwarded == &["carol@other.example".to_owned()]),
        "{back:?}"
    );
}

#[tokio::test]
async fn forwarding_that_comes_back_is_cut_and_the_message_delivered_once() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let redirect = |to: &str| {
        vec![Rule::new(
            "redirect",
            vec![],
            vec![Action::Redirect { to: to.into() }],
        )]
    };
    w.set_rules(&w.ann, redirect("bob@here.example")).await;
    w.set_rules(&w.bob, redirect("ann@here.example")).await;
    w.send(
        "carol@other.example",
        &["ann@here.example"],
        "Subject: ping-pong\r\n\r\nround and round\r\n",
    )
    .await
    .unwrap();
    // ann -> bob -> ann: ann's rule sees its own Delivered-To and keeps the message.
    let ann = w.mailbox(&w.ann, "INBOX").await;
    let bob = w.mailbox(&w.bob, "INBOX").await;
    assert_eq!((ann.len(), bob.len()), (1, 0), "{ann:?} {bob:?}");
    assert!(w.queue().await.is_empty());
}

#[tokio::test]
async fn vacation_answers_each_sender_once_per_period_and_never_a_list() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let mut away = Vacation::new("I am away until Monday.");
    away.subject = Some("Away".into());
    w.set_rules(
        &w.ann,
        vec![Rule::new("vacation", vec![], vec![Action::Vacation(away)])],
    )
    .await;
    let mail = "From: carol@other.example\r\nTo: ann@here.example\r\n\
        Message-ID: <m1@other.example>\r\nSubject: lunch?\r\n\r\n?\r\n";
    for _ in 0..2 {
        w.send("carol@other.example", &["ann@here.example"], mail)
            .await
            .unwrap();
    }
    // RFC 5230 §4.2: the same sender is answered once within the period.
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "one answer for two messages");
    assert_eq!(queue[0].message.sender, "");
    assert_eq!(queue[0].recipients[0].address, "carol@other.example");
    let answer = w.body(&queue[0]).await;
    for field in [
        "Subject: Away",
        "In-Reply-To: <m1@other.example>",
        "Auto-Submitted: auto-replied",
    ] {
        assert!(answer.contains(field), "{field} in {answer}");
    }
    assert!(answer.contains("I am away until Monday."));
    // A list post and a bounce get no answer.
    w.send("dev@lists.far.example", &["ann@here.example"], LIST_POST)
        .await
        .unwrap();
    w.send(
        "",
        &["ann@here.example"],
        "From: MAILER-DAEMON@far.example\r\nTo: ann@here.example\r\nSubject: failure\r\n\r\n.\r\n",
    )
    .await
    .unwrap();
    assert_eq!(w.queue().await.len(), 1);
    assert_eq!(w.mailbox(&w.ann, "INBOX").await.len(), 4, "all kept");
}

#[tokio::test]
async fn an_answer_to_a_local_sender_is_delivered_to_its_inbox() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "vacation",
            vec![],
            vec![Action::Vacation(Vacation::new("Away."))],
        )],
    )
    .await;
    w.send(
        "bob@here.example",
        &["ann@here.example"],
        "From: bob@here.example\r\nTo: ann@here.example\r\nSubject: hi\r\n\r\n.\r\n",
    )
    .await
    .unwrap();
    let bob = w.mailbox(&w.bob, "INBOX").await;
    assert_eq!(bob.len(), 1, "{bob:?}");
    assert!(bob[0].2.contains("hi"), "{bob:?}");
}

#[tokio::test]
async fn invalid_rules_are_refused_with_their_paths_and_nothing_is_saved() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let owner = RuleOwner::Account(w.ann.id.clone());
    let bad = RuleSet::new(vec![Rule::new(
        "bad",
        vec![Condition::Subject(TextTest::new(
            Operator::Regex,
            "(unclosed",
        ))],
        vec![Action::FileInto {
            mailbox: "".into(),
            create_if_missing: true,
        }],
    )]);
    let err = w.rules.save(&owner, &bad, None).await.unwrap_err();
    let RulesError::Invalid(errors) = err else {
        panic!("{err:?}")
    };
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"rules[0].conditions[0].value"), "{paths:?}");
    assert!(paths.contains(&"rules[0].actions[0].mailbox"), "{paths:?}");
    assert_eq!(w.rules.load(&owner).await.unwrap().revision, 0);
    // A save at a revision that is not the current one is refused.
    w.set_rules(&w.ann, vec![]).await;
    let err = w
        .rules
        .save(&owner, &RuleSet::default(), Some(0))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RulesError::Store(StoreError::Conflict(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn vacation_days_are_days_in_the_accounts_time_zone() {
    // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: their calendar days
    // always differ. A vacation starting on today's date in Kiritimati has begun for an
    // account living there and not yet for one in Pago Pago.
    let db = TestDb::new().await;
    let w = world(&db).await;
    let today_there =
        osprey_core::time_zone::local(chrono::Utc::now(), Some("Pacific/Kiritimati")).date_naive();
    let mut away = Vacation::new("Away today.");
    away.start = Some(today_there);
    away.end = Some(today_there);
    for (account, zone) in [
        (&w.ann, "Pacific/Kiritimati"),
        (&w.bob, "Pacific/Pago_Pago"),
    ] {
        w.set_rules(
            account,
            vec![Rule::new(
                "vacation",
                vec![],
                vec![Action::Vacation(away.clone())],
            )],
        )
        .await;
        w.store
            .accounts()
            .update_account(
                &account.id,
                osprey_store::AccountChanges {
                    time_zone: Some(Some(zone.into())),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    for to in ["ann@here.example", "bob@here.example"] {
        let mail = format!("From: carol@other.example\r\nTo: {to}\r\nSubject: hi\r\n\r\n.\r\n");
        w.send("carol@other.example", &[to], &mail).await.unwrap();
    }
    let queue = w.queue().await;
    assert_eq!(
        queue.len(),
        1,
        "only the account in Kiritimati is away today"
    );
    let answer = w.body(&queue[0]).await;
    assert!(
        answer.contains("Away today.") && answer.contains("ann@here.example"),
        "{answer}"
    );
}

#[tokio::test]
async fn mail_from_a_sender_not_in_the_address_book_is_filed_apart() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    osprey_contacts::AddressBook::new(w.store.clone())
        .create(
            &w.ann.id,
            osprey_contacts::Card {
                full_name: "Friend".into(),
                emails: vec![osprey_contacts::Labeled {
                    label: String::new(),
                    value: "Friend@Far.example".into(),
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    w.set_rules(
        &w.ann,
        vec![Rule::new(
            "strangers",
            vec![Condition::SenderNotInAddressBook],
            vec![Action::FileInto {
                mailbox: "Strangers".into(),
                create_if_missing: true,
            }],
        )],
    )
    .await;
    // The `From` field decides, whatever the case of the address.
    for (from, subject) in [
        ("Friend <friend@far.EXAMPLE>", "from a friend"),
        ("Stranger <stranger@far.example>", "from a stranger"),
    ] {
        w.send(
            "bounce@far.example",
            &["ann@here.example"],
            &format!("From: {from}\r\nSubject: {subject}\r\n\r\nhi\r\n"),
        )
        .await
        .unwrap();
    }
    let subjects =
        |m: Vec<(u64, Vec<String>, String)>| m.into_iter().map(|m| m.2).collect::<Vec<_>>();
    assert_eq!(
        subjects(w.mailbox(&w.ann, "INBOX").await),
        ["from a friend"]
    );
    assert_eq!(
        subjects(w.mailbox(&w.ann, "Strangers").await),
        ["from a stranger"]
    );
}
