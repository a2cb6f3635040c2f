//! An event's fields as people edit them, and their rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc, Weekday};

use crate::{
    CalendarError,
    calendars::{MAX_REMINDER_MINUTES, MAX_REMINDERS},
};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 500;
/// Longest location, in characters.
pub const MAX_LOCATION: usize = 1_000;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 20_000;
/// Most categories of an event, and the longest one.
pub const MAX_CATEGORIES: usize = 20;
const MAX_CATEGORY: usize = 100;
/// Most extra or excluded dates of an event.
pub const MAX_DATES: usize = 1_000;
/// The largest COUNT a rule may have.
pub const MAX_COUNT: u32 = 10_000;
/// The longest an event may last.
const MAX_DAYS: i64 = 366 * 5;

/// When an event happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// From `start` to `end`, wall-clock times in `time_zone` (an IANA name).
    Timed {
        start: NaiveDateTime,
        end: NaiveDateTime,
        time_zone: String,
    },
    /// Whole days from `start` up to, not including, `end` (as iCalendar's DTEND):
    /// a one-day event on 1 May ends on 2 May.
    AllDay { start: NaiveDate, end: NaiveDate },
}

impl When {
    /// The start as a local date-time (midnight for a day).
    pub fn start_local(&self) -> NaiveDateTime {
        match self {
            When::Timed { start, .. } => *start,
            When::AllDay { start, .. } => start.and_time(chrono::NaiveTime::MIN),
        }
    }

    /// The time zone the times are in; `None` for days, which are the same everywhere.
    pub fn time_zone(&self) -> Option<&str> {
        match self {
            When::Timed { time_zone, .. } => Some(time_zone),
            When::AllDay { .. } => None,
        }
    }

    pub fn is_all_day(&self) -> bool {
        matches!(self, When::AllDay { .. })
    }
}

/// How often a rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A day of a rule: every `weekday`, or with `ordinal` its nth (1 the first, -1 the
/// last) in the month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRule {
    pub weekday: Weekday,
    pub ordinal: Option<i8>,
}

/// A recurrence rule (RFC 5545 §3.3.10) with its extra and excluded dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Every `interval` days/weeks/months/years; at least 1.
    pub interval: u16,
    /// Ends after this many occurrences.
    pub count: Option<u32>,
    /// Ends on this day (the last occurrence is on or before it), in the event's zone.
    pub until: Option<NaiveDate>,
    pub by_day: Vec<DayRule>,
    /// Days of the month, 1 to 31 or -31 to -1 (from the end).
    pub by_month_day: Vec<i8>,
    /// Months, 1 to 12.
    pub by_month: Vec<u8>,
    /// Which of the days found in each period: 1 the first, -1 the last.
    pub by_set_pos: Vec<i16>,
    /// Extra occurrences (RDATE), as local starts in the event's zone.
    pub rdates: Vec<NaiveDateTime>,
    /// Occurrences left out (EXDATE), as local starts in the event's zone.
    pub exdates: Vec<NaiveDateTime>,
}

impl Recurrence {
    /// A rule repeating at `frequency` every time, with nothing else set.
    pub fn every(frequency: Frequency) -> Self {
        Self {
            frequency,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            rdates: Vec::new(),
            exdates: Vec::new(),
        }
    }
}

/// When a reminder goes: kept in the iCalendar as a VALARM's TRIGGER (RFC 5545
/// §3.8.6.3), relative to the start or at a fixed instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reminder {
    /// So many minutes before each occurrence starts (0: as it starts).
    Before(u32),
    /// Once, at this instant.
    At(DateTime<Utc>),
}

/// Checks reminders: at most [`MAX_REMINDERS`], each at most four weeks ahead; sorted,
/// each once.
pub(crate) fn reminders(field: &str, list: Vec<Reminder>) -> Result<Vec<Reminder>, CalendarError> {
    if list.len() > MAX_REMINDERS {
        return Err(CalendarError::invalid(
            field,
            format!("at most {MAX_REMINDERS}"),
        ));
    }
    if let Some(i) = list
        .iter()
        .position(|r| matches!(r, Reminder::Before(m) if *m > MAX_REMINDER_MINUTES))
    {
        return Err(CalendarError::invalid(
            format!("{field}[{i}]"),
            format!("0 to {MAX_REMINDER_MINUTES} minutes before"),
        ));
    }
    let mut list = list;
    list.sort_unstable();
    list.dedup();
    Ok(list)
}

/// An attendee's answer (iCalendar PARTSTAT, RFC 5545 §3.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStat {
    NeedsAction,
    Accepted,
    Tentative,
    Declined,
}

/// Someone invited to an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// The e-mail address (lower-cased domain).
    pub address: String,
    /// The display name; may be empty.
    pub name: String,
    pub status: PartStat,
}

/// Most attendees of an event.
pub const MAX_ATTENDEES: usize = 100;

/// Checks attendees: each a valid address, once (the first one named stays).
pub(crate) fn attendees(list: Vec<Attendee>) -> Result<Vec<Attendee>, CalendarError> {
    if list.len() > MAX_ATTENDEES {
        return Err(CalendarError::invalid(
            "attendees",
            format!("at most {MAX_ATTENDEES}"),
        ));
    }
    let mut out: Vec<Attendee> = Vec::with_capacity(list.len());
    for (i, a) in list.into_iter().enumerate() {
        let address = osprey_core::Address::parse(a.address.trim()).map_err(|_| {
            CalendarError::invalid(
                format!("attendees[{i}].address"),
                format!("{:?} is not an e-mail address", a.address),
            )
        })?;
        let name = text(&format!("attendees[{i}].name"), &a.name, 200)?;
        let address = address.to_string();
        if !out.iter().any(|o| o.address.eq_ignore_ascii_case(&address)) {
            out.push(Attendee {
                address,
                name,
                status: a.status,
            });
        }
    }
    Ok(out)
}

/// An event's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields {
    pub title: String,
    pub location: String,
    pub description: String,
    pub when: When,
    /// Shown as busy in free/busy (iCalendar TRANSP:OPAQUE); `false` is free.
    pub busy: bool,
    pub categories: Vec<String>,
    /// `#rrggbb`, or `None` for the calendar's colour.
    pub color: Option<String>,
    /// Readers of a shared calendar see only "busy" (CLASS:PRIVATE).
    pub private: bool,
    pub recurrence: Option<Recurrence>,
    /// The owner's reminders of each occurrence. Read: always `Some`. Written: `None`
    /// gives a new event its calendar's default reminders and leaves a changed one's
    /// as they were.
    pub reminders: Option<Vec<Reminder>>,
    /// Who is invited, with their answers. Read: always `Some` (empty: no one).
    /// Written: `None` leaves them as they were.
    pub attendees: Option<Vec<Attendee>>,
    /// Who invited (read only): the organiser's address when there are attendees.
    pub organizer: Option<String>,
}

/// Checks a colour: `#rrggbb` in hex; returns it lower-cased.
pub(crate) fn color(field: &str, value: &str) -> Result<String, CalendarError> {
    let v = value.trim();
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(CalendarError::invalid(field, "a colour as #rrggbb"));
    }
    Ok(v.to_ascii_lowercase())
}

/// Checks an IANA time zone name.
pub(crate) fn time_zone(field: &str, value: &str) -> Result<chrono_tz::Tz, CalendarError> {
    value
        .parse::<chrono_tz::Tz>()
        .map_err(|_| CalendarError::invalid(field, format!("{value:?} is not a known time zone")))
}

fn text(field: &str, value: &str, max: usize) -> Result<String, CalendarError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(CalendarError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(CalendarError::invalid(
            field,
            "control characters are not allowed",
        ));
    }
    Ok(v.replace("\r\n", "\n"))
}

impl EventFields {
    /// The fields trimmed and checked; the first wrong one is named.
    pub fn normalized(self) -> Result<Self, CalendarError> {
        let title = text("title", &self.title, MAX_TITLE)?;
        if title.is_empty() {
            return Err(CalendarError::invalid("title", "an event needs a title"));
        }
        let location = text("location", &self.location, MAX_LOCATION)?;
        let description = text("description", &self.description, MAX_DESCRIPTION)?;
        match &self.when {
            When::Timed {
                start,
                end,
                time_zone: tz,
            } => {
                time_zone("time_zone", tz)?;
                if end < start {
                    return Err(CalendarError::invalid("end", "the end is before the start"));
                }
                if (*end - *start).num_days() > MAX_DAYS {
                    return Err(CalendarError::invalid(
                        "end",
                        "an event lasts at most five years",
                    ));
                }
            }
            When::AllDay { start, end } => {
                if end <= start {
                    return Err(CalendarError::invalid(
                        "end",
                        "an all-day event ends on a later day than it starts",
                    ));
                }
                if (*end - *start).num_days() > MAX_DAYS {
                    return Err(CalendarError::invalid(
                        "end",
                        "an event lasts at most five years",
                    ));
                }
            }
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(CalendarError::invalid(
                "categories",
                format!("at most {MAX_CATEGORIES}"),
            ));
        }
        let mut categories = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            let c = text(&format!("categories[{i}]"), c, MAX_CATEGORY)?;
            if c.is_empty() || c.contains(',') {
                return Err(CalendarError::invalid(
                    format!("categories[{i}]"),
                    "a category is a word or words without commas",
                ));
            }
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
        let color = self
            .color
            .as_deref()
            .map(|c| color("color", c))
            .transpose()?;
        let recurrence = self
            .recurrence
            .map(|r| r.normalized(&self.when))
            .transpose()?;
        let reminders = self
            .reminders
            .map(|r| reminders("reminders", r))
            .transpose()?;
        let attendees = self.attendees.map(attendees).transpose()?;
        Ok(Self {
            title,
            location,
            description,
            when: self.when,
            busy: self.busy,
            categories,
            color,
            private: self.private,
            recurrence,
            reminders,
            attendees,
            organizer: self.organizer,
        })
    }

    /// Lower-cased text a search looks through: title, place, notes, categories and
    /// attendees.
    pub(crate) fn search_text(&self) -> String {
        let mut s = format!("{}\n{}\n{}", self.title, self.location, self.description);
        for c in &self.categories {
            s.push('\n');
            s.push_str(c);
        }
        for a in self.attendees.iter().flatten() {
            s.push('\n');
            s.push_str(&a.name);
            s.push(' ');
            s.push_str(&a.address);
        }
        s.to_lowercase()
    }
}

impl Recurrence {
    fn normalized(mut self, when: &When) -> Result<Self, CalendarError> {
        let bad = |f: &str, m: &str| Err(CalendarError::invalid(format!("recurrence.{f}"), m));
        if self.interval == 0 {
            return bad("interval", "at least 1");
        }
        if self.count.is_some() && self.until.is_some() {
            return bad("count", "a rule ends after a count or on a day, not both");
        }
        if let Some(c) = self.count
            && !(1..=MAX_COUNT).contains(&c)
        {
            return Err(CalendarError::invalid(
                "recurrence.count",
                format!("1 to {MAX_COUNT}"),
            ));
        }
        if let Some(u) = self.until
            && u < when.start_local().date()
        {
            return bad("until", "the rule ends before the event starts");
        }
        if self.by_day.iter().any(|d| {
            d.ordinal
                .is_some_and(|o| o == 0 || !(-53..=53).contains(&o))
        }) {
            return bad("by_day", "an ordinal is 1 to 53 or -53 to -1");
        }
        if self.by_day.iter().any(|d| {
            d.ordinal.is_some() && !matches!(self.frequency, Frequency::Monthly | Frequency::Yearly)
        }) {
            return bad(
                "by_day",
                "a numbered weekday needs a monthly or yearly rule",
            );
        }
        if self
            .by_month_day
            .iter()
            .any(|d| *d == 0 || !(-31..=31).contains(d))
        {
            return bad("by_month_day", "1 to 31 or -31 to -1");
        }
        if self.by_month.iter().any(|m| !(1..=12).contains(m)) {
            return bad("by_month", "1 to 12");
        }
        if self
            .by_set_pos
            .iter()
            .any(|p| *p == 0 || !(-366..=366).contains(p))
        {
            return bad("by_set_pos", "1 to 366 or -366 to -1");
        }
        if self.rdates.len() > MAX_DATES {
            return Err(CalendarError::invalid(
                "recurrence.rdates",
                format!("at most {MAX_DATES}"),
            ));
        }
        if self.exdates.len() > MAX_DATES {
            return Err(CalendarError::invalid(
                "recurrence.exdates",
                format!("at most {MAX_DATES}"),
            ));
        }
        for list in [&mut self.rdates, &mut self.exdates] {
            if when.is_all_day() {
                for d in list.iter_mut() {
                    *d = d.date().and_time(chrono::NaiveTime::MIN);
                }
            }
            list.sort();
            list.dedup();
        }
        self.by_day.dedup();
        self.by_month_day.dedup();
        self.by_month.dedup();
        self.by_set_pos.dedup();
        Ok(self)
    }
}
