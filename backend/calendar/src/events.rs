//! Events: creating, reading, changing and deleting them (the whole series, one
//! occurrence, or this and the following ones), and the occurrences of every calendar an
//! account sees over a window.

use std::collections::HashMap;

use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarProperty, ICalendarValue};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use osprey_store::{
    AccountRecord, CalendarObjectRecord, CalendarObjectRow, CalendarRecord, ReminderDue,
};

use crate::{
    Access, CalendarError, CalendarService, EventFields, When, alarms,
    expand::{self, Instance, Occurrence, OccurrenceTime, Range, RangeResult, Rid},
    fields::Attendee,
    ical, participants,
};

pub(crate) const KIND: &str = "event";
/// What a reader of a private event, or of a free/busy calendar, sees as its title.
const BUSY: &str = "Busy";

/// A stored event as an account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub calendar_id: String,
    pub uid: String,
    /// The series' fields (its first occurrence's times).
    pub fields: EventFields,
    /// The occurrences changed on their own, by recurrence id.
    pub exceptions: Vec<String>,
    pub sequence: i64,
    /// The account sees only that the time is busy.
    pub masked: bool,
    pub updated_at: DateTime<Utc>,
}

/// An event loaded for a change.
struct Editing {
    cal: CalendarRecord,
    r: CalendarObjectRecord,
    ics: ICalendar,
    /// The zone of the calendar's floating times.
    zone: String,
    /// The index of the main component.
    m: usize,
    occurrence: Option<Rid>,
}

/// Which occurrences of a recurring event a change or a delete applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The named occurrence only.
    This,
    /// The named occurrence and every later one: the series is split there.
    Following,
    /// Every occurrence.
    All,
}

fn unreadable() -> CalendarError {
    CalendarError::invalid("event", "the stored event cannot be read")
}

pub(crate) fn parse(r: &CalendarObjectRecord) -> Result<ICalendar, CalendarError> {
    ICalendar::parse(&r.ical).map_err(|_| unreadable())
}

/// Writes the guests (when given) with the owner as organiser into the main VEVENT.
/// Answers are the guests' own: one already invited keeps theirs (from `before`), a new
/// one starts as "needs action", whatever the organiser sent.
fn set_people(
    ics: &mut ICalendar,
    owner: &AccountRecord,
    attendees: Option<&[Attendee]>,
    before: &[Attendee],
) {
    let (Some(list), Some(m)) = (attendees, ical::master(ics)) else {
        return;
    };
    let me = owner.address();
    // The organiser is not a guest of their own event.
    let guests: Vec<Attendee> = list
        .iter()
        .filter(|a| !a.address.eq_ignore_ascii_case(&me))
        .map(|a| Attendee {
            status: before
                .iter()
                .find(|b| b.address.eq_ignore_ascii_case(&a.address))
                .map_or(crate::PartStat::NeedsAction, |b| b.status),
            ..a.clone()
        })
        .collect();
    participants::write(&mut ics.components[m], (&me, &owner.display_name), &guests);
}

/// A calendar's default reminders, each so many minutes before.
fn defaults_of(cal: &CalendarRecord) -> Vec<crate::Reminder> {
    serde_json::from_str::<Vec<u32>>(&cal.default_reminders)
        .unwrap_or_default()
        .into_iter()
        .map(crate::Reminder::Before)
        .collect()
}

fn masked_fields(mut f: EventFields) -> EventFields {
    f.title = BUSY.into();
    f.reminders = Some(Vec::new());
    f.location.clear();
    f.description.clear();
    f.categories.clear();
    f
}

/// The master's zone: its DTSTART's, or `None` for a day-long event.
fn master_zone(comp: &ICalendarComponent, default: &str) -> Option<String> {
    let d = ical::date_value(comp, &ICalendarProperty::Dtstart)?;
    d.has_time.then(|| ical::zone_of(&d, default))
}

/// Keeps, of the entry's dates, those before `cut` (local wall times).
fn keep_before(
    comp: &mut ICalendarComponent,
    name: &ICalendarProperty,
    cut: chrono::NaiveDateTime,
) {
    for e in comp.properties_mut(name) {
        e.values.retain(|v| match v {
            ICalendarValue::PartialDateTime(p) => {
                p.to_date_time().is_none_or(|d| d.date_time < cut)
            }
            _ => true,
        });
    }
    comp.entries
        .retain(|e| e.name != *name || !e.values.is_empty());
}

impl CalendarService {
    /// Adds an event to a calendar the account may write.
    pub async fn create_event(
        &self,
        account_id: &str,
        calendar_id: &str,
        fields: EventFields,
    ) -> Result<Event, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let f = self.zoned(&cal, fields).await?.normalized()?;
        let uid = format!("{}@osprey", uuid::Uuid::now_v7());
        let reminders = f.reminders.clone().unwrap_or_else(|| defaults_of(&cal));
        let mut ics = ical::new_event(&uid, &f);
        alarms::write(&mut ics, &reminders);
        let owner = self.store.accounts().account(&cal.account_id).await?;
        set_people(&mut ics, &owner, f.attendees.as_deref(), &[]);
        self.commit(&cal, &owner, None, ics, &[]).await
    }

    /// One event of a calendar the account can read.
    pub async fn get_event(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
    ) -> Result<Event, CalendarError> {
        let (cal, access) = self.access(account_id, calendar_id).await?;
        if access == Access::FreeBusy {
            return Err(CalendarError::Forbidden(
                "the calendar is shared with you as free/busy only".into(),
            ));
        }
        let r = self.object(calendar_id, id).await?;
        let zone = self.calendar_zone(&cal).await?;
        let event = view(&r, &parse(&r)?, &zone)?;
        Ok(if access == Access::Read && event.fields.private {
            Event {
                fields: masked_fields(event.fields),
                masked: true,
                ..event
            }
        } else {
            event
        })
    }

    /// Changes an event: the whole series (`occurrence` `None`, or `Scope::All`), one
    /// occurrence, or that occurrence and the ones after it (the series is split: the
    /// returned event is the new one). With `Scope::All` and an occurrence, `fields`
    /// give that occurrence's new times and the whole series moves by as much. With
    /// `Scope::Following`, a rule that keeps the series' own COUNT keeps its end too:
    /// the new series has the occurrences the old one had left.
    pub async fn update_event(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
        fields: EventFields,
        occurrence: Option<&str>,
        scope: Scope,
    ) -> Result<Event, CalendarError> {
        let Editing {
            cal,
            r,
            mut ics,
            zone,
            m,
            occurrence,
        } = self
            .editing(account_id, calendar_id, id, occurrence)
            .await?;
        let mut f = self.zoned(&cal, fields).await?.normalized()?;
        let owner = self.store.accounts().account(&cal.account_id).await?;
        let guests = participants::attendees(&ics.components[m]);
        if !Self::organised_by(&ics, &owner) {
            // An invitation's copy: its guests are the organiser's to change.
            f.attendees = None;
        }
        match (occurrence, scope) {
            (Some(rid), Scope::This) => {
                remove_override(&mut ics, rid, &zone);
                let master = &ics.components[m];
                let mz = master_zone(master, &zone);
                let mut comp = ICalendarComponent::new(master.component_type.clone());
                comp.entries = master
                    .entries
                    .iter()
                    .filter(|e| {
                        !matches!(
                            e.name,
                            ICalendarProperty::Rrule
                                | ICalendarProperty::Rdate
                                | ICalendarProperty::Exdate
                                | ICalendarProperty::RecurrenceId
                        )
                    })
                    .cloned()
                    .collect();
                f.recurrence = None;
                ical::write_fields(&mut comp, &f, false);
                comp.entries.push(ical::recurrence_id(
                    expand::local_start(rid, mz.as_deref()),
                    mz.as_deref(),
                ));
                ical::push(&mut ics, comp);
                bump(&mut ics);
                self.commit(&cal, &owner, Some(&r), ics, &guests).await
            }
            (Some(rid), Scope::Following) if !self.is_first(&ics, &zone, rid) => {
                let reminders = f.reminders.clone().unwrap_or_else(|| alarms::read(&ics, m));
                let people = f.attendees.clone().unwrap_or_else(|| guests.clone());
                let series = ical::read_fields(&ics.components[m], &zone).ok_or_else(unreadable)?;
                if let (Some(rule), Some(count)) = (
                    f.recurrence.as_mut(),
                    series.recurrence.as_ref().and_then(|r| r.count),
                ) && rule.count == Some(count)
                {
                    let had = rule_dates_before(&ics, m, &zone, rid, self.limits.max_rule_dates);
                    rule.count = Some(count.saturating_sub(had).max(1));
                }
                truncate(&mut ics, m, rid, &zone);
                bump(&mut ics);
                self.commit(&cal, &owner, Some(&r), ics, &guests).await?;
                let uid = format!("{}@osprey", uuid::Uuid::now_v7());
                let mut later = ical::new_event(&uid, &f);
                alarms::write(&mut later, &reminders);
                set_people(&mut later, &owner, Some(&people), &guests);
                self.commit(&cal, &owner, None, later, &[]).await
            }
            (occurrence, _) => {
                let before = ical::read_fields(&ics.components[m], &zone).ok_or_else(unreadable)?;
                if let (Some(rid), true) = (occurrence, scope == Scope::All) {
                    f.when = shifted(&before.when, &f.when, rid, &zone);
                }
                let retimed = before.when != f.when
                    || before.recurrence.as_ref().map(rule_only)
                        != f.recurrence.as_ref().map(rule_only);
                ical::write_fields(&mut ics.components[m], &f, true);
                match &f.reminders {
                    Some(reminders) => alarms::write(&mut ics, reminders),
                    None => alarms::retitle(&mut ics),
                }
                set_people(&mut ics, &owner, f.attendees.as_deref(), &guests);
                if retimed {
                    let gone = ical::overrides(&ics);
                    ics.remove_component_ids(
                        &gone
                            .iter()
                            .map(|i| u32::try_from(*i).unwrap_or(u32::MAX))
                            .collect::<Vec<_>>(),
                    );
                }
                bump(&mut ics);
                self.commit(&cal, &owner, Some(&r), ics, &guests).await
            }
        }
    }

    /// Deletes an event: the whole series (`occurrence` `None`, or `Scope::All`), one
    /// occurrence, or that occurrence and the ones after it.
    pub async fn delete_event(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
        occurrence: Option<&str>,
        scope: Scope,
    ) -> Result<(), CalendarError> {
        let Editing {
            cal,
            r,
            mut ics,
            zone,
            m,
            occurrence,
        } = self
            .editing(account_id, calendar_id, id, occurrence)
            .await?;
        let owner = self.store.accounts().account(&cal.account_id).await?;
        let guests = participants::attendees(&ics.components[m]);
        match (occurrence, scope) {
            (Some(rid), Scope::This) => {
                remove_override(&mut ics, rid, &zone);
                let mz = master_zone(&ics.components[m], &zone);
                ics.components[m].entries.push(ical::date_entry(
                    ICalendarProperty::Exdate,
                    &[expand::local_start(rid, mz.as_deref())],
                    mz.as_deref(),
                ));
                bump(&mut ics);
                self.commit(&cal, &owner, Some(&r), ics, &guests)
                    .await
                    .map(drop)
            }
            (Some(rid), Scope::Following) if !self.is_first(&ics, &zone, rid) => {
                truncate(&mut ics, m, rid, &zone);
                bump(&mut ics);
                self.commit(&cal, &owner, Some(&r), ics, &guests)
                    .await
                    .map(drop)
            }
            _ => {
                self.store
                    .calendars()
                    .delete_object(calendar_id, id)
                    .await?;
                if Self::organised_by(&ics, &owner) {
                    bump(&mut ics);
                    self.cancel_all(&owner, &ics).await?;
                }
                Ok(())
            }
        }
    }

    /// Saves the event and, when the calendar's owner organises it, sends what its
    /// guests (`before`: those it had) need to hear.
    async fn commit(
        &self,
        cal: &CalendarRecord,
        owner: &AccountRecord,
        existing: Option<&CalendarObjectRecord>,
        ics: ICalendar,
        before: &[Attendee],
    ) -> Result<Event, CalendarError> {
        let invites = Self::organised_by(&ics, owner)
            && (!before.is_empty()
                || ical::master(&ics)
                    .is_some_and(|m| !participants::attendees(&ics.components[m]).is_empty()));
        let copy = invites.then(|| ics.clone());
        let saved = self.save(cal, existing, ics).await?;
        if let Some(ics) = copy {
            self.invite(owner, &ics, before).await?;
        }
        Ok(saved)
    }

    /// The occurrences of the account's calendars between `range.from` and `range.to`,
    /// by start: those of `calendars` when given (each must be one it sees), else of
    /// every calendar it sees that is not hidden.
    pub async fn occurrences(
        &self,
        account_id: &str,
        range: Range,
        calendars: Option<&[String]>,
    ) -> Result<RangeResult, CalendarError> {
        if range.to <= range.from {
            return Err(CalendarError::invalid(
                "to",
                "the end is not after the start",
            ));
        }
        if (range.to - range.from).num_days() > self.limits.max_range_days {
            return Err(CalendarError::invalid(
                "to",
                format!("a window is at most {} days", self.limits.max_range_days),
            ));
        }
        let viewer = self.zone_of(account_id).await?;
        let visible = self.calendars(account_id, false).await?;
        let chosen: Vec<_> = match calendars {
            Some(ids) => {
                if let Some(unknown) = ids.iter().find(|id| !visible.iter().any(|c| &c.id == *id)) {
                    return Err(CalendarError::invalid(
                        "calendars",
                        format!("no calendar {unknown} of yours"),
                    ));
                }
                visible
                    .into_iter()
                    .filter(|c| ids.contains(&c.id))
                    .collect()
            }
            None => visible.into_iter().filter(|c| !c.hidden).collect(),
        };
        let access: HashMap<String, Access> =
            chosen.iter().map(|c| (c.id.clone(), c.access)).collect();
        let ids: Vec<String> = chosen.into_iter().map(|c| c.id).collect();
        let row_limit = self.limits.max_occurrences.saturating_mul(10).max(1);
        let rows = self
            .store
            .calendars()
            .objects_between(&ids, KIND, range.from, range.to, row_limit as u64)
            .await?;
        let mut truncated = rows.len() >= row_limit;
        let mut out = Vec::new();
        for r in &rows {
            let a = access
                .get(&r.calendar_id)
                .copied()
                .unwrap_or(Access::FreeBusy);
            // An event that does not repeat shows from its brief, unparsed.
            if let Some((i, f)) = r
                .brief
                .as_deref()
                .and_then(|b| serde_json::from_str::<expand::Brief>(b).ok())
                .and_then(|b| b.instance(&viewer))
            {
                if expand::overlaps(&i, &range)
                    && let Some(o) = occurrence(r, &i, f, a, false, Some(0), &viewer)
                {
                    out.push((i.start.with_timezone(&Utc), o));
                }
                continue;
            }
            let Some(x) = self
                .series
                .expanded(r, &viewer, range.to, self.limits.max_rule_dates)
            else {
                continue;
            };
            truncated |= x.cut;
            for i in x.instances.iter().filter(|i| expand::overlaps(i, &range)) {
                let Some(Some(f)) = x.fields.get(&i.comp).cloned() else {
                    continue;
                };
                if let Some(o) = occurrence(r, i, f, a, x.recurring, x.master, &viewer) {
                    out.push((i.start.with_timezone(&Utc), o));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
        if out.len() > self.limits.max_occurrences {
            out.truncate(self.limits.max_occurrences);
            truncated = true;
        }
        Ok(RangeResult {
            occurrences: out.into_iter().map(|(_, o)| o).collect(),
            truncated,
        })
    }

    /// The fields with the calendar's zone where a timed event names none.
    async fn zoned(
        &self,
        cal: &CalendarRecord,
        mut f: EventFields,
    ) -> Result<EventFields, CalendarError> {
        if let When::Timed { time_zone, .. } = &mut f.when
            && time_zone.trim().is_empty()
        {
            *time_zone = self.calendar_zone(cal).await?;
        }
        Ok(f)
    }

    /// The event `id` loaded for a change by an account that may write its calendar,
    /// with the occurrence named, when the event repeats (it must have it).
    async fn editing(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
        occurrence: Option<&str>,
    ) -> Result<Editing, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let r = self.object(calendar_id, id).await?;
        let ics = parse(&r)?;
        let zone = self.calendar_zone(&cal).await?;
        let m = ical::master(&ics).ok_or_else(unreadable)?;
        let occurrence = match occurrence {
            Some(o) if ics.components[m].is_recurrent() => Some(self.occurrence(&ics, &zone, o)?),
            _ => None,
        };
        Ok(Editing {
            cal,
            r,
            ics,
            zone,
            m,
            occurrence,
        })
    }

    async fn object(
        &self,
        calendar_id: &str,
        id: &str,
    ) -> Result<CalendarObjectRecord, CalendarError> {
        let r = self.store.calendars().object(calendar_id, id).await?;
        if r.kind != KIND {
            return Err(CalendarError::NotFound);
        }
        Ok(r)
    }

    /// The occurrence `text` names, when the event has it.
    fn occurrence(&self, ics: &ICalendar, zone: &str, text: &str) -> Result<Rid, CalendarError> {
        let rid = Rid::parse(text).ok_or_else(|| {
            CalendarError::invalid(
                "occurrence",
                "a start as 2026-03-30T07:00:00Z or a day as 2026-03-30",
            )
        })?;
        let until = match rid {
            Rid::Instant(t) => t + Duration::days(1),
            Rid::Day(d) => Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)) + Duration::days(2),
        };
        let (all, _) = expand::instances(ics, zone, Some(until), self.limits.max_rule_dates);
        if all.iter().any(|i| i.rid == rid) {
            Ok(rid)
        } else {
            Err(CalendarError::NotFound)
        }
    }

    /// Whether `rid` is the series' first occurrence.
    fn is_first(&self, ics: &ICalendar, zone: &str, rid: Rid) -> bool {
        let (all, _) = expand::instances(ics, zone, None, 1);
        all.iter()
            .map(|i| i.rid)
            .min()
            .is_none_or(|first| first >= rid)
    }

    /// Stores the event (new when `existing` is `None`) with the columns its range
    /// queries need.
    pub(crate) async fn save(
        &self,
        cal: &CalendarRecord,
        existing: Option<&CalendarObjectRecord>,
        ics: ICalendar,
    ) -> Result<Event, CalendarError> {
        let zone = self.calendar_zone(cal).await?;
        let m = ical::master(&ics).ok_or_else(unreadable)?;
        let fields = ical::read_fields(&ics.components[m], &zone).ok_or_else(unreadable)?;
        let uid = ics.components[m].uid().unwrap_or_default().to_owned();
        let (starts_at, ends_at) = expand::bounds(&ics, self.limits.max_rule_dates);
        let recurring = ics.components[m].is_recurrent();
        let brief = expand::Brief::of(&ics, &fields);
        let due = self.reminder_from_now(&ics, &zone);
        let search_text = EventFields {
            attendees: Some(participants::attendees(&ics.components[m])),
            ..fields.clone()
        }
        .search_text();
        let text = ical::to_text(ics);

        let row = CalendarObjectRow {
            kind: KIND,
            uid: &uid,
            title: &fields.title,
            search_text: &search_text,
            starts_at,
            ends_at,
            recurring,
            ical: &text,
            brief: brief.as_deref(),
            reminder: due.map(|(due_at, occurrence_at)| ReminderDue {
                account_id: &cal.account_id,
                due_at,
                occurrence_at,
            }),
        };
        let calendars = self.store.calendars();
        let r = match existing {
            Some(e) => calendars.replace_object(&cal.id, &e.id, row).await?,
            None => calendars.insert_object(&cal.id, row).await?,
        };
        view(
            &r,
            &ICalendar::parse(&r.ical).map_err(|_| unreadable())?,
            &zone,
        )
    }
}

/// The event as stored, for its owner or a writer.
pub(crate) fn view(
    r: &CalendarObjectRecord,
    ics: &ICalendar,
    zone: &str,
) -> Result<Event, CalendarError> {
    let m = ical::master(ics).ok_or_else(unreadable)?;
    let mut fields = ical::read_fields(&ics.components[m], zone).ok_or_else(unreadable)?;
    fields.reminders = Some(alarms::read(ics, m));
    fields.attendees = Some(participants::attendees(&ics.components[m]));
    fields.organizer = participants::organizer(&ics.components[m]);
    let mut exceptions: Vec<String> = ical::overrides(ics)
        .into_iter()
        .filter_map(|i| expand::rid_of(ics, i, zone))
        .map(Rid::to_text)
        .collect();
    exceptions.sort();
    Ok(Event {
        id: r.id.clone(),
        calendar_id: r.calendar_id.clone(),
        uid: r.uid.clone(),
        sequence: ical::sequence(&ics.components[m]),
        fields,
        exceptions,
        masked: false,
        updated_at: r.updated_at,
    })
}

/// An instance dressed for the account, or `None` when it must not see it (a free
/// event of a free/busy calendar).
fn occurrence(
    r: &CalendarObjectRecord,
    i: &Instance,
    f: EventFields,
    access: Access,
    recurring: bool,
    master: Option<usize>,
    viewer: &str,
) -> Option<Occurrence> {
    let masked = access == Access::FreeBusy || (access == Access::Read && f.private);
    if access == Access::FreeBusy && !f.busy {
        return None;
    }
    let f = if masked { masked_fields(f) } else { f };
    let time = if i.all_day {
        OccurrenceTime::AllDay {
            start: i.start.date_naive(),
            end: i.end.date_naive().max(i.start.date_naive().succ_opt()?),
        }
    } else {
        OccurrenceTime::Timed {
            start: expand::shown(i.start),
            end: expand::shown(i.end),
            time_zone: f.when.time_zone().unwrap_or(viewer).to_owned(),
        }
    };
    Some(Occurrence {
        event_id: r.id.clone(),
        calendar_id: r.calendar_id.clone(),
        uid: r.uid.clone(),
        recurrence_id: recurring.then(|| i.rid.to_text()),
        time,
        title: f.title,
        location: f.location,
        busy: f.busy,
        private: f.private,
        color: f.color,
        recurring,
        exception: Some(i.comp) != master,
        masked,
    })
}

/// The rule without its extra and excluded dates: what decides whether changed
/// occurrences still mean anything.
fn rule_only(r: &crate::Recurrence) -> crate::Recurrence {
    crate::Recurrence {
        rdates: Vec::new(),
        exdates: Vec::new(),
        ..r.clone()
    }
}

/// The series' times moved as one occurrence (`rid`) was moved to `to`.
fn shifted(series: &When, to: &When, rid: Rid, zone: &str) -> When {
    let from = expand::local_start(rid, series.time_zone().or(Some(zone)));
    let delta = to.start_local() - from;
    match (series, to) {
        (
            When::Timed { start, .. },
            When::Timed {
                start: s,
                end: e,
                time_zone,
            },
        ) => When::Timed {
            start: *start + delta,
            end: *start + delta + (*e - *s),
            time_zone: time_zone.clone(),
        },
        (When::AllDay { start, .. }, When::AllDay { start: s, end: e }) => When::AllDay {
            start: *start + delta,
            end: *start + delta + (*e - *s),
        },
        // From days to times or back: the series takes the new times on its own dates.
        (
            _,
            When::Timed {
                start: s,
                end: e,
                time_zone,
            },
        ) => {
            let day = series.start_local().date();
            When::Timed {
                start: day.and_time(s.time()),
                end: day.and_time(s.time()) + (*e - *s),
                time_zone: time_zone.clone(),
            }
        }
        (_, When::AllDay { start: s, end: e }) => {
            let day = series.start_local().date();
            When::AllDay {
                start: day,
                end: day + (*e - *s),
            }
        }
    }
}

/// Every component's SEQUENCE goes up by one, together (an occurrence's change is
/// matched to its series by equal sequence numbers).
fn bump(ics: &mut ICalendar) {
    let next = ical::master(ics).map_or(0, |m| ical::sequence(&ics.components[m])) + 1;
    for i in ical::overrides(ics).into_iter().chain(ical::master(ics)) {
        ical::stamp(&mut ics.components[i], next);
    }
}

/// Removes the changed occurrence `rid`, if there is one.
fn remove_override(ics: &mut ICalendar, rid: Rid, zone: &str) {
    let gone: Vec<u32> = ical::overrides(ics)
        .into_iter()
        .filter(|i| expand::rid_of(ics, *i, zone) == Some(rid))
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    ics.remove_component_ids(&gone);
}

/// How many dates the series' rule gave before `rid`. RFC 5545 §3.3.10: "The COUNT rule
/// part defines the number of occurrences at which to range-bound the recurrence. The
/// "DTSTART" property value always counts as the first occurrence." Dates left out by
/// EXDATE still count; RDATEs and moved occurrences are not the rule's.
fn rule_dates_before(ics: &ICalendar, m: usize, zone: &str, rid: Rid, max: usize) -> u32 {
    let mut rule = ics.clone();
    rule.components[m]
        .entries
        .retain(|e| !matches!(e.name, ICalendarProperty::Rdate | ICalendarProperty::Exdate));
    let overrides: Vec<u32> = ical::overrides(&rule)
        .into_iter()
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    rule.remove_component_ids(&overrides);
    let (all, _) = expand::instances(&rule, zone, None, max);
    u32::try_from(all.iter().filter(|i| i.rid < rid).count()).unwrap_or(u32::MAX)
}

/// Ends the series just before `rid`: its rule gets an UNTIL (RFC 5545 §3.3.10: a UTC
/// time for a zoned start, a date for a day), and the changed, extra and excluded
/// occurrences from `rid` on go.
fn truncate(ics: &mut ICalendar, m: usize, rid: Rid, zone: &str) {
    let mz = master_zone(&ics.components[m], zone);
    let cut = expand::local_start(rid, mz.as_deref());
    let until = match rid {
        Rid::Instant(t) => ical::partial_utc((t - Duration::seconds(1)).naive_utc()),
        Rid::Day(d) => ical::partial(d.pred_opt().unwrap_or(d).and_time(NaiveTime::MIN), false),
    };
    let master = &mut ics.components[m];
    if let Some(e) = master.property_mut(&ICalendarProperty::Rrule)
        && let Some(ICalendarValue::RecurrenceRule(rule)) = e.values.first_mut()
    {
        rule.count = None;
        rule.until = Some(until);
    }
    keep_before(master, &ICalendarProperty::Rdate, cut);
    keep_before(master, &ICalendarProperty::Exdate, cut);
    let later: Vec<u32> = ical::overrides(ics)
        .into_iter()
        .filter(|i| expand::rid_of(ics, *i, zone).is_some_and(|r| r >= rid))
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    ics.remove_component_ids(&later);
}
