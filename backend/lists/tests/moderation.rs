//! A moderated list: a member's post waits until an owner approves it by replying to the
//! mail that tells them (nobody else's reply will do) or rejects it with a reason the
//! sender is told; an owner's own post goes out at once.

use osprey_lists::{Decision, ListServer, ListSettings, PostingPolicy};
use osprey_store::testing::TestDb;

use crate::posting::{World, world};

fn post(from: &str, subject: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: team@lists.example\r\nSubject: {subject}\r\n\r\nHello.\r\n")
        .into_bytes()
}

fn confirm_token(message: &str) -> String {
    message
        .lines()
        .find_map(|l| l.strip_prefix("Subject: confirm "))
        .unwrap_or_else(|| panic!("no confirmation: {message}"))
        .trim()
        .to_owned()
}

async fn moderated(db: &TestDb) -> World {
    let settings = ListSettings {
        posting: PostingPolicy::Moderated,
        owners: vec!["dan@lists.example".into()],
        ..ListSettings::for_list("team")
    };
    world(db, Some(settings)).await
}

#[tokio::test]
async fn a_members_post_waits_for_an_owners_reply_and_goes_out_once() {
    let db = TestDb::new().await;
    let w = moderated(&db).await;
    let ann = "ann@lists.example";
    w.mail(ann, "team@lists.example", &post(ann, "Lunch")).await;
    let held = w.store.lists().held_posts(&w.team.id).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].subject, "Lunch");
    assert!(w.queue().await.is_empty(), "nothing went out");
    let told = w.inbox(ann).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("waits for a moderator"), "{}", told[0]);
    let token = confirm_token(&w.inbox("dan@lists.example").await[0]);
    // Ann cannot approve her own post with the owner's token (nor spend it).
    let reply = |from: &str| {
        format!("From: {from}\r\nSubject: Re: confirm {token}\r\n\r\n> A post\r\n").into_bytes()
    };
    w.mail(ann, "team-request@lists.example", &reply(ann)).await;
    assert_eq!(
        w.store.lists().held_posts(&w.team.id).await.unwrap().len(),
        1
    );
    assert!(w.queue().await.is_empty());
    // A web decision still can: approve it from the list server.
    let server = ListServer::new(&w.submission);
    assert!(
        server
            .decide(&w.team, &held[0].id, Decision::Approve)
            .await
            .unwrap()
    );
    assert!(
        !server
            .decide(&w.team, &held[0].id, Decision::Approve)
            .await
            .unwrap(),
        "decided once"
    );
    assert!(
        w.store
            .lists()
            .held_posts(&w.team.id)
            .await
            .unwrap()
            .is_empty()
    );
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "bob's copy");
    assert!(
        w.inbox(ann)
            .await
            .iter()
            .any(|m| m.contains("Subject: [team] Lunch\r\n"))
    );
}

#[tokio::test]
async fn an_owners_reply_approves_and_a_rejection_tells_the_sender_why() {
    let db = TestDb::new().await;
    let w = moderated(&db).await;
    let (ann, dan) = ("ann@lists.example", "dan@lists.example");
    w.mail(ann, "team@lists.example", &post(ann, "First")).await;
    let token = confirm_token(&w.inbox(dan).await[0]);
    let reply = format!("From: {dan}\r\nSubject: Re: confirm {token}\r\n\r\nok\r\n");
    w.mail(dan, "team-request@lists.example", reply.as_bytes())
        .await;
    assert!(
        w.inbox(ann)
            .await
            .iter()
            .any(|m| m.contains("Subject: [team] First\r\n"))
    );
    w.mail(ann, "team@lists.example", &post(ann, "Second"))
        .await;
    let held = w.store.lists().held_posts(&w.team.id).await.unwrap();
    assert_eq!(held.len(), 1);
    ListServer::new(&w.submission)
        .decide(&w.team, &held[0].id, Decision::Reject("off topic".into()))
        .await
        .unwrap();
    let inbox = w.inbox(ann).await;
    let rejected = inbox.last().unwrap();
    assert!(rejected.contains("was rejected"), "{rejected}");
    assert!(rejected.contains("off topic"), "{rejected}");
    assert!(!inbox.iter().any(|m| m.contains("[team] Second")));
    // The owner's own post is not held.
    w.mail(dan, "team@lists.example", &post(dan, "News")).await;
    assert!(
        w.store
            .lists()
            .held_posts(&w.team.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        w.inbox(ann)
            .await
            .iter()
            .any(|m| m.contains("Subject: [team] News\r\n"))
    );
}

#[tokio::test]
async fn approve_and_always_accept_lets_the_senders_later_posts_through_at_once() {
    let db = TestDb::new().await;
    let w = moderated(&db).await;
    let ann = "ann@lists.example";
    w.mail(ann, "team@lists.example", &post(ann, "First")).await;
    let held = w.store.lists().held_posts(&w.team.id).await.unwrap();
    let server = ListServer::new(&w.submission);
    assert!(
        server
            .decide(&w.team, &held[0].id, Decision::ApproveAndAccept)
            .await
            .unwrap()
    );
    let list = w.store.lists().list(&w.team.id).await.unwrap();
    assert_eq!(ListSettings::read(&list.settings).accept_from, [ann]);
    // Her next post goes out without waiting.
    w.mail(ann, "team@lists.example", &post(ann, "Second"))
        .await;
    assert!(
        w.store
            .lists()
            .held_posts(&w.team.id)
            .await
            .unwrap()
            .is_empty()
    );
    let inbox = w.inbox(ann).await;
    assert!(
        inbox.iter().any(|m| m.contains("Subject: [team] Second")),
        "{inbox:?}"
    );
    // An accepted sender who is no member may post to a members-only list too.
    let db = TestDb::new().await;
    let open = ListSettings {
        accept_from: vec!["dan@lists.example".into()],
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(open)).await;
    let dan = "dan@lists.example";
    let v = w.mail(dan, "team@lists.example", &post(dan, "Hi")).await;
    assert!(matches!(v, osprey_mail::Verdict::List(_)), "{v:?}");
}
