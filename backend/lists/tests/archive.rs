//! The archive: each distributed post kept, threaded by References, found by its words,
//! read by whom the list allows, exported as an mbox; and the list's daily counts.

use osprey_directory::{Actor, DirectoryError};
use osprey_lists::{ArchivePolicy, ListAdmin, ListArchive, ListSettings, ListUpdate, Reader};
use osprey_store::testing::TestDb;

use crate::posting::{POST, World, addr, world};

const REPLY: &[u8] = b"From: Carol <carol@lists.example>\r\nTo: team@lists.example\r\n\
    Subject: Re: Lunch on Friday\r\nMessage-ID: <lunch-2@lists.example>\r\n\
    In-Reply-To: <lunch-1@lists.example>\r\nReferences: <lunch-1@lists.example>\r\n\r\n\
    Pizza for me.\r\n>From the menu, the margherita.\r\nFrom then on, calzone.\r\n";

const OTHER: &[u8] = b"From: Ann <ann@lists.example>\r\nTo: team@lists.example\r\n\
    Subject: Office keys\r\nMessage-ID: <keys@lists.example>\r\n\r\nWho has them?\r\n";

fn archive(w: &World) -> ListArchive {
    ListArchive::new(w.store.clone(), w.blobs.clone())
}

async fn actor_of(w: &World, address: &str) -> Actor {
    Actor::account(
        &w.store
            .accounts()
            .account_by_address(&addr(address))
            .await
            .unwrap(),
    )
}

const OPERATOR: Reader<'static> = Reader::Account {
    actor: &Actor::Operator,
    address: "root@lists.example",
};

#[tokio::test]
async fn posts_are_kept_in_threads_by_their_references_and_found_by_their_words() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    w.post("ann@lists.example", POST).await;
    w.post("carol@lists.example", REPLY).await;
    w.post("ann@lists.example", OTHER).await;
    // RFC 2369 §3.6: "The List-Archive field describes how to access archives for the
    // list": here the web app's page for members.
    let copy = &w.inbox("ann@lists.example").await[0];
    assert!(
        copy.contains(&format!(
            "List-Archive: <https://mail.lists.example/archive/{}>\r\n",
            w.team.id
        )),
        "{copy}"
    );
    let archive = archive(&w);
    let (_, threads) = archive.threads(OPERATOR, &w.team.id, 0, 25).await.unwrap();
    // The latest activity first: the keys, then lunch with its reply.
    let summary: Vec<(&str, u64)> = threads
        .iter()
        .map(|t| (t.first.subject.as_str(), t.posts))
        .collect();
    assert_eq!(
        summary,
        [("[team] Office keys", 1), ("[team] Lunch on Friday", 2)]
    );
    let lunch = &threads[1].first;
    assert_eq!(lunch.author_name, "Ann");
    assert_eq!(lunch.author_address, "ann@lists.example");
    assert_eq!(lunch.message_id, "lunch-1@lists.example");
    // Paging: the second thread alone.
    let (_, second) = archive.threads(OPERATOR, &w.team.id, 1, 1).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].first.id, lunch.id);

    let (_, posts) = archive
        .thread(OPERATOR, &w.team.id, &lunch.thread_id)
        .await
        .unwrap();
    let shape: Vec<(u32, &str)> = posts
        .iter()
        .map(|p| (p.depth, p.record.author_address.as_str()))
        .collect();
    assert_eq!(
        shape,
        [(0, "ann@lists.example"), (1, "carol@lists.example")]
    );
    assert_eq!(
        posts[1].record.parent_id.as_deref(),
        Some(lunch.id.as_str())
    );
    assert!(posts[0].text.contains("Who comes?"), "{:?}", posts[0].text);
    assert!(
        matches!(
            archive.thread(OPERATOR, &w.team.id, "no-such-thread").await,
            Err(DirectoryError::NotFound)
        ),
        "a thread the list does not have"
    );

    // Every word, in the subject, the author or the text, in any case.
    let words = |q: &'static str| {
        let archive = archive.clone();
        let id = w.team.id.clone();
        async move {
            let (_, found) = archive.search(OPERATOR, &id, q, 0, 25).await.unwrap();
            found
                .into_iter()
                .map(|p| p.message_id)
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(
        words("friday").await,
        ["lunch-2@lists.example", "lunch-1@lists.example"]
    );
    assert_eq!(words("PIZZA friday").await, ["lunch-2@lists.example"]);
    assert_eq!(words("carol").await, ["lunch-2@lists.example"]);
    assert!(words("pizza keys").await.is_empty());
    // LIKE's wildcards are plain characters here.
    assert!(words("100%").await.is_empty());
    assert!(words("_").await.is_empty());
    assert!(matches!(
        archive.search(OPERATOR, &w.team.id, "  ", 0, 25).await,
        Err(DirectoryError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_members_read_a_members_archive_anyone_a_public_one_and_nobody_one_that_is_off() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    w.post("ann@lists.example", POST).await;
    let archive = archive(&w);
    let ann = actor_of(&w, "ann@lists.example").await;
    let dan = actor_of(&w, "dan@lists.example").await;
    let as_ann = Reader::Account {
        actor: &ann,
        address: "ann@lists.example",
    };
    let as_dan = Reader::Account {
        actor: &dan,
        address: "dan@lists.example",
    };
    assert!(archive.threads(as_ann, &w.team.id, 0, 10).await.is_ok());
    assert!(
        matches!(
            archive.threads(as_dan, &w.team.id, 0, 10).await,
            Err(DirectoryError::Forbidden(_))
        ),
        "not a member"
    );
    assert!(matches!(
        archive.threads(Reader::Anyone, &w.team.id, 0, 10).await,
        Err(DirectoryError::NotFound)
    ));
    assert!(matches!(
        archive.public("team@lists.example").await,
        Err(DirectoryError::NotFound)
    ));

    let admin = ListAdmin::new(w.store.clone());
    let set = |archive: ArchivePolicy| ListUpdate {
        settings: Some(ListSettings {
            archive,
            ..ListSettings::for_list("team")
        }),
        ..Default::default()
    };
    admin
        .update(&Actor::Operator, &w.team.id, set(ArchivePolicy::Public))
        .await
        .unwrap();
    let list = archive.public("team@lists.example").await.unwrap();
    let (_, threads) = archive
        .threads(Reader::Anyone, &list.id, 0, 10)
        .await
        .unwrap();
    assert_eq!(threads.len(), 1);
    assert!(archive.threads(as_dan, &w.team.id, 0, 10).await.is_ok());
    // Only a list's posting address leads to its archive.
    assert!(archive.public("team-request@lists.example").await.is_err());

    admin
        .update(&Actor::Operator, &w.team.id, set(ArchivePolicy::Off))
        .await
        .unwrap();
    for reader in [as_ann, OPERATOR, Reader::Anyone] {
        assert!(matches!(
            archive.threads(reader, &w.team.id, 0, 10).await,
            Err(DirectoryError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_list_without_archive_or_digest_keeps_nothing() {
    let db = TestDb::new().await;
    let settings = ListSettings {
        archive: ArchivePolicy::Off,
        digest: false,
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(settings)).await;
    w.post("ann@lists.example", POST).await;
    assert_eq!(w.inbox("ann@lists.example").await.len(), 1);
    let kept = w
        .store
        .list_posts()
        .page(&w.team.id, None, 10)
        .await
        .unwrap();
    assert!(kept.is_empty(), "{kept:?}");
}

#[tokio::test]
async fn the_mbox_export_has_a_from_line_before_each_post_and_quotes_the_posts_own() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    w.post("ann@lists.example", POST).await;
    w.post("carol@lists.example", REPLY).await;
    let (_, mbox) = archive(&w).mbox(OPERATOR, &w.team.id).await.unwrap();
    let mbox = String::from_utf8(mbox).unwrap();
    let froms: Vec<&str> = mbox
        .lines()
        .filter(|l| l.starts_with("From "))
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    assert_eq!(
        froms,
        ["ann@lists.example", "carol@lists.example"],
        "{mbox}"
    );
    // mboxrd: one more `>` before a line that begins with `From ` after `>`s.
    assert!(mbox.contains("\n>>From the menu"), "{mbox}");
    assert!(mbox.contains("\n>From then on"), "{mbox}");
    // LF line endings, and an empty line before each `From ` line but the first.
    assert!(!mbox.contains('\r'));
    assert!(
        mbox.contains("Who comes?\n\nFrom carol@lists.example "),
        "{mbox}"
    );
    assert!(mbox.ends_with("calzone.\n\n"), "{mbox}");
}

#[tokio::test]
async fn a_lists_days_count_its_posts_members_and_departures() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    w.post("ann@lists.example", POST).await;
    w.post("carol@lists.example", REPLY).await;
    let admin = ListAdmin::new(w.store.clone());
    admin
        .remove_member(&Actor::Operator, &w.team.id, "bob@far.example")
        .await
        .unwrap();
    let days = admin
        .statistics(&Actor::Operator, &w.team.id, 3)
        .await
        .unwrap();
    assert_eq!(days.len(), 3);
    let today = &days[2];
    assert_eq!(today.day, chrono::Utc::now().date_naive());
    assert_eq!(
        (today.posts, today.joined, today.left, today.members),
        (2, 3, 1, 2)
    );
    // Before today the list had no members: worked back from today's.
    assert_eq!((days[1].posts, days[1].members), (0, 0));
    assert!(matches!(
        admin.statistics(&Actor::Operator, &w.team.id, 0).await,
        Err(DirectoryError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_mbox_export_reads_the_archive_a_page_at_a_time_and_misses_none() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    // More posts than one page of the export (200), kept as the list keeps them.
    for n in 0..201 {
        let raw = format!("From: Ann <ann@lists.example>\r\nSubject: Post {n}\r\n\r\nText {n}\r\n");
        let blob_hash = w.blobs.put(raw.clone().into_bytes()).await.unwrap();
        w.store
            .list_posts()
            .add(osprey_store::NewListPost {
                list_id: w.team.id.clone(),
                subject: format!("Post {n}"),
                author_address: "ann@lists.example".into(),
                size: raw.len() as u64,
                blob_hash,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let (_, mut export) = archive(&w).mbox_export(OPERATOR, &w.team.id).await.unwrap();
    let mut pieces = 0;
    let mut mbox = String::new();
    while let Some(piece) = export.next().await.unwrap() {
        pieces += 1;
        mbox.push_str(&String::from_utf8(piece).unwrap());
    }
    assert_eq!(pieces, 2, "two pages");
    let subjects: Vec<&str> = mbox
        .lines()
        .filter_map(|l| l.strip_prefix("Subject: "))
        .collect();
    let expected: Vec<String> = (0..201).map(|n| format!("Post {n}")).collect();
    assert_eq!(subjects, expected);
    assert_eq!(
        mbox.lines().filter(|l| l.starts_with("From ann@")).count(),
        201
    );
}
