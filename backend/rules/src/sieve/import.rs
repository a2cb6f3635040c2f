//! Sieve script → rule set, for the subset [`super::export`] writes and what Roundcube's
//! and Thunderbird's editors write for the same rules. Anything else is refused with its
//! line, column and name, never approximated silently.
//!
//! Each top-level `if` becomes a rule (its name from a preceding `# rule:[name]`
//! comment), `if false # <test>` a disabled rule, and actions outside any `if` a rule
//! without conditions.

use chrono::NaiveDate;

use super::{
    SieveError,
    conditions::{Args, condition, split_args, strings_arg, unsupported},
    lex::{Comment, lex},
    parse::{Arg, Command, Test, parse, parse_test},
};
use crate::model::{Action, MatchMode, Rule, RuleSet, Vacation};

/// The extensions a script may require.
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "fileinto",
    "copy",
    "mailbox",
    "imap4flags",
    "vacation",
    "vacation-seconds",
    "reject",
    "ereject",
    "regex",
    "envelope",
    "body",
    "relational",
    "date",
    "mime",
    "extlists",
    "comparator-i;octet",
    "comparator-i;ascii-casemap",
];

/// Reads a Sieve script of the supported subset into a rule set.
pub fn from_sieve(src: &str) -> Result<RuleSet, SieveError> {
    let (tokens, comments) = lex(src)?;
    let commands = parse(&tokens)?;
    let mut rules = Vec::new();
    let mut loose: Option<Rule> = None;
    let mut prev_end = 0;
    for cmd in &commands {
        match cmd.name.as_str() {
            "require" => {
                for ext in strings_arg(cmd.args.first(), cmd.line, cmd.col, "require")? {
                    if !SUPPORTED_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
                        return Err(SieveError::new(
                            cmd.line,
                            cmd.col,
                            format!("unsupported extension \"{ext}\""),
                        ));
                    }
                }
            }
            "if" => {
                if let Some(rule) = loose.take() {
                    rules.push(rule);
                }
                let name = rule_name(&comments, prev_end, cmd.line)
                    .unwrap_or_else(|| format!("Rule {}", rules.len() + 1));
                rules.push(if_rule(cmd, name, &comments)?);
            }
            "elsif" | "else" => return Err(unsupported(cmd.line, cmd.col, "command", &cmd.name)),
            _ => {
                let rule = loose.get_or_insert_with(|| {
                    let name = rule_name(&comments, prev_end, cmd.line)
                        .unwrap_or_else(|| format!("Rule {}", rules.len() + 1));
                    Rule::new(name, Vec::new(), Vec::new())
                });
                let mut actions = std::mem::take(&mut rule.actions);
                let mut stop = false;
                push_actions(std::slice::from_ref(cmd), &mut actions, &mut stop)?;
                rule.actions = actions;
                if stop {
                    rule.stop = true;
                    if let Some(rule) = loose.take() {
                        rules.push(rule);
                    }
                }
            }
        }
        prev_end = cmd.end_line;
    }
    if let Some(rule) = loose.take() {
        rules.push(rule);
    }
    Ok(RuleSet::new(rules))
}

/// Roundcube's `# rule:[name]` on a line after the previous command and before `line`.
fn rule_name(comments: &[Comment], after: u32, line: u32) -> Option<String> {
    comments
        .iter()
        .filter(|c| c.line > after && c.line < line)
        .filter_map(|c| {
            let rest = c.text.trim().strip_prefix("rule:[")?;
            Some(rest.strip_suffix(']').unwrap_or(rest).to_owned())
        })
        .next_back()
}

fn if_rule(cmd: &Command, name: String, comments: &[Comment]) -> Result<Rule, SieveError> {
    let Some(test) = cmd.tests.first() else {
        return Err(SieveError::new(cmd.line, cmd.col, "if expects a test"));
    };
    let mut rule = Rule::new(name, Vec::new(), Vec::new());
    let test = if test.name == "false" && test.args.is_empty() {
        // Roundcube disables a rule by writing `if false # <the rule's test>`.
        rule.enabled = false;
        let Some(c) = comments
            .iter()
            .find(|c| c.line == test.line && c.col > test.col)
        else {
            return with_block(rule, cmd);
        };
        let offset = |e: SieveError| SieveError::new(c.line, c.col + e.column, e.message);
        let (tokens, _) = lex(&c.text).map_err(offset)?;
        parse_test(&tokens).map_err(offset)?
    } else {
        test.clone()
    };
    let mut window = Window::default();
    match test.name.as_str() {
        "true" => {}
        "allof" | "anyof" => {
            rule.match_mode = if test.name == "allof" {
                MatchMode::All
            } else {
                MatchMode::Any
            };
            for t in &test.tests {
                if t.name == "currentdate" && rule.match_mode == MatchMode::All {
                    window.add(t)?;
                } else {
                    rule.conditions.push(condition(t)?);
                }
            }
        }
        "currentdate" => window.add(&test)?,
        _ => rule.conditions.push(condition(&test)?),
    }
    let mut rule = with_block(rule, cmd)?;
    if window.start.is_some() || window.end.is_some() {
        // Roundcube writes the vacation dates as the rule's own `currentdate` tests.
        let mut vacations = rule.actions.iter_mut().filter_map(|a| match a {
            Action::Vacation(v) => Some(v),
            _ => None,
        });
        match (vacations.next(), vacations.next()) {
            (Some(v), None) => {
                v.start = window.start.or(v.start);
                v.end = window.end.or(v.end);
            }
            _ => {
                return Err(SieveError::new(
                    test.line,
                    test.col,
                    "\"currentdate\" is only supported around one vacation",
                ));
            }
        }
    }
    Ok(rule)
}

/// The vacation dates read from `currentdate :value "ge"|"le" "date" "YYYY-MM-DD"`
/// tests (RFC 5260 §5).
#[derive(Default)]
struct Window {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Window {
    fn add(&mut self, t: &Test) -> Result<(), SieveError> {
        let bad = || {
            SieveError::new(
                t.line,
                t.col,
                "only currentdate :value \"ge\"|\"le\" \"date\" \"YYYY-MM-DD\" is supported",
            )
        };
        let a = split_args(&t.args, &["value", "zone"]);
        let rel = match a.value("value") {
            Some(Arg::Str(r)) => r.to_ascii_lowercase(),
            _ => return Err(bad()),
        };
        let [Arg::Str(part), Arg::Str(date)] = a.positional.as_slice() else {
            return Err(bad());
        };
        if !part.eq_ignore_ascii_case("date") && !part.eq_ignore_ascii_case("iso8601") {
            return Err(bad());
        }
        let day = date
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| SieveError::new(t.line, t.col, format!("invalid date {date:?}")))?;
        match rel.as_str() {
            "ge" => self.start = Some(day),
            "le" => self.end = Some(day),
            _ => return Err(bad()),
        }
        Ok(())
    }
}

fn with_block(mut rule: Rule, cmd: &Command) -> Result<Rule, SieveError> {
    let block = cmd.block.as_deref().unwrap_or_default();
    let mut stop = false;
    push_actions(block, &mut rule.actions, &mut stop)?;
    rule.stop = stop;
    Ok(rule)
}

fn push_actions(
    block: &[Command],
    actions: &mut Vec<Action>,
    stop: &mut bool,
) -> Result<(), SieveError> {
    let mut i = 0;
    while i < block.len() {
        let cmd = &block[i];
        let bad =
            |what: &str| SieveError::new(cmd.line, cmd.col, format!("{what} in \"{}\"", cmd.name));
        let a = split_args(
            &cmd.args,
            &["days", "seconds", "subject", "from", "addresses", "handle"],
        );
        let one_string = || match a.positional.as_slice() {
            [Arg::Str(s)] => Ok(s.clone()),
            _ => Err(bad("expected one string")),
        };
        if cmd.block.is_some() && cmd.name != "if" {
            return Err(bad("unexpected block"));
        }
        match cmd.name.as_str() {
            "keep" => actions.push(Action::CopyInto {
                mailbox: crate::outcome::INBOX.into(),
                create_if_missing: false,
            }),
            "fileinto" => {
                if let Some((tag, _)) = a.tags.iter().find(|(t, _)| t != "copy" && t != "create") {
                    return Err(unsupported(cmd.line, cmd.col, "tag", &format!(":{tag}")));
                }
                let mailbox = one_string()?;
                let create_if_missing = a.has("create");
                actions.push(if a.has("copy") {
                    Action::CopyInto {
                        mailbox,
                        create_if_missing,
                    }
                } else {
                    Action::FileInto {
                        mailbox,
                        create_if_missing,
                    }
                });
            }
            "redirect" if a.has("copy") => {
                // A run of `redirect :copy` is one forward; a `discard` right after it
                // means the copy is not kept.
                let mut to = vec![one_string()?];
                while let Some(next) = block.get(i + 1)
                    && next.name == "redirect"
                    && next.args.first() == Some(&Arg::Tag("copy".into()))
                    && let [_, Arg::Str(addr)] = next.args.as_slice()
                {
                    to.push(addr.clone());
                    i += 1;
                }
                let keep_copy = block.get(i + 1).is_none_or(|n| n.name != "discard");
                if !keep_copy {
                    i += 1;
                }
                actions.push(Action::Forward { to, keep_copy });
            }
            "redirect" => actions.push(Action::Redirect { to: one_string()? }),
            "addflag" | "setflag" => {
                let flags = strings_arg(a.positional.first(), cmd.line, cmd.col, &cmd.name)?;
                if a.positional.len() != 1 {
                    return Err(bad("flag variables are not supported"));
                }
                actions.push(
                    if flags.len() == 1 && flags[0].eq_ignore_ascii_case("\\seen") {
                        Action::MarkRead
                    } else {
                        Action::SetFlags { flags }
                    },
                );
            }
            "reject" | "ereject" => actions.push(Action::Reject {
                text: one_string()?,
            }),
            "discard" => actions.push(Action::Discard),
            "vacation" => actions.push(vacation(cmd, &a, None, None)?),
            "if" => actions.push(dated_vacation(cmd)?),
            "stop" if i + 1 == block.len() => *stop = true,
            "stop" => actions.push(Action::Stop),
            other => return Err(unsupported(cmd.line, cmd.col, "command", other)),
        }
        i += 1;
    }
    Ok(())
}

fn vacation(
    cmd: &Command,
    a: &Args,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Result<Action, SieveError> {
    let bad = |what: &str| SieveError::new(cmd.line, cmd.col, format!("{what} in \"vacation\""));
    if let Some((tag, _)) = a.tags.iter().find(|(t, _)| {
        !matches!(
            t.as_str(),
            "days" | "seconds" | "subject" | "from" | "addresses" | "handle"
        )
    }) {
        return Err(unsupported(cmd.line, cmd.col, "tag", &format!(":{tag}")));
    }
    let [Arg::Str(body)] = a.positional.as_slice() else {
        return Err(bad("expected the reason"));
    };
    let text = |tag: &str| match a.value(tag) {
        Some(Arg::Str(s)) => Ok(Some(s.clone())),
        None => Ok(None),
        Some(_) => Err(bad(&format!(":{tag} expects a string"))),
    };
    let (subject, from) = (text("subject")?, text("from")?);
    let seconds = match a.value("seconds") {
        Some(Arg::Num(n)) => Some(*n),
        Some(_) => return Err(bad(":seconds expects a number")),
        None => None,
    };
    if seconds == Some(0) && start.is_none() && end.is_none() {
        return Ok(Action::AutoReply {
            subject,
            body: body.clone(),
            from,
        });
    }
    // RFC 5230 §4.1: ":days" defaults to 7 when absent.
    let days = match (a.value("days"), seconds) {
        (Some(Arg::Num(n)), _) => u32::try_from(*n).map_err(|_| bad(":days is too large"))?,
        (None, Some(s)) => {
            u32::try_from(s.div_ceil(86_400).max(1)).map_err(|_| bad(":seconds is too large"))?
        }
        (None, None) => 7,
        _ => return Err(bad(":days expects a number")),
    };
    let addresses = match a.value("addresses") {
        Some(arg) => arg
            .strings()
            .ok_or_else(|| bad(":addresses expects strings"))?,
        None => Vec::new(),
    };
    Ok(Action::Vacation(Vacation {
        start,
        end,
        days,
        subject,
        body: body.clone(),
        from,
        addresses,
    }))
}

/// `if allof (currentdate :value "ge" "date" "...", currentdate :value "le" ...) {
/// vacation ...; }`, the vacation window as Roundcube writes it.
fn dated_vacation(cmd: &Command) -> Result<Action, SieveError> {
    let bad = || {
        SieveError::new(
            cmd.line,
            cmd.col,
            "a nested \"if\" is only supported around a dated vacation",
        )
    };
    let tests: Vec<&Test> = match cmd.tests.first() {
        Some(t) if t.name == "allof" => t.tests.iter().collect(),
        Some(t) => vec![t],
        None => return Err(bad()),
    };
    let mut window = Window::default();
    for t in tests {
        if t.name != "currentdate" {
            return Err(bad());
        }
        window.add(t)?;
    }
    let (start, end) = (window.start, window.end);
    match cmd.block.as_deref() {
        Some([v]) if v.name == "vacation" => {
            let a = split_args(
                &v.args,
                &["days", "seconds", "subject", "from", "addresses", "handle"],
            );
            vacation(v, &a, start, end)
        }
        _ => Err(bad()),
    }
}
