//! Validation of a rule set: every limit and syntax rule, each failure named by its path
//! in the JSON (`rules[2].conditions[0].value`) with a reason for people.
//!
//! The REST API turns the errors into a 422 problem+json `errors` list; the engine runs
//! the same checks per rule when it compiles, so that a stored rule that no longer passes
//! is skipped rather than run.

use std::fmt;

use crate::{
    address::is_valid_address,
    model::{Action, Condition, Operator, RULESET_VERSION, Rule, RuleSet, Vacation},
    pattern::CompiledTest,
};

/// The most rules in one rule set.
pub const MAX_RULES: usize = 500;
/// The most conditions in one rule.
pub const MAX_CONDITIONS: usize = 50;
/// The most actions in one rule.
pub const MAX_ACTIONS: usize = 50;
/// The longest rule name, in bytes.
pub const MAX_NAME_LEN: usize = 200;
/// The longest condition value, in bytes.
pub const MAX_VALUE_LEN: usize = 4096;
/// The longest header field name, in bytes.
pub const MAX_HEADER_NAME_LEN: usize = 128;
/// The longest mailbox name, in bytes (`osprey_core::mailbox_name`'s).
pub const MAX_MAILBOX_LEN: usize = osprey_core::mailbox_name::MAX_LEN;
/// The most flags in one action.
pub const MAX_FLAGS: usize = 32;
/// The longest flag or keyword, in bytes.
pub const MAX_FLAG_LEN: usize = 128;
/// The most forward targets in one action.
pub const MAX_FORWARD_TARGETS: usize = 20;
/// The longest reject text, in bytes.
pub const MAX_REJECT_LEN: usize = 4096;
/// The longest answer subject, in bytes (RFC 5322 §2.1.1's line limit).
pub const MAX_SUBJECT_LEN: usize = 998;
/// The longest answer text, in bytes.
pub const MAX_REPLY_BODY_LEN: usize = 64 * 1024;
/// The longest vacation period, in days.
pub const MAX_VACATION_DAYS: u32 = 365;
/// The most extra addresses of a vacation answer.
pub const MAX_VACATION_ADDRESSES: usize = 50;

/// The IMAP system flags a rule may set (RFC 9051 §2.3.2), without `\Recent`.
pub const SYSTEM_FLAGS: &[&str] = &["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"];

/// One problem with a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// Where, as a JSON path from the rule set: `rules[2].actions[0].mailbox`.
    pub path: String,
    /// Why, for people.
    pub reason: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for RuleError {}

impl RuleSet {
    /// Checks every limit and syntax rule; `Err` lists every problem found, in order.
    pub fn validate(&self) -> Result<(), Vec<RuleError>> {
        let mut errors = Errors::default();
        if self.version == 0 || self.version > RULESET_VERSION {
            errors.push(
                "version".into(),
                format!(
                    "unknown version {}; this server reads 1 to {RULESET_VERSION}",
                    self.version
                ),
            );
        }
        if self.rules.len() > MAX_RULES {
            errors.push(
                "rules".into(),
                format!(
                    "{} rules; at most {MAX_RULES} are allowed",
                    self.rules.len()
                ),
            );
        }
        for (i, rule) in self.rules.iter().enumerate() {
            check_rule(rule, &format!("rules[{i}]"), &mut errors);
        }
        errors.into_result()
    }
}

/// Checks one rule; paths start with `prefix` (`rules[3]`).
pub fn validate_rule(rule: &Rule, prefix: &str) -> Result<(), Vec<RuleError>> {
    let mut errors = Errors::default();
    check_rule(rule, prefix, &mut errors);
    errors.into_result()
}

#[derive(Default)]
struct Errors(Vec<RuleError>);

impl Errors {
    fn push(&mut self, path: String, reason: String) {
        self.0.push(RuleError { path, reason });
    }

    fn into_result(self) -> Result<(), Vec<RuleError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

fn check_text(errors: &mut Errors, path: String, text: &str, max: usize, single_line: bool) {
    if text.len() > max {
        errors.push(
            path,
            format!("{} bytes long; at most {max} are allowed", text.len()),
        );
    } else if text
        .chars()
        .any(|c| c.is_control() && (single_line || !matches!(c, '\n' | '\r' | '\t')))
    {
        errors.push(path, "contains control characters".into());
    }
}

fn check_rule(rule: &Rule, p: &str, errors: &mut Errors) {
    check_text(errors, format!("{p}.name"), &rule.name, MAX_NAME_LEN, true);
    if rule.conditions.len() > MAX_CONDITIONS {
        errors.push(
            format!("{p}.conditions"),
            format!(
                "{} conditions; at most {MAX_CONDITIONS} are allowed",
                rule.conditions.len()
            ),
        );
    }
    if rule.actions.len() > MAX_ACTIONS {
        errors.push(
            format!("{p}.actions"),
            format!(
                "{} actions; at most {MAX_ACTIONS} are allowed",
                rule.actions.len()
            ),
        );
    }
    for (i, c) in rule.conditions.iter().enumerate() {
        check_condition(c, &format!("{p}.conditions[{i}]"), errors);
    }
    for (i, a) in rule.actions.iter().enumerate() {
        check_action(a, &format!("{p}.actions[{i}]"), errors);
    }
}

fn check_condition(c: &Condition, p: &str, errors: &mut Errors) {
    if let Condition::Header { name, .. } = c {
        if name.is_empty() || name.len() > MAX_HEADER_NAME_LEN {
            errors.push(
                format!("{p}.name"),
                format!("a header name is 1 to {MAX_HEADER_NAME_LEN} bytes long"),
            );
        } else if !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
            // RFC 5322 §2.2: "A field name MUST be composed of printable US-ASCII
            // characters (i.e., characters that have values between 33 and 126,
            // inclusive), except colon."
            errors.push(
                format!("{p}.name"),
                "a header name is printable ASCII without ':'".into(),
            );
        }
    }
    let Some(test) = c.text_test() else {
        return;
    };
    let (op, _) = test.op.positive();
    if op == Operator::Exists && !matches!(c, Condition::Header { .. }) {
        errors.push(
            format!("{p}.op"),
            "exists and not_exists apply to header conditions only".into(),
        );
        return;
    }
    if op != Operator::Exists {
        check_text(
            errors,
            format!("{p}.value"),
            &test.value,
            MAX_VALUE_LEN,
            true,
        );
    }
    if matches!(op, Operator::Regex | Operator::Wildcard)
        && let Err(reason) = CompiledTest::compile(test)
    {
        let what = if op == Operator::Regex {
            "regular expression"
        } else {
            "wildcard pattern"
        };
        errors.push(format!("{p}.value"), format!("invalid {what}: {reason}"));
    }
}

/// Checks a mailbox name by the rule every part of Osprey uses
/// (`osprey_core::mailbox_name`): a rule never makes a mailbox IMAP could not.
pub fn check_mailbox_name(name: &str) -> Result<(), String> {
    osprey_core::mailbox_name::check(name).map_err(|e| e.to_string())
}

fn check_address(errors: &mut Errors, path: String, addr: &str) {
    if !is_valid_address(addr) {
        errors.push(path, format!("{addr:?} is not a valid mail address"));
    }
}

fn check_action(a: &Action, p: &str, errors: &mut Errors) {
    match a {
        Action::FileInto { mailbox, .. } | Action::CopyInto { mailbox, .. } => {
            if let Err(reason) = check_mailbox_name(mailbox) {
                errors.push(format!("{p}.mailbox"), reason);
            }
        }
        Action::SetFlags { flags } => {
            if flags.is_empty() || flags.len() > MAX_FLAGS {
                errors.push(format!("{p}.flags"), format!("1 to {MAX_FLAGS} flags"));
            }
            for (i, f) in flags.iter().enumerate() {
                if let Err(reason) = check_flag(f) {
                    errors.push(format!("{p}.flags[{i}]"), reason);
                }
            }
        }
        Action::Forward { to, .. } => {
            if to.is_empty() || to.len() > MAX_FORWARD_TARGETS {
                errors.push(
                    format!("{p}.to"),
                    format!("1 to {MAX_FORWARD_TARGETS} addresses"),
                );
            }
            for (i, addr) in to.iter().enumerate() {
                check_address(errors, format!("{p}.to[{i}]"), addr);
            }
        }
        Action::Redirect { to } => check_address(errors, format!("{p}.to"), to),
        Action::Reject { text } => {
            if text.trim().is_empty() {
                errors.push(format!("{p}.text"), "a reject needs a reason".into());
            }
            check_text(errors, format!("{p}.text"), text, MAX_REJECT_LEN, false);
        }
        Action::AutoReply {
            subject,
            body,
            from,
        } => {
            check_reply(errors, p, subject.as_deref(), body, from.as_deref());
        }
        Action::Vacation(v) => check_vacation(v, p, errors),
        Action::MarkRead | Action::Discard | Action::Stop => {}
    }
}

/// Checks a flag or keyword: a known system flag, or an IMAP atom (RFC 9051 §9
/// `flag-keyword`) of at most [`MAX_FLAG_LEN`] bytes.
pub fn check_flag(flag: &str) -> Result<(), String> {
    if flag.starts_with('\\') {
        return if SYSTEM_FLAGS.iter().any(|s| s.eq_ignore_ascii_case(flag)) {
            Ok(())
        } else {
            Err(format!(
                "{flag:?} is not a system flag ({})",
                SYSTEM_FLAGS.join(", ")
            ))
        };
    }
    if flag.is_empty() || flag.len() > MAX_FLAG_LEN {
        return Err(format!("a keyword is 1 to {MAX_FLAG_LEN} bytes long"));
    }
    // RFC 9051 §9: atom-specials are "(" / ")" / "{" / SP / CTL / list-wildcards /
    // quoted-specials / resp-specials.
    if flag
        .bytes()
        .any(|b| !(0x21..0x7f).contains(&b) || b"(){%*\"\\]".contains(&b))
    {
        return Err(format!(
            "{flag:?} is not a valid keyword (printable ASCII without (){{%*\"\\] or spaces)"
        ));
    }
    Ok(())
}

fn check_reply(
    errors: &mut Errors,
    p: &str,
    subject: Option<&str>,
    body: &str,
    from: Option<&str>,
) {
    if let Some(subject) = subject {
        check_text(
            errors,
            format!("{p}.subject"),
            subject,
            MAX_SUBJECT_LEN,
            true,
        );
    }
    if body.trim().is_empty() {
        errors.push(format!("{p}.body"), "an answer needs a text".into());
    }
    check_text(errors, format!("{p}.body"), body, MAX_REPLY_BODY_LEN, false);
    if let Some(from) = from {
        check_address(errors, format!("{p}.from"), from);
    }
}

fn check_vacation(v: &Vacation, p: &str, errors: &mut Errors) {
    check_reply(errors, p, v.subject.as_deref(), &v.body, v.from.as_deref());
    // RFC 5230 §4.1: "The minimum value used for this parameter is normally 1."
    if v.days == 0 || v.days > MAX_VACATION_DAYS {
        errors.push(
            format!("{p}.days"),
            format!("1 to {MAX_VACATION_DAYS} days"),
        );
    }
    if let (Some(start), Some(end)) = (v.start, v.end)
        && end < start
    {
        errors.push(
            format!("{p}.end"),
            "the last day comes before the first".into(),
        );
    }
    if v.addresses.len() > MAX_VACATION_ADDRESSES {
        errors.push(
            format!("{p}.addresses"),
            format!("at most {MAX_VACATION_ADDRESSES} addresses"),
        );
    }
    for (i, addr) in v.addresses.iter().enumerate() {
        check_address(errors, format!("{p}.addresses[{i}]"), addr);
    }
}
