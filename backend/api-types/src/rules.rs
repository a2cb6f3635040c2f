//! Delivery rules (`/api/v1/rules`, `/api/v1/admin/domains/{id}/rules`): a rule as the
//! web app's editor shows it — one row per condition and per action, each row a closed
//! object whose `field` or `type` says which of its other members count.
//!
//! What a rule may say, and what is valid, is the server's rule model's: these are its
//! wire form. Members a row's kind does not use are refused.

use chrono::{DateTime, NaiveDate, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One rule: when its conditions hold, its actions run, in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliveryRule {
    /// A name for people; need not be unique.
    pub name: String,
    /// A disabled rule is kept but never runs.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `all` (default): every condition must hold; `any`: one is enough.
    #[serde(default)]
    pub match_mode: RuleMatch,
    /// No condition: the rule matches every message.
    #[serde(default)]
    pub conditions: Vec<RuleCondition>,
    #[serde(default)]
    pub actions: Vec<RuleAction>,
    /// No later rule runs after this one matched.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stop: bool,
}

/// How a rule's conditions combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleMatch {
    #[default]
    All,
    Any,
}

/// What a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConditionField {
    /// The addresses of From (`op`, `value`).
    From,
    To,
    Cc,
    ToOrCc,
    /// A header field by `name` (`op`, `value`; `exists`/`not_exists` need no value).
    Header,
    Subject,
    /// The List-Id.
    ListId,
    /// SMTP MAIL FROM.
    EnvelopeSender,
    /// SMTP RCPT TO.
    EnvelopeRecipient,
    /// The decoded body text.
    Body,
    /// Larger than `bytes`.
    SizeOver,
    /// Smaller than `bytes`.
    SizeUnder,
    HasAttachment,
    /// An attachment's file name (`op`, `value`).
    AttachmentName,
    /// The message answers another (it has In-Reply-To).
    IsReply,
    SenderInAddressBook,
    SenderNotInAddressBook,
    /// This server's DMARC check failed.
    DmarcFail,
}

/// How a text condition compares; `not_*` holds when its counterpart does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TextOp {
    Contains,
    NotContains,
    Is,
    NotIs,
    StartsWith,
    EndsWith,
    /// `*` any run of characters, `?` one character.
    Wildcard,
    NotWildcard,
    /// A regular expression (size-limited).
    Regex,
    NotRegex,
    /// The header is there (only for `header`).
    Exists,
    NotExists,
}

/// One condition row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleCondition {
    pub field: ConditionField,
    /// The header field's name (`header` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How to compare (text fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<TextOp>,
    /// What to compare with (text fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Compare case-sensitively; case is ignored by default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_sensitive: bool,
    /// The size in bytes (`size_over`, `size_under`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Deliver to `mailbox` instead of INBOX.
    FileInto,
    /// Deliver a copy to `mailbox` too.
    CopyInto,
    /// Add `flags` (system flags and keywords).
    SetFlags,
    MarkRead,
    /// Send on to `to` (several), keeping a copy if `keep_copy`.
    Forward,
    /// Send to `to` (one) instead.
    Redirect,
    /// Refuse with `text`.
    Reject,
    /// Drop the message.
    Discard,
    /// Answer every message with `body` (`subject`, `from` optional).
    AutoReply,
    /// The out-of-office answer: `body`, `days`, `start`, `end`, `subject`, `from`,
    /// `addresses`.
    Vacation,
    /// Run no further action or rule.
    Stop,
}

/// One action row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleAction {
    #[serde(rename = "type")]
    pub kind: ActionKind,
    /// The mailbox, `/`-separated (`file_into`, `copy_into`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// Create the mailbox when it does not exist; otherwise INBOX gets the message.
    #[serde(default, skip_serializing_if = "is_false")]
    pub create_if_missing: bool,
    /// Flags and keywords (`set_flags`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Addresses (`forward`: one or more; `redirect`: one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Keep a copy in the mailbox as well (`forward`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub keep_copy: bool,
    /// The refusal text (`reject`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answer's subject (`auto_reply`, `vacation`); by default `Auto:` and the
    /// original subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The answer's text (`auto_reply`, `vacation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The address to answer from; by default the recipient's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The first day of absence (`vacation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// The last day of absence (`vacation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Answer each sender at most once per this many days (`vacation`; default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// More addresses of the user's own (`vacation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

/// `GET /rules` and the answer to every change: the rules in the order they run, and
/// the revision a change must name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RulesDocument {
    /// Grows by one with each change; 0 before the first.
    pub revision: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    pub rules: Vec<DeliveryRule>,
}

/// `PUT /rules`: the whole new list (adding, changing, removing and reordering alike).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RulesUpdate {
    /// The revision the change was made on: when it is no longer the current one the
    /// change is refused with 409. Leave it out to replace whatever is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    pub rules: Vec<DeliveryRule>,
}

/// The rules as a Sieve script (RFC 5228 with fileinto, copy, imap4flags, vacation,
/// reject, regex and variables where needed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SieveScript {
    pub script: String,
    /// Reading: the rules' revision. Writing: as in [`RulesUpdate`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

/// The out-of-office answer's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VacationAnswer {
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Answer each sender at most once per this many days (default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

/// `GET /rules/vacation`: the rule named "Vacation" whose only action is the answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VacationDocument {
    pub enabled: bool,
    /// Absent when no answer was ever set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vacation: Option<VacationAnswer>,
    pub revision: i64,
}

/// `PUT /rules/vacation`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VacationUpdate {
    pub enabled: bool,
    pub vacation: VacationAnswer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

/// `POST /rules/test`: which stored message to try the rules on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleTestRequest {
    pub message_id: String,
}

/// What the rules would do with the message if it arrived now. Nothing is stored or
/// sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RuleTestResult {
    pub rules: Vec<RuleTestLine>,
    /// The mailboxes it would be stored in, with its flags.
    pub deliveries: Vec<PlannedDelivery>,
    /// The addresses it would be sent on to.
    pub forwards: Vec<String>,
    /// The refusal text, if a rule would refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<String>,
    /// The automatic answers that would go out.
    pub answers: Vec<PlannedAnswer>,
}

/// One rule's result in a dry run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RuleTestLine {
    /// `domain` or `account`: whose rule it is.
    pub owner: String,
    /// Its position in its list.
    pub index: usize,
    pub name: String,
    /// `matched`, `not_matched`, `disabled` or `skipped`.
    pub result: String,
    /// Why it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What its actions did not do, and why.
    pub notes: Vec<String>,
}

/// A mailbox a dry run would store the message in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlannedDelivery {
    pub mailbox: String,
    pub flags: Vec<String>,
}

/// An automatic answer a dry run would send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlannedAnswer {
    pub to: String,
    pub subject: String,
}

/// `POST /rules/runs`: run the signed-in account's rules (all, or one) over the mail
/// already in one of its mailboxes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleRunRequest {
    pub mailbox_id: String,
    /// The one rule to run, by its place in the list (from 0); absent: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<u32>,
}

/// Where a run of rules over a mailbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleRunState {
    Running,
    Finished,
    /// Stopped by an error; what was done stays done.
    Failed,
}

/// A run of rules over a mailbox's stored mail, with its progress. Filing, copying,
/// flags and discarding (to Trash) are carried out; forwards, redirects, answers and
/// refusals are for arriving mail and only counted in `skipped_actions`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RuleRun {
    pub id: String,
    pub mailbox_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<u32>,
    pub state: RuleRunState,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Messages in the mailbox when the run started.
    pub total: u64,
    /// Messages looked at so far.
    pub processed: u64,
    /// Messages some rule matched.
    pub matched: u64,
    /// Messages moved to another mailbox (Trash included).
    pub moved: u64,
    /// Copies made in other mailboxes.
    pub copied: u64,
    /// Messages given flags or keywords.
    pub flagged: u64,
    /// Of `moved`, the messages the rules discard, moved to Trash.
    pub trashed: u64,
    /// Forwards, redirects, answers and refusals not carried out on stored mail.
    pub skipped_actions: u64,
    pub started_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
}
