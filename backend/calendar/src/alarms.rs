//! Reminders as iCalendar alarms: each is a VALARM under the event's main VEVENT or the
//! task's VTODO (RFC 5545 §3.6.6) with a TRIGGER (§3.8.6.3) before the start (`-PT10M`)
//! or at an instant (`VALUE=DATE-TIME`, in UTC). A task's reminders count back from when
//! it is due, which §3.8.6.3 says with `RELATED=END`: "If the alarm is specified for a
//! to-do with a trigger set relative to the END, then either the 'DUE' property or the
//! 'DTSTART' and 'DURATION' properties MUST be present". Osprey writes `ACTION:DISPLAY`,
//! what every client shows, and sends the owner a mail for each as well. Alarms it cannot
//! say in its own terms (after the start, an event's relative to its end, a task's to its
//! start) are kept when read and left out of the reminders; a change of the reminders
//! replaces them all.

use calcard::icalendar::{
    ICalendar, ICalendarAction, ICalendarComponent, ICalendarComponentType, ICalendarDuration,
    ICalendarEntry, ICalendarParameter, ICalendarParameterName, ICalendarParameterValue,
    ICalendarProperty, ICalendarRelated, ICalendarValue, ICalendarValueType,
};
use chrono::{TimeZone, Utc};

use crate::{fields::Reminder, ical};

fn alarm_ids(ics: &ICalendar, comp: usize) -> Vec<u32> {
    ics.components[comp]
        .component_ids
        .iter()
        .copied()
        .filter(|id| {
            ics.components
                .get(*id as usize)
                .is_some_and(|c| c.component_type == ICalendarComponentType::VAlarm)
        })
        .collect()
}

fn related_to_end(e: &ICalendarEntry) -> bool {
    e.params.iter().any(|p| {
        p.name == ICalendarParameterName::Related
            && p.value == ICalendarParameterValue::Related(ICalendarRelated::End)
    })
}

/// The reminders of the component `comp` (an event's main VEVENT or a task's VTODO).
pub(crate) fn read(ics: &ICalendar, comp: usize) -> Vec<Reminder> {
    let todo = ics.components[comp].component_type == ICalendarComponentType::VTodo;
    let mut out: Vec<Reminder> = alarm_ids(ics, comp)
        .into_iter()
        .filter_map(|id| {
            let trigger = ics.components[id as usize].property(&ICalendarProperty::Trigger)?;
            match trigger.values.first()? {
                ICalendarValue::Duration(d) if related_to_end(trigger) == todo => {
                    let seconds = u64::from(d.weeks) * 604_800
                        + u64::from(d.days) * 86_400
                        + u64::from(d.hours) * 3_600
                        + u64::from(d.minutes) * 60
                        + u64::from(d.seconds);
                    (d.neg || seconds == 0)
                        .then(|| Reminder::Before(u32::try_from(seconds / 60).unwrap_or(u32::MAX)))
                }
                ICalendarValue::PartialDateTime(p) => {
                    let t = p.to_date_time()?;
                    // §3.8.6.3: an absolute trigger "MUST be specified in UTC time".
                    let utc = t.offset.is_some_and(|o| o.local_minus_utc() == 0);
                    utc.then(|| Reminder::At(Utc.from_utc_datetime(&t.date_time)))
                }
                _ => None,
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A trigger `minutes` before the start, in the largest whole unit.
fn before(minutes: u32) -> ICalendarDuration {
    let mut d = ICalendarDuration {
        neg: minutes > 0,
        ..ICalendarDuration::default()
    };
    if minutes > 0 && minutes.is_multiple_of(1_440) {
        d.days = minutes / 1_440;
    } else if minutes > 0 && minutes.is_multiple_of(60) {
        d.hours = minutes / 60;
    } else {
        d.minutes = minutes;
    }
    d
}

fn alarm(r: Reminder, title: &str, todo: bool) -> ICalendarComponent {
    let mut a = ICalendarComponent::new(ICalendarComponentType::VAlarm);
    a.entries.push(
        ICalendarEntry::new(ICalendarProperty::Action)
            .with_value(ICalendarValue::Action(ICalendarAction::Display)),
    );
    let trigger = match r {
        Reminder::Before(m) => {
            let mut e = ICalendarEntry::new(ICalendarProperty::Trigger)
                .with_value(ICalendarValue::Duration(before(m)));
            if todo {
                e.add_param(ICalendarParameter::related(ICalendarRelated::End));
            }
            e
        }
        Reminder::At(t) => {
            let mut e = ICalendarEntry::new(ICalendarProperty::Trigger);
            e.add_param(ICalendarParameter::value(ICalendarValueType::DateTime));
            e.values = vec![ICalendarValue::PartialDateTime(Box::new(
                ical::partial_utc(t.naive_utc()),
            ))];
            e
        }
    };
    a.entries.push(trigger);
    a.entries
        .push(ICalendarEntry::new(ICalendarProperty::Description).with_value(title.to_owned()));
    a
}

/// Replaces the alarms of the calendar's main VEVENT with `reminders`.
pub(crate) fn write(ics: &mut ICalendar, reminders: &[Reminder]) {
    write_under(ics, ical::master, reminders);
}

/// Replaces the alarms of the component `find` picks (a VEVENT or a VTODO) with
/// `reminders`.
pub(crate) fn write_under(
    ics: &mut ICalendar,
    find: fn(&ICalendar) -> Option<usize>,
    reminders: &[Reminder],
) {
    let Some(m) = find(ics) else { return };
    let old = alarm_ids(ics, m);
    if !old.is_empty() {
        ics.remove_component_ids(&old);
    }
    let Some(m) = find(ics) else { return };
    let todo = ics.components[m].component_type == ICalendarComponentType::VTodo;
    let title = ics.components[m]
        .property(&ICalendarProperty::Summary)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .unwrap_or("Reminder")
        .to_owned();
    for r in reminders {
        let id = u32::try_from(ics.components.len()).unwrap_or(u32::MAX);
        ics.components.push(alarm(*r, &title, todo));
        ics.components[m].component_ids.push(id);
    }
}

/// Gives the main VEVENT's alarms its title as their DESCRIPTION (what a client's alarm
/// shows), after the event was renamed.
pub(crate) fn retitle(ics: &mut ICalendar) {
    retitle_under(ics, ical::master);
}

/// As [`retitle`], for the component `find` picks.
pub(crate) fn retitle_under(ics: &mut ICalendar, find: fn(&ICalendar) -> Option<usize>) {
    let Some(m) = find(ics) else { return };
    let Some(title) = ics.components[m]
        .property(&ICalendarProperty::Summary)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .map(str::to_owned)
    else {
        return;
    };
    for id in alarm_ids(ics, m) {
        let a = &mut ics.components[id as usize];
        a.entries
            .retain(|e| e.name != ICalendarProperty::Description);
        a.entries
            .push(ICalendarEntry::new(ICalendarProperty::Description).with_value(title.clone()));
    }
}
