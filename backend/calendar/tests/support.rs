//! What the calendar tests share.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use osprey_calendar::{
    CalendarService, EventFields, Limits, OccurrenceTime, Range, RangeResult, Recurrence, When,
};
use osprey_store::{Store, testing};

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day")
}

/// A window from midnight UTC of `from` to midnight UTC of `to`.
pub fn window(from: &str, to: &str) -> Range {
    let utc = |d: &str| Utc.from_utc_datetime(&day(d).and_hms_opt(0, 0, 0).unwrap());
    Range {
        from: utc(from),
        to: utc(to),
    }
}

/// A timed event in `zone` from `start` lasting `minutes`.
pub fn timed(title: &str, start: &str, minutes: i64, zone: &str) -> EventFields {
    let s = at(start);
    EventFields {
        title: title.into(),
        location: String::new(),
        description: String::new(),
        when: When::Timed {
            start: s,
            end: s + chrono::Duration::minutes(minutes),
            time_zone: zone.into(),
        },
        busy: true,
        categories: vec![],
        color: None,
        private: false,
        recurrence: None,
        reminders: None,
        attendees: None,
        organizer: None,
    }
}

pub fn repeating(mut f: EventFields, r: Recurrence) -> EventFields {
    f.recurrence = Some(r);
    f
}

/// Each occurrence's start: an RFC 3339 time with its offset, or a day.
pub fn starts(r: &RangeResult) -> Vec<String> {
    r.occurrences
        .iter()
        .map(|o| match &o.time {
            OccurrenceTime::Timed { start, .. } => start.to_rfc3339(),
            OccurrenceTime::AllDay { start, .. } => start.to_string(),
        })
        .collect()
}

/// A service whose windows may span years (recurrence tests look far ahead).
pub fn service(store: &Store) -> CalendarService {
    CalendarService::with_limits(
        store.clone(),
        Limits {
            max_range_days: 20 * 366,
            ..Limits::default()
        },
    )
}

/// An account and its default calendar's id.
pub async fn account(store: &Store, cal: &CalendarService, address: &str) -> (String, String) {
    let id = testing::user(store, address).await.id;
    let c = cal
        .default_calendar(&id)
        .await
        .expect("the default calendar");
    (id, c.id)
}
