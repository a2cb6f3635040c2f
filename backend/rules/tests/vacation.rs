//! The vacation decision: each reason not to answer, the period, the answer's fields.

use chrono::{Duration, NaiveDate, Utc};
use osprey_rules::{
    EvalContext, MessageView, NoReplyReason, ReplyKind, Vacation,
    vacation::{AUTO_SUBMITTED, is_automated_address, reply_handle},
    vacation_should_reply,
};

use crate::support::*;

fn decide(
    raw: &[u8],
    v: &Vacation,
    ctx: &EvalContext<'_>,
) -> Result<osprey_rules::Reply, NoReplyReason> {
    let view = MessageView::parse(raw);
    vacation_should_reply(v, ReplyKind::Vacation, &view, ctx, None)
}

fn away() -> Vacation {
    Vacation::new("I am away until Monday.")
}

#[test]
fn answers_a_personal_message_with_the_rfc_fields() {
    let raw = message("References: <r0@example.net>\r\n", "");
    let reply = decide(&raw, &away(), &ctx()).unwrap();
    assert_eq!(reply.to, SENDER);
    assert_eq!(reply.from, RCPT);
    // RFC 5230 §5.3: without :subject, "The subject is set to the characters "Auto: "
    // followed by the original subject."
    assert_eq!(reply.subject, "Auto: Quarterly report");
    assert_eq!(reply.in_reply_to.as_deref(), Some("m1@example.net"));
    assert_eq!(reply.references, ["r0@example.net", "m1@example.net"]);
    // RFC 3834 §5.2: the auto-replied keyword "SHOULD be used on messages sent in direct
    // response to another message by an automatic process".
    assert_eq!(reply.auto_submitted, AUTO_SUBMITTED);
    assert_eq!(reply.handle, reply_handle(&away()));
    let custom = Vacation {
        subject: Some("Out of office".into()),
        from: Some("a@example.org".into()),
        ..away()
    };
    let reply = decide(&raw, &custom, &ctx()).unwrap();
    assert_eq!(
        (reply.subject.as_str(), reply.from.as_str()),
        ("Out of office", "a@example.org")
    );
    assert_ne!(
        reply.handle,
        reply_handle(&away()),
        "a new text is a new answer"
    );
}

#[test]
fn never_answers_the_null_sender() {
    // RFC 3834 §4: responses go to the Return-Path; §2: "Responders MUST NOT generate any
    // response for which the destination of that response would be a null address".
    let c = EvalContext::new(None, RCPT, now());
    assert_eq!(
        decide(&message("", ""), &away(), &c).unwrap_err(),
        NoReplyReason::NullSender
    );
    let c = EvalContext::new(Some("<>"), RCPT, now());
    assert_eq!(
        decide(&message("", ""), &away(), &c).unwrap_err(),
        NoReplyReason::NullSender
    );
}

#[test]
fn never_answers_automated_senders() {
    // RFC 5230 §4.6: "Implementations are encouraged, however, to include well-known
    // addresses like "MAILER-DAEMON", "LISTSERV", "majordomo", and other addresses
    // typically used only by automated systems.  Additionally, addresses ending in
    // "-request" or beginning in "owner-", i.e., reserved for mailing list software, are
    // also suggested."
    for sender in [
        "MAILER-DAEMON@example.net",
        "owner-list@example.net",
        "list-request@example.net",
        "majordomo@example.net",
    ] {
        assert!(is_automated_address(sender), "{sender}");
        let c = EvalContext::new(Some(sender), RCPT, now());
        assert_eq!(
            decide(&message("", ""), &away(), &c).unwrap_err(),
            NoReplyReason::AutomatedSender,
            "{sender}"
        );
    }
    assert!(!is_automated_address("bob@example.net"));
}

#[test]
fn never_answers_auto_submitted_mail() {
    // RFC 5230 §4.6: "Implementations SHOULD NOT respond to any message that has an
    // "Auto-submitted" header field with a value other than "no"."
    for value in [
        "auto-replied",
        "auto-generated",
        "Auto-Notified; owner-email=x@y",
    ] {
        let raw = message(&format!("Auto-Submitted: {value}\r\n"), "");
        assert_eq!(
            decide(&raw, &away(), &ctx()).unwrap_err(),
            NoReplyReason::AutoSubmitted
        );
    }
    assert!(decide(&message("Auto-Submitted: no\r\n", ""), &away(), &ctx()).is_ok());
}

#[test]
fn never_answers_bulk_precedence() {
    // RFC 3834 §2: "A responder MAY refuse to send a response to a subject message which
    // contains any header or content which makes it appear to the responder that a
    // response would not be appropriate", e.g. Precedence "list"; the vacation program
    // of §7 refuses a message that "contains a Precedence field with a value of "list",
    // "junk", or "bulk"".
    for value in ["bulk", "list", "junk", "Bulk"] {
        let raw = message(&format!("Precedence: {value}\r\n"), "");
        assert_eq!(
            decide(&raw, &away(), &ctx()).unwrap_err(),
            NoReplyReason::BulkPrecedence
        );
    }
}

#[test]
fn never_answers_list_mail() {
    // RFC 5230 §4.6: "Implementations SHOULD NOT respond to any message that contains a
    // "List-Id" [RFC2919], "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post",
    // "List-Owner", or "List-Archive" [RFC2369] header field."
    for field in [
        "List-Id: <l.example.net>",
        "List-Unsubscribe: <mailto:u@x>",
        "List-Post: <mailto:l@x>",
    ] {
        let raw = message(&format!("{field}\r\n"), "");
        assert_eq!(
            decide(&raw, &away(), &ctx()).unwrap_err(),
            NoReplyReason::MailingList
        );
    }
}

#[test]
fn answers_only_mail_addressed_to_the_user() {
    // RFC 5230 §4.5: no response unless the user's address (or one of :addresses) is
    // in "To", "Cc", "Bcc", "Resent-To", "Resent-Cc", or "Resent-Bcc".
    let raw = b"From: bob@example.net\r\nTo: team@example.org\r\nSubject: hi\r\n\r\nx".to_vec();
    assert_eq!(
        decide(&raw, &away(), &ctx()).unwrap_err(),
        NoReplyReason::NotAddressedToUser
    );
    let with_alias = Vacation {
        addresses: vec!["team@example.org".into()],
        ..away()
    };
    assert!(decide(&raw, &with_alias, &ctx()).is_ok());
    let own = ["team@example.org".to_owned()];
    let mut c = ctx();
    c.own_addresses = &own;
    assert!(decide(&raw, &away(), &c).is_ok());
    let resent =
        b"From: bob@example.net\r\nTo: x@example.com\r\nResent-To: alice@example.org\r\n\r\nx"
            .to_vec();
    assert!(decide(&resent, &away(), &ctx()).is_ok());
}

#[test]
fn never_answers_the_user_themselves() {
    let c = EvalContext::new(Some(RCPT), RCPT, now());
    assert_eq!(
        decide(&message("", ""), &away(), &c).unwrap_err(),
        NoReplyReason::FromSelf
    );
}

#[test]
fn answers_each_sender_once_per_period() {
    // RFC 5230 §4.1: ":days" is "the period in which addresses are kept and are not
    // responded to".
    let view_raw = message("", "");
    let view = MessageView::parse(&view_raw);
    let v = Vacation { days: 7, ..away() };
    let at = now().with_timezone(&Utc);
    let check = |last| vacation_should_reply(&v, ReplyKind::Vacation, &view, &ctx(), last);
    assert!(check(None).is_ok());
    assert_eq!(
        check(Some(at - Duration::days(3))).unwrap_err(),
        NoReplyReason::RepliedRecently
    );
    assert!(check(Some(at - Duration::days(7))).is_ok());

    // Through the engine: the store's answer comes in as `last_replied`.
    let last = |handle: &str, sender: &str| {
        (handle == reply_handle(&v) && sender == SENDER).then(|| at - Duration::hours(1))
    };
    let mut c = ctx();
    c.last_replied = &last;
    let out = run_with(
        vec![rule(
            "v",
            vec![],
            vec![osprey_rules::Action::Vacation(v.clone())],
        )],
        &view_raw,
        &c,
    );
    assert!(out.replies.is_empty());
    let out = run(
        vec![rule(
            "v",
            vec![],
            vec![osprey_rules::Action::Vacation(v.clone())],
        )],
        &view_raw,
    );
    assert_eq!(out.replies.len(), 1);
}

#[test]
fn answers_only_within_the_dates() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let raw = message("", "");
    let inside = Vacation {
        start: Some(day(10)),
        end: Some(day(10)),
        ..away()
    };
    assert!(
        decide(&raw, &inside, &ctx()).is_ok(),
        "the first and last days count"
    );
    let later = Vacation {
        start: Some(day(11)),
        ..away()
    };
    assert_eq!(
        decide(&raw, &later, &ctx()).unwrap_err(),
        NoReplyReason::OutsideWindow
    );
    let over = Vacation {
        end: Some(day(9)),
        ..away()
    };
    assert_eq!(
        decide(&raw, &over, &ctx()).unwrap_err(),
        NoReplyReason::OutsideWindow
    );
}
