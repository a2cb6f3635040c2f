//! Moving and resizing events by dragging: a chip dropped on another day of the month,
//! or at another time of the time grid, moves its event; the handle at the bottom of a
//! chip in the time grid, dropped lower or higher, changes its end. A repeating event
//! asks first: this event, this and the following ones, or all. The change is the
//! event's own fields with the new times, saved as the editor saves them.

use std::cell::RefCell;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use osprey_api_types::{CalendarEventFields, Occurrence};

use super::dates::{self, Placed};

/// A move or a resize: the item and how far its start and its end go.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub item: Placed,
    pub start: Duration,
    pub end: Duration,
}

/// What is being dragged: the item, where in it the pointer took it (pixels from its
/// top), and whether it is its end (a resize).
#[derive(Clone, Debug)]
pub struct Grab {
    pub item: Placed,
    pub offset_px: i32,
    pub resize: bool,
}

thread_local! {
    static GRABBED: RefCell<Option<Grab>> = const { RefCell::new(None) };
}

/// Remembers what a drag started on.
pub fn grab(g: Grab) {
    GRABBED.with(|c| *c.borrow_mut() = Some(g));
}

/// What the drag that just ended started on.
pub fn take() -> Option<Grab> {
    GRABBED.with(|c| c.borrow_mut().take())
}

/// Snaps minutes to a quarter of an hour.
pub fn quarter(minutes: i64) -> i64 {
    (minutes + 7).div_euclid(15) * 15
}

/// A local `YYYY-MM-DDTHH:MM` time.
fn local(s: &str) -> Option<NaiveDateTime> {
    let day = dates::parse_day(s.get(..10)?)?;
    let mut hm = s.get(11..16)?.split(':');
    let h = hm.next()?.parse().ok()?;
    let m = hm.next()?.parse().ok()?;
    Some(day.and_time(NaiveTime::from_hms_opt(h, m, 0)?))
}

fn write(t: NaiveDateTime) -> String {
    format!("{}T{}", t.date(), dates::clock(t))
}

/// The event's fields with the occurrence moved as `m` says, for a change with `scope`
/// (`this` drops the rule: one occurrence has none); `None` when the end would not be
/// after the start.
pub fn shifted(
    o: &Occurrence,
    mut f: CalendarEventFields,
    m: &Moved,
    scope: Option<&str>,
) -> Option<CalendarEventFields> {
    if o.all_day {
        let start = dates::parse_day(&o.start)? + Duration::days(m.start.num_days());
        let end = dates::parse_day(&o.end)? + Duration::days(m.end.num_days());
        if end <= start {
            return None;
        }
        f.all_day = true;
        f.start = start.to_string();
        f.end = end.to_string();
    } else {
        // The occurrence's own wall times, in the event's zone, moved by as much as the
        // browser's.
        let start = local(&o.start)? + m.start;
        let end = local(&o.end)? + m.end;
        if end <= start {
            return None;
        }
        f.all_day = false;
        f.start = write(start);
        f.end = write(end);
        f.time_zone = o.time_zone.clone().or(f.time_zone);
    }
    if scope == Some("this") {
        f.recurrence = None;
    }
    // What the drag does not change stays as it is on the server.
    f.reminders = None;
    f.attendees = None;
    f.organizer = None;
    Some(f)
}
