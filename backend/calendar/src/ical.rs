//! Events as iCalendar (RFC 5545) through calcard: a VCALENDAR holding the event's main
//! VEVENT and one VEVENT per changed occurrence (same UID, a RECURRENCE-ID). Writing an
//! event replaces only the properties Osprey edits and keeps the rest (attendees, alarms,
//! other programs' X- properties), so what a client sent survives an edit here.

use calcard::{
    common::PartialDateTime,
    icalendar::{
        ICalendar, ICalendarClassification, ICalendarComponent, ICalendarComponentType,
        ICalendarDay, ICalendarEntry, ICalendarFrequency, ICalendarMonth, ICalendarParameter,
        ICalendarProperty, ICalendarRecurrenceRule, ICalendarTransparency, ICalendarValue,
        ICalendarValueType, ICalendarWeekday,
    },
};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc, Weekday};

use crate::fields::{DayRule, EventFields, Frequency, Recurrence, When};

pub(crate) const PRODID: &str = "-//Osprey//Calendar 1.0//EN";

/// The properties an edit of the event's fields replaces.
const EDITED: &[ICalendarProperty] = &[
    ICalendarProperty::Summary,
    ICalendarProperty::Location,
    ICalendarProperty::Description,
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Rrule,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
    ICalendarProperty::Transp,
    ICalendarProperty::Class,
    ICalendarProperty::Categories,
    ICalendarProperty::Color,
];

/// A local date-time as calcard holds it: with a time, or a date alone.
pub(crate) fn partial(dt: NaiveDateTime, with_time: bool) -> PartialDateTime {
    PartialDateTime {
        year: u16::try_from(dt.year()).ok(),
        month: u8::try_from(dt.month()).ok(),
        day: u8::try_from(dt.day()).ok(),
        hour: with_time.then(|| u8::try_from(dt.hour()).unwrap_or(0)),
        minute: with_time.then(|| u8::try_from(dt.minute()).unwrap_or(0)),
        second: with_time.then(|| u8::try_from(dt.second()).unwrap_or(0)),
        ..PartialDateTime::default()
    }
}

/// A UTC instant as calcard holds it (written with `Z`).
pub(crate) fn partial_utc(dt: NaiveDateTime) -> PartialDateTime {
    PartialDateTime {
        tz_hour: Some(0),
        tz_minute: Some(0),
        ..partial(dt, true)
    }
}

/// A date-time property: `TZID=` for a zoned time, `VALUE=DATE` for a day.
pub(crate) fn date_entry(
    name: ICalendarProperty,
    values: &[NaiveDateTime],
    time_zone: Option<&str>,
) -> ICalendarEntry {
    let mut entry = ICalendarEntry::new(name);
    match time_zone {
        Some(tz) => entry.add_param(ICalendarParameter::tzid(tz.to_owned())),
        None => entry.add_param(ICalendarParameter::value(ICalendarValueType::Date)),
    }
    entry.values = values
        .iter()
        .map(|v| ICalendarValue::PartialDateTime(Box::new(partial(*v, time_zone.is_some()))))
        .collect();
    entry
}

fn text_entry(name: ICalendarProperty, value: &str) -> ICalendarEntry {
    ICalendarEntry::new(name).with_value(value.to_owned())
}

/// Removes every `name` property of the component.
fn remove(comp: &mut ICalendarComponent, names: &[ICalendarProperty]) {
    comp.entries.retain(|e| !names.contains(&e.name));
}

fn weekday(w: Weekday) -> ICalendarWeekday {
    match w {
        Weekday::Mon => ICalendarWeekday::Monday,
        Weekday::Tue => ICalendarWeekday::Tuesday,
        Weekday::Wed => ICalendarWeekday::Wednesday,
        Weekday::Thu => ICalendarWeekday::Thursday,
        Weekday::Fri => ICalendarWeekday::Friday,
        Weekday::Sat => ICalendarWeekday::Saturday,
        Weekday::Sun => ICalendarWeekday::Sunday,
    }
}

/// The RRULE of a recurrence. `until` becomes the end of that day: a date for a
/// day-long event, else the UTC instant of the day's end in the event's zone, as RFC 5545
/// §3.3.10 asks of an event with a TZID ("UNTIL rule part MUST be specified as a date
/// with UTC time").
pub(crate) fn rule(r: &Recurrence, when: &When) -> ICalendarRecurrenceRule {
    let until = r.until.map(|day| match when {
        When::AllDay { .. } => partial(day.and_time(NaiveTime::MIN), false),
        When::Timed { time_zone, .. } => {
            let last = day.and_hms_opt(23, 59, 59).unwrap_or_default();
            let utc = time_zone
                .parse::<chrono_tz::Tz>()
                .ok()
                .and_then(|tz| tz.from_local_datetime(&last).earliest())
                .map_or(last, |t| t.with_timezone(&Utc).naive_utc());
            partial_utc(utc)
        }
    });
    ICalendarRecurrenceRule {
        freq: match r.frequency {
            Frequency::Daily => ICalendarFrequency::Daily,
            Frequency::Weekly => ICalendarFrequency::Weekly,
            Frequency::Monthly => ICalendarFrequency::Monthly,
            Frequency::Yearly => ICalendarFrequency::Yearly,
        },
        until,
        count: r.count,
        interval: (r.interval > 1).then_some(r.interval),
        byday: r
            .by_day
            .iter()
            .map(|d| ICalendarDay {
                ordwk: d.ordinal.map(i16::from),
                weekday: weekday(d.weekday),
            })
            .collect(),
        bymonthday: r.by_month_day.clone(),
        bymonth: r
            .by_month
            .iter()
            .map(|m| ICalendarMonth::new(*m, false))
            .collect(),
        bysetpos: r.by_set_pos.iter().map(|p| i32::from(*p)).collect(),
        ..ICalendarRecurrenceRule::default()
    }
}

/// Writes the fields into `comp`, replacing what an edit replaces. `with_rule` is
/// false for a changed occurrence, which has no rule of its own.
pub(crate) fn write_fields(comp: &mut ICalendarComponent, f: &EventFields, with_rule: bool) {
    remove(comp, EDITED);
    comp.entries
        .push(text_entry(ICalendarProperty::Summary, &f.title));
    if !f.location.is_empty() {
        comp.entries
            .push(text_entry(ICalendarProperty::Location, &f.location));
    }
    if !f.description.is_empty() {
        comp.entries
            .push(text_entry(ICalendarProperty::Description, &f.description));
    }
    let (start, end, tz) = match &f.when {
        When::Timed {
            start,
            end,
            time_zone,
        } => (*start, *end, Some(time_zone.as_str())),
        When::AllDay { start, end } => (
            start.and_time(NaiveTime::MIN),
            end.and_time(NaiveTime::MIN),
            None,
        ),
    };
    comp.entries
        .push(date_entry(ICalendarProperty::Dtstart, &[start], tz));
    comp.entries
        .push(date_entry(ICalendarProperty::Dtend, &[end], tz));
    if with_rule && let Some(r) = &f.recurrence {
        comp.entries.push(
            ICalendarEntry::new(ICalendarProperty::Rrule)
                .with_value(ICalendarValue::RecurrenceRule(Box::new(rule(r, &f.when)))),
        );
        if !r.rdates.is_empty() {
            comp.entries
                .push(date_entry(ICalendarProperty::Rdate, &r.rdates, tz));
        }
        if !r.exdates.is_empty() {
            comp.entries
                .push(date_entry(ICalendarProperty::Exdate, &r.exdates, tz));
        }
    }
    comp.entries
        .push(ICalendarEntry::new(ICalendarProperty::Transp).with_value(
            ICalendarValue::Transparency(if f.busy {
                ICalendarTransparency::Opaque
            } else {
                ICalendarTransparency::Transparent
            }),
        ));
    comp.entries
        .push(ICalendarEntry::new(ICalendarProperty::Class).with_value(
            ICalendarValue::Classification(if f.private {
                ICalendarClassification::Private
            } else {
                ICalendarClassification::Public
            }),
        ));
    if !f.categories.is_empty() {
        comp.entries.push(
            ICalendarEntry::new(ICalendarProperty::Categories).with_values(
                f.categories
                    .iter()
                    .map(|c| ICalendarValue::Text(c.clone()))
                    .collect(),
            ),
        );
    }
    if let Some(c) = &f.color {
        comp.entries.push(text_entry(ICalendarProperty::Color, c));
    }
}

/// Sets the component's SEQUENCE and stamps it as changed now.
pub(crate) fn stamp(comp: &mut ICalendarComponent, sequence: i64) {
    remove(
        comp,
        &[
            ICalendarProperty::Dtstamp,
            ICalendarProperty::LastModified,
            ICalendarProperty::Sequence,
        ],
    );
    let now = PartialDateTime::now();
    comp.add_dtstamp(now.clone());
    comp.entries.push(
        ICalendarEntry::new(ICalendarProperty::LastModified)
            .with_value(ICalendarValue::PartialDateTime(Box::new(now))),
    );
    comp.add_sequence(sequence);
}

/// A VCALENDAR with nothing in it yet.
pub(crate) fn new_root() -> ICalendar {
    let mut root = ICalendarComponent::new(ICalendarComponentType::VCalendar);
    root.entries
        .push(text_entry(ICalendarProperty::Version, "2.0"));
    root.entries
        .push(text_entry(ICalendarProperty::Prodid, PRODID));
    ICalendar {
        components: vec![root],
    }
}

/// A new VCALENDAR holding one event.
pub(crate) fn new_event(uid: &str, f: &EventFields) -> ICalendar {
    let mut event = ICalendarComponent::new(ICalendarComponentType::VEvent);
    event.add_uid(uid);
    event
        .entries
        .push(ICalendarEntry::new(ICalendarProperty::Created).with_value(
            ICalendarValue::PartialDateTime(Box::new(PartialDateTime::now())),
        ));
    stamp(&mut event, 0);
    write_fields(&mut event, f, true);
    let mut cal = new_root();
    push(&mut cal, event);
    cal
}

/// Adds `comp` to the calendar as a child of the VCALENDAR.
pub(crate) fn push(cal: &mut ICalendar, comp: ICalendarComponent) {
    let id = u32::try_from(cal.components.len()).unwrap_or(u32::MAX);
    cal.components.push(comp);
    if let Some(root) = cal.components.first_mut() {
        root.component_ids.push(id);
    }
}

/// The calendar as text, with a VTIMEZONE for each time zone it names (RFC 5545 §3.6.5:
/// "An individual "VTIMEZONE" calendar component MUST be specified for each unique
/// "TZID" parameter value").
pub(crate) fn to_text(mut cal: ICalendar) -> String {
    cal.add_missing_timezones();
    cal.to_string()
}

/// The index of the event's main component: the first VEVENT without a RECURRENCE-ID.
pub(crate) fn master(cal: &ICalendar) -> Option<usize> {
    cal.components.iter().position(|c| {
        c.component_type == ICalendarComponentType::VEvent
            && !c.has_property(&ICalendarProperty::RecurrenceId)
    })
}

/// The changed occurrences: each VEVENT with a RECURRENCE-ID, by index.
pub(crate) fn overrides(cal: &ICalendar) -> Vec<usize> {
    cal.components
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.component_type == ICalendarComponentType::VEvent
                && c.has_property(&ICalendarProperty::RecurrenceId)
        })
        .map(|(i, _)| i)
        .collect()
}

/// A date-time property's value: the local time, whether it has a time, the TZID and
/// whether it is UTC.
pub(crate) struct DateValue {
    pub local: NaiveDateTime,
    pub has_time: bool,
    pub tz_id: Option<String>,
    pub utc: bool,
}

pub(crate) fn date_value(comp: &ICalendarComponent, name: &ICalendarProperty) -> Option<DateValue> {
    let entry = comp.property(name)?;
    date_of(entry, 0)
}

fn date_of(entry: &ICalendarEntry, i: usize) -> Option<DateValue> {
    let Some(ICalendarValue::PartialDateTime(p)) = entry.values.get(i) else {
        return None;
    };
    let r = p.to_date_time()?;
    Some(DateValue {
        local: r.date_time,
        has_time: p.has_time(),
        tz_id: entry.tz_id().map(str::to_owned),
        utc: r.offset.is_some_and(|o| o.local_minus_utc() == 0),
    })
}

fn text_of(comp: &ICalendarComponent, name: &ICalendarProperty) -> String {
    comp.property(name)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .unwrap_or_default()
        .to_owned()
}

/// The text of a component's first `name` property; empty when it has none.
pub(crate) fn text(comp: &ICalendarComponent, name: &ICalendarProperty) -> String {
    comp.property(name)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .unwrap_or_default()
        .to_owned()
}

/// The event's sequence number.
pub(crate) fn sequence(comp: &ICalendarComponent) -> i64 {
    comp.property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_integer)
        .unwrap_or(0)
}

/// The zone a component's times are in: its DTSTART's TZID, `UTC` for a UTC time, else
/// `default` (a floating time is read in the calendar's zone).
pub(crate) fn zone_of(d: &DateValue, default: &str) -> String {
    if d.utc {
        "UTC".into()
    } else {
        d.tz_id
            .as_deref()
            .filter(|t| t.parse::<chrono_tz::Tz>().is_ok())
            .unwrap_or(default)
            .to_owned()
    }
}

fn frequency(f: ICalendarFrequency) -> Option<Frequency> {
    match f {
        ICalendarFrequency::Daily => Some(Frequency::Daily),
        ICalendarFrequency::Weekly => Some(Frequency::Weekly),
        ICalendarFrequency::Monthly => Some(Frequency::Monthly),
        ICalendarFrequency::Yearly => Some(Frequency::Yearly),
        _ => None,
    }
}

fn dates_of(comp: &ICalendarComponent, name: &ICalendarProperty) -> Vec<NaiveDateTime> {
    comp.properties(name)
        .flat_map(|e| (0..e.values.len()).filter_map(move |i| date_of(e, i)))
        .map(|d| d.local)
        .collect()
}

/// The event's fields as Osprey edits them, read from a component; `default_zone`
/// for floating times. `None` when the component has no start.
pub(crate) fn read_fields(comp: &ICalendarComponent, default_zone: &str) -> Option<EventFields> {
    let start = date_value(comp, &ICalendarProperty::Dtstart)?;
    let end = date_value(comp, &ICalendarProperty::Dtend);
    let duration = comp
        .property(&ICalendarProperty::Duration)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Duration(d) => d.to_time_delta(),
            _ => None,
        });
    let zone = zone_of(&start, default_zone);
    let when = if start.has_time {
        let end_local = match (&end, duration) {
            (Some(e), _) if e.has_time => to_zone(e, &zone, default_zone),
            (_, Some(d)) => start.local + d,
            _ => start.local,
        };
        When::Timed {
            start: start.local,
            end: end_local.max(start.local),
            time_zone: zone.clone(),
        }
    } else {
        let s = start.local.date();
        let e = match (&end, duration) {
            (Some(e), _) => e.local.date(),
            (_, Some(d)) => (start.local + d).date(),
            _ => s.succ_opt().unwrap_or(s),
        };
        When::AllDay {
            start: s,
            end: if e > s { e } else { s.succ_opt().unwrap_or(s) },
        }
    };
    let recurrence = comp
        .property(&ICalendarProperty::Rrule)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::RecurrenceRule(r) => Some(r),
            _ => None,
        })
        .and_then(|r| {
            let mut out = Recurrence::every(frequency(r.freq)?);
            out.interval = r.interval.unwrap_or(1).max(1);
            out.count = r.count;
            out.until = r.until.as_ref().and_then(|u| until_day(u, &zone));
            out.by_day = r
                .byday
                .iter()
                .map(|d| DayRule {
                    weekday: d.weekday.into(),
                    ordinal: d.ordwk.and_then(|o| i8::try_from(o).ok()),
                })
                .collect();
            out.by_month_day = r.bymonthday.clone();
            out.by_month = r.bymonth.iter().map(|m| m.month()).collect();
            out.by_set_pos = r
                .bysetpos
                .iter()
                .filter_map(|p| i16::try_from(*p).ok())
                .collect();
            out.rdates = dates_of(comp, &ICalendarProperty::Rdate);
            out.exdates = dates_of(comp, &ICalendarProperty::Exdate);
            Some(out)
        });
    let categories = comp
        .properties(&ICalendarProperty::Categories)
        .flat_map(|e| e.values.iter().filter_map(ICalendarValue::as_text))
        .map(str::to_owned)
        .collect();
    let busy = !matches!(
        comp.transparency(),
        Some(ICalendarTransparency::Transparent)
    );
    let private = comp
        .property(&ICalendarProperty::Class)
        .and_then(|e| e.values.first())
        .is_some_and(|v| {
            matches!(
                v,
                ICalendarValue::Classification(
                    ICalendarClassification::Private | ICalendarClassification::Confidential
                )
            )
        });
    let color = Some(text_of(comp, &ICalendarProperty::Color))
        .filter(|c| crate::fields::color("color", c).is_ok());
    Some(EventFields {
        title: text_of(comp, &ICalendarProperty::Summary),
        location: text_of(comp, &ICalendarProperty::Location),
        description: text_of(comp, &ICalendarProperty::Description),
        when,
        busy,
        categories,
        color,
        private,
        recurrence,
        reminders: None,
        attendees: None,
        organizer: None,
    })
}

/// The wall time of `d` in `zone` (a UTC value or one in another zone converted).
fn to_zone(d: &DateValue, zone: &str, default_zone: &str) -> NaiveDateTime {
    let from = zone_of(d, default_zone);
    if from == zone {
        return d.local;
    }
    let (Ok(from), Ok(to)) = (from.parse::<chrono_tz::Tz>(), zone.parse::<chrono_tz::Tz>()) else {
        return d.local;
    };
    from.from_local_datetime(&d.local)
        .earliest()
        .map_or(d.local, |t| t.with_timezone(&to).naive_local())
}

/// The last day of a rule's UNTIL, in the event's zone.
fn until_day(u: &PartialDateTime, zone: &str) -> Option<NaiveDate> {
    let r = u.to_date_time()?;
    if r.offset.is_some()
        && let Ok(tz) = zone.parse::<chrono_tz::Tz>()
    {
        return Some(
            Utc.from_utc_datetime(&r.date_time)
                .with_timezone(&tz)
                .date_naive(),
        );
    }
    Some(r.date_time.date())
}

/// The RECURRENCE-ID property for the occurrence that starts at `local` (in the master's
/// zone, or a day), written as the master's DTSTART is.
pub(crate) fn recurrence_id(local: NaiveDateTime, time_zone: Option<&str>) -> ICalendarEntry {
    date_entry(ICalendarProperty::RecurrenceId, &[local], time_zone)
}
