//! Evaluating 50 rules (10 regexes, a body condition) against a 1 MB message, once
//! parsed. Target: at most 1 ms per evaluation; parsing and body-text extraction are
//! measured apart, since they happen once per message whatever the number of rules.
//!
//! `cargo bench -p osprey-rules`

use std::time::{Duration, Instant};

use chrono::{FixedOffset, TimeZone};
use osprey_rules::{
    Action, CompiledRules, Condition, EvalContext, MatchMode, MessageView, Operator, Rule, RuleSet,
    TextTest, Vacation,
};

const ITERATIONS: usize = 2_000;

fn message() -> Vec<u8> {
    let mut raw = String::from(
        "Received: from mx.example.net by mx.example.org; Tue, 10 Mar 2026 12:00:00 +0000\r\n\
         Authentication-Results: mx.example.org; spf=pass; dkim=pass; dmarc=pass\r\n\
         From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.net>\r\n\
         To: Alice <alice@example.org>, team@example.org\r\n\
         Cc: carol@example.com\r\n\
         Subject: =?UTF-8?Q?Monatsbericht_M=C3=A4rz?= [project-x]\r\n\
         Message-ID: <bench@example.net>\r\n\
         In-Reply-To: <earlier@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n",
    );
    let line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor \
                incididunt ut labore et dolore magna aliqua. Grüße aus München.\r\n";
    while raw.len() < 1024 * 1024 {
        raw.push_str(line);
    }
    raw.into_bytes()
}

fn rules() -> RuleSet {
    use Operator::*;
    let t = |op, v: &str| TextTest::new(op, v);
    let mut rules = Vec::new();
    let ops = [Contains, Is, StartsWith, EndsWith, NotContains, Wildcard];
    for i in 0..39 {
        let op = ops[i % ops.len()];
        let value = match op {
            Wildcard => format!("*nomatch-{i}*"),
            _ => format!("value-{i}"),
        };
        let condition = match i % 5 {
            0 => Condition::From(t(op, &value)),
            1 => Condition::ToOrCc(t(op, &value)),
            2 => Condition::Subject(t(op, &value)),
            3 => Condition::Header {
                name: "X-Mailer".into(),
                test: t(op, &value),
            },
            _ => Condition::ListId(t(op, &value)),
        };
        rules.push(Rule::new(
            format!("rule {i}"),
            vec![condition, Condition::SizeOver { bytes: 1000 }],
            vec![Action::CopyInto {
                mailbox: format!("Folder/{i}"),
                create_if_missing: false,
            }],
        ));
    }
    let regexes = [
        r"^\[(urgent|asap)\]",
        r"invoice\s+#?\d{4,}",
        r"(?i)monatsbericht\s+\w+",
        r"@(example|sample)\.(net|com)$",
        r"^[a-z0-9._%+-]+@bank\.example$",
        r"\b(viagra|casino)\b",
        r"project-[a-z]+\]$",
        r"^Re:\s",
        r"\d{3}-\d{3}-\d{4}",
        r"(?:newsletter|digest)",
    ];
    for (i, re) in regexes.iter().enumerate() {
        let c = if i % 2 == 0 {
            Condition::Subject(t(Regex, re))
        } else {
            Condition::From(t(Regex, re))
        };
        let mut rule = Rule::new(
            format!("regex {i}"),
            vec![c, Condition::IsReply],
            vec![Action::MarkRead],
        );
        rule.match_mode = MatchMode::Any;
        rules.push(rule);
    }
    rules.push(Rule::new(
        "body",
        vec![Condition::Body(t(Contains, "unsubscribe from this list"))],
        vec![Action::Vacation(Vacation::new("away"))],
    ));
    RuleSet::new(rules)
}

fn main() {
    let raw = message();
    let set = rules();
    assert_eq!(set.rules.len(), 50);
    assert_eq!(set.validate(), Ok(()));
    let compiled = CompiledRules::compile(&set);

    let started = Instant::now();
    let view = MessageView::parse(&raw);
    let parse = started.elapsed();
    let started = Instant::now();
    let body_len = view.body().text.len();
    let extract = started.elapsed();

    let now = FixedOffset::east_opt(0)
        .and_then(|tz| tz.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).single())
        .expect("a valid date");
    let ctx = EvalContext::new(Some("juergen@example.net"), "alice@example.org", now);
    // Warm up, and check the rules really run.
    let outcome = compiled.evaluate(&view, &ctx);
    assert_eq!(outcome.trace.len(), 50);
    assert!(outcome.skipped().next().is_none());

    let mut samples: Vec<Duration> = Vec::with_capacity(ITERATIONS);
    for _ in 0..ITERATIONS {
        let started = Instant::now();
        let outcome = compiled.evaluate(&view, &ctx);
        samples.push(started.elapsed());
        std::hint::black_box(outcome);
    }
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / ITERATIONS as u32;
    let p99 = samples[ITERATIONS * 99 / 100];
    println!(
        "rules: 50 (10 regexes, 1 body condition), message {} bytes, body text {} bytes",
        raw.len(),
        body_len
    );
    println!("parse once: {parse:?}; body text extraction once: {extract:?}");
    println!(
        "evaluate x{ITERATIONS}: mean {mean:?}, p99 {p99:?}, max {:?} (target <= 1 ms)",
        samples[ITERATIONS - 1]
    );
}
