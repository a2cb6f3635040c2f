//! Sieve round trips: every condition and action kind survives RuleSet → Sieve → RuleSet.

use chrono::NaiveDate;
use osprey_rules::{
    Action, Condition, MatchMode, Operator::*, Rule, RuleSet, TextTest, Vacation, from_sieve,
    to_sieve,
};

use crate::support::t;

fn cs(op: osprey_rules::Operator, value: &str) -> TextTest {
    TextTest {
        case_sensitive: true,
        ..t(op, value)
    }
}

fn every_kind() -> RuleSet {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let mut any = Rule::new(
        "Addresses \"quoted\" [and] bracketed",
        vec![
            Condition::From(t(Is, "bob@example.net")),
            Condition::To(t(Contains, "alice")),
            Condition::Cc(cs(NotContains, "Carol")),
            Condition::ToOrCc(t(StartsWith, "team*lead")),
            Condition::EnvelopeSender(t(EndsWith, "@example.net")),
            Condition::EnvelopeRecipient(t(NotIs, "x@example.org")),
        ],
        vec![
            Action::FileInto {
                mailbox: "Work/Reports \"Q1\"".into(),
                create_if_missing: true,
            },
            Action::CopyInto {
                mailbox: "Archive".into(),
                create_if_missing: false,
            },
            Action::SetFlags {
                flags: vec!["\\Flagged".into(), "$Work".into()],
            },
            Action::MarkRead,
        ],
    );
    any.match_mode = MatchMode::Any;
    let headers = Rule {
        stop: true,
        ..Rule::new(
            "Headers",
            vec![
                Condition::Header {
                    name: "X-Spam-Flag".into(),
                    test: t(Wildcard, "y?s*"),
                },
                Condition::Header {
                    name: "X-Mailer".into(),
                    test: t(NotWildcard, r"*Out\*look*x"),
                },
                Condition::Header {
                    name: "X-Priority".into(),
                    test: t(Exists, ""),
                },
                Condition::Header {
                    name: "X-Other".into(),
                    test: t(NotExists, ""),
                },
                Condition::Subject(cs(Regex, r"^\[(urgent|asap)\]\s+\\")),
                Condition::ListId(t(NotRegex, r"rust-lang\.org$")),
                Condition::Body(t(Contains, "unsubscribe \"now\"")),
                Condition::Body(cs(NotContains, "Invoice")),
            ],
            vec![
                Action::Forward {
                    to: vec!["a@example.com".into(), "b@example.com".into()],
                    keep_copy: true,
                },
                Action::MarkRead,
                Action::Forward {
                    to: vec!["c@example.com".into()],
                    keep_copy: false,
                },
                Action::Redirect {
                    to: "d@example.com".into(),
                },
            ],
        )
    };
    let mut disabled = Rule::new(
        "Disabled one",
        vec![
            Condition::SizeOver {
                bytes: 10 * 1024 * 1024,
            },
            Condition::SizeUnder { bytes: 1500 },
            Condition::HasAttachment,
            Condition::AttachmentName(t(EndsWith, ".exe")),
        ],
        vec![
            Action::Reject {
                text: "No executables, please.\nSee \"policy\".".into(),
            },
            Action::Discard,
        ],
    );
    disabled.enabled = false;
    let mut disabled_always = Rule::new("Disabled, always", vec![], vec![Action::Discard]);
    disabled_always.enabled = false;
    RuleSet::new(vec![
        any,
        headers,
        disabled,
        disabled_always,
        Rule::new(
            "Misc",
            vec![
                Condition::IsReply,
                Condition::SenderInAddressBook,
                Condition::DmarcFail,
                Condition::AttachmentName(t(Regex, r"\.(zip|rar)$")),
            ],
            vec![
                Action::AutoReply {
                    subject: None,
                    body: "Thanks!".into(),
                    from: None,
                },
                Action::Stop,
                Action::Discard,
            ],
        ),
        Rule::new(
            "Not in book",
            vec![Condition::SenderNotInAddressBook],
            vec![Action::AutoReply {
                subject: Some("Re: your mail".into()),
                body: "Got it.\n\nAlice".into(),
                from: Some("alice@example.org".into()),
            }],
        ),
        Rule::new(
            "Vacation",
            vec![],
            vec![Action::Vacation(Vacation {
                start: Some(day(7, 1)),
                end: Some(day(7, 14)),
                days: 3,
                subject: Some("Away".into()),
                body: "I am away.\n.\nBack on the 15th.".into(),
                from: Some("alice@example.org".into()),
                addresses: vec!["a.smith@example.org".into(), "alice@example.com".into()],
            })],
        ),
        Rule::new(
            "Vacation, open",
            vec![Condition::Subject(t(Contains, "ä ö ü — ✓"))],
            vec![Action::Vacation(Vacation {
                end: Some(day(8, 1)),
                ..Vacation::new("Away")
            })],
        ),
        Rule::new(
            "Vacation, plain",
            vec![],
            vec![Action::Vacation(Vacation::new("Away"))],
        ),
    ])
}

#[test]
fn every_condition_and_action_survives_a_round_trip() {
    let set = every_kind();
    assert_eq!(set.validate(), Ok(()));
    let script = to_sieve(&set);
    let back = from_sieve(&script).unwrap_or_else(|e| panic!("{e}\n{script}"));
    for (a, b) in set.rules.iter().zip(&back.rules) {
        assert_eq!(a, b, "\n{script}");
    }
    assert_eq!(back, set);
    // And the script is stable.
    assert_eq!(to_sieve(&back), script);
}

#[test]
fn the_script_requires_what_it_uses_and_nothing_else() {
    let script = to_sieve(&every_kind());
    let first = script.lines().next().unwrap();
    assert_eq!(
        first,
        "require [\"body\", \"copy\", \"date\", \"envelope\", \"extlists\", \"fileinto\", \
         \"imap4flags\", \"mailbox\", \"mime\", \"regex\", \"reject\", \"relational\", \
         \"vacation\", \"vacation-seconds\"];"
    );
    let small = RuleSet::new(vec![Rule::new(
        "Lists",
        vec![Condition::ListId(t(Is, "l.example.net"))],
        vec![Action::FileInto {
            mailbox: "Lists".into(),
            create_if_missing: false,
        }],
    )]);
    assert_eq!(
        to_sieve(&small),
        "require \"fileinto\";\n# rule:[Lists]\nif header :is \"list-id\" \"l.example.net\"\n{\n\tfileinto \"Lists\";\n}\n"
            .replace("require \"fileinto\"", "require [\"fileinto\"]")
    );
    assert_eq!(to_sieve(&RuleSet::default()), "");
}

#[test]
fn sizes_use_quantifiers() {
    let set = RuleSet::new(vec![Rule::new(
        "s",
        vec![
            Condition::SizeOver { bytes: 3 << 30 },
            Condition::SizeUnder { bytes: 1025 },
        ],
        vec![],
    )]);
    let script = to_sieve(&set);
    assert!(
        script.contains("size :over 3G") && script.contains("size :under 1025"),
        "{script}"
    );
    assert_eq!(from_sieve(&script).unwrap(), set);
}
