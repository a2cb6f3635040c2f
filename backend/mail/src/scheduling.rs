//! The calendar's place in delivery: a message carrying an iCalendar scheduling object
//! (iMIP, RFC 6047 — a `text/calendar` part with a METHOD) is shown to the calendar
//! service once it is stored for local accounts, so that an attendee's answer reaches
//! the organiser's event. The calendar service is above this crate
//! (`osprey-calendar`); this is its interface. It never refuses or delays delivery.

use crate::lists::BoxFuture;

/// What the calendar does with delivered scheduling mail.
pub trait SchedulingHook: Send + Sync + 'static {
    /// `message`, from `sender` (its From address), was delivered to `accounts`.
    fn delivered<'a>(
        &'a self,
        accounts: &'a [String],
        sender: &'a str,
        message: &'a [u8],
    ) -> BoxFuture<'a, ()>;
}

/// Whether `message` may carry a scheduling object: a cheap look before parsing.
pub(crate) fn may_schedule(message: &[u8]) -> bool {
    message
        .windows(13)
        .any(|w| w.eq_ignore_ascii_case(b"text/calendar"))
}
