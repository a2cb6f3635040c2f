//! VERP, bounces and one-click unsubscription: each remote member gets posts from its
//! own bounce address with its own `List-Unsubscribe`; bounces to that address raise
//! its score until delivery pauses and a probe goes out; a bounced probe removes it;
//! the member's token unsubscribes it once and a forged one changes nothing.

use chrono::{Duration, Utc};
use osprey_directory::DirectoryError;
use osprey_lists::{ListAdmin, ListSettings};
use osprey_mail::Verdict;
use osprey_store::{BounceState, ListMemberRecord, testing::TestDb};

use crate::posting::{POST, World, world};

const BOB: &str = "bob@far.example";

/// A delivery status notification (RFC 3464) for `recipient` with `action`.
fn dsn(recipient: &str, action: &str, status: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.far.example>\r\n\
         To: team-bounces@lists.example\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --r\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.far.example\r\n\r\n\
         Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\r\n\
         --r--\r\n"
    )
    .into_bytes()
}

fn settings(threshold: u32) -> ListSettings {
    ListSettings {
        owners: vec!["dan@lists.example".into()],
        bounce_threshold: threshold,
        ..ListSettings::for_list("team")
    }
}

async fn bob(w: &World) -> Option<ListMemberRecord> {
    w.store.lists().member(&w.team.id, BOB).await.unwrap()
}

/// Bob has `score` bounces, the last `days_ago` days ago.
async fn bounced(w: &World, score: i32, days_ago: i64) {
    w.store
        .lists()
        .set_bounce_state(
            &w.team.id,
            BOB,
            BounceState {
                bounce_score: score,
                last_bounce_at: Some(Utc::now() - Duration::days(days_ago)),
                status: "active".into(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn without_verp_one_envelope_from_the_bounce_address_goes_to_each_domain() {
    let db = TestDb::new().await;
    let settings = ListSettings {
        verp: false,
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(settings)).await;
    let admin = ListAdmin::new(w.store.clone());
    for address in ["eve@far.example", "fay@other.example"] {
        admin
            .add_member(
                &osprey_directory::Actor::Operator,
                &w.team.id,
                osprey_lists::NewMemberRequest {
                    address: address.into(),
                    display_name: None,
                    delivery_mode: None,
                },
            )
            .await
            .unwrap();
    }
    w.post("ann@lists.example", POST).await;
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0].message.sender, "team-bounces@lists.example");
    let mut to: Vec<(&str, &str)> = queue[0]
        .recipients
        .iter()
        .map(|r| {
            assert_eq!(r.return_path, None, "{r:?}");
            assert_eq!(r.header, None, "{r:?}");
            (r.domain.as_str(), r.address.as_str())
        })
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("far.example", "bob@far.example"),
            ("far.example", "eve@far.example"),
            ("other.example", "fay@other.example")
        ]
    );
    // The queued copy keeps the list's own mailto: List-Unsubscribe.
    let queued =
        String::from_utf8(w.blobs.get(&queue[0].message.blob_hash).await.unwrap()).unwrap();
    assert!(
        queued.contains("List-Unsubscribe: <mailto:team-unsubscribe@lists.example>\r\n"),
        "{queued}"
    );
}

fn verp(token: &str) -> String {
    format!("team-bounces+{token}@lists.example")
}

#[tokio::test]
async fn a_remote_member_gets_posts_from_its_own_bounce_address_with_a_one_click_link() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    w.post("ann@lists.example", POST).await;
    let token = bob(&w).await.unwrap().token.unwrap();
    assert_eq!(token.len(), 20);
    let queue = w.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    let rcpt = &queue[0].recipients[0];
    assert_eq!(rcpt.address, BOB);
    assert_eq!(rcpt.return_path.as_deref(), Some(verp(&token).as_str()));
    let header = rcpt.header.as_deref().unwrap();
    // RFC 8058 §3.1: "The List-Unsubscribe header field MUST contain one HTTPS URI"
    // and "The List-Unsubscribe-Post header MUST contain the single key/value pair
    // "List-Unsubscribe=One-Click"".
    assert_eq!(
        header,
        format!(
            "List-Unsubscribe: <https://mail.lists.example/lists/unsubscribe/{token}>,\r\n \
             <mailto:team-unsubscribe@lists.example>\r\n\
             List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        )
    );
    // The queued copy has no List-Unsubscribe of its own (RFC 2369 §3: one field of
    // each); a local member's copy has the list's mailto: one.
    let queued =
        String::from_utf8(w.blobs.get(&queue[0].message.blob_hash).await.unwrap()).unwrap();
    assert!(!queued.contains("List-Unsubscribe"), "{queued}");
    assert!(queued.contains("List-Id: "), "{queued}");
    let ann = w.inbox("ann@lists.example").await.remove(0);
    assert!(
        ann.contains("List-Unsubscribe: <mailto:team-unsubscribe@lists.example>\r\n"),
        "{ann}"
    );
    assert!(!ann.contains("List-Unsubscribe-Post"), "{ann}");
}

#[tokio::test]
async fn bounces_count_once_a_day_pause_delivery_at_the_threshold_and_a_bounced_probe_removes() {
    let db = TestDb::new().await;
    let w = world(&db, Some(settings(2))).await;
    let token = bob(&w).await.unwrap().token.unwrap();
    let v = w
        .mail("", &verp(&token), &dsn(BOB, "failed", "5.1.1"))
        .await;
    assert!(matches!(v, Verdict::List(_)), "{v:?}");
    let m = bob(&w).await.unwrap();
    assert_eq!((m.bounce_score, m.status.as_str()), (1, "active"));
    // A second bounce the same day does not count again.
    w.mail("", &verp(&token), &dsn(BOB, "failed", "5.1.1"))
        .await;
    assert_eq!(bob(&w).await.unwrap().bounce_score, 1);
    // Yesterday's bounce and today's: two days, the threshold.
    bounced(&w, 1, 1).await;
    w.mail("", &verp(&token), &dsn(BOB, "failed", "5.1.1"))
        .await;
    let m = bob(&w).await.unwrap();
    assert_eq!((m.bounce_score, m.status.as_str()), (2, "disabled"));
    // The probe went to Bob from his probe address; the owner was told.
    let queue = w.queue().await;
    let probe = queue
        .iter()
        .find(|e| e.message.sender == format!("team-bounces+{token}-probe@lists.example"))
        .unwrap_or_else(|| panic!("no probe: {queue:?}"));
    assert_eq!(probe.recipients[0].address, BOB);
    let dan = w.inbox("dan@lists.example").await;
    assert!(
        dan.iter()
            .any(|m| m.contains("Subject: bob@far.example paused")),
        "{dan:?}"
    );
    // A paused member gets no posts.
    w.post("ann@lists.example", POST).await;
    let posted = w.queue().await;
    assert!(
        posted
            .iter()
            .all(|e| e.message.sender != "team-bounces@lists.example"),
        "{posted:?}"
    );
    // More bounces of old posts change nothing; the probe's bounce removes him.
    w.mail("", &verp(&token), &dsn(BOB, "failed", "5.1.1"))
        .await;
    assert!(bob(&w).await.is_some());
    let probe_address = format!("team-bounces+{token}-probe@lists.example");
    w.mail("", &probe_address, &dsn(BOB, "failed", "5.1.1"))
        .await;
    assert!(bob(&w).await.is_none());
    let dan = w.inbox("dan@lists.example").await;
    assert!(
        dan.iter()
            .any(|m| m.contains("Subject: bob@far.example removed")),
        "{dan:?}"
    );
}

#[tokio::test]
async fn a_paused_member_answering_the_probe_gets_posts_again() {
    let db = TestDb::new().await;
    let w = world(&db, Some(settings(1))).await;
    let token = bob(&w).await.unwrap().token.unwrap();
    w.mail("", &verp(&token), &dsn(BOB, "failed", "5.2.1"))
        .await;
    assert_eq!(bob(&w).await.unwrap().status, "disabled");
    let queue = w.queue().await;
    let probe = queue
        .iter()
        .find(|e| e.message.sender.contains("-probe@"))
        .unwrap();
    let text = String::from_utf8(w.blobs.get(&probe.message.blob_hash).await.unwrap()).unwrap();
    let confirm = text
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap()
        .to_owned();
    assert!(confirm.starts_with("confirm "), "{confirm}");
    // Someone else's reply with the token does not resume him.
    let reply = |from: &str| format!("From: {from}\r\nSubject: Re: {confirm}\r\n\r\n").into_bytes();
    w.mail(
        "eve@else.example",
        "team-request@lists.example",
        &reply("eve@else.example"),
    )
    .await;
    assert_eq!(bob(&w).await.unwrap().status, "disabled");
    let probe_again = format!("From: bob@far.example\r\nSubject: Re: {confirm}\r\n\r\n");
    w.mail(BOB, "team-request@lists.example", probe_again.as_bytes())
        .await;
    let m = bob(&w).await.unwrap();
    assert_eq!((m.bounce_score, m.status.as_str()), (0, "active"));
}

#[tokio::test]
async fn the_plain_bounce_address_reads_the_report_and_what_is_no_failure_counts_nothing() {
    let db = TestDb::new().await;
    let w = world(&db, Some(settings(5))).await;
    let token = bob(&w).await.unwrap().token.unwrap();
    // RFC 3464 §2.3.3: "delayed" is no failure.
    w.mail("", &verp(&token), &dsn(BOB, "delayed", "4.4.1"))
        .await;
    // A person writing to the bounce address, an out-of-office answer, a forged token.
    w.mail(
        BOB,
        &verp(&token),
        b"From: bob@far.example\r\nSubject: hi\r\n\r\nhello\r\n",
    )
    .await;
    let away = b"From: bob@far.example\r\nAuto-Submitted: auto-replied\r\n\r\naway\r\n";
    w.mail("", &verp(&token), away).await;
    w.mail(
        "",
        &verp("00000000000000000000"),
        &dsn(BOB, "failed", "5.1.1"),
    )
    .await;
    assert_eq!(bob(&w).await.unwrap().bounce_score, 0);
    // Without VERP, the report's Final-Recipient names the member.
    w.mail(
        "",
        "team-bounces@lists.example",
        &dsn("Bob@far.example", "failed", "5.1.1"),
    )
    .await;
    assert_eq!(bob(&w).await.unwrap().bounce_score, 1);
    // A daemon's message in a form of its own counts when the VERP address names him.
    bounced(&w, 1, 2).await;
    let qmail = b"From: MAILER-DAEMON@mx.far.example\r\nSubject: failure notice\r\n\r\n\
        Hi. This is the qmail-send program. <bob@far.example>: no mailbox here.\r\n";
    w.mail("", &verp(&token), qmail).await;
    assert_eq!(bob(&w).await.unwrap().bounce_score, 2);
}

#[tokio::test]
async fn a_members_token_unsubscribes_it_once_and_a_forged_one_changes_nothing() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let admin = ListAdmin::new(w.store.clone());
    let token = bob(&w).await.unwrap().token.unwrap();
    for forged in ["00000000000000000000", "not-a-token", ""] {
        assert!(matches!(
            admin.unsubscribe_by_token(forged).await,
            Err(DirectoryError::NotFound)
        ));
    }
    assert_eq!(
        w.store.lists().list(&w.team.id).await.unwrap().member_count,
        3
    );
    let (asked, who) = admin.token_membership(&token).await.unwrap();
    assert_eq!((asked.id.as_str(), who.as_str()), (w.team.id.as_str(), BOB));
    assert!(bob(&w).await.is_some(), "asking changes nothing");
    let (list, who) = admin
        .unsubscribe_by_token(&token.to_uppercase())
        .await
        .unwrap();
    assert_eq!((list.id.as_str(), who.as_str()), (w.team.id.as_str(), BOB));
    assert!(bob(&w).await.is_none());
    assert!(matches!(
        admin.unsubscribe_by_token(&token).await,
        Err(DirectoryError::NotFound)
    ));
}
