//! [`EvalContext`]: what evaluation needs besides the message — the envelope, the clock,
//! and the two answers that live in the store (is this sender in the address book, when
//! did we last answer them), passed as functions so that the engine does no I/O.
//!
//! The delivery code knows the sender before it evaluates, so it can load both answers
//! for that one sender first and hand them in as closures over the loaded values.

use chrono::{DateTime, FixedOffset, Utc};

/// Never in the address book.
fn nobody(_: &str) -> bool {
    false
}

/// Never answered.
fn never(_: &str, _: &str) -> Option<DateTime<Utc>> {
    None
}

/// The circumstances of one evaluation.
#[derive(Clone, Copy)]
pub struct EvalContext<'a> {
    /// The envelope sender (SMTP `MAIL FROM`); `None` or empty for the null sender `<>`.
    pub envelope_sender: Option<&'a str>,
    /// The envelope recipient the rules run for.
    pub envelope_recipient: &'a str,
    /// Every address of the recipient's account (aliases included): vacation answers only
    /// mail addressed to one of them and never mail from one of them.
    pub own_addresses: &'a [String],
    /// Whether the SMTP transaction is still open, so that a reject can be the SMTP
    /// reply rather than a bounce.
    pub in_smtp_transaction: bool,
    /// Now, in the account's time zone (the vacation window is in its dates).
    pub now: DateTime<FixedOffset>,
    /// Returns `true` if and only if the address is in the recipient's address book.
    pub in_address_book: &'a dyn Fn(&str) -> bool,
    /// When the automatic answer `handle` was last sent to the sender (second argument).
    pub last_replied: &'a dyn Fn(&str, &str) -> Option<DateTime<Utc>>,
    /// Our authserv-id: only `Authentication-Results` fields with it are believed.
    pub authserv_id: Option<&'a str>,
}

impl std::fmt::Debug for EvalContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalContext")
            .field("envelope_sender", &self.envelope_sender)
            .field("envelope_recipient", &self.envelope_recipient)
            .field("in_smtp_transaction", &self.in_smtp_transaction)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl<'a> EvalContext<'a> {
    /// A context for delivery from `sender` to `recipient` at `now`, outside an SMTP
    /// transaction, with an empty address book, no answer sent before, no own address
    /// besides the recipient's, and no authserv-id.
    pub fn new(sender: Option<&'a str>, recipient: &'a str, now: DateTime<FixedOffset>) -> Self {
        Self {
            envelope_sender: sender,
            envelope_recipient: recipient,
            own_addresses: &[],
            in_smtp_transaction: false,
            now,
            in_address_book: &nobody,
            last_replied: &never,
            authserv_id: None,
        }
    }

    /// The envelope sender, `None` for the null sender.
    pub fn sender(&self) -> Option<&'a str> {
        self.envelope_sender
            .map(str::trim)
            .map(|s| s.trim_start_matches('<').trim_end_matches('>'))
            .filter(|s| !s.is_empty())
    }

    /// Returns `true` if and only if `addr` is the recipient or one of `own_addresses` or
    /// `extra`, ignoring case.
    pub fn is_own_address(&self, addr: &str, extra: &[String]) -> bool {
        crate::address::same(addr, self.envelope_recipient)
            || self
                .own_addresses
                .iter()
                .chain(extra)
                .any(|own| crate::address::same(addr, own))
    }
}
