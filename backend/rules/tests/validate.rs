//! Validation: each error names its path and says why.

use osprey_rules::{
    Action, Condition, Operator, Rule, RuleError, RuleSet, TextTest, Vacation,
    validate::{MAX_RULES, check_flag, check_mailbox_name},
};

fn errors(rules: Vec<Rule>) -> Vec<RuleError> {
    RuleSet::new(rules).validate().unwrap_err()
}

fn paths(errs: &[RuleError]) -> Vec<&str> {
    errs.iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn a_good_rule_set_passes() {
    let set = RuleSet::new(vec![Rule::new(
        "ok",
        vec![Condition::Subject(TextTest::new(
            Operator::Regex,
            r"^\[list\]",
        ))],
        vec![
            Action::FileInto {
                mailbox: "Lists/Rust".into(),
                create_if_missing: true,
            },
            Action::SetFlags {
                flags: vec!["\\Flagged".into(), "$Label1".into()],
            },
            Action::Forward {
                to: vec!["x@example.com".into()],
                keep_copy: true,
            },
        ],
    )]);
    assert_eq!(set.validate(), Ok(()));
}

#[test]
fn invalid_mailbox_names_are_refused_with_their_path() {
    // The same rule as IMAP's CREATE: LIST wildcards and over 512 bytes are refused too.
    for bad in [
        "",
        "a//b",
        "/a",
        "a/",
        "a\u{7}b",
        "Lists/*",
        "50%",
        &"x".repeat(513),
    ] {
        assert!(check_mailbox_name(bad).is_err(), "{bad:?}");
    }
    assert!(check_mailbox_name("Archive/2026/März").is_ok());
    let errs = errors(vec![
        Rule::new("fine", vec![], vec![]),
        Rule::new(
            "bad",
            vec![],
            vec![
                Action::Discard,
                Action::CopyInto {
                    mailbox: "a//b".into(),
                    create_if_missing: false,
                },
            ],
        ),
    ]);
    assert_eq!(paths(&errs), ["rules[1].actions[1].mailbox"]);
    assert!(errs[0].reason.contains("empty level"), "{}", errs[0]);
}

#[test]
fn a_regex_too_big_or_invalid_is_refused_with_the_reason() {
    let invalid = Condition::Subject(TextTest::new(Operator::Regex, "(unclosed"));
    // Each repetition multiplies the program: past the size limit the regex crate refuses.
    let too_big = Condition::Body(TextTest::new(Operator::Regex, r"\w{200}\w{200}\w{200}"));
    let too_long = Condition::Subject(TextTest::new(Operator::Regex, "a".repeat(2000)));
    let errs = errors(vec![Rule::new(
        "r",
        vec![invalid, too_big, too_long],
        vec![],
    )]);
    assert_eq!(
        paths(&errs),
        [
            "rules[0].conditions[0].value",
            "rules[0].conditions[1].value",
            "rules[0].conditions[2].value"
        ]
    );
    assert!(
        errs[0].reason.contains("unclosed group"),
        "{}",
        errs[0].reason
    );
    assert!(errs[1].reason.contains("size limit"), "{}", errs[1].reason);
    assert!(
        errs[2].reason.contains("at most 1024"),
        "{}",
        errs[2].reason
    );
}

#[test]
fn limits_and_syntax_of_every_part() {
    let long = "x".repeat(5000);
    let errs = errors(vec![Rule::new(
        "n\u{0}",
        vec![
            Condition::Header {
                name: "Bad Name:".into(),
                test: TextTest::new(Operator::Is, "v"),
            },
            Condition::Subject(TextTest::new(Operator::Contains, &long)),
            Condition::Subject(TextTest::new(Operator::Exists, "")),
        ],
        vec![
            Action::SetFlags {
                flags: vec!["\\Recent".into(), "has space".into()],
            },
            Action::Forward {
                to: vec!["not-an-address".into()],
                keep_copy: false,
            },
            Action::Redirect { to: "a@b@".into() },
            Action::Reject { text: " ".into() },
            Action::Vacation(Vacation {
                days: 0,
                from: Some("x".into()),
                ..Vacation::new("")
            }),
        ],
    )]);
    assert_eq!(
        paths(&errs),
        [
            "rules[0].name",
            "rules[0].conditions[0].name",
            "rules[0].conditions[1].value",
            "rules[0].conditions[2].op",
            "rules[0].actions[0].flags[0]",
            "rules[0].actions[0].flags[1]",
            "rules[0].actions[1].to[0]",
            "rules[0].actions[2].to",
            "rules[0].actions[3].text",
            "rules[0].actions[4].body",
            "rules[0].actions[4].from",
            "rules[0].actions[4].days",
        ]
    );
    assert!(check_flag("$Junk").is_ok() && check_flag("\\seen").is_ok());
}

#[test]
fn too_many_rules_and_an_unknown_version() {
    let mut set = RuleSet::new(vec![Rule::new("r", vec![], vec![]); MAX_RULES + 1]);
    set.version = 9;
    let errs = set.validate().unwrap_err();
    assert_eq!(paths(&errs), ["version", "rules"]);
    assert_eq!(
        errs[1].to_string(),
        format!(
            "rules: {} rules; at most {MAX_RULES} are allowed",
            MAX_RULES + 1
        )
    );
}
