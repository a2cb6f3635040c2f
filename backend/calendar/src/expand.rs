//! Occurrences: an event's recurrence expanded by calcard over a window, in the event's
//! time zone (so a weekly 09:00 in Berlin stays at 09:00 across the change to summer
//! time), with the bounds that let a range query read only the events that can fall in
//! its window. Every expansion is bounded: by the window's end, by a most number of
//! dates a rule may give, and by a most number of occurrences a query returns, and a
//! query says when a bound cut it short.

use calcard::{
    common::timezone::Tz as CalTz,
    icalendar::{
        ICalendar, ICalendarComponentType, ICalendarProperty, ICalendarValue,
        dates::{CalendarEvent, TimeOrDelta},
    },
};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

use crate::ical::{self, partial_utc};

/// The bounds of expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most occurrences one range query returns.
    pub max_occurrences: usize,
    /// Most dates one event's rule is expanded to, from its first up to a window's end.
    pub max_rule_dates: usize,
    /// The longest window a range query may ask for, in days.
    pub max_range_days: i64,
    /// Most items (events, tasks, notes) one `.ics` import keeps; the file's items after
    /// them are reported.
    pub max_import_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_occurrences: 5_000,
            max_rule_dates: 50_000,
            max_range_days: 400,
            max_import_events: 100_000,
        }
    }
}

/// A window of time: from `from` up to, not including, `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// When an occurrence happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OccurrenceTime {
    /// Instants, shown in the event's zone.
    Timed {
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        time_zone: String,
    },
    /// Days, the end not included.
    AllDay { start: NaiveDate, end: NaiveDate },
}

/// One occurrence of an event in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub event_id: String,
    pub calendar_id: String,
    pub uid: String,
    /// Which occurrence of a recurring event this is (its original start: a UTC instant
    /// `2026-03-30T07:00:00Z` or a day `2026-03-30`); what an edit or a delete of this
    /// occurrence names. `None` for an event that does not repeat.
    pub recurrence_id: Option<String>,
    pub time: OccurrenceTime,
    pub title: String,
    pub location: String,
    pub busy: bool,
    pub private: bool,
    pub color: Option<String>,
    /// The event repeats.
    pub recurring: bool,
    /// This occurrence was changed on its own.
    pub exception: bool,
    /// Only free/busy is shown: the title is "Busy", the location left out.
    pub masked: bool,
}

/// The occurrences of a range query, by start, and whether a bound cut them short.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeResult {
    pub occurrences: Vec<Occurrence>,
    pub truncated: bool,
}

/// How far 14 hours reach: no zone is further from UTC, so a day-long (floating) event
/// lies within its date's UTC midnight ± this in every zone.
pub(crate) fn margin() -> Duration {
    Duration::hours(14)
}

/// A component's occurrence, before it is dressed for a caller.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub comp: usize,
    pub start: DateTime<CalTz>,
    pub end: DateTime<CalTz>,
    pub all_day: bool,
    /// The occurrence's original start: the RECURRENCE-ID it has or would have.
    pub rid: Rid,
}

/// An occurrence's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Rid {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

impl Rid {
    pub fn to_text(self) -> String {
        match self {
            Rid::Instant(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Rid::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Reads what [`Rid::to_text`] writes (or any RFC 3339 instant).
    pub fn parse(s: &str) -> Option<Rid> {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Rid::Day(d));
        }
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| Rid::Instant(t.with_timezone(&Utc)))
    }
}

/// The zone floating times and days are read in.
pub(crate) fn cal_tz(name: &str) -> CalTz {
    name.parse::<chrono_tz::Tz>()
        .map(CalTz::Tz)
        .unwrap_or(CalTz::UTC)
}

/// The component's RECURRENCE-ID as an occurrence identity.
pub(crate) fn rid_of(cal: &ICalendar, comp: usize, viewer: &str) -> Option<Rid> {
    let d = ical::date_value(&cal.components[comp], &ICalendarProperty::RecurrenceId)?;
    if !d.has_time {
        return Some(Rid::Day(d.local.date()));
    }
    let zone = ical::zone_of(&d, viewer);
    let tz = zone.parse::<chrono_tz::Tz>().ok()?;
    tz.from_local_datetime(&d.local)
        .earliest()
        .map(|t| Rid::Instant(t.with_timezone(&Utc)))
}

/// The instant of a wall time in `tz` as RFC 5545 §3.3.5 reads it: the first of two,
/// and a time in a gap with the offset before the gap.
pub(crate) fn resolve(tz: chrono_tz::Tz, local: NaiveDateTime) -> Option<DateTime<chrono_tz::Tz>> {
    use chrono::offset::LocalResult;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(first, _) => Some(first),
        LocalResult::None => {
            let before = tz
                .from_local_datetime(&(local - Duration::hours(6)))
                .earliest()?;
            let offset = i64::from(before.offset().fix().local_minus_utc());
            Some(
                Utc.from_utc_datetime(&(local - Duration::seconds(offset)))
                    .with_timezone(&tz),
            )
        }
    }
}

/// Local times that do not exist or exist twice in their zone (on the days clocks change)
/// read as RFC 5545 §3.3.5 says — "If the local time represented by a DATE-TIME value is
/// nonexistent … the value MUST be interpreted by using the UTC offset before the gap"; one
/// that is ambiguous is "the first occurrence" — and are written so that calcard, which
/// takes only unambiguous local times, reads the same instant: a missing time becomes the
/// wall time after the gap, an ambiguous one its UTC time. In memory only.
pub(crate) fn fix_local_times(cal: &mut ICalendar, viewer: &str) {
    use chrono::offset::LocalResult;
    for comp in &mut cal.components {
        if comp.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        for name in [
            ICalendarProperty::Dtstart,
            ICalendarProperty::Dtend,
            ICalendarProperty::RecurrenceId,
        ] {
            let Some(d) = ical::date_value(comp, &name) else {
                continue;
            };
            if !d.has_time || d.utc || d.tz_id.is_none() {
                continue;
            }
            let Ok(tz) = ical::zone_of(&d, viewer).parse::<chrono_tz::Tz>() else {
                continue;
            };
            let fixed = match tz.from_local_datetime(&d.local) {
                LocalResult::Single(_) => continue,
                LocalResult::None => {
                    let Some(t) = resolve(tz, d.local) else {
                        continue;
                    };
                    ical::date_entry(name.clone(), &[t.naive_local()], d.tz_id.as_deref())
                }
                LocalResult::Ambiguous(first, _) => {
                    let mut e = calcard::icalendar::ICalendarEntry::new(name.clone());
                    e.values = vec![ICalendarValue::PartialDateTime(Box::new(partial_utc(
                        first.with_timezone(&Utc).naive_utc(),
                    )))];
                    e
                }
            };
            if let Some(entry) = comp.property_mut(&name) {
                *entry = fixed;
            }
        }
    }
}

/// Makes the calendar's rules safe and exact for calcard's expansion, in memory:
/// a rule's UTC UNTIL becomes the wall time of that instant in the event's zone (calcard
/// compares UNTIL with wall times), and when `until` is given, a rule without COUNT stops
/// there (a window's end) instead of running on to the bound of dates.
fn prepare(cal: &mut ICalendar, viewer: &str, until: Option<DateTime<Utc>>) {
    for comp in &mut cal.components {
        if comp.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let Some(start) = ical::date_value(comp, &ICalendarProperty::Dtstart) else {
            continue;
        };
        let zone = ical::zone_of(&start, viewer);
        let Ok(tz) = zone.parse::<chrono_tz::Tz>() else {
            continue;
        };
        let wall = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
        let Some(entry) = comp.property_mut(&ICalendarProperty::Rrule) else {
            continue;
        };
        let Some(ICalendarValue::RecurrenceRule(rule)) = entry.values.first_mut() else {
            continue;
        };
        if start.has_time
            && let Some(u) = rule.until.as_ref().and_then(|u| u.to_date_time())
            && u.offset.is_some()
        {
            let instant = Utc.from_utc_datetime(&u.date_time)
                - Duration::seconds(i64::from(u.offset.map_or(0, |o| o.local_minus_utc())));
            rule.until = Some(partial_utc(wall(instant)));
        }
        let Some(end) = until else { continue };
        if rule.count.is_some() {
            continue;
        }
        let stop = if start.has_time {
            wall(end)
        } else {
            (wall(end) + Duration::days(1))
                .date()
                .and_time(chrono::NaiveTime::MIN)
        };
        // A window that ends before the event starts holds none of its dates: the rule
        // stops at its first (UNTIL may not come before DTSTART).
        let stop = stop.max(start.local);
        let current = rule
            .until
            .as_ref()
            .and_then(|u| u.to_date_time())
            .map(|u| u.date_time);
        if current.is_none_or(|c| c > stop) {
            rule.until = Some(if start.has_time {
                partial_utc(stop)
            } else {
                ical::partial(stop, false)
            });
        }
    }
}

/// Every occurrence of the calendar's events that starts before `until` (all of them
/// when `None`), with `viewer` the zone of floating times and days; and whether the
/// bound of dates cut a rule short.
pub(crate) fn instances(
    cal: &ICalendar,
    viewer: &str,
    until: Option<DateTime<Utc>>,
    max_rule_dates: usize,
) -> (Vec<Instance>, bool) {
    let mut cal = cal.clone();
    fix_local_times(&mut cal, viewer);
    prepare(&mut cal, viewer, until);
    let expanded = cal.expand_dates(cal_tz(viewer), max_rule_dates);
    let master = ical::master(&cal);
    let all_day_of = |comp: usize| {
        ical::date_value(&cal.components[comp], &ICalendarProperty::Dtstart)
            .is_some_and(|d| !d.has_time)
    };
    let mut out = Vec::with_capacity(expanded.events.len());
    let mut from_rule = 0usize;
    for CalendarEvent {
        comp_id,
        start,
        end,
    } in expanded.events
    {
        let comp = comp_id as usize;
        let Some(c) = cal.components.get(comp) else {
            continue;
        };
        if c.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let mut end = match end {
            TimeOrDelta::Time(t) => t,
            TimeOrDelta::Delta(d) => start + d,
        };
        let all_day = all_day_of(comp);
        // An occurrence of a zoned rule on a wall time the zone skips or repeats comes
        // out floating: read it as §3.3.5 says.
        let mut start = start;
        if !all_day
            && start.timezone().is_floating()
            && let Some(tz) = zone_tz(&cal, comp, viewer)
            && let Some(t) = resolve(tz, start.naive_local())
        {
            let length = end.naive_local() - start.naive_local();
            start = t.with_timezone(&CalTz::Tz(tz));
            end = start + length;
        }
        let rid = match rid_of(&cal, comp, viewer) {
            Some(r) => r,
            None => {
                if Some(comp) == master {
                    from_rule += 1;
                }
                if all_day {
                    Rid::Day(start.date_naive())
                } else {
                    Rid::Instant(start.with_timezone(&Utc))
                }
            }
        };
        out.push(Instance {
            comp,
            start,
            end: end.max(start),
            all_day,
            rid,
        });
    }
    let excluded = master.map_or(0, |m| {
        cal.components[m]
            .properties(&ICalendarProperty::Exdate)
            .map(|e| e.values.len())
            .sum::<usize>()
    }) + ical::overrides(&cal).len();
    let cut = master.is_some_and(|m| cal.components[m].is_recurrent())
        && from_rule + excluded >= max_rule_dates;
    out.sort_by_key(|i| i.start);
    (out, cut)
}

/// The IANA zone of a component's DTSTART, when it names one.
fn zone_tz(cal: &ICalendar, comp: usize, viewer: &str) -> Option<chrono_tz::Tz> {
    let d = ical::date_value(&cal.components[comp], &ICalendarProperty::Dtstart)?;
    d.tz_id.as_ref()?;
    ical::zone_of(&d, viewer).parse().ok()
}

/// Whether the instance overlaps the window (an instant-long one counts at its start).
pub(crate) fn overlaps(i: &Instance, range: &Range) -> bool {
    let (s, e) = (i.start.with_timezone(&Utc), i.end.with_timezone(&Utc));
    if s == e {
        s >= range.from && s < range.to
    } else {
        s < range.to && e > range.from
    }
}

/// The instant an occurrence's start or end shows in its zone.
pub(crate) fn shown(t: DateTime<CalTz>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// The earliest start and latest end any occurrence can have (`None` for the end when a
/// rule never ends or was cut short), widened by a day's margin so that floating times
/// and days are found from every zone.
pub(crate) fn bounds(
    cal: &ICalendar,
    max_rule_dates: usize,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let master = ical::master(cal).map(|m| &cal.components[m]);
    let unbounded = master.is_some_and(|m| {
        m.property(&ICalendarProperty::Rrule)
            .and_then(|e| e.values.first())
            .is_some_and(|v| {
                matches!(v, ICalendarValue::RecurrenceRule(r) if r.count.is_none() && r.until.is_none())
            })
    });
    // A rule without end is expanded only over its first days: enough for the start
    // (changed occurrences and extra dates come out whatever the window).
    let first = master
        .and_then(|m| ical::date_value(m, &ICalendarProperty::Dtstart))
        .and_then(|d| {
            let tz = ical::zone_of(&d, "UTC").parse::<chrono_tz::Tz>().ok()?;
            tz.from_local_datetime(&d.local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        });
    let until = if unbounded {
        first.map(|f| f + Duration::days(2))
    } else {
        None
    };
    let (all, cut) = instances(cal, "UTC", until, max_rule_dates);
    let start = all.iter().map(|i| i.start.with_timezone(&Utc)).min();
    let end = all.iter().map(|i| i.end.with_timezone(&Utc)).max();
    let start = start.or(first).map(|s| s - margin());
    let end = if unbounded || cut {
        None
    } else {
        end.map(|e| e + margin())
    };
    (start, end)
}

/// A local wall time of the occurrence's start in `zone`, for RECURRENCE-ID and EXDATE.
pub(crate) fn local_start(rid: Rid, zone: Option<&str>) -> NaiveDateTime {
    match (rid, zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok())) {
        (Rid::Day(d), _) => d.and_time(chrono::NaiveTime::MIN),
        (Rid::Instant(t), Some(tz)) => t.with_timezone(&tz).naive_local(),
        (Rid::Instant(t), None) => t.naive_utc(),
    }
}

/// What a range query needs of an event that does not repeat, kept beside its text so
/// that the query does not parse it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Brief {
    pub title: String,
    pub location: String,
    pub busy: bool,
    pub private: bool,
    pub color: Option<String>,
    /// The IANA zone of the times; `None` for days.
    pub zone: Option<String>,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Brief {
    /// The brief of a calendar's one event, when it does not repeat and its times are in
    /// a zone, UTC or days (a floating time depends on who looks: no brief).
    pub fn of(cal: &ICalendar, f: &crate::EventFields) -> Option<String> {
        let m = ical::master(cal)?;
        let master = &cal.components[m];
        if master.is_recurrent() {
            return None;
        }
        let d = ical::date_value(master, &ICalendarProperty::Dtstart)?;
        if d.has_time && d.tz_id.is_none() && !d.utc {
            return None;
        }
        let (zone, start, end) = match &f.when {
            crate::When::Timed {
                start,
                end,
                time_zone,
            } => (Some(time_zone.clone()), *start, *end),
            crate::When::AllDay { start, end } => (
                None,
                start.and_time(chrono::NaiveTime::MIN),
                end.and_time(chrono::NaiveTime::MIN),
            ),
        };
        serde_json::to_string(&Brief {
            title: f.title.clone(),
            location: f.location.clone(),
            busy: f.busy,
            private: f.private,
            color: f.color.clone(),
            zone,
            start,
            end,
        })
        .ok()
    }

    /// Its one occurrence as an instance and the fields an occurrence shows; days are
    /// placed in `viewer`'s zone.
    pub fn instance(&self, viewer: &str) -> Option<(Instance, crate::EventFields)> {
        let (start, end, all_day, when) = match &self.zone {
            Some(z) => {
                let tz: chrono_tz::Tz = z.parse().ok()?;
                let s = resolve(tz, self.start)?;
                let e = resolve(tz, self.end)?;
                (
                    s.with_timezone(&CalTz::Tz(tz)),
                    e.with_timezone(&CalTz::Tz(tz)),
                    false,
                    crate::When::Timed {
                        start: self.start,
                        end: self.end,
                        time_zone: z.clone(),
                    },
                )
            }
            None => {
                let tz: chrono_tz::Tz = viewer.parse().unwrap_or(chrono_tz::UTC);
                let s = resolve(tz, self.start)?;
                let e = resolve(tz, self.end)?;
                (
                    s.with_timezone(&CalTz::Tz(tz)),
                    e.with_timezone(&CalTz::Tz(tz)),
                    true,
                    crate::When::AllDay {
                        start: self.start.date(),
                        end: self.end.date(),
                    },
                )
            }
        };
        let rid = if all_day {
            Rid::Day(self.start.date())
        } else {
            Rid::Instant(start.with_timezone(&Utc))
        };
        Some((
            Instance {
                comp: 0,
                start,
                end: end.max(start),
                all_day,
                rid,
            },
            crate::EventFields {
                title: self.title.clone(),
                location: self.location.clone(),
                description: String::new(),
                when,
                busy: self.busy,
                categories: Vec::new(),
                color: self.color.clone(),
                private: self.private,
                recurrence: None,
                reminders: None,
                attendees: None,
                organizer: None,
            },
        ))
    }
}
