//! Automatic answers: whether a vacation or auto-reply may answer a message (RFC 5230
//! §4.5, §4.6 and RFC 3834 §2), and the answer as data.
//!
//! The decision is a pure function of the message, the context and when this answer last
//! went to this sender. Composing the MIME message, sending it with the null reverse-path
//! and remembering when it went out are the delivery code's.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::{address, context::EvalContext, model::Vacation, view::MessageView};

/// The value of the `Auto-Submitted` field of every automatic answer (RFC 3834 §5).
pub const AUTO_SUBMITTED: &str = "auto-replied";

/// Which action asked for the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// An out-of-office answer, at most once per period per sender.
    Vacation,
    /// An auto-reply of an ordinary rule.
    AutoReply,
}

/// An answer to send. Send it with the null reverse-path (`MAIL FROM:<>`, RFC 3834
/// §3.3, RFC 5230 §5.1) and with `Auto-Submitted: auto-replied`, then remember
/// (`handle`, `to`) with the time, for the next [`EvalContext::last_replied`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Vacation or auto-reply.
    pub kind: ReplyKind,
    /// Names this answer's text, so that a new text answers everyone again (RFC 5230
    /// §4.2).
    pub handle: String,
    /// Where the answer goes: the original envelope sender.
    pub to: String,
    /// The address the answer is from: the action's identity or the recipient.
    pub from: String,
    /// The subject.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The original `Message-ID`, for `In-Reply-To`.
    pub in_reply_to: Option<String>,
    /// The original references and message id, for `References`.
    pub references: Vec<String>,
    /// The `Auto-Submitted` value, always [`AUTO_SUBMITTED`].
    pub auto_submitted: &'static str,
}

/// Why a message gets no automatic answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoReplyReason {
    /// Before the first day or after the last day of the vacation.
    OutsideWindow,
    /// The envelope sender is null (`<>`): a bounce or another report.
    NullSender,
    /// The sender is an address automated systems use (`MAILER-DAEMON`, `owner-*`, ...).
    AutomatedSender,
    /// The message has `Auto-Submitted` with a value other than `no`.
    AutoSubmitted,
    /// The message has `Precedence: bulk`, `list` or `junk`.
    BulkPrecedence,
    /// The message has a `List-Id` or another `List-*` field.
    MailingList,
    /// None of the user's addresses is in `To`, `Cc`, `Bcc` or the `Resent-*` fields.
    NotAddressedToUser,
    /// The sender is the user.
    FromSelf,
    /// This answer went to this sender less than the period ago.
    RepliedRecently,
}

impl fmt::Display for NoReplyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoReplyReason::OutsideWindow => "outside the vacation dates",
            NoReplyReason::NullSender => "the sender is null (a bounce)",
            NoReplyReason::AutomatedSender => "the sender is an automated address",
            NoReplyReason::AutoSubmitted => "the message was submitted automatically",
            NoReplyReason::BulkPrecedence => "the message is bulk mail (Precedence)",
            NoReplyReason::MailingList => "the message came through a mailing list",
            NoReplyReason::NotAddressedToUser => "the message is not addressed to the user",
            NoReplyReason::FromSelf => "the message is from the user",
            NoReplyReason::RepliedRecently => "this sender was answered recently",
        })
    }
}

/// The fields an RFC 2369 or RFC 2919 mailing list adds.
const LIST_FIELDS: &[&str] = &[
    "list-id",
    "list-help",
    "list-subscribe",
    "list-unsubscribe",
    "list-post",
    "list-owner",
    "list-archive",
];

/// Local parts that only automated systems use.
const AUTOMATED_LOCAL_PARTS: &[&str] = &[
    "mailer-daemon",
    "listserv",
    "majordomo",
    "postmaster",
    "noreply",
    "no-reply",
    "do-not-reply",
];

/// The handle of an answer: a digest of its subject, text and identity.
pub fn reply_handle(v: &Vacation) -> String {
    let mut h = Sha256::new();
    for part in [
        v.subject.as_deref().unwrap_or(""),
        &v.body,
        v.from.as_deref().unwrap_or(""),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Returns `true` if and only if automated systems use this address: `MAILER-DAEMON`
/// and the like, `owner-*` and `*-request` (RFC 5230 §4.6).
pub fn is_automated_address(addr: &str) -> bool {
    let (local, _) = address::split(addr);
    let local = local.to_ascii_lowercase();
    AUTOMATED_LOCAL_PARTS.contains(&local.as_str())
        || local.starts_with("owner-")
        || local.ends_with("-request")
        || local.ends_with("-owner")
        || local.ends_with("-bounces")
}

/// Decides whether the vacation answer `v` (an auto-reply is one with `days == 0`) may
/// answer `msg`; `last_replied` is when answer [`reply_handle`] last went to this sender.
pub fn vacation_should_reply(
    v: &Vacation,
    kind: ReplyKind,
    msg: &MessageView<'_>,
    ctx: &EvalContext<'_>,
    last_replied: Option<DateTime<Utc>>,
) -> Result<Reply, NoReplyReason> {
    let today = ctx.now.date_naive();
    if v.start.is_some_and(|start| today < start) || v.end.is_some_and(|end| today > end) {
        return Err(NoReplyReason::OutsideWindow);
    }
    let Some(sender) = ctx.sender() else {
        return Err(NoReplyReason::NullSender);
    };
    if is_automated_address(sender) {
        return Err(NoReplyReason::AutomatedSender);
    }
    if msg
        .header("auto-submitted")
        .any(|f| !f.lower.split(';').next().unwrap_or("").trim().eq("no"))
    {
        return Err(NoReplyReason::AutoSubmitted);
    }
    if msg
        .header("precedence")
        .any(|f| matches!(f.lower.trim(), "bulk" | "list" | "junk"))
    {
        return Err(NoReplyReason::BulkPrecedence);
    }
    if LIST_FIELDS.iter().any(|name| msg.has_header(name)) {
        return Err(NoReplyReason::MailingList);
    }
    if ctx.is_own_address(sender, &v.addresses)
        || msg
            .from()
            .iter()
            .any(|a| ctx.is_own_address(&a.text, &v.addresses))
    {
        return Err(NoReplyReason::FromSelf);
    }
    let addressed = msg
        .to()
        .iter()
        .chain(msg.cc())
        .chain(msg.other_recipients())
        .any(|a| ctx.is_own_address(&a.text, &v.addresses));
    if !addressed {
        return Err(NoReplyReason::NotAddressedToUser);
    }
    if v.days > 0
        && let Some(last) = last_replied
        && ctx.now.with_timezone(&Utc) < last + Duration::days(i64::from(v.days))
    {
        return Err(NoReplyReason::RepliedRecently);
    }
    let subject = match &v.subject {
        Some(s) => s.clone(),
        None => format!(
            "Auto: {}",
            msg.subject().map(|s| s.text.as_str()).unwrap_or("")
        ),
    };
    let mut references = msg.references().to_vec();
    if let Some(id) = msg.message_id() {
        references.push(id.to_owned());
    }
    Ok(Reply {
        kind,
        handle: reply_handle(v),
        to: sender.to_owned(),
        from: v
            .from
            .clone()
            .unwrap_or_else(|| ctx.envelope_recipient.to_owned()),
        subject: subject.trim_end().to_owned(),
        body: v.body.clone(),
        in_reply_to: msg.message_id().map(str::to_owned),
        references,
        auto_submitted: AUTO_SUBMITTED,
    })
}
