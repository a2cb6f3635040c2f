//! Rule set → Sieve script, in the layout Roundcube's editor writes (a `# rule:[name]`
//! comment before each `if`, disabled rules as `if false # <test>`), requiring only the
//! extensions the rules use.
//!
//! [`super::import`] reads every script written here back into the same rule set.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::{Action, Condition, MatchMode, Operator, Rule, RuleSet, TextTest, Vacation};

/// Writes a rule set as a Sieve script.
pub fn to_sieve(set: &RuleSet) -> String {
    let mut req = BTreeSet::new();
    let mut body = String::new();
    for rule in &set.rules {
        write_rule(&mut body, rule, &mut req);
    }
    let mut out = String::new();
    if !req.is_empty() {
        let list: Vec<String> = req.iter().map(|r| quote(r)).collect();
        let _ = writeln!(out, "require [{}];", list.join(", "));
    }
    out.push_str(&body);
    out
}

/// A Sieve quoted string (RFC 5228 §2.4.2): `"` and `\` escaped, line breaks kept.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn list(items: &[&str]) -> String {
    if items.len() == 1 {
        return quote(items[0]);
    }
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Escapes the wildcard characters of a literal for `:matches` (RFC 5228 §2.7.1).
fn escape_wildcards(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn write_rule(out: &mut String, rule: &Rule, req: &mut BTreeSet<&'static str>) {
    let _ = writeln!(out, "# rule:[{}]", rule.name);
    let test = rule_test(rule, req);
    if rule.enabled {
        let _ = writeln!(out, "if {test}");
    } else {
        let _ = writeln!(out, "if false # {test}");
    }
    out.push_str("{\n");
    for action in &rule.actions {
        write_action(out, action, req);
    }
    if rule.stop {
        out.push_str("\tstop;\n");
    }
    out.push_str("}\n");
}

fn rule_test(rule: &Rule, req: &mut BTreeSet<&'static str>) -> String {
    let tests: Vec<String> = rule.conditions.iter().map(|c| condition(c, req)).collect();
    match (tests.len(), rule.match_mode) {
        (0, _) => "true".into(),
        (1, MatchMode::All) => tests[0].clone(),
        (_, MatchMode::All) => format!("allof ({})", tests.join(", ")),
        (_, MatchMode::Any) => format!("anyof ({})", tests.join(", ")),
    }
}

/// `[comparator] match-type` and the key for a text test; `not` when negative.
fn text_test(t: &TextTest, req: &mut BTreeSet<&'static str>, head: &str, fields: &str) -> String {
    let (op, negate) = t.op.positive();
    let (match_type, key) = match op {
        Operator::Contains => (":contains", t.value.clone()),
        Operator::Is => (":is", t.value.clone()),
        Operator::StartsWith => (":matches", format!("{}*", escape_wildcards(&t.value))),
        Operator::EndsWith => (":matches", format!("*{}", escape_wildcards(&t.value))),
        Operator::Wildcard => (":matches", t.value.clone()),
        Operator::Regex => {
            req.insert("regex");
            (":regex", t.value.clone())
        }
        // Exists has its own test (see `condition`).
        _ => (":is", t.value.clone()),
    };
    let comparator = if t.case_sensitive {
        ":comparator \"i;octet\" "
    } else {
        ""
    };
    let not = if negate { "not " } else { "" };
    format!(
        "{not}{head} {comparator}{match_type} {fields} {}",
        quote(&key)
    )
}

fn condition(c: &Condition, req: &mut BTreeSet<&'static str>) -> String {
    match c {
        Condition::From(t) => text_test(t, req, "address :all", "\"from\""),
        Condition::To(t) => text_test(t, req, "address :all", "\"to\""),
        Condition::Cc(t) => text_test(t, req, "address :all", "\"cc\""),
        Condition::ToOrCc(t) => text_test(t, req, "address :all", "[\"to\", \"cc\"]"),
        Condition::Header { name, test } => {
            let (op, negate) = test.op.positive();
            if op == Operator::Exists {
                let not = if negate { "not " } else { "" };
                format!("{not}exists {}", quote(name))
            } else {
                text_test(test, req, "header", &quote(name))
            }
        }
        Condition::Subject(t) => text_test(t, req, "header", "\"subject\""),
        Condition::ListId(t) => text_test(t, req, "header", "\"list-id\""),
        Condition::EnvelopeSender(t) => {
            req.insert("envelope");
            text_test(t, req, "envelope :all", "\"from\"")
        }
        Condition::EnvelopeRecipient(t) => {
            req.insert("envelope");
            text_test(t, req, "envelope :all", "\"to\"")
        }
        Condition::Body(t) => {
            req.insert("body");
            let s = text_test(t, req, "body :text", "");
            // `body` takes no field list: drop the doubled space left by the empty one.
            s.replacen("  ", " ", 1)
        }
        Condition::SizeOver { bytes } => format!("size :over {}", number(*bytes)),
        Condition::SizeUnder { bytes } => format!("size :under {}", number(*bytes)),
        Condition::HasAttachment => {
            req.insert("mime");
            "header :mime :anychild :contains \"content-disposition\" \"attachment\"".into()
        }
        Condition::AttachmentName(t) => {
            req.insert("mime");
            text_test(
                t,
                req,
                "header :mime :anychild :param \"filename\"",
                "\"content-disposition\"",
            )
        }
        Condition::IsReply => "exists \"in-reply-to\"".into(),
        Condition::SenderInAddressBook => {
            req.insert("extlists");
            "address :all :list \"from\" \":addrbook:default\"".into()
        }
        Condition::SenderNotInAddressBook => {
            req.insert("extlists");
            "not address :all :list \"from\" \":addrbook:default\"".into()
        }
        Condition::DmarcFail => "header :contains \"authentication-results\" \"dmarc=fail\"".into(),
    }
}

/// A number with the largest exact quantifier (RFC 5228 §2.4.1).
fn number(n: u64) -> String {
    for (suffix, shift) in [("G", 30), ("M", 20), ("K", 10)] {
        if n != 0 && n.is_multiple_of(1 << shift) {
            return format!("{}{suffix}", n >> shift);
        }
    }
    n.to_string()
}

fn write_action(out: &mut String, a: &Action, req: &mut BTreeSet<&'static str>) {
    match a {
        Action::FileInto {
            mailbox,
            create_if_missing,
        }
        | Action::CopyInto {
            mailbox,
            create_if_missing,
        } => {
            req.insert("fileinto");
            let mut tags = String::new();
            if matches!(a, Action::CopyInto { .. }) {
                // RFC 3894 §3: `:copy` files a copy without cancelling the implicit keep.
                req.insert("copy");
                tags.push_str(":copy ");
            }
            if *create_if_missing {
                // RFC 5490 §3.2: `fileinto :create` creates a missing mailbox.
                req.insert("mailbox");
                tags.push_str(":create ");
            }
            let _ = writeln!(out, "\tfileinto {tags}{};", quote(mailbox));
        }
        Action::SetFlags { flags } => {
            // RFC 5232 §3.2: `addflag` adds to the flags later deliveries get.
            req.insert("imap4flags");
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            let _ = writeln!(out, "\taddflag {};", list(&flags));
        }
        Action::MarkRead => {
            req.insert("imap4flags");
            out.push_str("\taddflag \"\\\\Seen\";\n");
        }
        Action::Forward { to, keep_copy } => {
            req.insert("copy");
            for addr in to {
                let _ = writeln!(out, "\tredirect :copy {};", quote(addr));
            }
            if !keep_copy {
                out.push_str("\tdiscard;\n");
            }
        }
        Action::Redirect { to } => {
            let _ = writeln!(out, "\tredirect {};", quote(to));
        }
        Action::Reject { text } => {
            // RFC 5429 §2.2: `reject` refuses the message with a reason.
            req.insert("reject");
            let _ = writeln!(out, "\treject {};", quote(text));
        }
        Action::Discard => out.push_str("\tdiscard;\n"),
        Action::AutoReply {
            subject,
            body,
            from,
        } => {
            // RFC 6131 §2: `:seconds 0` answers every message, an auto-reply.
            req.insert("vacation");
            req.insert("vacation-seconds");
            let mut tags = String::from(":seconds 0 ");
            reply_tags(&mut tags, subject.as_deref(), from.as_deref(), &[]);
            let _ = writeln!(out, "\tvacation {tags}{};", quote(body));
        }
        Action::Vacation(v) => write_vacation(out, v, req),
        Action::Stop => out.push_str("\tstop;\n"),
    }
}

fn reply_tags(tags: &mut String, subject: Option<&str>, from: Option<&str>, addresses: &[String]) {
    if let Some(s) = subject {
        let _ = write!(tags, ":subject {} ", quote(s));
    }
    if let Some(f) = from {
        let _ = write!(tags, ":from {} ", quote(f));
    }
    if !addresses.is_empty() {
        let a: Vec<&str> = addresses.iter().map(String::as_str).collect();
        let _ = write!(tags, ":addresses {} ", list_always(&a));
    }
}

fn list_always(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn write_vacation(out: &mut String, v: &Vacation, req: &mut BTreeSet<&'static str>) {
    req.insert("vacation");
    let mut tags = format!(":days {} ", v.days);
    reply_tags(
        &mut tags,
        v.subject.as_deref(),
        v.from.as_deref(),
        &v.addresses,
    );
    let command = format!("vacation {tags}{};", quote(&v.body));
    // RFC 5260 §5: the window as `currentdate` tests, the way Roundcube writes it.
    let mut window = Vec::new();
    if let Some(start) = v.start {
        window.push(format!("currentdate :value \"ge\" \"date\" \"{start}\""));
    }
    if let Some(end) = v.end {
        window.push(format!("currentdate :value \"le\" \"date\" \"{end}\""));
    }
    if window.is_empty() {
        let _ = writeln!(out, "\t{command}");
        return;
    }
    // RFC 5231 §4: `:value "ge"` / `"le"` compare the dates.
    req.insert("date");
    req.insert("relational");
    let test = if window.len() == 1 {
        window.remove(0)
    } else {
        format!("allof ({})", window.join(", "))
    };
    let _ = writeln!(out, "\tif {test}\n\t{{\n\t\t{command}\n\t}}");
}
