//! [`Outcome`]: the plan one evaluation produces — where the message goes, what is sent
//! on its behalf — and the trace of which rules matched, for the log and for the
//! "test this rule" endpoint.
//!
//! It is data only: the delivery code carries it out (and falls back to INBOX when a
//! target mailbox is gone).

use crate::vacation::Reply;

/// The mailbox of the implicit keep.
pub const INBOX: &str = "INBOX";

/// A delivery into one mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The mailbox, `/`-separated.
    pub mailbox: String,
    /// The flags and keywords to store the message with.
    pub flags: Vec<String>,
    /// Create the mailbox when it does not exist; otherwise deliver to INBOX instead.
    pub create_if_missing: bool,
    /// Whether this is the implicit keep (no rule chose the mailbox).
    pub implicit: bool,
}

/// How a message is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardKind {
    /// A `forward` action.
    Forward,
    /// A `redirect` action.
    Redirect,
}

/// A copy of the message to send to another address, through the outbound queue with an
/// SRS envelope sender, after [`crate::loops::check_forwarding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarding {
    /// The address.
    pub to: String,
    /// Forward or redirect.
    pub kind: ForwardKind,
}

/// How a rejection reaches the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectMode {
    /// As the SMTP reply (550) while the transaction is open.
    SmtpReply,
    /// As a delivery status notification, after the transaction.
    Dsn,
}

/// A refusal of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The reason for the sender.
    pub text: String,
    /// SMTP reply or bounce.
    pub mode: RejectMode,
}

/// What happened to one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleResult {
    /// The conditions held and the actions ran.
    Matched,
    /// The conditions did not hold.
    NotMatched,
    /// The rule is disabled.
    Disabled,
    /// The rule could not be compiled or matched; it was skipped, the others ran.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTrace {
    /// The position of the rule's layer in the list given to the engine (0: domain).
    pub layer: usize,
    /// The position of the rule in its layer.
    pub index: usize,
    /// The rule's name.
    pub name: String,
    /// What happened.
    pub result: RuleResult,
    /// What its actions did not do, and why (an answer not sent, a duplicate ignored).
    pub notes: Vec<String>,
}

/// The plan for one message and one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The mailboxes to store the message in, in order, each once. Empty when the
    /// message is discarded, redirected or rejected.
    pub deliveries: Vec<Delivery>,
    /// The addresses to send the message on to, each once.
    pub forwards: Vec<Forwarding>,
    /// The refusal; when set, nothing else is planned.
    pub rejection: Option<Rejection>,
    /// The automatic answers to send (at most one).
    pub replies: Vec<Reply>,
    /// The rules evaluated, in order.
    pub trace: Vec<RuleTrace>,
}

impl Outcome {
    /// Returns `true` if and only if the message goes nowhere and is not refused: it was
    /// discarded.
    pub fn is_discarded(&self) -> bool {
        self.deliveries.is_empty() && self.forwards.is_empty() && self.rejection.is_none()
    }

    /// The rules that matched, as (layer, index).
    pub fn matched(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.trace
            .iter()
            .filter(|t| t.result == RuleResult::Matched)
            .map(|t| (t.layer, t.index))
    }

    /// The rules that were skipped, with the reason.
    pub fn skipped(&self) -> impl Iterator<Item = (&RuleTrace, &str)> + '_ {
        self.trace.iter().filter_map(|t| match &t.result {
            RuleResult::Skipped { reason } => Some((t, reason.as_str())),
            _ => None,
        })
    }
}
