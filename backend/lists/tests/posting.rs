//! Posts from RCPT to the members: the posting policy decides at RCPT, a taken post
//! reaches each member that gets posts (local ones in their INBOX, others through the
//! queue from the list's bounce address), once, as the list's copy.

use std::sync::Arc;

use osprey_core::Address;
use osprey_directory::Actor;
use osprey_lists::{ListAdmin, ListServer, ListSettings, NewListRequest, NewMemberRequest};
use osprey_mail::{Client, Envelope, LocalDelivery, Outbox, Refusal, Submission, Verdict};
use osprey_store::{
    ListRecord, NewQueuedRecipient, QueueEntry, QueueFilter, Store,
    blob::{BlobStore, FsBlobStore},
    testing::{self, TestDb},
};

pub(crate) struct World {
    pub(crate) store: Store,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) submission: Submission,
    pub(crate) lists: Arc<ListServer>,
    pub(crate) team: ListRecord,
}

pub(crate) async fn world(db: &TestDb, settings: Option<ListSettings>) -> World {
    let store = db.store().await;
    for who in ["ann", "carol", "dan"] {
        testing::user(&store, &format!("{who}@lists.example")).await;
    }
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let plain = Submission::new(
        LocalDelivery::new(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs.clone()),
        8,
    );
    // strict.example publishes DMARC p=reject; no other domain publishes a policy.
    let dmarc = osprey_mail::auth::MessageChecks::with_table(
        "mx.lists.example",
        osprey_mail::auth::TxtTable::new([("_dmarc.strict.example", "v=DMARC1; p=reject")]),
    )
    .unwrap();
    let lists = Arc::new(
        ListServer::new(&plain)
            .with_web_url("https://mail.lists.example/")
            .with_dmarc(dmarc),
    );
    let submission = plain.with_lists(lists.clone());
    let admin = ListAdmin::new(store.clone());
    let team = admin
        .create(
            &Actor::Operator,
            NewListRequest {
                address: "team@lists.example".into(),
                name: "The team".into(),
                description: String::new(),
                settings,
            },
        )
        .await
        .unwrap();
    for (address, mode) in [
        ("ann@lists.example", "each"),
        ("bob@far.example", "each"),
        ("carol@lists.example", "nomail"),
    ] {
        admin
            .add_member(
                &Actor::Operator,
                &team.id,
                NewMemberRequest {
                    address: address.into(),
                    display_name: None,
                    delivery_mode: Some(mode.into()),
                },
            )
            .await
            .unwrap();
    }
    World {
        store,
        blobs,
        submission,
        lists,
        team,
    }
}

pub(crate) fn from(sender: &str) -> Client {
    Client {
        ip: Some("192.0.2.7".parse().unwrap()),
        account: None,
        sender: sender.into(),
    }
}

pub(crate) fn addr(s: &str) -> Address {
    Address::parse(s).unwrap()
}

pub(crate) const POST: &[u8] = b"From: Ann <ann@lists.example>\r\nTo: team@lists.example\r\n\
    Subject: Lunch on Friday\r\nMessage-ID: <lunch-1@lists.example>\r\n\r\nWho comes?\r\n";

impl World {
    /// The subjects and bodies of `who`'s INBOX.
    pub(crate) async fn inbox(&self, who: &str) -> Vec<String> {
        let account = self
            .store
            .accounts()
            .account_by_address(&addr(who))
            .await
            .unwrap();
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(&account.id, "INBOX")
            .await
            .unwrap();
        let mut out = Vec::new();
        for m in self.store.messages().in_mailbox(&inbox.id).await.unwrap() {
            let body = self.blobs.get(&m.blob_hash).await.unwrap();
            out.push(String::from_utf8(body).unwrap());
        }
        out
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

    /// Posts `message` from `sender` to the list as SMTP would: RCPT, then DATA.
    pub(crate) async fn post(&self, sender: &str, message: &[u8]) -> Verdict {
        self.mail(sender, "team@lists.example", message).await
    }

    /// Sends `message` from `sender` to `to` as SMTP would: RCPT, then DATA when the
    /// recipient is taken.
    pub(crate) async fn mail(&self, sender: &str, to: &str, message: &[u8]) -> Verdict {
        let verdict = self
            .submission
            .recipient(&from(sender), &addr(to), 0)
            .await
            .unwrap();
        let mut envelope = Envelope {
            sender: sender.into(),
            ..Default::default()
        };
        envelope.add(verdict.clone(), NewQueuedRecipient::to(to));
        if !envelope.is_empty() {
            self.submission
                .submit(&envelope, message, "INBOX")
                .await
                .unwrap();
        }
        verdict
    }
}

#[tokio::test]
async fn a_members_post_reaches_each_member_that_gets_posts_as_the_lists_copy() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let list = w.store.lists().list(&w.team.id).await.unwrap();
    assert_eq!(list.member_count, 3);
    let verdict = w.post("ann@lists.example", POST).await;
    assert!(matches!(verdict, Verdict::List(_)), "{verdict:?}");
    let ann = w.inbox("ann@lists.example").await;
    assert_eq!(ann.len(), 1, "{ann:?}");
    let copy = &ann[0];
    // RFC 2919 §3: the list identifier is in angle brackets after the list's name.
    assert!(
        copy.contains("List-Id: \"The team\" <team.lists.example>\r\n"),
        "{copy}"
    );
    // RFC 2369 §3.4: "The List-Post field describes the method for posting to a list".
    assert!(
        copy.contains("List-Post: <mailto:team@lists.example>\r\n"),
        "{copy}"
    );
    assert!(
        copy.contains("Subject: [team] Lunch on Friday\r\n"),
        "{copy}"
    );
    assert!(copy.contains("\r\n\r\nWho comes?\r\n"), "{copy}");
    // Carol gets no mail; Dan is not a member.
    assert!(w.inbox("carol@lists.example").await.is_empty());
    assert!(w.inbox("dan@lists.example").await.is_empty());
    // Bob, at another server, through the queue, from the list's bounce address.
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0].message.sender, "team-bounces@lists.example");
    let to: Vec<&str> = queue[0]
        .recipients
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(to, ["bob@far.example"]);
    let queued =
        String::from_utf8(w.blobs.get(&queue[0].message.blob_hash).await.unwrap()).unwrap();
    assert!(
        queued.contains("Subject: [team] Lunch on Friday\r\n"),
        "{queued}"
    );
}

#[tokio::test]
async fn a_members_only_list_refuses_others_at_rcpt_and_an_announce_list_all_but_its_owners() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let refused = w.post("dan@lists.example", POST).await;
    let Verdict::Refused(Refusal::List { reason }) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(reason, "only members may post to team@lists.example");
    // A member with no mail may still post.
    assert!(matches!(
        w.post("carol@lists.example", POST).await,
        Verdict::List(_)
    ));
    // RFC 5321 §4.5.5: the null sender is for reports.
    assert!(matches!(
        w.post("", POST).await,
        Verdict::Refused(Refusal::List { .. })
    ));
    let announce = ListSettings {
        posting: osprey_lists::PostingPolicy::Announce,
        owners: vec!["dan@lists.example".into()],
        ..ListSettings::for_list("team")
    };
    let db = TestDb::new().await;
    let w = world(&db, Some(announce)).await;
    assert!(matches!(
        w.post("ann@lists.example", POST).await,
        Verdict::Refused(Refusal::List { .. })
    ));
    assert!(matches!(
        w.post("dan@lists.example", POST).await,
        Verdict::List(_)
    ));
    assert_eq!(w.inbox("ann@lists.example").await.len(), 1);
}

#[tokio::test]
async fn a_post_over_the_lists_size_is_refused_and_a_post_that_came_back_goes_nowhere() {
    let db = TestDb::new().await;
    let small = ListSettings {
        max_message_size: Some(1_000),
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(small)).await;
    let big = w
        .submission
        .recipient(
            &from("ann@lists.example"),
            &addr("team@lists.example"),
            5_000,
        )
        .await
        .unwrap();
    assert!(
        matches!(
            big,
            Verdict::Refused(Refusal::ListTooLarge { limit: 1_000 })
        ),
        "{big:?}"
    );
    // A copy of this list's own post (a member's forward back to the list, or a list
    // that contains this one): the loop is cut, nobody gets it again.
    let looped = b"From: ann@lists.example\r\nList-Id: \"The team\" <team.lists.example>\r\n\
        Subject: [team] Lunch\r\n\r\nagain\r\n";
    assert!(matches!(
        w.post("ann@lists.example", looped).await,
        Verdict::List(_)
    ));
    assert!(w.inbox("ann@lists.example").await.is_empty());
    assert!(w.queue().await.is_empty());
}

#[tokio::test]
async fn owner_mail_reaches_the_owners_and_the_bounce_address_takes_bounces() {
    let db = TestDb::new().await;
    let owned = ListSettings {
        owners: vec!["dan@lists.example".into()],
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(owned)).await;
    let verdict = w
        .mail(
            "x@far.example",
            "team-owner@lists.example",
            b"Subject: hello owner\r\n\r\nhi\r\n",
        )
        .await;
    assert!(matches!(verdict, Verdict::List(_)), "{verdict:?}");
    let dan = w.inbox("dan@lists.example").await;
    assert_eq!(dan.len(), 1);
    assert!(dan[0].contains("Subject: hello owner"), "{}", dan[0]);
    // The bounce address takes mail too: bounces are read for the member they name.
    let bounces = w
        .submission
        .recipient(&from(""), &addr("team-bounces@lists.example"), 0)
        .await
        .unwrap();
    assert!(matches!(bounces, Verdict::List(_)), "{bounces:?}");
}

#[tokio::test]
async fn a_list_among_the_members_gets_the_post_in_turn_and_a_loop_back_is_cut() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let admin = ListAdmin::new(w.store.clone());
    let all = admin
        .create(
            &Actor::Operator,
            NewListRequest {
                address: "all@lists.example".into(),
                name: "Everyone".into(),
                description: String::new(),
                settings: None,
            },
        )
        .await
        .unwrap();
    for (list, member) in [
        (&all.id, "team@lists.example"),
        (&all.id, "dan@lists.example"),
        // The team holds the umbrella list too: a loop.
        (&w.team.id, "all@lists.example"),
    ] {
        admin
            .add_member(
                &Actor::Operator,
                list,
                NewMemberRequest {
                    address: member.into(),
                    display_name: None,
                    delivery_mode: None,
                },
            )
            .await
            .unwrap();
    }
    let post =
        b"From: dan@lists.example\r\nTo: all@lists.example\r\nSubject: Party\r\n\r\nFriday.\r\n";
    let v = w.mail("dan@lists.example", "all@lists.example", post).await;
    assert!(matches!(v, Verdict::List(_)), "{v:?}");
    // Each member once: Dan by the umbrella list, Ann by the team (in turn), Bob queued.
    let dan = w.inbox("dan@lists.example").await;
    assert_eq!(dan.len(), 1, "{dan:?}");
    assert!(dan[0].contains("Subject: [all] Party\r\n"), "{}", dan[0]);
    let ann = w.inbox("ann@lists.example").await;
    assert_eq!(ann.len(), 1, "{ann:?}");
    assert!(
        ann[0].contains("Subject: [team] [all] Party\r\n"),
        "{}",
        ann[0]
    );
    assert!(
        ann[0].contains("X-Loop: all@lists.example\r\n"),
        "{}",
        ann[0]
    );
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0].recipients.len(), 1);
}

#[tokio::test]
async fn an_authors_from_becomes_the_lists_when_its_domain_publishes_dmarc_reject() {
    let db = TestDb::new().await;
    let anyone = ListSettings {
        posting: osprey_lists::PostingPolicy::Anyone,
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(anyone.clone())).await;
    let strict = b"From: Zoe Example <zoe@strict.example>\r\nTo: team@lists.example\r\n\
        Subject: Strict\r\n\r\nHello\r\n";
    w.post("zoe@strict.example", strict).await;
    let ann = w.inbox("ann@lists.example").await.remove(0);
    // RFC 7489 §6.6.2: receivers of a copy with the author's From would find no
    // aligned signature (the list's domain signs it) and p=reject refuses it.
    assert!(
        ann.contains("From: \"Zoe Example via The team\" <team@lists.example>\r\n"),
        "{ann}"
    );
    assert!(
        ann.contains("Reply-To: \"Zoe Example\" <zoe@strict.example>\r\n"),
        "{ann}"
    );
    // An author whose domain publishes no policy keeps its From.
    let open = b"From: Bob <bob@far.example>\r\nSubject: Open\r\n\r\nHi\r\n";
    w.post("bob@far.example", open).await;
    let ann = w.inbox("ann@lists.example").await.remove(1);
    assert!(ann.contains("From: Bob <bob@far.example>\r\n"), "{ann}");
    // A list that never rewrites keeps the strict author's From too.
    let db = TestDb::new().await;
    let never = ListSettings {
        from_rewrite: osprey_lists::FromRewrite::Never,
        ..anyone
    };
    let w = world(&db, Some(never)).await;
    w.post("zoe@strict.example", strict).await;
    let ann = w.inbox("ann@lists.example").await.remove(0);
    assert!(
        ann.contains("From: Zoe Example <zoe@strict.example>\r\n"),
        "{ann}"
    );
}

#[tokio::test]
async fn a_post_with_an_attachment_the_list_does_not_take_goes_to_nobody_and_its_sender_is_told() {
    let db = TestDb::new().await;
    let images = ListSettings {
        allowed_attachment_types: vec!["image/*".into()],
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(images)).await;
    let with = |ty: &str| {
        format!(
            "From: carol@lists.example\r\nSubject: File\r\n\
             Content-Type: multipart/mixed; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nHere.\r\n\
             --b\r\nContent-Type: {ty}\r\nContent-Disposition: attachment; filename=f\r\n\r\nAA==\r\n\
             --b--\r\n"
        )
        .into_bytes()
    };
    // Carol (no mail) posts a zip: refused after DATA, told why.
    w.post("carol@lists.example", &with("application/zip"))
        .await;
    assert!(w.inbox("ann@lists.example").await.is_empty());
    assert!(w.queue().await.is_empty());
    let told = w.inbox("carol@lists.example").await;
    assert_eq!(told.len(), 1, "{told:?}");
    let text = osprey_mail::extract_text(told[0].as_bytes()).unwrap().body;
    assert!(
        text.contains("type application/zip") && text.contains("takes only image/*"),
        "{text}"
    );
    // A picture goes out.
    w.post("carol@lists.example", &with("image/png")).await;
    assert_eq!(w.inbox("ann@lists.example").await.len(), 1);
}
