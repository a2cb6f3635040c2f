//! `.ics` files: importing one into a calendar (every event, task and note checked on its
//! own: the good ones kept, one with a UID the calendar has replacing it, each bad one
//! reported) and exporting a calendar — its events, tasks and notes — as one VCALENDAR,
//! what its private subscription feed serves too.

use std::collections::HashMap;

use calcard::{
    Entry, Parser,
    icalendar::{
        ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarParameterName,
        ICalendarProperty, ICalendarValue,
    },
};
use osprey_store::{CalendarObjectRow, CalendarRecord, ReminderDue};

use crate::{Access, CalendarError, CalendarService, expand, ical};

/// The largest `.ics` file an import reads.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// An event of an imported file that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// Its UID, when it has one.
    pub uid: Option<String>,
    /// Its SUMMARY, when it has one.
    pub title: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    /// Events that replaced the calendar's event with the same UID.
    pub updated: usize,
    pub problems: Vec<ImportProblem>,
}

/// Copies the component `idx` of `src` and everything below it into `dst`; returns its
/// index there (the caller makes it a child of something).
fn copy_tree(dst: &mut ICalendar, src: &ICalendar, idx: usize) -> u32 {
    let comp = &src.components[idx];
    let at = u32::try_from(dst.components.len()).unwrap_or(u32::MAX);
    dst.components.push(ICalendarComponent {
        component_type: comp.component_type.clone(),
        entries: comp.entries.clone(),
        component_ids: Vec::new(),
    });
    for child in &comp.component_ids {
        let c = copy_tree(dst, src, *child as usize);
        dst.components[at as usize].component_ids.push(c);
    }
    at
}

/// An empty VCALENDAR (its root only), named when `name` is given.
fn empty_calendar(name: Option<&str>) -> ICalendar {
    let mut cal = ical::new_root();
    if let Some(n) = name {
        cal.components[0].add_property(
            ICalendarProperty::Other("X-WR-CALNAME".into()),
            n.to_owned(),
        );
    }
    cal
}

/// Appends the subtree `idx` of `src` as a child of `dst`'s root.
fn append(dst: &mut ICalendar, src: &ICalendar, idx: usize) {
    let at = copy_tree(dst, src, idx);
    dst.components[0].component_ids.push(at);
}

/// The TZIDs the components name.
fn tz_ids<'a>(comps: impl Iterator<Item = &'a ICalendarComponent>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in comps {
        for e in &c.entries {
            for p in &e.params {
                if p.name == ICalendarParameterName::Tzid
                    && let Some(t) = p.value.as_text()
                    && !out.iter().any(|o| o == t)
                {
                    out.push(t.to_owned());
                }
            }
        }
    }
    out
}

/// The VTIMEZONE of `tz_id` in `src`, by index.
fn timezone_of(src: &ICalendar, tz_id: &str) -> Option<usize> {
    src.components.iter().position(|c| {
        c.component_type == ICalendarComponentType::VTimezone
            && c.property(&ICalendarProperty::Tzid)
                .and_then(|e| e.values.first())
                .and_then(ICalendarValue::as_text)
                == Some(tz_id)
    })
}

/// One event of a file, ready to store, or why not.
pub(crate) struct Prepared {
    /// An event's, a task's or a note's.
    pub(crate) kind: &'static str,
    pub(crate) uid: String,
    pub(crate) title: String,
    pub(crate) search_text: String,
    pub(crate) starts_at: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) recurring: bool,
    pub(crate) text: String,
    pub(crate) brief: Option<String>,
    /// The next reminder: (due, occurrence start).
    pub(crate) reminder: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
}

/// Keeps a prepared item; a later copy of the same UID (in another object of the file)
/// wins.
fn keep(ready: &mut Vec<Prepared>, ready_at: &mut HashMap<String, usize>, p: Prepared) {
    match ready_at.get(&p.uid) {
        Some(i) => ready[*i] = p,
        None => {
            ready_at.insert(p.uid.clone(), ready.len());
            ready.push(p);
        }
    }
}

/// A calendar of the components `members` of `file` with the time zones they name (from
/// the file's VTIMEZONEs, else IANA names); an unknown zone is the item's problem.
pub(crate) fn single(file: &ICalendar, members: &[usize]) -> Result<ICalendar, String> {
    let mut one = empty_calendar(None);
    let zones = tz_ids(members.iter().map(|i| &file.components[*i]));
    for z in &zones {
        match timezone_of(file, z) {
            Some(idx) => append(&mut one, file, idx),
            None if z.parse::<chrono_tz::Tz>().is_ok() => {}
            None => return Err(format!("the time zone {z:?} is not known")),
        }
    }
    let resolver = one.build_tz_resolver();
    if let Some(z) = zones.iter().find(|z| resolver.resolve(z).is_none()) {
        return Err(format!("the time zone {z:?} is not known"));
    }
    for idx in members {
        append(&mut one, file, *idx);
    }
    Ok(one)
}

impl CalendarService {
    /// Imports a `.ics` file into a calendar the account may write: each event (its
    /// main VEVENT and its exceptions, by UID) is checked on its own; good ones are kept
    /// (one whose UID the calendar has replaces that event, so importing a file again
    /// changes nothing), bad ones reported.
    pub async fn import_ics(
        &self,
        account_id: &str,
        calendar_id: &str,
        text: &str,
    ) -> Result<ImportReport, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        if text.len() > MAX_IMPORT_BYTES {
            return Err(CalendarError::TooLarge(MAX_IMPORT_BYTES));
        }
        let zone = self.calendar_zone(&cal).await?;
        let mut report = ImportReport::default();
        let mut ready: Vec<Prepared> = Vec::new();
        // Where each UID is in `ready`, for the whole file (one map: linear).
        let mut ready_at: HashMap<String, usize> = HashMap::new();
        let mut parser = Parser::new(text);
        loop {
            match parser.entry() {
                Entry::ICalendar(file) => self.prepare_file(
                    &file,
                    &zone,
                    (&mut ready, &mut ready_at),
                    &mut report.problems,
                ),
                Entry::Eof => break,
                Entry::InvalidLine(_) | Entry::VCard(_) => {}
                other => report.problems.push(ImportProblem {
                    uid: None,
                    title: String::new(),
                    message: format!("the file cannot be read to its end ({other:?})"),
                }),
            }
            if ready.len() > self.limits.max_import_events {
                break;
            }
        }
        // The limit keeps memory and the write bounded: the first events are kept, the
        // rest reported (as one problem: there may be very many).
        let max = self.limits.max_import_events;
        if ready.len() > max {
            ready.truncate(max);
            report.problems.push(ImportProblem {
                uid: None,
                title: String::new(),
                message: format!(
                    "an import keeps at most {max} items: the file's items after the first {max} were not imported"
                ),
            });
        }
        let rows: Vec<CalendarObjectRow<'_>> = ready
            .iter()
            .map(|p| CalendarObjectRow {
                kind: p.kind,
                uid: &p.uid,
                title: &p.title,
                search_text: &p.search_text,
                starts_at: p.starts_at,
                ends_at: p.ends_at,
                recurring: p.recurring,
                ical: &p.text,
                brief: p.brief.as_deref(),
                reminder: p.reminder.map(|(due_at, occurrence_at)| ReminderDue {
                    account_id: &cal.account_id,
                    due_at,
                    occurrence_at,
                }),
            })
            .collect();
        let done = self
            .store
            .calendars()
            .upsert_objects(&cal.id, &rows)
            .await?;
        report.created = done.iter().filter(|new| **new).count();
        report.updated = done.len() - report.created;
        Ok(report)
    }

    /// Splits a VCALENDAR into its events (by UID), each with the time zones it names.
    fn prepare_file(
        &self,
        file: &ICalendar,
        zone: &str,
        (ready, ready_at): (&mut Vec<Prepared>, &mut HashMap<String, usize>),
        problems: &mut Vec<ImportProblem>,
    ) {
        // By UID in the order first seen; the maps keep a large file linear.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<String, usize> = HashMap::new();
        let root = file
            .components
            .first()
            .map(|r| r.component_ids.clone())
            .unwrap_or_default();
        for idx in root.iter().map(|i| *i as usize) {
            let Some(c) = file.components.get(idx) else {
                continue;
            };
            match c.component_type {
                ICalendarComponentType::VEvent => {
                    let uid = c
                        .uid()
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("{}@osprey", uuid::Uuid::now_v7()));
                    match group_of.get(&uid) {
                        Some(g) => groups[*g].1.push(idx),
                        None => {
                            group_of.insert(uid.clone(), groups.len());
                            groups.push((uid, vec![idx]));
                        }
                    }
                }
                ICalendarComponentType::VTodo | ICalendarComponentType::VJournal => {
                    match self.prepare_item(file, idx, zone) {
                        Ok(p) => keep(ready, ready_at, p),
                        Err(message) => problems.push(ImportProblem {
                            uid: c.uid().map(str::to_owned),
                            title: summary(c),
                            message,
                        }),
                    }
                }
                _ => {}
            }
        }
        for (uid, members) in groups {
            match self.prepare_event(file, &uid, &members, zone) {
                Ok(p) => keep(ready, ready_at, p),
                Err(message) => problems.push(ImportProblem {
                    title: members
                        .iter()
                        .map(|i| summary(&file.components[*i]))
                        .find(|s| !s.is_empty())
                        .unwrap_or_default(),
                    uid: Some(uid),
                    message,
                }),
            }
        }
    }

    fn prepare_event(
        &self,
        file: &ICalendar,
        uid: &str,
        members: &[usize],
        zone: &str,
    ) -> Result<Prepared, String> {
        if uid.chars().count() > 255 {
            return Err("the UID is longer than 255 characters".into());
        }
        let one = single(file, members)?;
        let m = ical::master(&one).ok_or("the file holds only changed occurrences of it")?;
        let master = &one.components[m];
        let start = ical::date_value(master, &ICalendarProperty::Dtstart)
            .ok_or("it has no start (DTSTART)")?;
        if let Some(end) = ical::date_value(master, &ICalendarProperty::Dtend)
            && end.local < start.local
            && end.tz_id == start.tz_id
        {
            return Err("it ends before it starts".into());
        }
        let mut check = one.clone();
        expand::fix_local_times(&mut check, zone);
        let check = check.expand_dates(expand::cal_tz(zone), 2);
        if let Some(e) = check.errors.first() {
            return Err(format!("its dates cannot be read: {}", e.error));
        }
        let fields = ical::read_fields(master, zone).ok_or("it has no start (DTSTART)")?;
        let (starts_at, ends_at) = expand::bounds(&one, self.limits.max_rule_dates);
        Ok(Prepared {
            kind: crate::events::KIND,
            uid: uid.to_owned(),
            title: fields.title.clone(),
            search_text: fields.search_text(),
            starts_at,
            ends_at,
            recurring: master.is_recurrent(),
            brief: expand::Brief::of(&one, &fields),
            reminder: self.reminder_from_now(&one, zone),
            text: one.to_string(),
        })
    }

    /// The calendar as one `.ics` file, for an account that can read it (a reader gets
    /// private events as "Busy").
    pub async fn export_ics(
        &self,
        account_id: &str,
        calendar_id: &str,
    ) -> Result<String, CalendarError> {
        let (cal, access) = self.access(account_id, calendar_id).await?;
        if access == Access::FreeBusy {
            return Err(CalendarError::Forbidden(
                "the calendar is shared with you as free/busy only".into(),
            ));
        }
        self.export(&cal, access == Access::Read).await
    }

    pub(crate) async fn export(
        &self,
        cal: &CalendarRecord,
        mask_private: bool,
    ) -> Result<String, CalendarError> {
        let mut objects = Vec::new();
        for kind in [crate::events::KIND, crate::tasks::TASK, crate::notes::NOTE] {
            objects.extend(self.store.calendars().all_objects(&cal.id, kind).await?);
        }
        let mut out = empty_calendar(Some(&cal.name));
        let mut zones: Vec<String> = Vec::new();
        for o in objects {
            let Ok(mut one) = ICalendar::parse(&o.ical) else {
                continue;
            };
            if mask_private {
                mask(&mut one);
            }
            let root = one
                .components
                .first()
                .map(|r| r.component_ids.clone())
                .unwrap_or_default();
            for idx in root.iter().map(|i| *i as usize) {
                let c = &one.components[idx];
                if c.component_type == ICalendarComponentType::VTimezone {
                    let id = c
                        .property(&ICalendarProperty::Tzid)
                        .and_then(|e| e.values.first())
                        .and_then(ICalendarValue::as_text)
                        .unwrap_or_default()
                        .to_owned();
                    if zones.contains(&id) {
                        continue;
                    }
                    zones.push(id);
                }
                append(&mut out, &one, idx);
            }
        }
        Ok(out.to_string())
    }
}

pub(crate) fn summary(c: &ICalendarComponent) -> String {
    c.property(&ICalendarProperty::Summary)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// Private events shown as busy only: no title, place, notes or people.
fn mask(one: &mut ICalendar) {
    for c in &mut one.components {
        if c.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let private = c
            .property(&ICalendarProperty::Class)
            .and_then(|e| e.values.first())
            .is_some_and(|v| {
                matches!(
                    v,
                    ICalendarValue::Classification(
                        calcard::icalendar::ICalendarClassification::Private
                            | calcard::icalendar::ICalendarClassification::Confidential
                    )
                )
            });
        if !private {
            continue;
        }
        c.entries.retain(|e| {
            !matches!(
                e.name,
                ICalendarProperty::Summary
                    | ICalendarProperty::Location
                    | ICalendarProperty::Description
                    | ICalendarProperty::Attendee
                    | ICalendarProperty::Categories
                    | ICalendarProperty::Comment
            )
        });
        c.add_property(ICalendarProperty::Summary, "Busy".to_owned());
    }
}
