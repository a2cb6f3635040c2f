//! Messages, contexts and rule builders shared by the tests.

use chrono::{DateTime, FixedOffset, TimeZone};
use osprey_rules::{
    Action, CompiledRules, Condition, EvalContext, MessageView, Operator, Outcome, Rule, RuleSet,
    TextTest,
};

/// 2026-03-10 12:00 UTC.
pub fn now() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .and_then(|tz| tz.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).single())
        .expect("a valid date")
}

pub const RCPT: &str = "alice@example.org";
pub const SENDER: &str = "bob@example.net";

/// A plain message from Bob to Alice with these extra header lines and body.
pub fn message(extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Bob <bob@example.net>\r\nTo: Alice <alice@example.org>\r\n\
         Subject: Quarterly report\r\nMessage-ID: <m1@example.net>\r\n{extra_headers}\
         \r\n{body}"
    )
    .into_bytes()
}

pub fn ctx<'a>() -> EvalContext<'a> {
    EvalContext::new(Some(SENDER), RCPT, now())
}

pub fn t(op: Operator, value: &str) -> TextTest {
    TextTest::new(op, value)
}

pub fn file_into(mailbox: &str) -> Action {
    Action::FileInto {
        mailbox: mailbox.into(),
        create_if_missing: false,
    }
}

pub fn rule(name: &str, conditions: Vec<Condition>, actions: Vec<Action>) -> Rule {
    Rule::new(name, conditions, actions)
}

/// Evaluates rules against a raw message in the default context.
pub fn run(rules: Vec<Rule>, raw: &[u8]) -> Outcome {
    run_with(rules, raw, &ctx())
}

pub fn run_with(rules: Vec<Rule>, raw: &[u8], ctx: &EvalContext<'_>) -> Outcome {
    let compiled = CompiledRules::compile(&RuleSet::new(rules));
    let view = MessageView::parse(raw);
    compiled.evaluate(&view, ctx)
}

/// Whether one condition holds for a message: a rule filing into "Hit".
pub fn holds(c: Condition, raw: &[u8]) -> bool {
    holds_with(c, raw, &ctx())
}

pub fn holds_with(c: Condition, raw: &[u8], ctx: &EvalContext<'_>) -> bool {
    let out = run_with(
        vec![rule("probe", vec![c], vec![file_into("Hit")])],
        raw,
        ctx,
    );
    assert!(
        out.skipped().next().is_none(),
        "rule skipped: {:?}",
        out.trace
    );
    out.deliveries.iter().any(|d| d.mailbox == "Hit")
}

/// The mailboxes of an outcome's deliveries, in order.
pub fn mailboxes(out: &Outcome) -> Vec<&str> {
    out.deliveries.iter().map(|d| d.mailbox.as_str()).collect()
}
