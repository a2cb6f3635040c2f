//! Hand-written scripts like Roundcube's and Thunderbird's editors write, errors with
//! their lines, and a deterministic mutation loop: the reader never panics.

use chrono::NaiveDate;
use osprey_rules::{Action, Condition, MatchMode, Operator::*, Vacation, from_sieve};

use crate::support::t;

const ROUNDCUBE: &str = r#"require ["fileinto","imap4flags","vacation","date","relational","copy"];
# rule:[Newsletters]
if anyof (header :contains "list-id" "news", address :is "from" "news@example.com")
{
	fileinto "Newsletters";
	stop;
}
# rule:[Old rule]
if false # header :contains "subject" "old"
{
	discard;
}
# rule:[Boss]
if address :is "from" "boss@example.com"
{
	addflag "\\Flagged";
	redirect :copy "me@example.net";
}
# rule:[Out of office]
if allof (currentdate :zone "+0100" :value "ge" "date" "2026-07-01", currentdate :value "le" "date" "2026-07-14")
{
	vacation :days 7 :subject "Away" :addresses ["alice@example.org"] text:
I'm away.
..and back soon.
.
;
}
"#;

#[test]
fn a_roundcube_script() {
    let set = from_sieve(ROUNDCUBE).unwrap();
    let names: Vec<&str> = set.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Newsletters", "Old rule", "Boss", "Out of office"]);
    let news = &set.rules[0];
    assert_eq!(news.match_mode, MatchMode::Any);
    assert_eq!(
        news.conditions,
        [
            Condition::ListId(t(Contains, "news")),
            Condition::From(t(Is, "news@example.com"))
        ]
    );
    assert!(news.stop);
    assert_eq!(
        news.actions,
        [Action::FileInto {
            mailbox: "Newsletters".into(),
            create_if_missing: false
        }]
    );
    let old = &set.rules[1];
    assert!(!old.enabled);
    assert_eq!(old.conditions, [Condition::Subject(t(Contains, "old"))]);
    assert_eq!(
        set.rules[2].actions,
        [
            Action::SetFlags {
                flags: vec!["\\Flagged".into()]
            },
            Action::Forward {
                to: vec!["me@example.net".into()],
                keep_copy: true
            },
        ]
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
    assert_eq!(
        set.rules[3].actions,
        [Action::Vacation(Vacation {
            start: Some(day(1)),
            end: Some(day(14)),
            days: 7,
            subject: Some("Away".into()),
            addresses: vec!["alice@example.org".into()],
            ..Vacation::new("I'm away.\n.and back soon.\n")
        })]
    );
    assert!(set.rules[3].conditions.is_empty());
    assert_eq!(set.validate(), Ok(()));
}

#[test]
fn a_thunderbird_style_script() {
    // As the Sieve editor of Thunderbird writes it: one line per rule, /* */ comments,
    // unnamed rules, top-level actions.
    let script = "require [\"fileinto\", \"reject\", \"body\"];\r\n\
        /* Spam\r\n   filter */\r\n\
        if header :contains \"Subject\" \"[SPAM]\" { fileinto \"Junk\"; stop; }\r\n\
        if not body :text :contains \"unsubscribe\" { keep; }\r\n\
        if size :over 20M { reject \"Too big\"; }\r\n\
        fileinto \"Everything\";\r\n";
    let set = from_sieve(script).unwrap();
    assert_eq!(set.rules.len(), 4);
    assert_eq!(set.rules[0].name, "Rule 1");
    assert_eq!(
        set.rules[0].conditions,
        [Condition::Subject(t(Contains, "[SPAM]"))]
    );
    assert_eq!(
        set.rules[1].conditions,
        [Condition::Body(t(NotContains, "unsubscribe"))]
    );
    assert_eq!(
        set.rules[1].actions,
        [Action::CopyInto {
            mailbox: "INBOX".into(),
            create_if_missing: false
        }]
    );
    assert_eq!(
        set.rules[2].conditions,
        [Condition::SizeOver { bytes: 20 << 20 }]
    );
    assert!(set.rules[3].conditions.is_empty());
    assert_eq!(
        set.rules[3].actions,
        [Action::FileInto {
            mailbox: "Everything".into(),
            create_if_missing: false
        }]
    );
}

#[test]
fn unsupported_commands_tests_and_extensions_name_the_line() {
    let cases: &[(&str, u32, u32, &str)] = &[
        (
            "require [\"fileinto\", \"enotify\"];",
            1,
            1,
            "unsupported extension \"enotify\"",
        ),
        (
            "if true {\n  keep;\n  notify \"mailto:x@y\";\n}",
            3,
            3,
            "unsupported command \"notify\"",
        ),
        (
            "if duplicate { discard; }",
            1,
            4,
            "unsupported test \"duplicate\"",
        ),
        (
            "\nif address :domain :is \"from\" \"x\" { discard; }",
            2,
            4,
            "unsupported tag \":domain\"",
        ),
        (
            "if true { discard; }\nelsif true { keep; }",
            2,
            1,
            "unsupported command \"elsif\"",
        ),
        (
            "if header :is \"subject\" \"x { discard; }",
            1,
            25,
            "unterminated string",
        ),
        ("if true { discard; ", 1, 18, "missing '}'"),
        ("set \"a\" \"b\";", 1, 1, "unsupported command \"set\""),
    ];
    for (script, line, column, message) in cases {
        let err = from_sieve(script).unwrap_err();
        assert_eq!(
            (err.line, err.column, err.message.as_str()),
            (*line, *column, *message),
            "{script}"
        );
    }
    let err = from_sieve("if false # header :bogus \"a\" \"b\"\n{ discard; }").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.to_string().starts_with("line 1, column "), "{err}");
}

/// A tiny deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn the_reader_never_panics_on_mutated_scripts() {
    let seeds = [
        ROUNDCUBE.to_owned(),
        osprey_rules::to_sieve(&crate::sieve_scripts::sample()),
    ];
    let alphabet: Vec<char> = "\"\\[](){};:,#*/ \n\r\t.0123456789KMGaz:text:é✓\u{0}"
        .chars()
        .collect();
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    for seed in &seeds {
        let chars: Vec<char> = seed.chars().collect();
        // Every truncation.
        for end in 0..chars.len() {
            let _ = from_sieve(&chars[..end].iter().collect::<String>());
        }
        // Random edits.
        for _ in 0..3000 {
            let mut c = chars.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(c.len());
                match rng.below(3) {
                    0 => {
                        let len = rng.below(8).min(c.len() - at);
                        c.drain(at..at + len);
                    }
                    1 => c.insert(at, alphabet[rng.below(alphabet.len())]),
                    _ => {
                        if at < c.len() {
                            c[at] = alphabet[rng.below(alphabet.len())];
                        }
                    }
                }
            }
            let _ = from_sieve(&c.into_iter().collect::<String>());
        }
    }
    // Deep nesting is an error, not a stack overflow.
    let deep = format!("if {}true{} {{ keep; }}", "not ".repeat(10_000), "");
    assert!(from_sieve(&deep).is_err());
    let deep = format!("{}{}", "if true {".repeat(5_000), "}".repeat(5_000));
    assert!(from_sieve(&deep).is_err());
    let deep = format!(
        "if {}true{} {{ keep; }}",
        "anyof(".repeat(5_000),
        ")".repeat(5_000)
    );
    assert!(from_sieve(&deep).is_err());
}

pub fn sample() -> osprey_rules::RuleSet {
    osprey_rules::RuleSet::new(vec![osprey_rules::Rule::new(
        "Sample",
        vec![
            Condition::Subject(t(Regex, "^a+$")),
            Condition::SizeOver { bytes: 1024 },
        ],
        vec![
            Action::Vacation(Vacation {
                start: NaiveDate::from_ymd_opt(2026, 1, 2),
                ..Vacation::new("x")
            }),
            Action::Forward {
                to: vec!["a@example.com".into()],
                keep_copy: false,
            },
        ],
    )])
}
