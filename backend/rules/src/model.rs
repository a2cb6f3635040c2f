//! The rule model: what a user or a domain administrator writes, as stored and as sent
//! over the REST API.
//!
//! This module owns the shapes and their JSON form (serde, `snake_case`, tagged enums) and
//! nothing else: the limits and syntax rules are in [`crate::validate`], the meaning of
//! each condition and action in [`crate::engine`]. The stored JSON carries a
//! [`RuleSet::version`] so that later versions can read what earlier ones wrote.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The version of the JSON form written by this crate.
pub const RULESET_VERSION: u32 = 1;

/// An ordered list of rules: one per account, one per domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct RuleSet {
    /// The version of the JSON form; [`RULESET_VERSION`] for rule sets made by this crate.
    pub version: u32,
    /// The rules, run in this order.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl RuleSet {
    /// A rule set of the current version.
    pub fn new(rules: Vec<Rule>) -> Self {
        Self {
            version: RULESET_VERSION,
            rules,
        }
    }
}

/// One rule: when its conditions hold, its actions run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Rule {
    /// A name for people; need not be unique.
    pub name: String,
    /// A disabled rule is kept but never matches.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// How the conditions combine.
    #[serde(default)]
    pub match_mode: MatchMode,
    /// The conditions; a rule without conditions matches every message.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The actions, run in this order.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Whether no further rule (of this layer or a later one) runs after this one matched.
    #[serde(default)]
    pub stop: bool,
}

fn default_true() -> bool {
    true
}

impl Rule {
    /// An enabled rule matching all of `conditions`, without `stop`.
    pub fn new(name: impl Into<String>, conditions: Vec<Condition>, actions: Vec<Action>) -> Self {
        Self {
            name: name.into(),
            enabled: true,
            match_mode: MatchMode::All,
            conditions,
            actions,
            stop: false,
        }
    }
}

/// How a rule's conditions combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Every condition holds (Sieve `allof`).
    #[default]
    All,
    /// At least one condition holds (Sieve `anyof`).
    Any,
}

/// How a text condition compares. Each `not_*` operator holds if and only if its positive
/// counterpart does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// One of the values contains the text.
    Contains,
    /// No value contains the text (also true when there is no value).
    NotContains,
    /// One of the values equals the text.
    Is,
    /// No value equals the text.
    NotIs,
    /// One of the values starts with the text.
    StartsWith,
    /// One of the values ends with the text.
    EndsWith,
    /// One of the values matches the pattern as a whole: `*` any run of characters, `?`
    /// one character, `\` escapes the next character (Sieve `:matches`).
    Wildcard,
    /// No value matches the wildcard pattern.
    NotWildcard,
    /// One of the values contains a match of the regular expression (`regex` crate
    /// syntax).
    Regex,
    /// No value contains a match of the regular expression.
    NotRegex,
    /// The header is present (the value is not used). Only for [`Condition::Header`].
    Exists,
    /// The header is absent. Only for [`Condition::Header`].
    NotExists,
}

impl Operator {
    /// The positive operator this one is, or negates, and whether it negates.
    pub fn positive(self) -> (Operator, bool) {
        match self {
            Operator::NotContains => (Operator::Contains, true),
            Operator::NotIs => (Operator::Is, true),
            Operator::NotWildcard => (Operator::Wildcard, true),
            Operator::NotRegex => (Operator::Regex, true),
            Operator::NotExists => (Operator::Exists, true),
            other => (other, false),
        }
    }

    /// The negation of a positive operator, if the model has one.
    pub fn negated(self) -> Option<Operator> {
        Some(match self {
            Operator::Contains => Operator::NotContains,
            Operator::Is => Operator::NotIs,
            Operator::Wildcard => Operator::NotWildcard,
            Operator::Regex => Operator::NotRegex,
            Operator::Exists => Operator::NotExists,
            _ => return None,
        })
    }
}

/// A comparison of some text of the message with a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct TextTest {
    /// How to compare.
    pub op: Operator,
    /// What to compare with (unused by `exists`).
    #[serde(default)]
    pub value: String,
    /// Compare case-sensitively; by default case is ignored (Unicode lower case).
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_sensitive: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl TextTest {
    /// A case-insensitive test.
    pub fn new(op: Operator, value: impl Into<String>) -> Self {
        Self {
            op,
            value: value.into(),
            case_sensitive: false,
        }
    }
}

/// A condition on the message or its envelope.
///
/// Address conditions (`from`, `to`, `cc`, `to_or_cc`, the envelope) compare the bare
/// addresses (`local@domain`), like Sieve's `address :all`; to compare display names use a
/// `header` condition on `From`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Condition {
    /// The addresses of `From`.
    From(TextTest),
    /// The addresses of `To`.
    To(TextTest),
    /// The addresses of `Cc`.
    Cc(TextTest),
    /// The addresses of `To` and `Cc`.
    ToOrCc(TextTest),
    /// Every occurrence of a named header field, decoded (RFC 2047) and unfolded.
    Header {
        /// The field name, case-insensitive.
        name: String,
        /// The comparison.
        #[serde(flatten)]
        test: TextTest,
    },
    /// The decoded `Subject`.
    Subject(TextTest),
    /// The list identifier of `List-Id` (between `<` and `>`), and the whole field.
    ListId(TextTest),
    /// The envelope sender (SMTP `MAIL FROM`); empty for the null sender.
    EnvelopeSender(TextTest),
    /// The envelope recipient (SMTP `RCPT TO`) the rules run for.
    EnvelopeRecipient(TextTest),
    /// The decoded text of the message's body, as the full-text index sees it.
    Body(TextTest),
    /// The message is larger than this many bytes.
    SizeOver {
        /// The size in bytes.
        bytes: u64,
    },
    /// The message is smaller than this many bytes.
    SizeUnder {
        /// The size in bytes.
        bytes: u64,
    },
    /// The message has at least one attachment.
    HasAttachment,
    /// The file names of the attachments.
    AttachmentName(TextTest),
    /// The message is a reply: it has an `In-Reply-To` field.
    IsReply,
    /// The sender (`From`) is in the recipient's address book.
    SenderInAddressBook,
    /// The sender (`From`) is not in the recipient's address book.
    SenderNotInAddressBook,
    /// Our `Authentication-Results` field says `dmarc=fail`.
    DmarcFail,
}

impl Condition {
    /// The text comparison of this condition, if it has one.
    pub fn text_test(&self) -> Option<&TextTest> {
        match self {
            Condition::From(t)
            | Condition::To(t)
            | Condition::Cc(t)
            | Condition::ToOrCc(t)
            | Condition::Header { test: t, .. }
            | Condition::Subject(t)
            | Condition::ListId(t)
            | Condition::EnvelopeSender(t)
            | Condition::EnvelopeRecipient(t)
            | Condition::Body(t)
            | Condition::AttachmentName(t) => Some(t),
            _ => None,
        }
    }
}

/// What to do with a message.
///
/// Unless an action cancels it, the message is also delivered to INBOX (Sieve's implicit
/// keep): `file_into`, `redirect`, `forward` without `keep_copy`, `reject` and `discard`
/// cancel it. Flags set by `set_flags` and `mark_read` apply to the deliveries made by
/// later actions and to the implicit keep, as Sieve's imap4flags does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Deliver to a mailbox instead of INBOX.
    FileInto {
        /// The mailbox, `/`-separated.
        mailbox: String,
        /// Create the mailbox when it does not exist (otherwise deliver to INBOX).
        #[serde(default)]
        create_if_missing: bool,
    },
    /// Deliver a copy to a mailbox; INBOX still gets the message.
    CopyInto {
        /// The mailbox, `/`-separated.
        mailbox: String,
        /// Create the mailbox when it does not exist.
        #[serde(default)]
        create_if_missing: bool,
    },
    /// Add flags or keywords (`\Flagged`, `$Label1`, `work`).
    SetFlags {
        /// System flags (with their backslash) and keywords.
        flags: Vec<String>,
    },
    /// Add `\Seen`.
    MarkRead,
    /// Send the message on to these addresses.
    Forward {
        /// The addresses.
        to: Vec<String>,
        /// Keep a copy (the implicit keep stays).
        #[serde(default)]
        keep_copy: bool,
    },
    /// Send the message to this address instead.
    Redirect {
        /// The address.
        to: String,
    },
    /// Refuse the message with this text.
    Reject {
        /// The reason given to the sender.
        text: String,
    },
    /// Cancel the implicit keep.
    Discard,
    /// Answer every message (that automatic answers may go to) with this text.
    AutoReply {
        /// The subject; by default `Auto: ` and the original subject.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        /// The text.
        body: String,
        /// The identity to answer from; by default the recipient.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// The out-of-office answer.
    Vacation(Vacation),
    /// Stop here: no further action and no further rule runs.
    Stop,
}

/// An out-of-office answer (RFC 5230), sent at most once per `days` to each sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Vacation {
    /// The first day of absence, in the account's time zone; none: from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// The last day of absence (included); none: until switched off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Answer each sender at most once per this many days; `0` for an auto-reply that
    /// answers every message.
    #[serde(default = "default_days")]
    pub days: u32,
    /// The subject; by default `Auto: ` and the original subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The text.
    pub body: String,
    /// The identity to answer from; by default the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// More addresses of the user's own, besides the account's (Sieve `:addresses`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

fn default_days() -> u32 {
    7
}

impl Vacation {
    /// A vacation answer with the RFC 5230 default period of 7 days and no window.
    pub fn new(body: impl Into<String>) -> Self {
        Self {
            start: None,
            end: None,
            days: default_days(),
            subject: None,
            body: body.into(),
            from: None,
            addresses: Vec::new(),
        }
    }
}
