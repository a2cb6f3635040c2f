//! The mailbox service's rules, on a real store: what IMAP and the REST API share.

use osprey_mail::{MailboxError, MailboxManager};
use osprey_store::testing::TestDb;

use crate::rules::world;

fn names(all: &[osprey_store::MailboxRecord]) -> Vec<&str> {
    all.iter().map(|m| m.name.as_str()).collect()
}

#[tokio::test]
async fn create_makes_parents_and_refuses_what_imap_refuses() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let m = MailboxManager::new(w.store.clone());
    let ann = &w.ann.id;
    // RFC 9051 §6.3.4: "CREATE foo/" creates foo; missing parents are created.
    let made = m.create(ann, "Projects/2026/", None).await.unwrap();
    assert_eq!(made.name, "Projects/2026");
    let all = w.store.mailboxes().of_account(ann).await.unwrap();
    assert!(names(&all).contains(&"Projects"), "{:?}", names(&all));
    assert!(matches!(
        m.create(ann, "Projects/2026", None).await,
        Err(MailboxError::Exists)
    ));
    assert!(matches!(
        m.create(ann, "inbox", None).await,
        Err(MailboxError::Exists)
    ));
    for bad in ["a//b", "Lists/*", "50%", ""] {
        assert!(
            matches!(
                m.create(ann, bad, None).await,
                Err(MailboxError::InvalidName(_))
            ),
            "{bad:?}"
        );
    }
    // RFC 6154: \Archive may be given again, \Sent is held by Sent already.
    assert!(m.create(ann, "Old", Some("\\archive")).await.is_ok());
    assert!(matches!(
        m.create(ann, "Sent2", Some("\\Sent")).await,
        Err(MailboxError::SpecialUse(_))
    ));
    assert!(matches!(
        m.create(ann, "All", Some("\\All")).await,
        Err(MailboxError::SpecialUse(_))
    ));
}

#[tokio::test]
async fn rename_and_delete_keep_inbox_and_the_special_mailboxes() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let m = MailboxManager::new(w.store.clone());
    let ann = &w.ann.id;
    let all = w.store.mailboxes().of_account(ann).await.unwrap();
    let find = |all: &[osprey_store::MailboxRecord], n: &str| {
        all.iter().find(|m| m.name == n).cloned().unwrap()
    };
    let sent = find(&all, "Sent");
    let inbox = find(&all, "INBOX");
    assert!(matches!(
        m.rename(ann, &sent, "Outbox").await,
        Err(MailboxError::Protected(_))
    ));
    assert!(matches!(
        m.delete(ann, &inbox, true).await,
        Err(MailboxError::Protected(_))
    ));
    assert!(matches!(
        m.delete(ann, &sent, false).await,
        Err(MailboxError::Protected(_))
    ));
    // Another account's mailbox is not there for this one.
    assert!(matches!(
        m.delete(&w.bob.id, &find(&all, "Archive"), false).await,
        Err(MailboxError::NotFound)
    ));
    let work = m.create(ann, "Work", None).await.unwrap();
    m.create(ann, "Work/Q3", None).await.unwrap();
    assert!(matches!(
        m.rename(ann, &work, "Work/Q3/Deeper").await,
        Err(MailboxError::BelowItself)
    ));
    m.rename(ann, &work, "Jobs/Work").await.unwrap();
    let all = w.store.mailboxes().of_account(ann).await.unwrap();
    assert!(names(&all).contains(&"Jobs/Work/Q3"), "{:?}", names(&all));
    // With children: refused unless they go too; their messages leave the usage.
    let jobs_work = find(&all, "Jobs/Work");
    let q3 = find(&all, "Jobs/Work/Q3");
    w.s.delivery()
        .deliver(
            std::slice::from_ref(ann),
            "Jobs/Work/Q3",
            b"Subject: x\r\n\r\nbody\r\n",
            0,
        )
        .await
        .unwrap();
    assert!(w.store.accounts().account(ann).await.unwrap().used_bytes > 0);
    assert!(matches!(
        m.delete(ann, &jobs_work, false).await,
        Err(MailboxError::HasChildren)
    ));
    m.delete(ann, &jobs_work, true).await.unwrap();
    let all = w.store.mailboxes().of_account(ann).await.unwrap();
    assert!(
        !names(&all).iter().any(|n| n.starts_with("Jobs/")),
        "{:?}",
        names(&all)
    );
    assert!(all.iter().all(|m| m.id != q3.id));
    assert_eq!(w.store.accounts().account(ann).await.unwrap().used_bytes, 0);
}
