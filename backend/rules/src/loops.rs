//! Forwarding loop checks: before a rule sends a message on, the delivery code asks
//! whether the message has already been through this recipient, or through too many
//! hops, and adds the field that lets the next pass notice.
//!
//! Pure functions over a [`MessageView`]; the delivery code logs the refusal and
//! delivers the message once instead.

use std::fmt;

use crate::{address, view::MessageView};

/// The default hop limit: `Received` plus `Delivered-To` fields (Postfix's default
/// `hopcount_limit` is 50 as well).
pub const DEFAULT_MAX_HOPS: usize = 50;

/// Why a message must not be forwarded again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopReason {
    /// A `Delivered-To` field names the recipient: the message came back.
    DeliveredTo,
    /// An `X-Loop` field carries our marker.
    XLoop,
    /// The message has been through more hops than allowed.
    TooManyHops {
        /// `Received` and `Delivered-To` fields counted.
        hops: usize,
    },
}

impl fmt::Display for LoopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoopReason::DeliveredTo => {
                f.write_str("the message was already delivered to this recipient")
            }
            LoopReason::XLoop => f.write_str("the message carries our X-Loop marker"),
            LoopReason::TooManyHops { hops } => {
                write!(f, "the message has been through {hops} hops")
            }
        }
    }
}

/// Decides whether a rule of `recipient` may forward `msg`: `Err` when a `Delivered-To`
/// names the recipient, an `X-Loop` equals `loop_marker` or the recipient, or the hop
/// count exceeds `max_hops`.
pub fn check_forwarding(
    msg: &MessageView<'_>,
    recipient: &str,
    loop_marker: Option<&str>,
    max_hops: usize,
) -> Result<(), LoopReason> {
    if msg
        .header("delivered-to")
        .any(|v| address::same(&v.text, recipient))
    {
        return Err(LoopReason::DeliveredTo);
    }
    if msg.header("x-loop").any(|v| {
        address::same(&v.text, recipient)
            || loop_marker.is_some_and(|m| v.text.trim().eq_ignore_ascii_case(m))
    }) {
        return Err(LoopReason::XLoop);
    }
    let hops = msg
        .headers()
        .iter()
        .filter(|h| h.name == "received" || h.name == "delivered-to")
        .count();
    // RFC 5321 §6.3: "Simple counting of the number of "Received:" header fields in a
    // message has proven to be an effective, although rarely optimal, method of
    // detecting loops in mail systems."
    if hops > max_hops {
        return Err(LoopReason::TooManyHops { hops });
    }
    Ok(())
}

/// The field to prepend to a forwarded copy so that [`check_forwarding`] recognises it
/// when it comes back: `Delivered-To: <recipient>`.
pub fn loop_field(recipient: &str) -> (&'static str, String) {
    ("Delivered-To", recipient.trim().to_owned())
}
