//! Delivery rules through real SMTP: a rule's reject is the reply to DATA when the
//! message has one recipient, filing happens before the 250, and with several
//! recipients the others still get the message.

use osprey_mail::DeliveryRules;
use osprey_rules::{Action, Condition, Operator, Rule, RuleSet, TextTest};
use osprey_store::RuleOwner;

use crate::harness::{ANN, Harness};

async fn ann_rules(h: &Harness) {
    let rules = RuleSet::new(vec![
        Rule::new(
            "no casinos",
            vec![Condition::Subject(TextTest::new(
                Operator::Contains,
                "casino",
            ))],
            vec![Action::Reject {
                text: "No casinos here, thanks".into(),
            }],
        ),
        Rule::new(
            "newsletters",
            vec![Condition::From(TextTest::new(
                Operator::StartsWith,
                "news@",
            ))],
            vec![Action::FileInto {
                mailbox: "Newsletters".into(),
                create_if_missing: true,
            }],
        ),
    ]);
    DeliveryRules::new(h.store.clone(), "mx.example")
        .save(&RuleOwner::Account(h.ann.clone()), &rules, Some(0))
        .await
        .unwrap();
}

async fn send(h: &Harness, rcpts: &[&str], message: &str) -> String {
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO mx.sender.example", "250").await;
    c.expect("MAIL FROM:<x@sender.example>", "250").await;
    for rcpt in rcpts {
        c.expect(&format!("RCPT TO:<{rcpt}>"), "250").await;
    }
    c.data(message).await
}

#[tokio::test]
async fn a_reject_rule_is_the_550_reply_to_data_with_its_text() {
    let h = Harness::start().await;
    ann_rules(&h).await;
    let reply = send(
        &h,
        &[ANN],
        "From: x@sender.example\r\nSubject: casino night\r\n\r\nwin big\r\n",
    )
    .await;
    // RFC 5429 allows "messages to be refused during the SMTP transaction".
    assert_eq!(reply.trim_end(), "550 5.7.1 No casinos here, thanks");
    assert!(h.inbox(&h.ann).await.is_empty());
    assert!(h.queue().await.is_empty());
}

#[tokio::test]
async fn a_rule_files_the_message_before_the_250() {
    let h = Harness::start().await;
    ann_rules(&h).await;
    let reply = send(
        &h,
        &[ANN],
        "From: news@shop.example\r\nSubject: offers\r\n\r\n.\r\n",
    )
    .await;
    assert!(reply.starts_with("250"), "{reply}");
    assert!(h.inbox(&h.ann).await.is_empty());
    assert_eq!(h.mailbox(&h.ann, "Newsletters").await.len(), 1);
}

#[tokio::test]
async fn with_two_recipients_a_reject_becomes_a_notice_and_the_other_gets_the_message() {
    let h = Harness::start().await;
    ann_rules(&h).await;
    let reply = send(
        &h,
        &[ANN, "bob@mx.example"],
        "From: x@sender.example\r\nSubject: casino night\r\n\r\nwin big\r\n",
    )
    .await;
    assert!(reply.starts_with("250"), "{reply}");
    assert!(h.inbox(&h.ann).await.is_empty());
    let bob = h.account_id("bob@mx.example").await;
    assert_eq!(h.inbox(&bob).await.len(), 1);
    let queue = h.queue().await;
    assert_eq!(queue.len(), 1, "a notice to the sender");
    assert_eq!(queue[0].message.sender, "");
    assert_eq!(queue[0].recipients[0].address, "x@sender.example");
}
