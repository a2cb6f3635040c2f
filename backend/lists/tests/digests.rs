//! Digests: the posts gathered for the members who take them so, once enough wait or a
//! day after the oldest, as MIME (RFC 2046 §5.1.5) or RFC 1153 plain text; each post in
//! one digest; without digests, digest members get each post.

use chrono::{Duration, Utc};
use osprey_directory::{Actor, DirectoryError};
use osprey_lists::{ArchivePolicy, ListAdmin, ListSettings, ListUpdate, NewMemberRequest};
use osprey_store::testing::TestDb;

use crate::posting::{POST, World, world};

fn post(n: u32) -> Vec<u8> {
    format!(
        "From: Ann <ann@lists.example>\r\nTo: team@lists.example\r\nSubject: Note {n}\r\n\
         Message-ID: <note-{n}@lists.example>\r\n\r\nText of note {n}.\r\n\
         ------------------------------\r\nafter a line of hyphens\r\n"
    )
    .into_bytes()
}

/// The team with digests of `max_posts` posts; Carol takes MIME digests, Dan plain ones.
async fn digest_world(db: &TestDb, max_posts: u32, archive: ArchivePolicy) -> World {
    let settings = ListSettings {
        digest_max_posts: max_posts,
        archive,
        ..ListSettings::for_list("team")
    };
    let w = world(db, Some(settings)).await;
    let admin = ListAdmin::new(w.store.clone());
    admin
        .update_member(
            &Actor::Operator,
            &w.team.id,
            "carol@lists.example",
            Some("digest"),
            false,
        )
        .await
        .unwrap();
    admin
        .add_member(
            &Actor::Operator,
            &w.team.id,
            NewMemberRequest {
                address: "dan@lists.example".into(),
                display_name: None,
                delivery_mode: Some("digest_plain".into()),
            },
        )
        .await
        .unwrap();
    w
}

#[tokio::test]
async fn a_digest_goes_out_when_enough_posts_wait_in_both_forms_each_post_once() {
    let db = TestDb::new().await;
    let w = digest_world(&db, 2, ArchivePolicy::Members).await;
    w.post("ann@lists.example", &post(1)).await;
    // One post waits: no digest yet, and digest members get no single posts.
    assert!(w.inbox("carol@lists.example").await.is_empty());
    assert!(w.inbox("dan@lists.example").await.is_empty());
    assert_eq!(w.inbox("ann@lists.example").await.len(), 1);
    w.post("ann@lists.example", &post(2)).await;

    let carol = w.inbox("carol@lists.example").await;
    assert_eq!(carol.len(), 1, "{carol:?}");
    let mime = &carol[0];
    assert!(
        mime.contains("Subject: The team Digest, Vol 1, Issue 1\r\n"),
        "{mime}"
    );
    assert!(mime.contains("List-Id: "), "{mime}");
    // Replies go to the list, not to the commands address the digest comes from.
    assert!(
        mime.contains("Reply-To: <team@lists.example>\r\n"),
        "{mime}"
    );
    // RFC 2046 §5.1.5: "a multipart entity ... with a default Content-Type of
    // message/rfc822 for its parts".
    assert!(mime.contains("Content-Type: multipart/digest"), "{mime}");
    assert_eq!(mime.matches("Content-Type: message/rfc822").count(), 2);
    assert!(mime.contains("Subject: [team] Note 1\r\n"), "{mime}");
    assert!(mime.contains("Subject: [team] Note 2\r\n"), "{mime}");
    // The table of contents first.
    let toc = mime.find("Today's Topics").unwrap();
    assert!(toc < mime.find("multipart/digest").unwrap(), "{mime}");

    let dan = w.inbox("dan@lists.example").await;
    assert_eq!(dan.len(), 1, "{dan:?}");
    let plain = &dan[0];
    assert!(plain.contains("Content-Type: text/plain"), "{plain}");
    assert!(!plain.contains("multipart"), "{plain}");
    // RFC 1153: the topics end with a line of 70 hyphens, messages with 30; a line of
    // 30 hyphens in a message's text would end it, so it is set off.
    assert!(
        plain.contains(&format!("\r\n{}\r\n", "-".repeat(70))),
        "{plain}"
    );
    assert_eq!(
        plain
            .matches("\r\n------------------------------\r\n")
            .count(),
        2
    );
    assert_eq!(
        plain
            .matches("\r\n ------------------------------\r\n")
            .count(),
        2
    );
    assert!(plain.contains("Subject: [team] Note 1\r\n\r\nText of note 1."));
    assert!(plain.contains("End of The team Digest, Vol 1, Issue 1\r\n****"));

    // A third post waits; a day later the timer sends it alone, as issue 2.
    w.post("ann@lists.example", &post(3)).await;
    assert_eq!(w.inbox("carol@lists.example").await.len(), 1);
    assert_eq!(w.lists.send_due_digests(Utc::now()).await.unwrap(), 0);
    let later = Utc::now() + Duration::days(1) + Duration::minutes(1);
    assert_eq!(w.lists.send_due_digests(later).await.unwrap(), 1);
    let carol = w.inbox("carol@lists.example").await;
    assert_eq!(carol.len(), 2);
    let second = carol.iter().find(|m| m.contains("Issue 2")).unwrap();
    assert!(second.contains("Subject: [team] Note 3\r\n"), "{second}");
    assert!(!second.contains("Note 1"), "{second}");
    // Nothing waits: nothing more goes.
    assert_eq!(w.lists.send_due_digests(later).await.unwrap(), 0);
    // The archive still has all three.
    let kept = w
        .store
        .list_posts()
        .page(&w.team.id, None, 10)
        .await
        .unwrap();
    assert_eq!(kept.len(), 3);
}

#[tokio::test]
async fn a_list_that_keeps_no_archive_forgets_the_posts_its_digest_sent() {
    let db = TestDb::new().await;
    let w = digest_world(&db, 1, ArchivePolicy::Off).await;
    w.post("ann@lists.example", POST).await;
    assert_eq!(w.inbox("carol@lists.example").await.len(), 1);
    let kept = w
        .store
        .list_posts()
        .page(&w.team.id, None, 10)
        .await
        .unwrap();
    assert!(kept.is_empty(), "{kept:?}");
}

#[tokio::test]
async fn without_digests_digest_members_get_each_post_and_no_one_may_ask_for_them() {
    let db = TestDb::new().await;
    let w = digest_world(&db, 10, ArchivePolicy::Members).await;
    let admin = ListAdmin::new(w.store.clone());
    admin
        .update(
            &Actor::Operator,
            &w.team.id,
            ListUpdate {
                settings: Some(ListSettings {
                    digest: false,
                    ..ListSettings::for_list("team")
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    w.post("ann@lists.example", POST).await;
    assert_eq!(w.inbox("carol@lists.example").await.len(), 1);
    assert_eq!(w.inbox("dan@lists.example").await.len(), 1);
    assert_eq!(
        w.lists
            .send_due_digests(Utc::now() + Duration::days(2))
            .await
            .unwrap(),
        0
    );
    let refused = admin
        .update_member(
            &Actor::Operator,
            &w.team.id,
            "ann@lists.example",
            Some("digest"),
            false,
        )
        .await;
    let Err(DirectoryError::Invalid(problems)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(problems[0].field, "delivery_mode");
    assert!(
        problems[0].message.contains("sends no digests"),
        "{problems:?}"
    );
    // A member may change its own mode among the others.
    let (_, own) = admin
        .set_own_mode("ann@lists.example", &w.team.id, "nomail")
        .await
        .unwrap();
    assert_eq!(own.delivery_mode, "nomail");
    assert!(matches!(
        admin
            .set_own_mode("ann@lists.example", &w.team.id, "weekly")
            .await,
        Err(DirectoryError::Invalid(_))
    ));
    assert!(matches!(
        admin
            .set_own_mode("nobody@lists.example", &w.team.id, "each")
            .await,
        Err(DirectoryError::NotFound)
    ));
}

#[tokio::test]
async fn a_digest_that_cannot_be_sent_gives_its_posts_back_to_the_next() {
    let db = TestDb::new().await;
    let w = digest_world(&db, 10, ArchivePolicy::Members).await;
    w.post("ann@lists.example", &post(1)).await;
    let posts = w.store.list_posts();
    let kept = posts.page(&w.team.id, None, 10).await.unwrap();
    assert_eq!(kept.len(), 1);
    // The post's copy is gone from the blob store: the digest cannot be made.
    w.blobs.delete(&kept[0].blob_hash).await.unwrap();
    assert!(w.lists.send_digest(&w.team).await.is_err());
    let backlog = posts.digest_backlog(&w.team.id).await.unwrap();
    assert_eq!(backlog.posts, 1, "the post waits for the next digest");
    assert!(w.inbox("carol@lists.example").await.is_empty());
    assert_eq!(posts.digests_sent(&w.team.id).await.unwrap(), 0);
}
