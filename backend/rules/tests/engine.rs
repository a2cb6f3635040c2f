//! Conditions and operators: each kind, each operator, case, encoded-words, all/any.

use osprey_rules::{Condition, EvalContext, MatchMode, Operator::*, RuleResult, TextTest};

use crate::support::*;

#[test]
fn every_operator_on_the_subject() {
    let raw = message("", "hi");
    let cases = [
        (Contains, "report", true),
        (Contains, "invoice", false),
        (NotContains, "invoice", true),
        (NotContains, "report", false),
        (Is, "quarterly report", true),
        (Is, "quarterly", false),
        (NotIs, "quarterly", true),
        (StartsWith, "quarter", true),
        (StartsWith, "report", false),
        (EndsWith, "report", true),
        (EndsWith, "quarter", false),
        (Wildcard, "quart*rep?rt", true),
        (Wildcard, "quart*", true),
        (Wildcard, "report*", false),
        (NotWildcard, "report*", true),
        (Regex, r"^quarterly\s+\w+$", true),
        (Regex, r"^\d+$", false),
        (NotRegex, r"^\d+$", true),
    ];
    for (op, value, expected) in cases {
        assert_eq!(
            holds(Condition::Subject(t(op, value)), &raw),
            expected,
            "{op:?} {value:?}"
        );
    }
}

#[test]
fn wildcard_backslash_makes_a_star_literal() {
    // RFC 5228 §2.7.1: in a `:matches` key, a backslash makes the next character literal.
    let raw = message("", "");
    let raw2 = String::from_utf8(raw.clone())
        .unwrap()
        .replace("Quarterly report", "a*b");
    assert!(holds(
        Condition::Subject(t(Wildcard, r"a\*b")),
        raw2.as_bytes()
    ));
    assert!(!holds(
        Condition::Subject(t(Wildcard, r"a\*b")),
        &message("Subject: axxb\r\n", "")
    ));
}

#[test]
fn case_insensitive_by_default_and_sensitive_on_request() {
    let raw = message("", "");
    assert!(holds(Condition::Subject(t(Contains, "QUARTERLY")), &raw));
    let sensitive = TextTest {
        case_sensitive: true,
        ..t(Contains, "QUARTERLY")
    };
    assert!(!holds(Condition::Subject(sensitive), &raw));
    let sensitive = TextTest {
        case_sensitive: true,
        ..t(Contains, "Quarterly")
    };
    assert!(holds(Condition::Subject(sensitive), &raw));
    let regex = TextTest {
        case_sensitive: true,
        ..t(Regex, "quarterly")
    };
    assert!(!holds(Condition::Subject(regex), &raw));
    assert!(holds(Condition::Subject(t(Regex, "QUARTERLY")), &raw));
}

#[test]
fn encoded_words_are_decoded_before_matching() {
    // RFC 2047 §6.2: encoded-words are decoded for display; rules match the decoded text.
    let raw = "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\r\nTo: alice@example.org\r\n\
               Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=\r\nX-Note: =?ISO-8859-1?Q?caf=E9?=\r\n\r\nx";
    assert!(holds(
        Condition::Subject(t(Contains, "grüße aus münchen")),
        raw.as_bytes()
    ));
    assert!(holds(
        Condition::Header {
            name: "From".into(),
            test: t(StartsWith, "jürgen")
        },
        raw.as_bytes()
    ));
    assert!(holds(
        Condition::Header {
            name: "x-note".into(),
            test: t(Is, "CAFÉ")
        },
        raw.as_bytes()
    ));
}

#[test]
fn address_conditions_compare_bare_addresses() {
    let raw = message("Cc: Carol <carol@example.com>, dave@example.com\r\n", "");
    assert!(holds(Condition::From(t(Is, "bob@example.net")), &raw));
    assert!(!holds(Condition::From(t(Contains, "Bob <")), &raw));
    assert!(holds(Condition::To(t(EndsWith, "@example.org")), &raw));
    assert!(holds(Condition::Cc(t(Is, "dave@example.com")), &raw));
    assert!(!holds(Condition::Cc(t(Is, "alice@example.org")), &raw));
    assert!(holds(Condition::ToOrCc(t(Is, "alice@example.org")), &raw));
    assert!(holds(Condition::ToOrCc(t(Is, "carol@example.com")), &raw));
    assert!(holds(Condition::Cc(t(NotContains, "zed")), &raw));
}

#[test]
fn header_conditions_see_every_occurrence_and_exists() {
    let raw = message("X-Tag: one\r\nX-Tag: two\r\n", "");
    assert!(holds(
        Condition::Header {
            name: "X-Tag".into(),
            test: t(Is, "two")
        },
        &raw
    ));
    assert!(!holds(
        Condition::Header {
            name: "X-Tag".into(),
            test: t(NotIs, "two")
        },
        &raw
    ));
    assert!(holds(
        Condition::Header {
            name: "x-tag".into(),
            test: t(Exists, "")
        },
        &raw
    ));
    assert!(holds(
        Condition::Header {
            name: "X-Other".into(),
            test: t(NotExists, "")
        },
        &raw
    ));
    assert!(!holds(
        Condition::Header {
            name: "X-Other".into(),
            test: t(Exists, "")
        },
        &raw
    ));
    // A negative operator holds when the field is absent.
    assert!(holds(
        Condition::Header {
            name: "X-Other".into(),
            test: t(NotContains, "a")
        },
        &raw
    ));
}

#[test]
fn list_id_matches_the_identifier_and_the_whole_field() {
    let raw = message("List-Id: Rust users <users.rust-lang.org>\r\n", "");
    assert!(holds(Condition::ListId(t(Is, "users.rust-lang.org")), &raw));
    assert!(holds(Condition::ListId(t(StartsWith, "rust users")), &raw));
    assert!(!holds(
        Condition::ListId(t(Is, "other.example")),
        &message("", "")
    ));
}

#[test]
fn envelope_conditions_use_the_context() {
    let raw = message("", "");
    assert!(holds(Condition::EnvelopeSender(t(Is, SENDER)), &raw));
    assert!(holds(
        Condition::EnvelopeRecipient(t(Is, "ALICE@example.org")),
        &raw
    ));
    let null = EvalContext::new(None, RCPT, now());
    assert!(holds_with(
        Condition::EnvelopeSender(t(Is, "")),
        &raw,
        &null
    ));
}

#[test]
fn body_is_extracted_lazily_and_only_for_body_conditions() {
    use osprey_rules::{CompiledRules, MessageView, RuleSet};
    use std::cell::Cell;
    let raw = message("", "Please find the INVOICE attached.\r\n");
    let calls = Cell::new(0);
    let view = MessageView::parse_with_body(&raw, || {
        calls.set(calls.get() + 1);
        "Please find the INVOICE attached.".to_owned()
    });
    let header_only = CompiledRules::compile(&RuleSet::new(vec![rule(
        "subject",
        vec![Condition::Subject(t(Contains, "report"))],
        vec![file_into("A")],
    )]));
    header_only.evaluate(&view, &ctx());
    assert!(!view.body_extracted());
    assert_eq!(calls.get(), 0);
    let body = CompiledRules::compile(&RuleSet::new(vec![
        rule(
            "b1",
            vec![Condition::Body(t(Contains, "invoice"))],
            vec![file_into("B")],
        ),
        rule(
            "b2",
            vec![Condition::Body(t(NotContains, "refund"))],
            vec![file_into("C")],
        ),
    ]));
    let out = body.evaluate(&view, &ctx());
    assert_eq!(mailboxes(&out), ["B", "C"]);
    assert_eq!(calls.get(), 1, "the extractor runs once per message");
    // The default extractor reads the text parts.
    assert!(holds(
        Condition::Body(t(Contains, "invoice attached")),
        &raw
    ));
}

#[test]
fn size_attachment_reply_and_address_book() {
    let raw = message("In-Reply-To: <x@example.net>\r\n", &"x".repeat(2000));
    assert!(holds(Condition::SizeOver { bytes: 1000 }, &raw));
    assert!(!holds(Condition::SizeOver { bytes: 100_000 }, &raw));
    assert!(holds(Condition::SizeUnder { bytes: 100_000 }, &raw));
    assert!(!holds(Condition::SizeUnder { bytes: 100 }, &raw));
    assert!(holds(Condition::IsReply, &raw));
    assert!(!holds(Condition::IsReply, &message("", "")));
    assert!(!holds(Condition::HasAttachment, &raw));

    let book = |a: &str| a == "bob@example.net";
    let mut c = ctx();
    c.in_address_book = &book;
    assert!(holds_with(Condition::SenderInAddressBook, &raw, &c));
    assert!(!holds_with(Condition::SenderNotInAddressBook, &raw, &c));
    assert!(holds(Condition::SenderNotInAddressBook, &raw));
}

pub fn with_attachment() -> Vec<u8> {
    b"From: bob@example.net\r\nTo: alice@example.org\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--b\r\nContent-Type: application/pdf; name=\"x.pdf\"\r\n\
Content-Disposition: attachment; filename=\"=?UTF-8?Q?Rechnung_M=C3=A4rz.pdf?=\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
        .to_vec()
}

#[test]
fn attachments_and_their_names() {
    let raw = with_attachment();
    assert!(holds(Condition::HasAttachment, &raw));
    assert!(holds(Condition::AttachmentName(t(EndsWith, ".PDF")), &raw));
    assert!(holds(Condition::AttachmentName(t(Contains, "märz")), &raw));
    assert!(!holds(Condition::AttachmentName(t(EndsWith, ".zip")), &raw));
}

#[test]
fn dmarc_fail_believes_only_our_authentication_results() {
    let ours = "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=x; \
                dmarc=fail (p=reject) header.from=example.net\r\n";
    let theirs = "Authentication-Results: evil.example; dmarc=fail\r\n";
    let passed = "Authentication-Results: mx.example.org; dmarc=pass header.from=example.net\r\n";
    assert!(holds(Condition::DmarcFail, &message(ours, "")));
    assert!(!holds(Condition::DmarcFail, &message(passed, "")));
    let mut c = ctx();
    c.authserv_id = Some("mx.example.org");
    assert!(holds_with(Condition::DmarcFail, &message(ours, ""), &c));
    // A forged field from upstream, below ours, is not believed.
    let forged = format!("{passed}{theirs}");
    assert!(!holds_with(Condition::DmarcFail, &message(&forged, ""), &c));
    assert!(!holds_with(Condition::DmarcFail, &message(theirs, ""), &c));
}

#[test]
fn all_and_any() {
    let raw = message("", "");
    let yes = Condition::Subject(t(Contains, "report"));
    let no = Condition::Subject(t(Contains, "invoice"));
    let mut r = rule("all", vec![yes.clone(), no.clone()], vec![file_into("X")]);
    assert_eq!(mailboxes(&run(vec![r.clone()], &raw)), ["INBOX"]);
    r.match_mode = MatchMode::Any;
    assert_eq!(mailboxes(&run(vec![r], &raw)), ["X"]);
    let r = rule("all-true", vec![yes.clone(), yes], vec![file_into("X")]);
    assert_eq!(mailboxes(&run(vec![r], &raw)), ["X"]);
    let mut r = rule("any-false", vec![no.clone(), no], vec![file_into("X")]);
    r.match_mode = MatchMode::Any;
    assert_eq!(mailboxes(&run(vec![r], &raw)), ["INBOX"]);
    // No condition: every message.
    assert_eq!(
        mailboxes(&run(
            vec![rule("always", vec![], vec![file_into("X")])],
            &raw
        )),
        ["X"]
    );
}

#[test]
fn a_disabled_rule_never_matches() {
    let mut r = rule("off", vec![], vec![file_into("X")]);
    r.enabled = false;
    let out = run(vec![r], &message("", ""));
    assert_eq!(mailboxes(&out), ["INBOX"]);
    assert_eq!(out.trace[0].result, RuleResult::Disabled);
}

#[test]
fn a_broken_rule_is_skipped_and_the_others_run() {
    let raw = message("", "");
    let broken = rule(
        "bad regex",
        vec![Condition::Subject(t(Regex, "(unclosed"))],
        vec![file_into("X")],
    );
    let bad_mailbox = rule("bad mailbox", vec![], vec![file_into("a//b")]);
    let good = rule("good", vec![], vec![file_into("Y")]);
    let out = run(vec![broken, bad_mailbox, good], &raw);
    assert_eq!(mailboxes(&out), ["Y"]);
    let skipped: Vec<_> = out.skipped().map(|(t, _)| t.index).collect();
    assert_eq!(skipped, [0, 1]);
    let (_, reason) = out.skipped().next().unwrap();
    assert!(reason.contains("regular expression"), "{reason}");
}

#[test]
fn a_rule_whose_regexes_exhaust_the_scan_budget_is_skipped_and_mail_still_lands() {
    use osprey_rules::pattern::REGEX_SCAN_BUDGET;
    // A body larger than the whole budget: the regex body rule errors at match time.
    let big = "a".repeat(REGEX_SCAN_BUDGET + 1);
    let raw = message("", "x");
    let view = osprey_rules::MessageView::parse_with_body(&raw, move || big);
    let rules = osprey_rules::CompiledRules::compile(&osprey_rules::RuleSet::new(vec![
        rule(
            "regex body",
            vec![Condition::Body(t(Regex, "b+"))],
            vec![file_into("X")],
        ),
        rule(
            "plain",
            vec![Condition::Subject(t(Contains, "report"))],
            vec![file_into("Y")],
        ),
    ]));
    let out = rules.evaluate(&view, &ctx());
    assert!(matches!(out.trace[0].result, RuleResult::Skipped { .. }));
    assert_eq!(mailboxes(&out), ["Y"]);
}
