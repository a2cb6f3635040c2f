//! An event's organiser and attendees as iCalendar (RFC 5545 §3.8.4.1, §3.8.4.3): an
//! ORGANIZER and one ATTENDEE per person, each a `mailto:` address with its CN and, for
//! an attendee, its answer (PARTSTAT) and RSVP=TRUE.

use calcard::icalendar::{
    ICalendarComponent, ICalendarEntry, ICalendarParameter, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationStatus, ICalendarProperty, ICalendarValue, Uri,
};

use crate::fields::{Attendee, PartStat};

fn address_of(e: &ICalendarEntry) -> Option<String> {
    let v = e.values.first()?.as_text()?;
    let v = v
        .strip_prefix("mailto:")
        .or_else(|| v.strip_prefix("MAILTO:"))
        .unwrap_or(v);
    osprey_core::Address::parse(v.trim())
        .ok()
        .map(|a| a.to_string())
}

fn name_of(e: &ICalendarEntry) -> String {
    match e.parameter(&ICalendarParameterName::Cn) {
        Some(ICalendarParameterValue::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn status_of(e: &ICalendarEntry) -> PartStat {
    match e.parameter(&ICalendarParameterName::Partstat) {
        Some(ICalendarParameterValue::Partstat(p)) => match p {
            ICalendarParticipationStatus::Accepted => PartStat::Accepted,
            ICalendarParticipationStatus::Tentative => PartStat::Tentative,
            ICalendarParticipationStatus::Declined => PartStat::Declined,
            _ => PartStat::NeedsAction,
        },
        _ => PartStat::NeedsAction,
    }
}

fn partstat(s: PartStat) -> ICalendarParticipationStatus {
    match s {
        PartStat::NeedsAction => ICalendarParticipationStatus::NeedsAction,
        PartStat::Accepted => ICalendarParticipationStatus::Accepted,
        PartStat::Tentative => ICalendarParticipationStatus::Tentative,
        PartStat::Declined => ICalendarParticipationStatus::Declined,
    }
}

/// The component's organiser's address, if it names one.
pub(crate) fn organizer(comp: &ICalendarComponent) -> Option<String> {
    comp.property(&ICalendarProperty::Organizer)
        .and_then(address_of)
}

/// The component's attendees, in their order.
pub(crate) fn attendees(comp: &ICalendarComponent) -> Vec<Attendee> {
    comp.properties(&ICalendarProperty::Attendee)
        .filter_map(|e| {
            Some(Attendee {
                address: address_of(e)?,
                name: name_of(e),
                status: status_of(e),
            })
        })
        .collect()
}

fn person(name: ICalendarProperty, address: &str, cn: &str) -> ICalendarEntry {
    let mut e = ICalendarEntry::new(name).with_value(ICalendarValue::Uri(Uri::Location(format!(
        "mailto:{address}"
    ))));
    if !cn.is_empty() {
        e.add_param(ICalendarParameter::cn(cn.to_owned()));
    }
    e
}

/// Replaces the component's organiser and attendees; none at all when `attendees` is
/// empty (an event without guests has no organiser either).
pub(crate) fn write(
    comp: &mut ICalendarComponent,
    organizer: (&str, &str),
    attendees: &[Attendee],
) {
    comp.entries.retain(|e| {
        !matches!(
            e.name,
            ICalendarProperty::Organizer | ICalendarProperty::Attendee
        )
    });
    if attendees.is_empty() {
        return;
    }
    comp.entries.push(person(
        ICalendarProperty::Organizer,
        organizer.0,
        organizer.1,
    ));
    for a in attendees {
        let mut e = person(ICalendarProperty::Attendee, &a.address, &a.name);
        e.add_param(ICalendarParameter::partstat(partstat(a.status)));
        e.add_param(ICalendarParameter::rsvp(true));
        comp.entries.push(e);
    }
}

/// Sets `address`'s answer in the component; `false` when it is not an attendee.
pub(crate) fn answer(comp: &mut ICalendarComponent, address: &str, status: PartStat) -> bool {
    let mut found = false;
    for e in comp.properties_mut(&ICalendarProperty::Attendee) {
        if address_of(e).is_some_and(|a| a.eq_ignore_ascii_case(address)) {
            e.params
                .retain(|p| p.name != ICalendarParameterName::Partstat);
            e.add_param(ICalendarParameter::partstat(partstat(status)));
            found = true;
        }
    }
    found
}
