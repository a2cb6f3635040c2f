//! Maildrop semantics: the IN-USE lock, QUIT-only deletion, snapshots, modes, retention.

use chrono::{Duration, Utc};
use osprey_core::Pop3Mode;
use osprey_store::{AccountChanges, ChangeKind, flags};

use crate::harness::Harness;

#[tokio::test]
async fn a_second_session_gets_in_use_until_the_first_ends() {
    let h = Harness::start().await;
    let mut first = h.login().await;
    let mut second = h.connect().await;
    second.ok(&format!("USER {}", crate::harness::USER)).await;
    let r = second
        .err(&format!("PASS {}", crate::harness::PASSWORD))
        .await;
    assert_eq!(r, "-ERR [IN-USE] maildrop is locked by another session");
    // Still in AUTHORIZATION: it may try again once the first session is gone.
    first.ok("QUIT").await;
    assert!(first.closed().await);
    second.ok(&format!("USER {}", crate::harness::USER)).await;
    second
        .ok(&format!("PASS {}", crate::harness::PASSWORD))
        .await;
}

#[tokio::test]
async fn a_dropped_connection_deletes_nothing() {
    let h = Harness::start().await;
    h.deliver(b"Subject: a\r\n\r\na\r\n").await;
    h.deliver(b"Subject: b\r\n\r\nb\r\n").await;
    let mut c = h.login().await;
    c.ok("RETR 1").await;
    c.body_raw().await;
    c.ok("DELE 1").await;
    c.ok("DELE 2").await;
    drop(c);
    // The lock is released when the session notices; then nothing has changed.
    let mut c = loop {
        let mut c = h.connect().await;
        c.ok(&format!("USER {}", crate::harness::USER)).await;
        let r = c.cmd(&format!("PASS {}", crate::harness::PASSWORD)).await;
        if r.starts_with("+OK") {
            break c;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(c.ok("STAT").await.starts_with("+OK 2 "));
    let inbox = h
        .store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let rows = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    assert!(
        rows.iter().all(|m| m.flags & flags::SEEN == 0),
        "no \\Seen without QUIT"
    );
}

#[tokio::test]
async fn quit_expunges_atomically_and_publishes_the_change() {
    let h = Harness::start().await;
    for i in 0..3 {
        h.deliver(format!("Subject: {i}\r\n\r\n{i}\r\n").as_bytes())
            .await;
    }
    let mut changes = h.store.subscribe();
    let mut c = h.login().await;
    c.ok("RETR 3").await;
    c.body_raw().await;
    c.ok("DELE 1").await;
    c.ok("DELE 2").await;
    assert_eq!(h.inbox_count().await, 3, "nothing before QUIT");
    assert_eq!(c.ok("QUIT").await, "+OK bye (1 messages left)");
    assert_eq!(h.inbox_count().await, 1);
    let inbox = h
        .store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let left = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    assert_eq!(left[0].uid, 3);
    assert!(left[0].flags & flags::SEEN != 0, "RETR sets \\Seen at QUIT");
    assert!(left[0].pop3_retrieved_at.is_some());
    let mut kinds = Vec::new();
    while let Ok(c) = changes.try_recv() {
        kinds.push(c.kind);
    }
    assert!(kinds.contains(&ChangeKind::Expunged), "{kinds:?}");
}

#[tokio::test]
async fn the_snapshot_does_not_shift_when_others_change_the_inbox() {
    let h = Harness::start().await;
    h.deliver(b"Subject: one\r\n\r\n1\r\n").await;
    h.deliver(b"Subject: two\r\n\r\n2\r\n").await;
    let mut c = h.login().await;
    // Another client expunges message 1 and new mail arrives.
    let inbox = h
        .store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let rows = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    h.store
        .messages()
        .expunge_messages(&inbox.id, &[rows[0].id.clone()])
        .await
        .unwrap();
    h.deliver(b"Subject: three\r\n\r\n3\r\n").await;
    assert!(c.ok("STAT").await.starts_with("+OK 2 "), "numbers stay put");
    c.ok("RETR 2").await;
    assert!(c.lines().await.contains(&"Subject: two".to_owned()));
    c.ok("DELE 1").await;
    c.ok("DELE 2").await;
    c.ok("QUIT").await;
    let left = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    assert_eq!(left.len(), 1, "only the new message is left");
    assert_eq!(left[0].uid, 3);
}

async fn set_mode(h: &Harness, mode: Pop3Mode, retention: Option<u32>) {
    h.store
        .accounts()
        .update_account(
            &h.account_id,
            AccountChanges {
                pop3_mode: Some(mode),
                pop3_retention_days: Some(retention),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn keep_mode_ignores_dele() {
    let h = Harness::start().await;
    set_mode(&h, Pop3Mode::Keep, None).await;
    h.deliver(b"Subject: k\r\n\r\nk\r\n").await;
    let mut c = h.login().await;
    c.ok("DELE 1").await;
    c.ok("QUIT").await;
    assert_eq!(h.inbox_count().await, 1);
}

#[tokio::test]
async fn trash_mode_moves_deleted_mail_to_trash() {
    let h = Harness::start().await;
    set_mode(&h, Pop3Mode::Trash, None).await;
    h.deliver(b"Subject: t\r\n\r\nt\r\n").await;
    h.deliver(b"Subject: u\r\n\r\nu\r\n").await;
    let mut c = h.login().await;
    c.ok("DELE 2").await;
    c.ok("QUIT").await;
    assert_eq!(h.inbox_count().await, 1);
    assert_eq!(h.count_in("Trash").await, 1);
}

#[tokio::test]
async fn retention_removes_mail_downloaded_long_enough_ago() {
    let h = Harness::start().await;
    set_mode(&h, Pop3Mode::Keep, Some(7)).await;
    h.deliver(b"Subject: old\r\n\r\nold\r\n").await;
    h.deliver(b"Subject: recent\r\n\r\nrecent\r\n").await;
    h.deliver(b"Subject: unread\r\n\r\nunread\r\n").await;
    let inbox = h
        .store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let rows = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    h.store
        .messages()
        .mark_retrieved(
            &inbox.id,
            &[rows[0].id.clone()],
            0,
            Utc::now() - Duration::days(8),
        )
        .await
        .unwrap();
    h.store
        .messages()
        .mark_retrieved(
            &inbox.id,
            &[rows[1].id.clone()],
            0,
            Utc::now() - Duration::days(6),
        )
        .await
        .unwrap();
    let mut c = h.login().await;
    assert!(
        c.ok("STAT").await.starts_with("+OK 2 "),
        "the 8-day-old download is gone"
    );
    c.ok("CAPA").await;
    assert!(c.lines().await.contains(&"EXPIRE 7".to_owned()));
    assert_eq!(h.inbox_count().await, 2);
}

#[tokio::test]
async fn the_retention_sweep_works_without_a_pop3_login() {
    let h = Harness::start().await;
    h.deliver(b"Subject: old\r\n\r\nold\r\n").await;
    h.deliver(b"Subject: new\r\n\r\nnew\r\n").await;
    let inbox = h
        .store
        .messages()
        .mailbox_by_name(&h.account_id, "INBOX")
        .await
        .unwrap();
    let rows = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    h.store
        .messages()
        .mark_retrieved(
            &inbox.id,
            &[rows[0].id.clone()],
            0,
            Utc::now() - Duration::days(3),
        )
        .await
        .unwrap();
    let locks = osprey_pop3::MaildropLocks::default();
    // Without a retention period nothing is removed.
    assert_eq!(
        osprey_pop3::retention::sweep(&h.store, &locks)
            .await
            .unwrap(),
        0
    );
    set_mode(&h, Pop3Mode::Offline, Some(2)).await;
    assert_eq!(
        osprey_pop3::retention::sweep(&h.store, &locks)
            .await
            .unwrap(),
        1
    );
    assert_eq!(h.inbox_count().await, 1);
    // An account whose maildrop a session holds is left alone.
    h.deliver(b"Subject: newer\r\n\r\nnewer\r\n").await;
    let rows = h.store.messages().in_mailbox(&inbox.id).await.unwrap();
    h.store
        .messages()
        .mark_retrieved(
            &inbox.id,
            &[rows[0].id.clone()],
            0,
            Utc::now() - Duration::days(3),
        )
        .await
        .unwrap();
    let held = locks.try_lock(&h.account_id).unwrap();
    assert_eq!(
        osprey_pop3::retention::sweep(&h.store, &locks)
            .await
            .unwrap(),
        0
    );
    drop(held);
    assert_eq!(
        osprey_pop3::retention::sweep(&h.store, &locks)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn login_delay_is_announced_and_enforced() {
    let h = Harness::with(|c| {
        c.plaintext_loopback = true;
        c.login_delay = Some(std::time::Duration::from_secs(300));
    })
    .await;
    let mut c = h.login().await;
    c.ok("CAPA").await;
    assert!(c.lines().await.contains(&"LOGIN-DELAY 300".to_owned()));
    c.ok("QUIT").await;
    let mut c = h.connect().await;
    c.ok(&format!("USER {}", crate::harness::USER)).await;
    assert_eq!(
        c.err(&format!("PASS {}", crate::harness::PASSWORD)).await,
        "-ERR [LOGIN-DELAY] logged in too recently"
    );
}

#[tokio::test]
async fn repeated_failures_across_sessions_are_throttled() {
    let h = Harness::start().await;
    // The throttle's default: 5 failures per account.
    for _ in 0..5 {
        let mut c = h.connect().await;
        c.ok(&format!("USER {}", crate::harness::USER)).await;
        c.err("PASS wrong-password").await;
    }
    let mut c = h.connect().await;
    c.ok(&format!("USER {}", crate::harness::USER)).await;
    assert_eq!(
        c.err(&format!("PASS {}", crate::harness::PASSWORD)).await,
        "-ERR [SYS/TEMP] too many failed logins, try again later"
    );
    assert!(c.closed().await);
}
