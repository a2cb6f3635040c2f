//! Delivery status notifications, parsed back with mail-parser.

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use osprey_outbound::dsn::{self, Action, DsnInput, DsnRecipient};

const ORIGINAL: &[u8] = b"From: ann@a.test\r\nTo: bob@b.test\r\nSubject: lunch\r\n\r\nAt noon?\r\n";

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap()
}

fn failed(rcpt: &str, diagnostic: &str) -> DsnRecipient {
    DsnRecipient {
        original: rcpt.to_owned(),
        action: Action::Failed,
        status: "5.1.1".to_owned(),
        diagnostic: Some(diagnostic.to_owned()),
        remote_mta: Some("mx.b.test".to_owned()),
        last_attempt: Some(at(10)),
        will_retry_until: None,
    }
}

fn delayed(rcpt: &str) -> DsnRecipient {
    DsnRecipient {
        original: rcpt.to_owned(),
        action: Action::Delayed,
        status: "4.4.1".to_owned(),
        diagnostic: None,
        remote_mta: None,
        last_attempt: Some(at(10)),
        will_retry_until: Some(at(20)),
    }
}

fn input<'a>(recipients: &'a [DsnRecipient], return_full: bool) -> DsnInput<'a> {
    DsnInput {
        reporting_mta: "mx.a.test",
        product: "A Mail",
        postmaster: "MAILER-DAEMON@mx.a.test",
        to: "ann@a.test",
        arrival: at(9),
        envelope_id: Some("QQ314159"),
        recipients,
        original: ORIGINAL,
        return_full,
    }
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default().parse(bytes).expect("a message")
}

/// The body of the part with the given content type, as text.
fn part_text(message: &Message, ctype: &str) -> String {
    let part = message
        .parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")) == ctype)
        })
        .unwrap_or_else(|| panic!("no {ctype} part"));
    String::from_utf8(part.contents().to_vec()).unwrap()
}

#[test]
fn failure_is_a_multipart_report_with_three_parts() {
    let rcpts = [failed("bob@b.test", "550 5.1.1 no such user")];
    let bytes = dsn::build(&input(&rcpts, false));
    let message = parse(&bytes);

    assert_eq!(
        message.subject(),
        Some("Undelivered Mail Returned to Sender")
    );
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Mail Delivery System"));
    assert_eq!(from.address(), Some("MAILER-DAEMON@mx.a.test"));
    assert_eq!(
        message.to().unwrap().first().unwrap().address(),
        Some("ann@a.test")
    );
    assert_eq!(
        message.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-replied")
    );
    assert!(message.date().is_some());
    assert!(message.message_id().unwrap().ends_with("@mx.a.test"));

    let root = message.root_part().content_type().unwrap();
    assert_eq!(root.ctype(), "multipart");
    assert_eq!(root.subtype(), Some("report"));
    assert_eq!(root.attribute("report-type"), Some("delivery-status"));
    assert_eq!(message.root_part().sub_parts().unwrap().len(), 3);

    let human = message.body_text(0).unwrap();
    // The sender's domain's product name (its per-host look).
    assert!(
        human.starts_with("This is the A Mail mail system at host mx.a.test."),
        "{human}"
    );
    assert!(human.contains("<bob@b.test>"), "{human}");
    assert!(human.contains("550 5.1.1 no such user"), "{human}");
    assert!(human.contains("will not try again"), "{human}");
    assert!(
        !bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r')),
        "every line ends in CRLF"
    );
}

#[test]
fn delivery_status_fields() {
    let rcpts = [
        failed("bob@b.test", "550 5.1.1 no such user"),
        delayed("cy@c.test"),
    ];
    let bytes = dsn::build(&input(&rcpts, false));
    let status = part_text(&parse(&bytes), "message/delivery-status");
    let blocks: Vec<&str> = status.split("\r\n\r\n").collect();
    assert_eq!(blocks.len(), 3, "{status}");
    assert_eq!(
        blocks[0],
        "Reporting-MTA: dns; mx.a.test\r\nOriginal-Envelope-Id: QQ314159\r\n\
         Arrival-Date: Fri, 27 Nov 2026 09:00:00 +0000"
    );
    assert_eq!(
        blocks[1],
        "Final-Recipient: rfc822; bob@b.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Remote-MTA: dns; mx.b.test\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n\
         Last-Attempt-Date: Fri, 27 Nov 2026 10:00:00 +0000"
    );
    assert_eq!(
        blocks[2].trim_end(),
        "Final-Recipient: rfc822; cy@c.test\r\nAction: delayed\r\nStatus: 4.4.1\r\n\
         Last-Attempt-Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Will-Retry-Until: Fri, 27 Nov 2026 20:00:00 +0000"
    );
}

#[test]
fn headers_only_returns_the_original_header() {
    let rcpts = [failed("bob@b.test", "550 no")];
    let bytes = dsn::build(&input(&rcpts, false));
    let headers = part_text(&parse(&bytes), "text/rfc822-headers");
    assert!(headers.contains("Subject: lunch"), "{headers}");
    assert!(!headers.contains("At noon?"), "{headers}");
}

#[test]
fn full_return_nests_the_original_message() {
    let rcpts = [failed("bob@b.test", "550 no")];
    let bytes = dsn::build(&input(&rcpts, true));
    let message = parse(&bytes);
    let nested = message
        .parts
        .iter()
        .find_map(|p| match &p.body {
            PartType::Message(m) => Some(m),
            _ => None,
        })
        .expect("a message/rfc822 part");
    assert_eq!(nested.subject(), Some("lunch"));
    assert_eq!(nested.body_text(0).unwrap().trim_end(), "At noon?");
}

#[test]
fn remote_text_cannot_inject_header_fields() {
    let evil = "550 no\r\nBcc: victim@x.test\r\n\r\nInjected body\nX-Evil: 1";
    let mut rcpt = failed("bob@b.test\r\nX-Rcpt: 1", evil);
    rcpt.remote_mta = Some("mx.b.test\r\nX-Host: 1".to_owned());
    let rcpts = [rcpt];
    let mut dsn_input = input(&rcpts, false);
    dsn_input.to = "ann@a.test\r\nBcc: victim@x.test";
    dsn_input.envelope_id = Some("id\r\nX-Env: 1");
    let bytes = dsn::build(&dsn_input);
    let message = parse(&bytes);
    assert!(message.header("Bcc").is_none());

    let status = part_text(&message, "message/delivery-status");
    for line in status.split("\r\n") {
        for injected in [
            "Bcc:", "X-Evil:", "X-Rcpt:", "X-Host:", "X-Env:", "Injected",
        ] {
            assert!(!line.starts_with(injected), "injected line {line:?}");
        }
    }
    assert!(
        status.contains("Diagnostic-Code: smtp; 550 no Bcc: victim@x.test Injected body X-Evil: 1")
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("\r\nBcc:") && !text.contains("\nX-Evil"),
        "{text}"
    );
}

#[test]
fn long_values_are_folded() {
    let long = format!("550 5.1.1 {}", "word ".repeat(60));
    let rcpts = [failed("bob@b.test", &long)];
    let bytes = dsn::build(&input(&rcpts, false));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.split("\r\n").all(|l| l.len() <= 78), "{text}");
    let status = part_text(&parse(text.as_bytes()), "message/delivery-status");
    assert!(status.contains("Diagnostic-Code: smtp; 550 5.1.1 word word"));
    assert!(status.contains("\r\n word"), "folded with CRLF and a space");
}

#[test]
fn delayed_and_failed_wording() {
    let rcpts = [delayed("cy@c.test")];
    let bytes = dsn::build(&input(&rcpts, false));
    let message = parse(&bytes);
    assert_eq!(
        message.subject(),
        Some("Delayed Mail (still being retried)")
    );
    let human = message.body_text(0).unwrap();
    assert!(human.contains("has not been delivered yet"), "{human}");
    assert!(human.contains("<cy@c.test>"), "{human}");
    assert!(
        human.contains("will retry until Fri, 27 Nov 2026 20:00:00"),
        "{human}"
    );
    assert!(!human.contains("will not try again"), "{human}");

    let rcpts = [delayed("cy@c.test"), failed("bob@b.test", "550 no")];
    let message_bytes = dsn::build(&input(&rcpts, false));
    let message = parse(&message_bytes);
    assert_eq!(
        message.subject(),
        Some("Undelivered Mail Returned to Sender")
    );
    let human = message.body_text(0).unwrap();
    assert!(human.contains("will not try again") && human.contains("not been delivered yet"));
}

#[test]
fn bare_line_feeds_in_the_original_become_crlf() {
    let rcpts = [failed("bob@b.test", "550 no")];
    let mut dsn_input = input(&rcpts, true);
    dsn_input.original = b"Subject: lf\n\nbody\n";
    let bytes = dsn::build(&dsn_input);
    assert!(
        !bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
    );
    assert!(String::from_utf8_lossy(&bytes).contains("Subject: lf\r\n\r\nbody\r\n"));
}

#[test]
fn only_the_null_sender_must_not_bounce() {
    assert!(dsn::must_not_bounce(""));
    assert!(dsn::must_not_bounce("<>"));
    assert!(!dsn::must_not_bounce("ann@a.test"));
    assert!(!dsn::must_not_bounce("MAILER-DAEMON@a.test"));
}
