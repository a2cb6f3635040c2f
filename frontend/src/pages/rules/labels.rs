//! What the rule editor calls each field, comparison and action, and a rule's one-line
//! summary in the list.

use osprey_api_types::{
    ActionKind, ConditionField, DeliveryRule, RuleAction, RuleCondition, TextOp,
};

pub const FIELDS: [ConditionField; 18] = [
    ConditionField::From,
    ConditionField::To,
    ConditionField::Cc,
    ConditionField::ToOrCc,
    ConditionField::Subject,
    ConditionField::ListId,
    ConditionField::Header,
    ConditionField::Body,
    ConditionField::EnvelopeSender,
    ConditionField::EnvelopeRecipient,
    ConditionField::SizeOver,
    ConditionField::SizeUnder,
    ConditionField::HasAttachment,
    ConditionField::AttachmentName,
    ConditionField::IsReply,
    ConditionField::SenderInAddressBook,
    ConditionField::SenderNotInAddressBook,
    ConditionField::DmarcFail,
];

pub fn field(f: ConditionField) -> &'static str {
    match f {
        ConditionField::From => "From",
        ConditionField::To => "To",
        ConditionField::Cc => "Cc",
        ConditionField::ToOrCc => "To or Cc",
        ConditionField::Header => "Header field",
        ConditionField::Subject => "Subject",
        ConditionField::ListId => "Mailing list (List-Id)",
        ConditionField::EnvelopeSender => "Envelope sender",
        ConditionField::EnvelopeRecipient => "Envelope recipient",
        ConditionField::Body => "Message text",
        ConditionField::SizeOver => "Size is over",
        ConditionField::SizeUnder => "Size is under",
        ConditionField::HasAttachment => "Has an attachment",
        ConditionField::AttachmentName => "Attachment name",
        ConditionField::IsReply => "Is a reply",
        ConditionField::SenderInAddressBook => "Sender is in my address book",
        ConditionField::SenderNotInAddressBook => "Sender is not in my address book",
        ConditionField::DmarcFail => "Fails the DMARC check",
    }
}

/// Whether a condition on `f` compares text (and so has an operator and a value).
pub fn is_text(f: ConditionField) -> bool {
    !matches!(
        f,
        ConditionField::SizeOver
            | ConditionField::SizeUnder
            | ConditionField::HasAttachment
            | ConditionField::IsReply
            | ConditionField::SenderInAddressBook
            | ConditionField::SenderNotInAddressBook
            | ConditionField::DmarcFail
    )
}

pub fn is_size(f: ConditionField) -> bool {
    matches!(f, ConditionField::SizeOver | ConditionField::SizeUnder)
}

pub const OPS: [TextOp; 12] = [
    TextOp::Contains,
    TextOp::NotContains,
    TextOp::Is,
    TextOp::NotIs,
    TextOp::StartsWith,
    TextOp::EndsWith,
    TextOp::Wildcard,
    TextOp::NotWildcard,
    TextOp::Regex,
    TextOp::NotRegex,
    TextOp::Exists,
    TextOp::NotExists,
];

pub fn op(o: TextOp) -> &'static str {
    match o {
        TextOp::Contains => "contains",
        TextOp::NotContains => "does not contain",
        TextOp::Is => "is",
        TextOp::NotIs => "is not",
        TextOp::StartsWith => "starts with",
        TextOp::EndsWith => "ends with",
        TextOp::Wildcard => "matches (* and ?)",
        TextOp::NotWildcard => "does not match (* and ?)",
        TextOp::Regex => "matches the regular expression",
        TextOp::NotRegex => "does not match the regular expression",
        TextOp::Exists => "exists",
        TextOp::NotExists => "does not exist",
    }
}

pub const ACTIONS: [ActionKind; 10] = [
    ActionKind::FileInto,
    ActionKind::CopyInto,
    ActionKind::SetFlags,
    ActionKind::MarkRead,
    ActionKind::Forward,
    ActionKind::Redirect,
    ActionKind::AutoReply,
    ActionKind::Reject,
    ActionKind::Discard,
    ActionKind::Stop,
];

pub fn action(a: ActionKind) -> &'static str {
    match a {
        ActionKind::FileInto => "Move to folder",
        ActionKind::CopyInto => "Copy to folder",
        ActionKind::SetFlags => "Add flags or labels",
        ActionKind::MarkRead => "Mark as read",
        ActionKind::Forward => "Forward a copy to",
        ActionKind::Redirect => "Redirect to",
        ActionKind::Reject => "Refuse with a message",
        ActionKind::Discard => "Delete it",
        ActionKind::AutoReply => "Answer with a text",
        ActionKind::Vacation => "Out-of-office answer",
        ActionKind::Stop => "Stop processing rules",
    }
}

/// The wire name of an enum value (its serde form), for `<select>` values.
pub fn key<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The value of `key` among `all`.
pub fn from_key<T: serde::Serialize + Copy>(all: &[T], k: &str) -> Option<T> {
    all.iter().copied().find(|v| key(v) == k)
}

fn condition(c: &RuleCondition) -> String {
    let what = match c.field {
        ConditionField::Header => format!("“{}”", c.name.clone().unwrap_or_default()),
        f => field(f).to_owned(),
    };
    if is_size(c.field) {
        return format!("{what} {} KB", c.bytes.unwrap_or(0) / 1024);
    }
    if !is_text(c.field) {
        return what;
    }
    let o = c.op.unwrap_or(TextOp::Contains);
    match o {
        TextOp::Exists | TextOp::NotExists => format!("{what} {}", op(o)),
        _ => format!("{what} {} “{}”", op(o), c.value.clone().unwrap_or_default()),
    }
}

fn act(a: &RuleAction) -> String {
    let list = |v: &[String]| v.join(", ");
    match a.kind {
        ActionKind::FileInto | ActionKind::CopyInto => format!(
            "{} “{}”",
            action(a.kind).to_lowercase(),
            a.mailbox.clone().unwrap_or_default()
        ),
        ActionKind::SetFlags => format!("add {}", list(&a.flags)),
        ActionKind::Forward | ActionKind::Redirect => {
            format!("{} {}", action(a.kind).to_lowercase(), list(&a.to))
        }
        k => action(k).to_lowercase(),
    }
}

/// "When From contains “x”: move to folder “Y”".
pub fn summary(r: &DeliveryRule) -> String {
    let when = if r.conditions.is_empty() {
        "Every message".to_owned()
    } else {
        let join = match r.match_mode {
            osprey_api_types::RuleMatch::All => " and ",
            osprey_api_types::RuleMatch::Any => " or ",
        };
        r.conditions
            .iter()
            .map(condition)
            .collect::<Vec<_>>()
            .join(join)
    };
    let then = r.actions.iter().map(act).collect::<Vec<_>>().join(", ");
    let stop = if r.stop { "; then stop" } else { "" };
    format!("{when}: {then}{stop}")
}
