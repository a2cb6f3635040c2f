//! Dates and times as the browser sees them: now, local wall times of an occurrence,
//! the window a view shows, and the words for dates.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use osprey_api_types::Occurrence;
use wasm_bindgen::JsValue;

/// What the page shows at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Month,
    Week,
    Day,
    Agenda,
}

impl View {
    pub fn label(self) -> &'static str {
        match self {
            View::Month => "Month",
            View::Week => "Week",
            View::Day => "Day",
            View::Agenda => "Agenda",
        }
    }
}

/// Days the agenda lists.
pub const AGENDA_DAYS: i64 = 30;

fn local(d: &js_sys::Date) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// The browser's wall time now.
pub fn now() -> NaiveDateTime {
    local(&js_sys::Date::new_0())
}

/// The browser's time zone (an IANA name), or UTC.
pub fn browser_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The UTC instant (RFC 3339) of a browser wall time.
pub fn utc_of(t: NaiveDateTime) -> String {
    let d = js_sys::Date::new_with_year_month_day_hr_min_sec(
        t.year() as u32,
        t.month0() as i32,
        t.day() as i32,
        t.hour() as i32,
        t.minute() as i32,
        t.second() as i32,
    );
    String::from(d.to_iso_string())
}

/// A day as `2026-06-02` (by hand: chrono's parser would weigh on the bundle).
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let mut parts = s.trim().splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A start or end of an occurrence as a browser wall time: a date is its midnight, a
/// time with an offset is converted.
pub fn browser_time(s: &str) -> NaiveDateTime {
    if s.len() == 10 {
        return parse_day(s).unwrap_or_default().and_time(NaiveTime::MIN);
    }
    local(&js_sys::Date::new(&JsValue::from_str(s)))
}

/// The wall time an occurrence's start or end has in its event's own zone (the text before
/// the offset), what the event editor shows.
pub fn own_time(s: &str) -> (String, String) {
    let date = s.get(..10).unwrap_or_default().to_owned();
    let time = s.get(11..16).unwrap_or("09:00").to_owned();
    (date, time)
}

/// An occurrence placed in the browser's time.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub occ: Occurrence,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Placed {
    pub fn new(occ: Occurrence) -> Self {
        let start = browser_time(&occ.start);
        let end = browser_time(&occ.end).max(start);
        Self { occ, start, end }
    }

    /// Whether it covers part of `day` (an instant-long one at its start).
    pub fn on(&self, day: NaiveDate) -> bool {
        let from = day.and_time(NaiveTime::MIN);
        let to = from + Duration::days(1);
        if self.start == self.end {
            self.start >= from && self.start < to
        } else {
            self.start < to && self.end > from
        }
    }

    /// Shown in the row of whole days: all-day events and those of a day or more.
    pub fn in_day_row(&self) -> bool {
        self.occ.all_day || self.end - self.start >= Duration::days(1)
    }
}

/// The Monday of the week `d` is in.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The days a view shows around `anchor`: the first and how many.
pub fn span(view: View, anchor: NaiveDate) -> (NaiveDate, i64) {
    match view {
        View::Month => {
            let first = anchor.with_day(1).unwrap_or(anchor);
            (monday(first), 42)
        }
        View::Week => (monday(anchor), 7),
        View::Day => (anchor, 1),
        View::Agenda => (anchor, AGENDA_DAYS),
    }
}

/// The anchor one step forward (`1`) or back (`-1`).
pub fn step(view: View, anchor: NaiveDate, by: i32) -> NaiveDate {
    match view {
        View::Month => {
            let months = anchor.year() * 12 + anchor.month0() as i32 + by;
            NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
                .unwrap_or(anchor)
        }
        View::Week => anchor + Duration::days(7 * i64::from(by)),
        View::Day => anchor + Duration::days(i64::from(by)),
        View::Agenda => anchor + Duration::days(AGENDA_DAYS * i64::from(by)),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn month_name(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

pub fn short_month(d: NaiveDate) -> &'static str {
    &MONTHS[d.month0() as usize][..3]
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The heading of a view: "June 2026", "1 – 7 Jun 2026", "Tuesday 2 June 2026".
pub fn title(view: View, anchor: NaiveDate) -> String {
    let (first, days) = span(view, anchor);
    let last = first + Duration::days(days - 1);
    match view {
        View::Month => format!("{} {}", month_name(anchor), anchor.year()),
        View::Day => format!(
            "{} {} {} {}",
            weekday_name(anchor.weekday()),
            anchor.day(),
            month_name(anchor),
            anchor.year()
        ),
        View::Week | View::Agenda if first.month() == last.month() => format!(
            "{} – {} {} {}",
            first.day(),
            last.day(),
            short_month(last),
            last.year()
        ),
        View::Week | View::Agenda => format!(
            "{} {} – {} {} {}",
            first.day(),
            short_month(first),
            last.day(),
            short_month(last),
            last.year()
        ),
    }
}

/// `09:30`.
pub fn clock(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}
