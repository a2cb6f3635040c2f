//! Tasks (to-do lists): VTODO objects of a calendar — a title, notes, a due day or time,
//! a start day, a priority, a status with its percentage and completion time, and a
//! parent task (RELATED-TO) for subtasks — listed across the account's calendars with the
//! filters a to-do list has (overdue, today, upcoming, completed).

use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty,
    ICalendarStatus, ICalendarValue,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use osprey_store::{CalendarObjectRecord, CalendarObjectRow, CalendarRecord};

use crate::{Access, CalendarError, CalendarService, alarms, fields, fields::Reminder, ical};

pub(crate) const TASK: &str = "task";
const MAX_TITLE: usize = 500;
const MAX_NOTES: usize = 20_000;

/// Where a task stands (RFC 5545 §3.8.1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    NeedsAction,
    InProcess,
    Completed,
    Cancelled,
}

/// When a task is due: a day, or a time in a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Day(NaiveDate),
    At {
        at: NaiveDateTime,
        time_zone: String,
    },
}

/// A task's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub title: String,
    pub notes: String,
    pub due: Option<Due>,
    pub start: Option<NaiveDate>,
    /// 0 none, 1 highest … 9 lowest (RFC 5545 §3.8.1.9).
    pub priority: u8,
    pub status: TaskStatus,
    /// 0 to 100.
    pub percent: u8,
    /// The parent task's UID, for a subtask.
    pub parent: Option<String>,
    /// A repeating task (it needs a due date): completing it moves it to the next due
    /// date the rule gives, until the rule ends.
    pub repeat: Option<crate::Recurrence>,
    /// Mails to the owner before it is due (it needs a due date), as an event's: so many
    /// minutes before (a day is due at its start, midnight in the calendar's zone) or at
    /// an instant. Read: always `Some`. Written: `None` leaves a changed task's as they
    /// were (a new one gets none).
    pub reminders: Option<Vec<Reminder>>,
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub calendar_id: String,
    pub uid: String,
    pub fields: TaskFields,
    /// When it was completed (set by the server when its status becomes completed).
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFilter {
    /// Every task not completed or cancelled.
    Open,
    /// Open and due before today.
    Overdue,
    /// Open and due today.
    Today,
    /// Open and due after today, or with no due date.
    Upcoming,
    /// Completed or cancelled.
    Done,
    All,
}

impl TaskFields {
    pub(crate) fn normalized(mut self) -> Result<Self, CalendarError> {
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() || self.title.chars().count() > MAX_TITLE {
            return Err(CalendarError::invalid(
                "title",
                format!("1 to {MAX_TITLE} characters"),
            ));
        }
        self.notes = self.notes.trim().to_owned();
        if self.notes.chars().count() > MAX_NOTES {
            return Err(CalendarError::invalid(
                "notes",
                format!("at most {MAX_NOTES} characters"),
            ));
        }
        if let Some(Due::At { time_zone, .. }) = &self.due {
            fields::time_zone("time_zone", time_zone)?;
        }
        if let (Some(s), Some(d)) = (self.start, &self.due) {
            let due_day = match d {
                Due::Day(d) => *d,
                Due::At { at, .. } => at.date(),
            };
            if s > due_day {
                return Err(CalendarError::invalid(
                    "start",
                    "the start is after the due date",
                ));
            }
        }
        if self.priority > 9 {
            return Err(CalendarError::invalid(
                "priority",
                "0 (none) or 1 (highest) to 9 (lowest)",
            ));
        }
        if self.percent > 100 {
            return Err(CalendarError::invalid("percent", "0 to 100"));
        }
        if self.status == TaskStatus::Completed {
            self.percent = 100;
        }
        self.parent = self
            .parent
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        if let Some(r) = self.repeat.take() {
            let Some(due) = &self.due else {
                return Err(CalendarError::invalid(
                    "repeat",
                    "a repeating task needs a due date",
                ));
            };
            let checked = crate::EventFields {
                recurrence: Some(r),
                ..anchor(due)
            }
            .normalized()
            .map_err(|e| match e {
                CalendarError::Invalid { field, message } => CalendarError::Invalid {
                    field: field.replacen("recurrence", "repeat", 1),
                    message,
                },
                other => other,
            })?;
            self.repeat = checked.recurrence;
        }
        if let Some(list) = self.reminders.take() {
            if !list.is_empty() && self.due.is_none() {
                return Err(CalendarError::invalid(
                    "reminders",
                    "a task's reminders need a due date",
                ));
            }
            self.reminders = Some(fields::reminders("reminders", list)?);
        }
        Ok(self)
    }

    /// The instant it is due, for sorting and filtering (a day is due at its end in
    /// `zone`).
    pub(crate) fn due_instant(&self, zone: &str) -> Option<DateTime<Utc>> {
        let (local, zone) = match &self.due {
            None => return None,
            Some(Due::Day(d)) => (d.and_hms_opt(23, 59, 59)?, zone),
            Some(Due::At { at, time_zone }) => (*at, time_zone.as_str()),
        };
        let tz = zone.parse::<chrono_tz::Tz>().ok()?;
        tz.from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }
}

fn status_value(s: TaskStatus) -> ICalendarStatus {
    match s {
        TaskStatus::NeedsAction => ICalendarStatus::NeedsAction,
        TaskStatus::InProcess => ICalendarStatus::InProcess,
        TaskStatus::Completed => ICalendarStatus::Completed,
        TaskStatus::Cancelled => ICalendarStatus::Cancelled,
    }
}

/// Writes the fields into the VTODO, replacing what Osprey edits.
fn write(comp: &mut ICalendarComponent, f: &TaskFields, completed: Option<DateTime<Utc>>) {
    comp.entries.retain(|e| {
        !matches!(
            e.name,
            ICalendarProperty::Summary
                | ICalendarProperty::Description
                | ICalendarProperty::Due
                | ICalendarProperty::Dtstart
                | ICalendarProperty::Priority
                | ICalendarProperty::Status
                | ICalendarProperty::PercentComplete
                | ICalendarProperty::Completed
                | ICalendarProperty::RelatedTo
                | ICalendarProperty::Rrule
        )
    });
    comp.add_property(ICalendarProperty::Summary, f.title.clone());
    if !f.notes.is_empty() {
        comp.add_property(ICalendarProperty::Description, f.notes.clone());
    }
    match &f.due {
        Some(Due::Day(d)) => comp.entries.push(ical::date_entry(
            ICalendarProperty::Due,
            &[d.and_time(NaiveTime::MIN)],
            None,
        )),
        Some(Due::At { at, time_zone }) => comp.entries.push(ical::date_entry(
            ICalendarProperty::Due,
            &[*at],
            Some(time_zone),
        )),
        None => {}
    }
    if let Some(s) = f.start {
        comp.entries.push(ical::date_entry(
            ICalendarProperty::Dtstart,
            &[s.and_time(NaiveTime::MIN)],
            None,
        ));
    }
    if let (Some(r), Some(due)) = (&f.repeat, &f.due) {
        let when = anchor(due).when;
        // RFC 5545 §3.8.5.3: the rule counts from DTSTART; a task without a start day
        // starts when it is due.
        if f.start.is_none() {
            let (at, zone) = match due {
                Due::Day(d) => (d.and_time(NaiveTime::MIN), None),
                Due::At { at, time_zone } => (*at, Some(time_zone.as_str())),
            };
            comp.entries
                .push(ical::date_entry(ICalendarProperty::Dtstart, &[at], zone));
        }
        comp.entries
            .push(ICalendarEntry::new(ICalendarProperty::Rrule).with_value(
                ICalendarValue::RecurrenceRule(Box::new(ical::rule(r, &when))),
            ));
    }
    if f.priority > 0 {
        comp.add_property(
            ICalendarProperty::Priority,
            ICalendarValue::Integer(i64::from(f.priority)),
        );
    }
    comp.add_property(
        ICalendarProperty::Status,
        ICalendarValue::Status(status_value(f.status)),
    );
    comp.add_property(
        ICalendarProperty::PercentComplete,
        ICalendarValue::Integer(i64::from(f.percent)),
    );
    if let Some(t) = completed {
        comp.add_property(
            ICalendarProperty::Completed,
            ICalendarValue::PartialDateTime(Box::new(ical::partial_utc(t.naive_utc()))),
        );
    }
    if let Some(p) = &f.parent {
        comp.entries
            .push(ICalendarEntry::new(ICalendarProperty::RelatedTo).with_value(p.clone()));
    }
}

fn int_of(c: &ICalendarComponent, p: &ICalendarProperty) -> Option<i64> {
    c.property(p)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_integer)
}

/// The task's fields and completion time, read from its VTODO.
pub(crate) fn read(c: &ICalendarComponent, zone: &str) -> (TaskFields, Option<DateTime<Utc>>) {
    let text = |p: &ICalendarProperty| ical::text(c, p);
    let due = ical::date_value(c, &ICalendarProperty::Due).map(|d| {
        if d.has_time {
            Due::At {
                at: d.local,
                time_zone: ical::zone_of(&d, zone),
            }
        } else {
            Due::Day(d.local.date())
        }
    });
    let status = match c.status() {
        Some(ICalendarStatus::InProcess) => TaskStatus::InProcess,
        Some(ICalendarStatus::Completed) => TaskStatus::Completed,
        Some(ICalendarStatus::Cancelled) => TaskStatus::Cancelled,
        _ => TaskStatus::NeedsAction,
    };
    let completed =
        ical::date_value(c, &ICalendarProperty::Completed).map(|d| Utc.from_utc_datetime(&d.local));
    let fields = TaskFields {
        title: text(&ICalendarProperty::Summary),
        notes: text(&ICalendarProperty::Description),
        due,
        start: ical::date_value(c, &ICalendarProperty::Dtstart).map(|d| d.local.date()),
        priority: int_of(c, &ICalendarProperty::Priority)
            .and_then(|p| u8::try_from(p).ok())
            .filter(|p| *p <= 9)
            .unwrap_or(0),
        status,
        percent: int_of(c, &ICalendarProperty::PercentComplete)
            .and_then(|p| u8::try_from(p).ok())
            .map_or(0, |p| p.min(100)),
        parent: Some(text(&ICalendarProperty::RelatedTo)).filter(|p| !p.is_empty()),
        repeat: c
            .property(&ICalendarProperty::Rrule)
            .and_then(|_| ical::read_fields(c, zone))
            .and_then(|f| f.recurrence),
        reminders: None,
    };
    let mut fields = fields;
    // The start Osprey wrote for the rule's sake is not a start day of the task's.
    if fields.repeat.is_some()
        && let (Some(s), Some(d)) = (fields.start, &fields.due)
        && s == due_day(d)
        && !ical::date_value(c, &ICalendarProperty::Dtstart)
            .is_some_and(|v| !v.has_time && matches!(d, Due::At { .. }))
    {
        fields.start = None;
    }
    (fields, completed)
}

/// An open task's reminders: when it is due (a day at its start in `zone`) and when each
/// of its reminders goes.
pub(crate) struct TaskAlarms {
    pub due: DateTime<Utc>,
    pub all_day: bool,
    pub title: String,
    pub times: Vec<DateTime<Utc>>,
}

/// The task's reminders; `None` for a task done or with no due date.
pub(crate) fn task_alarms(ics: &ICalendar, zone: &str) -> Option<TaskAlarms> {
    let t = todo_index(ics)?;
    let (f, _) = read(&ics.components[t], zone);
    if matches!(f.status, TaskStatus::Completed | TaskStatus::Cancelled) {
        return None;
    }
    let (local, zone, all_day) = match f.due? {
        Due::Day(d) => (d.and_time(NaiveTime::MIN), zone.to_owned(), true),
        Due::At { at, time_zone } => (at, time_zone, false),
    };
    let tz = zone.parse::<chrono_tz::Tz>().ok()?;
    let due = tz
        .from_local_datetime(&local)
        .earliest()?
        .with_timezone(&Utc);
    let times = alarms::read(ics, t)
        .into_iter()
        .map(|r| match r {
            Reminder::Before(m) => due - chrono::Duration::minutes(i64::from(m)),
            Reminder::At(at) => at,
        })
        .collect();
    Some(TaskAlarms {
        due,
        all_day,
        title: f.title,
        times,
    })
}

fn due_day(d: &Due) -> NaiveDate {
    match d {
        Due::Day(d) => *d,
        Due::At { at, .. } => at.date(),
    }
}

/// An event at the due date, to state and expand a task's rule with the events' code.
fn anchor(due: &Due) -> crate::EventFields {
    let when = match due {
        Due::Day(d) => crate::When::AllDay {
            start: *d,
            end: d.succ_opt().unwrap_or(*d),
        },
        Due::At { at, time_zone } => crate::When::Timed {
            start: *at,
            end: *at,
            time_zone: time_zone.clone(),
        },
    };
    crate::EventFields {
        title: "task".into(),
        location: String::new(),
        description: String::new(),
        when,
        busy: false,
        categories: Vec::new(),
        color: None,
        private: false,
        recurrence: None,
        reminders: None,
        attendees: None,
        organizer: None,
    }
}

/// The due date after `due` that the rule gives, if the rule goes on.
fn next_due(due: &Due, r: &crate::Recurrence, max_rule_dates: usize) -> Option<Due> {
    let f = crate::EventFields {
        recurrence: Some(r.clone()),
        ..anchor(due)
    };
    let zone = match due {
        Due::At { time_zone, .. } => time_zone.clone(),
        Due::Day(_) => "UTC".into(),
    };
    let ics = ical::new_event("next@osprey", &f);
    let first = f.when.start_local();
    let horizon = Utc.from_utc_datetime(&first) + chrono::Duration::days(4 * 366);
    let (all, _) = crate::expand::instances(&ics, &zone, Some(horizon), max_rule_dates);
    let next = all
        .iter()
        .map(|i| i.start.naive_local())
        .filter(|s| *s > first)
        .min()?;
    Some(match due {
        Due::Day(_) => Due::Day(next.date()),
        Due::At { time_zone, .. } => Due::At {
            at: next,
            time_zone: time_zone.clone(),
        },
    })
}

pub(crate) fn todo_index(cal: &ICalendar) -> Option<usize> {
    cal.components
        .iter()
        .position(|c| c.component_type == ICalendarComponentType::VTodo)
}

pub(crate) fn task_of(r: &CalendarObjectRecord, zone: &str) -> Option<Task> {
    let cal = ICalendar::parse(&r.ical).ok()?;
    let t = todo_index(&cal)?;
    let (mut fields, completed_at) = read(&cal.components[t], zone);
    fields.reminders = Some(alarms::read(&cal, t));
    Some(Task {
        id: r.id.clone(),
        calendar_id: r.calendar_id.clone(),
        uid: r.uid.clone(),
        fields,
        completed_at,
        updated_at: r.updated_at,
    })
}

impl CalendarService {
    /// Adds a task to a calendar the account may write.
    pub async fn create_task(
        &self,
        account_id: &str,
        calendar_id: &str,
        fields: TaskFields,
    ) -> Result<Task, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let f = self.task_zoned(&cal, fields).await?.normalized()?;
        let uid = format!("{}@osprey", uuid::Uuid::now_v7());
        let mut one = ical::new_root();
        let mut todo = ICalendarComponent::new(ICalendarComponentType::VTodo);
        todo.add_uid(&uid);
        ical::stamp(&mut todo, 0);
        let completed = (f.status == TaskStatus::Completed).then(Utc::now);
        write(&mut todo, &f, completed);
        ical::push(&mut one, todo);
        alarms::write_under(
            &mut one,
            todo_index,
            f.reminders.as_deref().unwrap_or_default(),
        );
        self.save_task(&cal, None, &uid, &f, one).await
    }

    /// Changes a task; completing it stamps the time, reopening it clears it.
    pub async fn update_task(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
        fields: TaskFields,
    ) -> Result<Task, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let f = self.task_zoned(&cal, fields).await?.normalized()?;
        let r = self.task_record(calendar_id, id).await?;
        let mut one = ICalendar::parse(&r.ical).map_err(|_| unreadable())?;
        let t = todo_index(&one).ok_or_else(unreadable)?;
        let zone = self.calendar_zone(&cal).await?;
        let (_, was) = read(&one.components[t], &zone);
        let mut f = f;
        // Completing a repeating task moves it on to its next due date, with one fewer
        // to go when the rule counts; the last one completes.
        if f.status == TaskStatus::Completed
            && let (Some(r), Some(due)) = (f.repeat.clone(), f.due.clone())
            && r.count != Some(1)
            && let Some(next) = next_due(&due, &r, self.limits.max_rule_dates)
        {
            f.due = Some(next);
            f.status = TaskStatus::NeedsAction;
            f.percent = 0;
            f.repeat = Some(crate::Recurrence {
                count: r.count.map(|c| c - 1),
                ..r
            });
        }
        let completed = match f.status {
            TaskStatus::Completed => was.or_else(|| Some(Utc::now())),
            _ => None,
        };
        let seq = ical::sequence(&one.components[t]) + 1;
        ical::stamp(&mut one.components[t], seq);
        write(&mut one.components[t], &f, completed);
        match &f.reminders {
            Some(list) => alarms::write_under(&mut one, todo_index, list),
            None => alarms::retitle_under(&mut one, todo_index),
        }
        let uid = r.uid.clone();
        self.save_task(&cal, Some(&r), &uid, &f, one).await
    }

    /// One task of a calendar the account can read.
    pub async fn get_task(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
    ) -> Result<Task, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Read).await?;
        let zone = self.calendar_zone(&cal).await?;
        let r = self.task_record(calendar_id, id).await?;
        task_of(&r, &zone).ok_or_else(unreadable)
    }

    /// Deletes a task (its subtasks stay, without a parent).
    pub async fn delete_task(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
    ) -> Result<(), CalendarError> {
        self.require(account_id, calendar_id, Access::Write).await?;
        self.task_record(calendar_id, id).await?;
        Ok(self
            .store
            .calendars()
            .delete_object(calendar_id, id)
            .await?)
    }

    /// The tasks of the account's calendars (not free/busy shares) that `filter` keeps,
    /// open ones by due date (none last), then priority and title; done ones newest first.
    pub async fn tasks(
        &self,
        account_id: &str,
        filter: TaskFilter,
        calendars: Option<&[String]>,
    ) -> Result<Vec<Task>, CalendarError> {
        let zone = self.zone_of(account_id).await?;
        let visible: Vec<_> = self
            .calendars(account_id, false)
            .await?
            .into_iter()
            .filter(|c| c.access >= Access::Read)
            .filter(|c| calendars.is_none_or(|ids| ids.contains(&c.id)))
            .collect();
        let tz = zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
        let today = Utc::now().with_timezone(&tz).date_naive();
        let mut out = Vec::new();
        for c in &visible {
            for r in self.store.calendars().all_objects(&c.id, TASK).await? {
                let Some(t) = task_of(&r, &zone) else {
                    continue;
                };
                let done = matches!(
                    t.fields.status,
                    TaskStatus::Completed | TaskStatus::Cancelled
                );
                let due_day = t.fields.due.as_ref().map(|d| match d {
                    Due::Day(d) => *d,
                    Due::At { at, .. } => at.date(),
                });
                let keep = match filter {
                    TaskFilter::All => true,
                    TaskFilter::Done => done,
                    TaskFilter::Open => !done,
                    TaskFilter::Overdue => !done && due_day.is_some_and(|d| d < today),
                    TaskFilter::Today => !done && due_day == Some(today),
                    TaskFilter::Upcoming => !done && due_day.is_none_or(|d| d > today),
                };
                if keep {
                    out.push(t);
                }
            }
        }
        let key = |t: &Task| {
            (
                t.fields
                    .due_instant(&zone)
                    .map_or(i64::MAX, |d| d.timestamp()),
                if t.fields.priority == 0 {
                    10
                } else {
                    t.fields.priority
                },
                t.fields.title.to_lowercase(),
            )
        };
        if filter == TaskFilter::Done {
            out.sort_by_key(|t| std::cmp::Reverse(t.completed_at));
        } else {
            out.sort_by_key(key);
        }
        Ok(out)
    }

    /// The fields with the calendar's zone where a due time names none.
    async fn task_zoned(
        &self,
        cal: &CalendarRecord,
        mut f: TaskFields,
    ) -> Result<TaskFields, CalendarError> {
        if let Some(Due::At { time_zone, .. }) = &mut f.due
            && time_zone.trim().is_empty()
        {
            *time_zone = self.calendar_zone(cal).await?;
        }
        Ok(f)
    }

    async fn task_record(
        &self,
        calendar_id: &str,
        id: &str,
    ) -> Result<CalendarObjectRecord, CalendarError> {
        let r = self.store.calendars().object(calendar_id, id).await?;
        if r.kind != TASK {
            return Err(CalendarError::NotFound);
        }
        Ok(r)
    }

    async fn save_task(
        &self,
        cal: &CalendarRecord,
        existing: Option<&CalendarObjectRecord>,
        uid: &str,
        f: &TaskFields,
        one: ICalendar,
    ) -> Result<Task, CalendarError> {
        let zone = self.calendar_zone(cal).await?;
        let due = f.due_instant(&zone);
        let reminder = self.reminder_from_now(&one, &zone);
        let text = ical::to_text(one);
        let search_text = format!("{}\n{}", f.title, f.notes).to_lowercase();
        let row = CalendarObjectRow {
            kind: TASK,
            uid,
            title: &f.title,
            search_text: &search_text,
            starts_at: due,
            ends_at: due,
            recurring: false,
            ical: &text,
            brief: None,
            reminder: reminder.map(|(due_at, occurrence_at)| osprey_store::ReminderDue {
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
        task_of(&r, &zone).ok_or_else(unreadable)
    }
}

fn unreadable() -> CalendarError {
    CalendarError::invalid("task", "the stored task cannot be read")
}
