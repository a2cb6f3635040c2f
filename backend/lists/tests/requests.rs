//! Mail commands and subscriptions by mail: double opt-in (the confirmation read back
//! from the INBOX it went to), unsubscription confirmed, an owner's approval, and the
//! refusals that change nothing (a wrong or expired token, the null sender, automatic
//! mail).

use chrono::{Duration, Utc};
use osprey_lists::{ListSettings, SubscriptionPolicy};
use osprey_mail::Verdict;
use osprey_store::{ListRequestRecord, testing::TestDb};

use crate::posting::{World, world};

/// The token of the last confirmation in `who`'s INBOX, from its `Subject: confirm <token>`.
async fn token_in(w: &World, who: &str) -> String {
    let inbox = w.inbox(who).await;
    let last = inbox.last().expect("a confirmation");
    last.lines()
        .find_map(|l| l.strip_prefix("Subject: confirm "))
        .unwrap_or_else(|| panic!("no confirmation: {last}"))
        .trim()
        .to_owned()
}

async fn is_member(w: &World, who: &str) -> bool {
    w.store
        .lists()
        .member(&w.team.id, who)
        .await
        .unwrap()
        .is_some()
}

fn command(from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: team-request@lists.example\r\nSubject: {subject}\r\n\r\n{body}")
        .into_bytes()
}

#[tokio::test]
async fn a_subscription_by_mail_waits_for_the_addresss_own_confirmation() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    // The list's domain names itself (its per-host look); its list mail says so.
    let domain = w
        .store
        .domains()
        .domain_by_name("lists.example")
        .await
        .unwrap();
    w.store
        .brandings()
        .save_look(
            &domain.id,
            &osprey_core::look::Look {
                product_name: Some("Lists Mail".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let dan = "dan@lists.example";
    let v = w
        .mail(
            dan,
            "team-request@lists.example",
            &command(dan, "subscribe", ""),
        )
        .await;
    assert!(matches!(v, Verdict::List(_)), "{v:?}");
    assert!(!is_member(&w, dan).await, "not before the confirmation");
    let token = token_in(&w, dan).await;
    assert_eq!(token.len(), 40);
    let asked = w.inbox(dan).await.remove(0);
    // The same confirmation as a link to the web page (which asks before it confirms).
    let text = osprey_mail::extract_text(asked.as_bytes()).unwrap().body;
    assert!(
        text.ends_with("-- \nLists Mail list server, lists.example")
            || text
                .trim_end()
                .ends_with("Lists Mail list server, lists.example"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            " https://mail.lists.example/lists/confirm/{token} "
        )),
        "{text}"
    );
    // RFC 3834 §5: an automatic answer says so; replies go to the command address.
    assert!(
        asked.contains("Auto-Submitted: auto-replied\r\n"),
        "{asked}"
    );
    let reply_to = asked
        .lines()
        .find(|l| l.starts_with("Reply-To:"))
        .expect("a Reply-To");
    assert!(
        reply_to.contains("team-request@lists.example"),
        "{reply_to}"
    );
    // A wrong token changes nothing.
    w.mail(
        dan,
        "team-request@lists.example",
        &command(
            dan,
            "Re: confirm 00000000000000000000000000000000deadbeef",
            "",
        ),
    )
    .await;
    assert!(!is_member(&w, dan).await);
    let said = w.inbox(dan).await.pop().unwrap();
    assert!(said.contains("unknown or has expired"), "{said}");
    // The reply to the confirmation, its subject kept.
    w.mail(
        dan,
        "team-request@lists.example",
        &command(dan, &format!("Re: confirm {token}"), "> Someone asked\r\n"),
    )
    .await;
    assert!(is_member(&w, dan).await);
    let welcome = w.inbox(dan).await.pop().unwrap();
    assert!(
        welcome.contains("Welcome to team@lists.example"),
        "{welcome}"
    );
    // A token is used once.
    w.store
        .lists()
        .remove_member(&w.team.id, dan)
        .await
        .unwrap();
    w.mail(
        dan,
        "team-request@lists.example",
        &command(dan, &format!("confirm {token}"), ""),
    )
    .await;
    assert!(!is_member(&w, dan).await);
}

#[tokio::test]
async fn an_expired_confirmation_is_refused() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let token = "0123456789abcdef0123456789abcdef01234567";
    w.store
        .lists()
        .create_request(ListRequestRecord {
            token: token.into(),
            list_id: w.team.id.clone(),
            address: "dan@lists.example".into(),
            action: "subscribe".into(),
            expires_at: Utc::now() - Duration::minutes(1),
        })
        .await
        .unwrap();
    w.mail(
        "dan@lists.example",
        "team-request@lists.example",
        &command("dan@lists.example", &format!("confirm {token}"), ""),
    )
    .await;
    assert!(!is_member(&w, "dan@lists.example").await);
}

#[tokio::test]
async fn leaving_is_confirmed_too_and_the_other_commands_answer_in_one_message() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let ann = "ann@lists.example";
    // The -unsubscribe address needs no command.
    w.mail(
        ann,
        "team-unsubscribe@lists.example",
        &command(ann, "bye", ""),
    )
    .await;
    assert!(is_member(&w, ann).await, "not before the confirmation");
    let token = token_in(&w, ann).await;
    w.mail(
        ann,
        "team-request@lists.example",
        &command(ann, &format!("Re: confirm {token}"), ""),
    )
    .await;
    assert!(!is_member(&w, ann).await);
    // Carol: set each, who (refused: owners only by default), a line of prose, help.
    let carol = "carol@lists.example";
    w.mail(
        carol,
        "team-request@lists.example",
        &command(carol, "", "set each\r\nwho\r\nplease\r\n"),
    )
    .await;
    let answer = w.inbox(carol).await.pop().unwrap();
    assert!(answer.contains("gets each post"), "{answer}");
    assert!(answer.contains("shown to its owners only"), "{answer}");
    assert!(answer.contains("Not a command: please"), "{answer}");
    assert!(answer.contains("unsubscribe    leave the list"), "{answer}");
    let m = w
        .store
        .lists()
        .member(&w.team.id, carol)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.delivery_mode, "each");
}

#[tokio::test]
async fn mail_from_the_null_sender_or_sent_automatically_is_not_answered() {
    let db = TestDb::new().await;
    let w = world(&db, None).await;
    let dan = "dan@lists.example";
    w.mail(
        "",
        "team-request@lists.example",
        &command(dan, "subscribe", ""),
    )
    .await;
    let auto = format!("From: {dan}\r\nAuto-Submitted: auto-replied\r\nSubject: subscribe\r\n\r\n");
    w.mail(dan, "team-request@lists.example", auto.as_bytes())
        .await;
    assert!(w.inbox(dan).await.is_empty());
    assert!(!is_member(&w, dan).await);
}

#[tokio::test]
async fn on_a_list_with_approval_an_owner_lets_a_subscriber_in() {
    let db = TestDb::new().await;
    let settings = ListSettings {
        subscription: SubscriptionPolicy::Approval,
        owners: vec!["ann@lists.example".into()],
        ..ListSettings::for_list("team")
    };
    let w = world(&db, Some(settings)).await;
    let dan = "dan@lists.example";
    w.mail(dan, "team-subscribe@lists.example", &command(dan, "", ""))
        .await;
    let waits = w.inbox(dan).await.pop().unwrap();
    assert!(waits.contains("waits for its owners' approval"), "{waits}");
    let token = token_in(&w, "ann@lists.example").await;
    // Dan cannot approve himself with the owner's token.
    w.mail(
        dan,
        "team-request@lists.example",
        &command(dan, &format!("confirm {token}"), ""),
    )
    .await;
    assert!(!is_member(&w, dan).await);
    // The token was used up by that attempt: the owner asks again.
    w.mail(dan, "team-subscribe@lists.example", &command(dan, "", ""))
        .await;
    let token = token_in(&w, "ann@lists.example").await;
    w.mail(
        "ann@lists.example",
        "team-request@lists.example",
        &command("ann@lists.example", &format!("Re: confirm {token}"), ""),
    )
    .await;
    assert!(is_member(&w, dan).await);
    let welcome = w.inbox(dan).await.pop().unwrap();
    assert!(
        welcome.contains("Subject: Welcome to team@lists.example"),
        "{welcome}"
    );
}
