//! The event dialog: a new event, or one occurrence of an event opened from a view —
//! its fields, the repeat rule in words, and, for a repeating event, the question every
//! calendar asks before a change or a delete: this event, this and following, or all.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use osprey_api_types::{
    AnswerInvitation, AttendeeStatus, Calendar, CalendarAccess, CalendarEventFields, DayOfWeek,
    EventAttendee, EventRecurrence, EventReminder, Occurrence, RecurrenceDay, RecurrenceFrequency,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::dates;
use crate::api::{ApiError, use_api};
use crate::components::address_input::AddressInput;
use crate::components::banner::ProblemBanner;
use crate::components::field::{Checkbox, Select, TextArea, TextField};
use crate::state::use_session;

/// What the dialog opens on.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    New { start: NaiveDateTime },
    Existing(Occurrence),
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub target: Target,
    pub calendars: Vec<Calendar>,
    /// The browser's zone: new events' default.
    pub zone: String,
    pub onclose: Callback<()>,
    /// A change was saved: the view reloads.
    pub onsaved: Callback<()>,
}

const DAYS: [(DayOfWeek, &str); 7] = [
    (DayOfWeek::Monday, "Mon"),
    (DayOfWeek::Tuesday, "Tue"),
    (DayOfWeek::Wednesday, "Wed"),
    (DayOfWeek::Thursday, "Thu"),
    (DayOfWeek::Friday, "Fri"),
    (DayOfWeek::Saturday, "Sat"),
    (DayOfWeek::Sunday, "Sun"),
];

/// The form as typed.
#[derive(Clone, Debug, PartialEq, Default)]
struct Draft {
    title: String,
    calendar_id: String,
    all_day: bool,
    start_date: String,
    start_time: String,
    end_date: String,
    end_time: String,
    time_zone: String,
    location: String,
    description: String,
    busy: bool,
    private: bool,
    /// `none`, `daily`, `weekly`, `monthly` or `yearly`.
    repeat: String,
    interval: String,
    weekdays: Vec<DayOfWeek>,
    /// A monthly rule's day: `day` (the start's day of the month), `nth` (its weekday's
    /// place in the month: the third Tuesday) or `last` (the last such weekday).
    monthly: String,
    /// `never`, `count` or `until`.
    ends: String,
    count: String,
    until: String,
    /// Reminders, each so many minutes before (those at a fixed time stay in `kept`).
    reminders: Vec<u32>,
    /// The guests as typed: addresses separated by commas.
    guests: String,
    /// The guests as saved, with their answers.
    answers: Vec<EventAttendee>,
    /// Who invited, when the event is an invitation to the account.
    organizer: Option<String>,
    /// What the form does not edit (categories, colour, extra and excluded dates…).
    kept: Option<CalendarEventFields>,
}

/// Most reminders of an event (as the server allows).
const MAX_REMINDERS: usize = 5;
/// The reminder times the form offers, in minutes before.
const REMINDER_CHOICES: [u32; 10] = [0, 5, 10, 15, 30, 60, 120, 1440, 2880, 10080];

/// The guests typed: `Name <address>` or an address, separated by commas.
pub(super) fn guests_of(text: &str) -> Vec<EventAttendee> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match (t.rfind('<'), t.rfind('>')) {
            (Some(a), Some(b)) if a < b => EventAttendee {
                address: t[a + 1..b].trim().to_owned(),
                name: t[..a].trim().trim_matches('"').to_owned(),
                status: AttendeeStatus::NeedsAction,
            },
            _ => EventAttendee {
                address: t.to_owned(),
                name: String::new(),
                status: AttendeeStatus::NeedsAction,
            },
        })
        .collect()
}

/// An answer in words.
fn answer_words(s: AttendeeStatus) -> &'static str {
    match s {
        AttendeeStatus::NeedsAction => "Awaiting an answer",
        AttendeeStatus::Accepted => "Going",
        AttendeeStatus::Tentative => "Maybe",
        AttendeeStatus::Declined => "Not going",
    }
}

/// A reminder in words: "10 minutes before", "1 day before", "At the start".
pub fn reminder_words(minutes: u32) -> String {
    let (n, unit) = match minutes {
        0 => return "At the start".into(),
        m if m.is_multiple_of(10080) => (m / 10080, "week"),
        m if m.is_multiple_of(1440) => (m / 1440, "day"),
        m if m.is_multiple_of(60) => (m / 60, "hour"),
        m => (m, "minute"),
    };
    format!("{n} {unit}{} before", if n == 1 { "" } else { "s" })
}

/// A wall time typed as `HH:MM`.
fn typed_time(day: &str, time: &str) -> Option<NaiveDateTime> {
    let (h, m) = time.trim().split_once(':')?;
    dates::parse_day(day)?.and_hms_opt(h.parse().ok()?, m.get(..2)?.parse().ok()?, 0)
}

/// The event's time as the browser's wall time, when it is set in the browser's zone.
fn browser_span(d: &Draft) -> Option<(NaiveDateTime, NaiveDateTime)> {
    if d.all_day || d.time_zone != dates::browser_zone() {
        return None;
    }
    Some((
        typed_time(&d.start_date, &d.start_time)?,
        typed_time(&d.end_date, &d.end_time)?,
    ))
}

fn weekday_of(d: NaiveDate) -> DayOfWeek {
    DAYS[d.weekday().num_days_from_monday() as usize].0
}

fn new_draft(start: NaiveDateTime, calendar: Option<&Calendar>, zone: String) -> Draft {
    let end = start + Duration::hours(1);
    Draft {
        calendar_id: calendar.map(|c| c.id.clone()).unwrap_or_default(),
        // A new event starts with its calendar's default reminders.
        reminders: calendar
            .map(|c| c.default_reminders.clone())
            .unwrap_or_default(),
        start_date: start.date().to_string(),
        start_time: dates::clock(start),
        end_date: end.date().to_string(),
        end_time: dates::clock(end),
        time_zone: zone,
        busy: true,
        repeat: "none".into(),
        interval: "1".into(),
        weekdays: vec![weekday_of(start.date())],
        monthly: "day".into(),
        ends: "never".into(),
        ..Draft::default()
    }
}

/// The draft of an occurrence: the series' fields with this occurrence's times.
fn existing_draft(o: &Occurrence, f: CalendarEventFields) -> Draft {
    let (start_date, start_time) = dates::own_time(&o.start);
    let (mut end_date, end_time) = dates::own_time(&o.end);
    if o.all_day {
        // The form shows the last day; iCalendar keeps the day after.
        end_date = dates::parse_day(&end_date)
            .map(|d| (d - Duration::days(1)).to_string())
            .unwrap_or(end_date);
    }
    let r = f.recurrence.clone();
    Draft {
        title: f.title.clone(),
        calendar_id: o.calendar_id.clone(),
        all_day: o.all_day,
        start_date,
        start_time,
        end_date,
        end_time,
        time_zone: o
            .time_zone
            .clone()
            .or(f.time_zone.clone())
            .unwrap_or_default(),
        location: f.location.clone(),
        description: f.description.clone(),
        busy: f.busy,
        private: f.private,
        repeat: match r.as_ref().map(|r| r.frequency) {
            None => "none",
            Some(RecurrenceFrequency::Daily) => "daily",
            Some(RecurrenceFrequency::Weekly) => "weekly",
            Some(RecurrenceFrequency::Monthly) => "monthly",
            Some(RecurrenceFrequency::Yearly) => "yearly",
        }
        .into(),
        interval: r.as_ref().map_or(1, |r| r.interval).to_string(),
        weekdays: r
            .as_ref()
            .map(|r| r.by_day.iter().map(|d| d.weekday).collect())
            .unwrap_or_default(),
        monthly: match r.as_ref().map(|r| r.by_day.as_slice()) {
            Some([one]) if one.ordinal == Some(-1) => "last",
            Some([one]) if one.ordinal.is_some_and(|o| o > 0) => "nth",
            _ => "day",
        }
        .into(),
        ends: match &r {
            Some(r) if r.count.is_some() => "count",
            Some(r) if r.until.is_some() => "until",
            _ => "never",
        }
        .into(),
        count: r
            .as_ref()
            .and_then(|r| r.count)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        until: r
            .as_ref()
            .and_then(|r| r.until)
            .map(|u| u.to_string())
            .unwrap_or_default(),
        reminders: f
            .reminders
            .iter()
            .flatten()
            .filter_map(|r| r.minutes_before)
            .collect(),
        guests: f
            .attendees
            .iter()
            .flatten()
            .map(|a| a.address.clone())
            .collect::<Vec<_>>()
            .join(", "),
        answers: f.attendees.clone().unwrap_or_default(),
        organizer: f.organizer.clone(),
        kept: Some(f),
    }
}

/// The place of `d`'s weekday in its month: 1 for the first … 5 for the fifth.
fn nth_of(d: NaiveDate) -> i8 {
    i8::try_from((d.day() - 1) / 7 + 1).unwrap_or(1)
}

const ORDINALS: [&str; 5] = ["first", "second", "third", "fourth", "fifth"];

fn day_name(w: DayOfWeek) -> &'static str {
    match w {
        DayOfWeek::Monday => "Monday",
        DayOfWeek::Tuesday => "Tuesday",
        DayOfWeek::Wednesday => "Wednesday",
        DayOfWeek::Thursday => "Thursday",
        DayOfWeek::Friday => "Friday",
        DayOfWeek::Saturday => "Saturday",
        DayOfWeek::Sunday => "Sunday",
    }
}

/// The choices of a monthly (or, `yearly`, a yearly) rule for a start day: (value,
/// words) — the same day, the nth weekday, or the last weekday (of the start's month,
/// for a yearly rule).
fn monthly_options(start: Option<NaiveDate>, yearly: bool) -> Vec<(String, String)> {
    let Some(s) = start else {
        return vec![("day".into(), "On the same day".into())];
    };
    let name = day_name(weekday_of(s));
    let of = if yearly {
        format!(" of {}", dates::month_name(s))
    } else {
        String::new()
    };
    let same = if yearly {
        format!("On {} {}", s.day(), dates::month_name(s))
    } else {
        format!("On day {}", s.day())
    };
    let mut out = vec![
        ("day".into(), same),
        (
            "nth".into(),
            format!("On the {} {name}{of}", ORDINALS[(nth_of(s) - 1) as usize]),
        ),
    ];
    if (s + Duration::days(7)).month() != s.month() {
        out.push(("last".into(), format!("On the last {name}{of}")));
    }
    out
}

/// The rule in words: "Every 2 weeks on Mon and Thu, until 30 June 2026".
fn in_words(d: &Draft) -> String {
    let n: u32 = d.interval.trim().parse().unwrap_or(1).max(1);
    let unit = match d.repeat.as_str() {
        "daily" => "day",
        "weekly" => "week",
        "monthly" => "month",
        "yearly" => "year",
        _ => return "Does not repeat".into(),
    };
    let mut s = if n == 1 {
        format!("Every {unit}")
    } else {
        format!("Every {n} {unit}s")
    };
    if d.repeat == "weekly" && !d.weekdays.is_empty() {
        let names: Vec<&str> = DAYS
            .iter()
            .filter(|(w, _)| d.weekdays.contains(w))
            .map(|(_, n)| *n)
            .collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        s.push_str(&format!(" on {list}"));
    }
    if (d.repeat == "monthly" || (d.repeat == "yearly" && d.monthly != "day"))
        && let Some((_, words)) =
            monthly_options(dates::parse_day(&d.start_date), d.repeat == "yearly")
                .into_iter()
                .find(|(v, _)| *v == d.monthly)
    {
        s.push_str(&format!(" o{}", words.get(1..).unwrap_or_default()));
    }
    match d.ends.as_str() {
        "count" => s.push_str(&format!(", {} times", d.count.trim())),
        "until" => {
            if let Some(u) = dates::parse_day(&d.until) {
                s.push_str(&format!(
                    ", until {} {} {}",
                    u.day(),
                    dates::month_name(u),
                    u.year()
                ));
            }
        }
        _ => {}
    }
    s
}

/// The request body, or the form's own message about a field.
fn body(d: &Draft) -> Result<CalendarEventFields, ApiError> {
    let kept = d.kept.clone();
    let day = |field: &str, v: &str| {
        dates::parse_day(v).ok_or_else(|| ApiError::local(field, "Choose a date."))
    };
    let (start, end) = if d.all_day {
        let last = day("end", &d.end_date)?;
        (
            day("start", &d.start_date)?.to_string(),
            (last + Duration::days(1)).to_string(),
        )
    } else {
        (
            format!("{}T{}", day("start", &d.start_date)?, d.start_time.trim()),
            format!("{}T{}", day("end", &d.end_date)?, d.end_time.trim()),
        )
    };
    let kept_rule = kept.as_ref().and_then(|k| k.recurrence.clone());
    let recurrence =
        match d.repeat.as_str() {
            "none" => None,
            r => {
                Some(EventRecurrence {
                    frequency: match r {
                        "daily" => RecurrenceFrequency::Daily,
                        "weekly" => RecurrenceFrequency::Weekly,
                        "monthly" => RecurrenceFrequency::Monthly,
                        _ => RecurrenceFrequency::Yearly,
                    },
                    interval: d.interval.trim().parse().map_err(|_| {
                        ApiError::local("recurrence.interval", "Enter a whole number.")
                    })?,
                    count: match d.ends.as_str() {
                        "count" => Some(d.count.trim().parse().map_err(|_| {
                            ApiError::local("recurrence.count", "Enter how many times.")
                        })?),
                        _ => None,
                    },
                    until: match d.ends.as_str() {
                        "until" => Some(day("recurrence.until", &d.until)?),
                        _ => None,
                    },
                    by_day: if r == "monthly" || r == "yearly" && d.monthly != "day" {
                        match (d.monthly.as_str(), dates::parse_day(&d.start_date)) {
                            ("nth", Some(s)) => vec![RecurrenceDay {
                                weekday: weekday_of(s),
                                ordinal: Some(nth_of(s)),
                            }],
                            ("last", Some(s)) => vec![RecurrenceDay {
                                weekday: weekday_of(s),
                                ordinal: Some(-1),
                            }],
                            _ => Vec::new(),
                        }
                    } else if r == "weekly" {
                        DAYS.iter()
                            .filter(|(w, _)| d.weekdays.contains(w))
                            .map(|(w, _)| RecurrenceDay {
                                weekday: *w,
                                ordinal: None,
                            })
                            .collect()
                    } else {
                        kept_rule
                            .as_ref()
                            .map(|k| k.by_day.clone())
                            .unwrap_or_default()
                    },
                    by_month_day: if (r == "monthly" || r == "yearly") && d.monthly != "day" {
                        Vec::new()
                    } else {
                        kept_rule
                            .as_ref()
                            .map(|k| k.by_month_day.clone())
                            .unwrap_or_default()
                    },
                    // "The second Sunday of May" every year: the month and the weekday.
                    by_month: match (r, d.monthly.as_str(), dates::parse_day(&d.start_date)) {
                        ("yearly", "nth" | "last", Some(s)) => {
                            vec![u8::try_from(s.month()).unwrap_or(1)]
                        }
                        _ => kept_rule
                            .as_ref()
                            .map(|k| k.by_month.clone())
                            .unwrap_or_default(),
                    },
                    by_set_pos: kept_rule
                        .as_ref()
                        .map(|k| k.by_set_pos.clone())
                        .unwrap_or_default(),
                    rdates: kept_rule
                        .as_ref()
                        .map(|k| k.rdates.clone())
                        .unwrap_or_default(),
                    exdates: kept_rule
                        .as_ref()
                        .map(|k| k.exdates.clone())
                        .unwrap_or_default(),
                })
            }
        };
    Ok(CalendarEventFields {
        title: d.title.trim().to_owned(),
        location: d.location.trim().to_owned(),
        description: d.description.trim().to_owned(),
        all_day: d.all_day,
        start,
        end,
        time_zone: (!d.all_day && !d.time_zone.trim().is_empty())
            .then(|| d.time_zone.trim().to_owned()),
        busy: d.busy,
        categories: kept
            .as_ref()
            .map(|k| k.categories.clone())
            .unwrap_or_default(),
        color: kept.as_ref().and_then(|k| k.color.clone()),
        private: d.private,
        recurrence,
        attendees: Some(guests_of(&d.guests)),
        organizer: None,
        reminders: Some(
            d.reminders
                .iter()
                .map(|m| EventReminder {
                    minutes_before: Some(*m),
                    at: None,
                })
                .chain(
                    kept.iter()
                        .flat_map(|k| k.reminders.iter().flatten())
                        .filter(|r| r.at.is_some())
                        .cloned(),
                )
                .collect(),
        ),
    })
}

/// What waits for the "which events?" answer.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pending {
    Save,
    Delete,
}

const FIELDS: &[&str] = &[
    "attendees",
    "reminders",
    "title",
    "start",
    "end",
    "time_zone",
    "location",
    "description",
    "recurrence",
];

#[function_component]
pub fn EventEditor(p: &EditorProps) -> Html {
    let api = use_api();
    let writable: Vec<&Calendar> = p
        .calendars
        .iter()
        .filter(|c| matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write))
        .collect();
    let first = writable.first().map(|c| c.id.clone()).unwrap_or_default();
    let draft = use_state(|| match &p.target {
        Target::New { start } => Some(new_draft(
            *start,
            writable.iter().find(|c| c.id == first).copied(),
            p.zone.clone(),
        )),
        Target::Existing(_) => None,
    });
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let pending = use_state(|| None::<Pending>);
    let existing = match &p.target {
        Target::Existing(o) => Some(o.clone()),
        Target::New { .. } => None,
    };
    {
        // An occurrence opens on its event's fields.
        let (api, draft, error, existing) =
            (api.clone(), draft.clone(), error.clone(), existing.clone());
        use_effect_with((), move |()| {
            if let Some(o) = existing.filter(|o| !o.masked) {
                spawn_local(async move {
                    match api.get_event(&o.calendar_id, &o.event_id).await {
                        Ok(e) => draft.set(Some(existing_draft(&o, e.fields))),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }
    {
        // A day clicked before the calendars arrived: the new event goes to the first
        // writable one, with its default reminders, once the list is here.
        let draft = draft.clone();
        let calendar = writable.first().map(|c| (*c).clone());
        use_effect_with(first.clone(), move |_| {
            let Some(c) = calendar else { return };
            if let Some(d) = (*draft).as_ref().filter(|d| d.calendar_id.is_empty()) {
                let mut d = d.clone();
                d.calendar_id = c.id.clone();
                if d.reminders.is_empty() {
                    d.reminders = c.default_reminders.clone();
                }
                draft.set(Some(d));
            }
        });
    }
    let read_only = existing.as_ref().is_some_and(|o| {
        o.masked
            || !p.calendars.iter().any(|c| {
                c.id == o.calendar_id
                    && matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write)
            })
    });
    let close = {
        let onclose = p.onclose.clone();
        Callback::from(move |_: MouseEvent| onclose.emit(()))
    };
    let onkeydown = {
        let onclose = p.onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                onclose.emit(());
            }
        })
    };
    // Runs the save or the delete with the scope chosen (`None`: not a repeating event).
    let run = {
        let (api, draft, error, busy, pending, onsaved, existing) = (
            api.clone(),
            draft.clone(),
            error.clone(),
            busy.clone(),
            pending.clone(),
            p.onsaved.clone(),
            existing.clone(),
        );
        Callback::from(move |(what, scope): (Pending, Option<&'static str>)| {
            let Some(d) = (*draft).clone() else { return };
            if existing.is_none() && d.calendar_id.is_empty() {
                error.set(Some(ApiError::local(
                    "calendar",
                    "There is no calendar to add it to yet.",
                )));
                return;
            }
            let fields = match what {
                Pending::Save => match body(&d) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        error.set(Some(e));
                        pending.set(None);
                        return;
                    }
                },
                Pending::Delete => None,
            };
            let (api, error, busy, pending, onsaved, existing) = (
                api.clone(),
                error.clone(),
                busy.clone(),
                pending.clone(),
                onsaved.clone(),
                existing.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let occurrence = existing.as_ref().and_then(|o| o.recurrence_id.clone());
                let occurrence = scope.and(occurrence);
                let done = match (&existing, fields) {
                    (None, Some(f)) => api.create_event(&d.calendar_id, &f).await.map(drop),
                    (Some(o), Some(mut f)) => {
                        if scope == Some("this") {
                            f.recurrence = None;
                        }
                        api.replace_event(
                            &o.calendar_id,
                            &o.event_id,
                            &f,
                            occurrence.as_deref(),
                            scope,
                        )
                        .await
                        .map(drop)
                    }
                    (Some(o), None) => {
                        api.delete_event(&o.calendar_id, &o.event_id, occurrence.as_deref(), scope)
                            .await
                    }
                    (None, None) => Ok(()),
                };
                busy.set(false);
                pending.set(None);
                match done {
                    Ok(()) => onsaved.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let recurring = existing.as_ref().is_some_and(|o| o.recurring);
    let onsubmit = {
        let (run, pending) = (run.clone(), pending.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if recurring {
                pending.set(Some(Pending::Save));
            } else {
                run.emit((Pending::Save, None));
            }
        })
    };
    let ondelete = {
        let (run, pending) = (run.clone(), pending.clone());
        Callback::from(move |_: MouseEvent| {
            if recurring {
                pending.set(Some(Pending::Delete));
            } else {
                run.emit((Pending::Delete, None));
            }
        })
    };
    let me = use_session()
        .account
        .as_ref()
        .map(|a| a.address.to_lowercase())
        .unwrap_or_default();
    let invited = (*draft)
        .as_ref()
        .and_then(|d| d.organizer.as_ref())
        .is_some_and(|o| o.to_lowercase() != me);
    let my_answer = (*draft).as_ref().and_then(|d| {
        d.answers
            .iter()
            .find(|a| a.address.to_lowercase() == me)
            .map(|a| a.status)
    });
    let answer = {
        let (api, error, busy, onsaved, existing) = (
            api.clone(),
            error.clone(),
            busy.clone(),
            p.onsaved.clone(),
            existing.clone(),
        );
        Callback::from(move |status: AttendeeStatus| {
            let Some(o) = existing.clone() else { return };
            let (api, error, busy, onsaved) =
                (api.clone(), error.clone(), busy.clone(), onsaved.clone());
            busy.set(true);
            spawn_local(async move {
                let done = api
                    .answer_invitation(&o.calendar_id, &o.event_id, &AnswerInvitation { status })
                    .await;
                busy.set(false);
                match done {
                    Ok(_) => onsaved.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let heading = if existing.is_some() {
        "Event"
    } else {
        "New event"
    };
    let content = match ((*draft).clone(), existing.as_ref()) {
        (_, Some(o)) if read_only => read_only_view(o),
        (None, _) => html! {
            <>
                <ProblemBanner error={(*error).clone()} />
                <p class="loading" aria-busy="true">{ "Loading…" }</p>
            </>
        },
        (Some(d), _) => {
            let set = |f: fn(&mut Draft, String)| {
                let draft = draft.clone();
                Callback::from(move |v: String| {
                    if let Some(mut d) = (*draft).clone() {
                        f(&mut d, v);
                        draft.set(Some(d));
                    }
                })
            };
            let toggle = |f: fn(&mut Draft, bool)| {
                let draft = draft.clone();
                Callback::from(move |v: bool| {
                    if let Some(mut d) = (*draft).clone() {
                        f(&mut d, v);
                        draft.set(Some(d));
                    }
                })
            };
            let err = |name: &str| error.as_ref().and_then(|e| e.field(name));
            let calendars: Vec<(AttrValue, AttrValue)> = writable
                .iter()
                .map(|c| {
                    (
                        AttrValue::from(c.id.clone()),
                        AttrValue::from(c.name.clone()),
                    )
                })
                .collect();
            html! {
                <>
                <ProblemBanner error={(*error).clone()} fields={FIELDS} />
                if let Some(by) = d.organizer.clone().filter(|_| existing.is_some() && !d.answers.is_empty() && invited) {
                    <div class="cal-invite" id="event-invitation" role="group" aria-label="Your answer">
                        <p>{ format!("Invited by {by}. Going?") }</p>
                        <div class="actions">
                            { for [(AttendeeStatus::Accepted, "Yes", "answer-yes"), (AttendeeStatus::Tentative, "Maybe", "answer-maybe"), (AttendeeStatus::Declined, "No", "answer-no")].into_iter().map(|(status, label, id)| {
                                let answer = answer.clone();
                                let chosen = my_answer == Some(status);
                                html! {
                                    <button type="button" class={classes!("button", chosen.then_some("primary"))} id={id} aria-pressed={chosen.to_string()}
                                        disabled={*busy} onclick={Callback::from(move |_: MouseEvent| answer.emit(status))}>{ label }</button>
                                }
                            }) }
                        </div>
                    </div>
                }
                <TextField id="event-title" label="Title" value={d.title.clone()} required=true
                    oninput={set(|d, v| d.title = v)} error={err("title")} />
                if existing.is_none() && calendars.len() > 1 {
                    <Select id="event-calendar" label="Calendar" value={d.calendar_id.clone()} options={calendars}
                        onchange={set(|d, v| d.calendar_id = v)} />
                }
                <Checkbox id="event-all-day" label="All day" checked={d.all_day} onchange={toggle(|d, v| d.all_day = v)} />
                <div class="cal-when">
                    <div class="cal-pair">
                        <TextField id="event-start-date" required=true label="Start date" kind="date" value={d.start_date.clone()}
                            oninput={set(|d, v| d.start_date = v)} error={err("start")} />
                        if !d.all_day {
                            <TextField id="event-start-time" required=true label="Start time" kind="time" value={d.start_time.clone()}
                                oninput={set(|d, v| d.start_time = v)} />
                        }
                    </div>
                    <div class="cal-pair">
                        <TextField id="event-end-date" required=true label={if d.all_day { "Last day" } else { "End date" }} kind="date" value={d.end_date.clone()}
                            oninput={set(|d, v| d.end_date = v)} error={err("end")} />
                        if !d.all_day {
                            <TextField id="event-end-time" required=true label="End time" kind="time" value={d.end_time.clone()}
                                oninput={set(|d, v| d.end_time = v)} />
                        }
                    </div>
                </div>
                if !d.all_day {
                    <TextField id="event-zone" required=true label="Time zone" value={d.time_zone.clone()}
                        oninput={set(|d, v| d.time_zone = v)} error={err("time_zone")}
                        hint="A zone name such as Europe/Berlin; the event keeps its hour in it." />
                }
                <div class="cal-repeat-row">
                    <Select id="event-repeat" label="Repeat" value={d.repeat.clone()}
                        options={vec![
                            ("none".into(), "Does not repeat".into()), ("daily".into(), "Daily".into()),
                            ("weekly".into(), "Weekly".into()), ("monthly".into(), "Monthly".into()),
                            ("yearly".into(), "Yearly".into()),
                        ]}
                        onchange={set(|d, v| d.repeat = v)} />
                    if d.repeat != "none" {
                        <TextField id="event-interval" required=true label="Every" kind="number" inputmode="numeric" value={d.interval.clone()}
                            oninput={set(|d, v| d.interval = v)} error={err("recurrence.interval")} />
                        <Select id="event-ends" label="Repeat ends" value={d.ends.clone()}
                            options={vec![("never".into(), "Never".into()), ("count".into(), "After a number of times".into()), ("until".into(), "On a day".into())]}
                            onchange={set(|d, v| d.ends = v)} />
                        if d.ends == "count" {
                            <TextField id="event-count" required=true label="Times" kind="number" inputmode="numeric" value={d.count.clone()}
                                oninput={set(|d, v| d.count = v)} error={err("recurrence.count")} />
                        }
                        if d.ends == "until" {
                            <TextField id="event-until" required=true label="Last day" kind="date" value={d.until.clone()}
                                oninput={set(|d, v| d.until = v)} error={err("recurrence.until")} />
                        }
                    }
                </div>
                if d.repeat == "monthly" || d.repeat == "yearly" {
                    <Select id="event-monthly" label="On" value={d.monthly.clone()}
                        options={monthly_options(dates::parse_day(&d.start_date), d.repeat == "yearly").into_iter()
                            .map(|(v, l)| (AttrValue::from(v), AttrValue::from(l))).collect::<Vec<_>>()}
                        onchange={set(|d, v| d.monthly = v)} />
                }
                if d.repeat == "weekly" {
                    <fieldset class="cal-weekdays-pick">
                        <legend>{ "On" }</legend>
                        { for DAYS.iter().map(|(w, name)| {
                            let (draft, w) = (draft.clone(), *w);
                            let on = d.weekdays.contains(&w);
                            html! {
                                <label class="chip-toggle">
                                    <input type="checkbox" checked={on} onchange={Callback::from(move |_: Event| {
                                        if let Some(mut d) = (*draft).clone() {
                                            if on { d.weekdays.retain(|x| *x != w) } else { d.weekdays.push(w) }
                                            draft.set(Some(d));
                                        }
                                    })} />
                                    { *name }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
                <p class="muted cal-rule" id="event-rule">{ in_words(&d) }</p>
                <TextField id="event-location" label="Location" value={d.location.clone()}
                    oninput={set(|d, v| d.location = v)} error={err("location")} />
                <TextArea id="event-description" label="Description" value={d.description.clone()} rows={3}
                    oninput={set(|d, v| d.description = v)} error={err("description")} />
                if !invited {
                    <div class="field">
                        <label for="event-guests">{ "Guests" }</label>
                        <AddressInput id="event-guests" placeholder="name@example.com, …" value={d.guests.clone()}
                            onchange={set(|d, v| d.guests = v)} />
                        if let Some(e) = err("attendees") { <p class="field-error">{ e }</p> }
                    </div>
                    if let Some(day) = dates::parse_day(&d.start_date).filter(|_| !d.guests.trim().is_empty()) {
                        <super::availability::Availability guests={d.guests.clone()} {day} time={browser_span(&d)} />
                    }
                }
                if !d.answers.is_empty() {
                    <ul class="cal-guests" id="event-guest-list">
                        { for d.answers.iter().map(|a| html! {
                            <li>
                                <span>{ if a.name.is_empty() { a.address.clone() } else { format!("{} <{}>", a.name, a.address) } }</span>
                                <span class={classes!("cal-answer", format!("answer-{:?}", a.status).to_lowercase())}>{ answer_words(a.status) }</span>
                            </li>
                        }) }
                    </ul>
                }
                <fieldset class="cal-reminders" id="event-reminders">
                    <legend>{ "Reminders" }</legend>
                    <p class="muted cal-hint">{ "By e-mail, and here while the calendar is open." }</p>
                    { for d.reminders.iter().enumerate().map(|(i, m)| {
                        let mut choices: Vec<u32> = REMINDER_CHOICES.to_vec();
                        if !choices.contains(m) { choices.push(*m); choices.sort_unstable(); }
                        let options: Vec<(AttrValue, AttrValue)> = choices.into_iter()
                            .map(|c| (AttrValue::from(c.to_string()), AttrValue::from(reminder_words(c)))).collect();
                        let (change, remove) = (draft.clone(), draft.clone());
                        html! {
                            <div class="cal-reminder">
                                <Select id={format!("event-reminder-{i}")} label={format!("Reminder {}", i + 1)} value={m.to_string()} {options}
                                    onchange={Callback::from(move |v: String| {
                                        if let (Some(mut d), Ok(v)) = ((*change).clone(), v.parse::<u32>()) {
                                            d.reminders[i] = v;
                                            change.set(Some(d));
                                        }
                                    })} />
                                <button type="button" class="button subtle" id={format!("event-reminder-remove-{i}")}
                                    aria-label={format!("Remove reminder {}", i + 1)}
                                    onclick={Callback::from(move |_: MouseEvent| {
                                        if let Some(mut d) = (*remove).clone() {
                                            d.reminders.remove(i);
                                            remove.set(Some(d));
                                        }
                                    })}>{ "✕" }</button>
                            </div>
                        }
                    }) }
                    if d.reminders.len() < MAX_REMINDERS {
                        <button type="button" class="button subtle" id="event-reminder-add" onclick={{
                            let draft = draft.clone();
                            Callback::from(move |_: MouseEvent| {
                                if let Some(mut d) = (*draft).clone() {
                                    let next = REMINDER_CHOICES.iter().copied()
                                        .find(|c| *c >= 10 && !d.reminders.contains(c)).unwrap_or(0);
                                    d.reminders.push(next);
                                    draft.set(Some(d));
                                }
                            })
                        }}>{ "+ Add a reminder" }</button>
                    }
                </fieldset>
                <div class="cal-flags">
                    <Select id="event-busy" label="Show as" value={if d.busy { "busy" } else { "free" }}
                        options={vec![("busy".into(), "Busy".into()), ("free".into(), "Free".into())]}
                        onchange={set(|d, v| d.busy = v == "busy")} />
                    <Checkbox id="event-private" label="Private (others see only “Busy”)" checked={d.private}
                        onchange={toggle(|d, v| d.private = v)} />
                </div>
                if let Some(what) = *pending {
                    <div class="actions cal-scope" role="group" aria-label="Which events">
                        <p>{ if what == Pending::Save { "Change which events?" } else { "Delete which events?" } }</p>
                        { for [("this", "This event"), ("following", "This and following events"), ("all", "All events")].into_iter().map(|(scope, label)| {
                            let run = run.clone();
                            html! {
                                <button type="button" class="button" id={format!("scope-{scope}")} disabled={*busy}
                                    onclick={Callback::from(move |_: MouseEvent| run.emit((what, Some(scope))))}>{ label }</button>
                            }
                        }) }
                        <button type="button" class="button subtle" onclick={{
                            let pending = pending.clone();
                            Callback::from(move |_: MouseEvent| pending.set(None))
                        }}>{ "Back" }</button>
                    </div>
                } else {
                    <div class="actions">
                        <button type="submit" class="button primary" id="event-save" disabled={*busy}>{ "Save" }</button>
                        if existing.is_some() {
                            <button type="button" class="button danger" id="event-delete" disabled={*busy} onclick={ondelete}>{ "Delete" }</button>
                        }
                        <button type="button" class="button" onclick={close.clone()}>{ "Cancel" }</button>
                    </div>
                }
                </>
            }
        }
    };
    html! {
        <div class="cal-overlay" onclick={close.clone()}>
            <form class="card cal-dialog" role="dialog" aria-modal="true" aria-labelledby="event-heading" {onsubmit} {onkeydown}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2 id="event-heading">{ heading }</h2>
                { content }
            </form>
        </div>
    }
}

/// An event the account may only look at.
fn read_only_view(o: &Occurrence) -> Html {
    let when = if o.all_day {
        format!("{} – {}", o.start, o.end)
    } else {
        format!(
            "{} – {}",
            dates::clock(dates::browser_time(&o.start)),
            dates::clock(dates::browser_time(&o.end))
        )
    };
    html! {
        <div class="cal-readonly">
            <p><strong>{ o.title.clone() }</strong></p>
            <p>{ format!("{} · {}", dates::browser_time(&o.start).date(), when) }</p>
            if !o.location.is_empty() { <p>{ o.location.clone() }</p> }
            <p class="muted">{ if o.masked { "Only busy times of this calendar are shared with you." } else { "This calendar is shared with you read-only." } }</p>
        </div>
    }
}
