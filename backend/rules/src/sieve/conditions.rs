//! Sieve tests → rule conditions (RFC 5228 §5 `address`, `header`, `exists`, `size`,
//! `not`; RFC 5228 §5.4 `envelope`, RFC 5173 `body`, RFC 5703 `header :mime`, RFC 6134
//! `:list`), and the argument helpers the action reader shares.
//!
//! A test outside the subset is refused with its position and name.

use super::{
    SieveError,
    parse::{Arg, Test},
};
use crate::model::{Condition, Operator, TextTest};

pub(super) fn unsupported(line: u32, col: u32, what: &str, name: &str) -> SieveError {
    SieveError::new(line, col, format!("unsupported {what} \"{name}\""))
}

pub(super) fn strings_arg(
    arg: Option<&Arg>,
    line: u32,
    col: u32,
    what: &str,
) -> Result<Vec<String>, SieveError> {
    arg.and_then(Arg::strings).ok_or_else(|| {
        SieveError::new(
            line,
            col,
            format!("{what} expects a string or a string list"),
        )
    })
}

/// The tagged arguments of a test or command, and its positional ones.
pub(super) struct Args {
    pub(super) tags: Vec<(String, Option<Arg>)>,
    pub(super) positional: Vec<Arg>,
}

/// Splits arguments; `with_value` names the tags that take the next argument.
pub(super) fn split_args(args: &[Arg], with_value: &[&str]) -> Args {
    let mut tags = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a {
            Arg::Tag(t) if with_value.contains(&t.as_str()) => {
                tags.push((t.clone(), it.next().cloned()))
            }
            Arg::Tag(t) => tags.push((t.clone(), None)),
            other => positional.push(other.clone()),
        }
    }
    Args { tags, positional }
}

impl Args {
    pub(super) fn has(&self, tag: &str) -> bool {
        self.tags.iter().any(|(t, _)| t == tag)
    }

    pub(super) fn value(&self, tag: &str) -> Option<&Arg> {
        self.tags
            .iter()
            .find(|(t, _)| t == tag)
            .and_then(|(_, v)| v.as_ref())
    }
}

pub(super) fn condition(t: &Test) -> Result<Condition, SieveError> {
    let bad = |what: &str| SieveError::new(t.line, t.col, format!("{what} in test \"{}\"", t.name));
    match t.name.as_str() {
        "not" => {
            let Some(inner) = t.tests.first() else {
                return Err(bad("missing test"));
            };
            let c = condition(inner)?;
            negate(c).ok_or_else(|| unsupported(inner.line, inner.col, "negated test", &inner.name))
        }
        "address" | "header" | "envelope" | "body" => text_condition(t),
        "size" => {
            let a = split_args(&t.args, &[]);
            let Some(Arg::Num(bytes)) = a.positional.first() else {
                return Err(bad("a size is missing"));
            };
            match (a.has("over"), a.has("under")) {
                (true, false) => Ok(Condition::SizeOver { bytes: *bytes }),
                (false, true) => Ok(Condition::SizeUnder { bytes: *bytes }),
                _ => Err(bad("expected :over or :under")),
            }
        }
        "exists" => {
            let names = strings_arg(t.args.first(), t.line, t.col, "exists")?;
            match names.as_slice() {
                [n] if n.eq_ignore_ascii_case("in-reply-to") => Ok(Condition::IsReply),
                [n] => Ok(Condition::Header {
                    name: n.clone(),
                    test: TextTest::new(Operator::Exists, ""),
                }),
                _ => Err(bad("only one field name is supported")),
            }
        }
        other => Err(unsupported(t.line, t.col, "test", other)),
    }
}

fn negate(c: Condition) -> Option<Condition> {
    fn flip(mut t: TextTest) -> Option<TextTest> {
        t.op = t.op.negated()?;
        Some(t)
    }
    Some(match c {
        Condition::From(t) => Condition::From(flip(t)?),
        Condition::To(t) => Condition::To(flip(t)?),
        Condition::Cc(t) => Condition::Cc(flip(t)?),
        Condition::ToOrCc(t) => Condition::ToOrCc(flip(t)?),
        Condition::Header { name, test } => Condition::Header {
            name,
            test: flip(test)?,
        },
        Condition::Subject(t) => Condition::Subject(flip(t)?),
        Condition::ListId(t) => Condition::ListId(flip(t)?),
        Condition::EnvelopeSender(t) => Condition::EnvelopeSender(flip(t)?),
        Condition::EnvelopeRecipient(t) => Condition::EnvelopeRecipient(flip(t)?),
        Condition::Body(t) => Condition::Body(flip(t)?),
        Condition::AttachmentName(t) => Condition::AttachmentName(flip(t)?),
        Condition::SenderInAddressBook => Condition::SenderNotInAddressBook,
        _ => return None,
    })
}

/// Reads a `:matches` key back: a plain prefix or suffix becomes `starts_with` or
/// `ends_with`, anything else stays a wildcard.
fn matches_op(key: &str) -> (Operator, String) {
    let unescaped_wild = |s: &str| {
        let mut escaped = false;
        s.chars().any(|c| {
            let wild = !escaped && (c == '*' || c == '?');
            escaped = !escaped && c == '\\';
            wild
        })
    };
    let unescape = |s: &str| {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            out.push(if c == '\\' {
                chars.next().unwrap_or('\\')
            } else {
                c
            });
        }
        out
    };
    if let Some(prefix) = key.strip_suffix('*')
        && !prefix.is_empty()
        && !prefix.ends_with('\\')
        && !unescaped_wild(prefix)
    {
        return (Operator::StartsWith, unescape(prefix));
    }
    if let Some(suffix) = key.strip_prefix('*')
        && !suffix.is_empty()
        && !unescaped_wild(suffix)
    {
        return (Operator::EndsWith, unescape(suffix));
    }
    (Operator::Wildcard, key.to_owned())
}

fn text_condition(t: &Test) -> Result<Condition, SieveError> {
    let bad =
        |what: String| SieveError::new(t.line, t.col, format!("{what} in test \"{}\"", t.name));
    let a = split_args(&t.args, &["comparator", "param"]);
    let mut case_sensitive = false;
    let mut op = Operator::Is;
    for (tag, value) in &a.tags {
        match tag.as_str() {
            "is" => op = Operator::Is,
            "contains" => op = Operator::Contains,
            "matches" => op = Operator::Wildcard,
            "regex" => op = Operator::Regex,
            "all" | "text" | "mime" | "anychild" | "param" | "list" => {}
            "comparator" => match value.as_ref() {
                Some(Arg::Str(c)) if c.eq_ignore_ascii_case("i;octet") => case_sensitive = true,
                Some(Arg::Str(c)) if c.eq_ignore_ascii_case("i;ascii-casemap") => {}
                _ => return Err(bad("unsupported comparator".into())),
            },
            other => return Err(unsupported(t.line, t.col, "tag", &format!(":{other}"))),
        }
    }
    let (fields, keys) = match (t.name.as_str(), a.positional.as_slice()) {
        ("body", [keys]) => (Vec::new(), keys.strings()),
        (_, [fields, keys]) => (fields.strings().unwrap_or_default(), keys.strings()),
        _ => return Err(bad("wrong number of arguments".into())),
    };
    let Some(keys) = keys else {
        return Err(bad("expected a key".into()));
    };
    let [key] = keys.as_slice() else {
        return Err(bad("only one key is supported".into()));
    };
    let written = fields.clone();
    let fields: Vec<String> = fields.iter().map(|f| f.to_ascii_lowercase()).collect();
    if a.has("list") {
        return match (t.name.as_str(), fields.as_slice(), key.as_str()) {
            ("address", [f], ":addrbook:default") if f == "from" => {
                Ok(Condition::SenderInAddressBook)
            }
            _ => Err(bad(
                "only :list \"from\" \":addrbook:default\" is supported".into(),
            )),
        };
    }
    let (op, value) = if op == Operator::Wildcard {
        matches_op(key)
    } else {
        (op, key.clone())
    };
    let test = TextTest {
        op,
        value,
        case_sensitive,
    };
    let field = |f: &[&str]| fields.iter().map(String::as_str).eq(f.iter().copied());
    Ok(match t.name.as_str() {
        "body" => Condition::Body(test),
        "envelope" if field(&["from"]) => Condition::EnvelopeSender(test),
        "envelope" if field(&["to"]) => Condition::EnvelopeRecipient(test),
        "address" if field(&["from"]) => Condition::From(test),
        "address" if field(&["to"]) => Condition::To(test),
        "address" if field(&["cc"]) => Condition::Cc(test),
        "address" if field(&["to", "cc"]) || field(&["cc", "to"]) => Condition::ToOrCc(test),
        "header" if a.has("mime") => {
            if !field(&["content-disposition"]) || !a.has("anychild") {
                return Err(bad(
                    "only :mime :anychild on content-disposition is supported".into(),
                ));
            }
            match a.value("param").and_then(Arg::strings).as_deref() {
                Some([p]) if p.eq_ignore_ascii_case("filename") => Condition::AttachmentName(test),
                None if test == TextTest::new(Operator::Contains, "attachment") => {
                    Condition::HasAttachment
                }
                _ => return Err(bad("unsupported :mime test".into())),
            }
        }
        "header" if field(&["subject"]) => Condition::Subject(test),
        "header" if field(&["list-id"]) => Condition::ListId(test),
        "header"
            if field(&["authentication-results"])
                && test == TextTest::new(Operator::Contains, "dmarc=fail") =>
        {
            Condition::DmarcFail
        }
        "header" if written.len() == 1 => Condition::Header {
            name: written[0].clone(),
            test,
        },
        _ => return Err(bad(format!("unsupported field list {fields:?}"))),
    })
}
