//! The calendar's place in delivery: a message carrying an iCalendar scheduling object
//! (iMIP, RFC 6047 — a `text/calendar` part with a METHOD) is shown to the calendar
//! service once it is stored for local accounts, so that an attendee's answer reaches
//! the organiser's event. The calendar service is above this crate
//! (`osprey-calendar`); this is its interface. It never refuses or delays delivery.

use mail_parser::{Message, MessageParser, MimeHeaders};

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

/// The longest scheduling object read from a message.
const MAX_CALENDAR: usize = 1 << 20;

/// The message's iCalendar scheduling objects: each `text/calendar` part, or, when there
/// is none, each `application/ics` (or `.ics`) attachment — up to 1 MiB each.
pub fn calendar_objects(message: &[u8]) -> Vec<String> {
    MessageParser::default()
        .parse(message)
        .map(|m| calendar_parts(&m))
        .unwrap_or_default()
}

/// Whether the part is an iCalendar scheduling object: `text/calendar` (`calendar`), or
/// an `application/ics` (or `.ics`) attachment.
fn is_calendar(p: &mail_parser::MessagePart<'_>, attachment: bool) -> bool {
    let is = |ty: &str, sub: &str| {
        p.content_type().is_some_and(|t| {
            t.ctype().eq_ignore_ascii_case(ty)
                && t.subtype().is_some_and(|s| s.eq_ignore_ascii_case(sub))
        })
    };
    if attachment {
        is("application", "ics")
            || p.attachment_name()
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"))
    } else {
        is("text", "calendar")
    }
}

/// Whether the message has a part [`calendar_parts`] would read, without copying it.
pub(crate) fn has_calendar_part(m: &Message<'_>) -> bool {
    m.parts.iter().any(|p| {
        let bytes = p.contents();
        (is_calendar(p, false) || is_calendar(p, true))
            && bytes.len() <= MAX_CALENDAR
            && bytes.windows(15).any(|w| w == b"BEGIN:VCALENDAR")
    })
}

pub(crate) fn calendar_parts(m: &Message<'_>) -> Vec<String> {
    let text = |p: &mail_parser::MessagePart<'_>| {
        let bytes = p.contents();
        (bytes.len() <= MAX_CALENDAR)
            .then(|| String::from_utf8_lossy(bytes).into_owned())
            .filter(|t| t.contains("BEGIN:VCALENDAR"))
    };
    let found: Vec<String> = m
        .parts
        .iter()
        .filter(|p| is_calendar(p, false))
        .filter_map(text)
        .collect();
    if !found.is_empty() {
        return found;
    }
    m.parts
        .iter()
        .filter(|p| is_calendar(p, true))
        .filter_map(text)
        .collect()
}
