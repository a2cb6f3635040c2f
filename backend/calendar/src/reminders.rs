//! E-mail reminders. Each event with reminders has one row in the store's reminder
//! schedule: its next reminder (when, and for which occurrence), rewritten whenever the
//! event is saved. [`ReminderWorker`] claims the due rows with a lease, mails each owner
//! and moves each row on to the following reminder, so every occurrence of a repeating
//! event is reminded of, and releasing the lease is the same write that moves the row.
//!
//! Exactly once: two workers (nodes) never hold the same row (a lease, and `SKIP LOCKED`
//! on PostgreSQL); a worker that stops between sending and moving the row on leaves a
//! lease that runs out, and the worker that takes the row up again first looks whether
//! the owner already received the reminder's Message-ID (the store remembers every
//! Message-ID an account was delivered) before it sends. A reminder whose time passed
//! while no server ran goes when one starts, saying when it was due, unless it is older
//! than the grace period; then it is skipped.

use std::future::Future;

use calcard::icalendar::ICalendar;
use chrono::{DateTime, Duration, Utc};
use osprey_core::Address;
use osprey_mail::{
    LocalDelivery,
    message::{Compose, NamedAddress},
};
use osprey_store::{ClaimedReminder, ReminderAdvance, ReminderDue};

use crate::{CalendarError, CalendarService, alarms, expand, fields::Reminder, ical, tasks};

/// Where the schedule's search for an event's next reminder starts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cursor {
    /// The first reminder due at or after this instant (an event just saved).
    From(DateTime<Utc>),
    /// The first after this one (due, occurrence start): the one that just went.
    After(DateTime<Utc>, DateTime<Utc>),
}

impl Cursor {
    fn accepts(self, due: DateTime<Utc>, occurrence: DateTime<Utc>) -> bool {
        match self {
            Cursor::From(t) => due >= t,
            Cursor::After(d, o) => (due, occurrence) > (d, o),
        }
    }

    fn time(self) -> DateTime<Utc> {
        match self {
            Cursor::From(t) | Cursor::After(t, _) => t,
        }
    }
}

/// The furthest ahead the schedule looks for an event's next reminder.
const HORIZON_DAYS: i64 = 5 * 366;

/// The event's or the task's next reminder from `cursor` on, as (due, occurrence start;
/// for a task when it is due); `None` when it has no reminders or none within five
/// years.
pub(crate) fn next_reminder(
    ics: &ICalendar,
    zone: &str,
    max_rule_dates: usize,
    cursor: Cursor,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let Some(m) = ical::master(ics) else {
        return next_task_reminder(ics, zone, cursor);
    };
    let reminders = alarms::read(ics, m);
    if reminders.is_empty() {
        return None;
    }
    let lead = reminders
        .iter()
        .filter_map(|r| match r {
            Reminder::Before(m) => Some(i64::from(*m)),
            Reminder::At(_) => None,
        })
        .max()
        .unwrap_or(0);
    let mut ahead = 62;
    loop {
        let until = cursor.time() + Duration::minutes(lead) + Duration::days(ahead);
        let (all, cut) = expand::instances(ics, zone, Some(until), max_rule_dates);
        let starts: Vec<DateTime<Utc>> = all.iter().map(|i| i.start.with_timezone(&Utc)).collect();
        let mut best: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        let mut consider = |due: DateTime<Utc>, occurrence: DateTime<Utc>| {
            if cursor.accepts(due, occurrence) && best.is_none_or(|b| (due, occurrence) < b) {
                best = Some((due, occurrence));
            }
        };
        for r in &reminders {
            match r {
                Reminder::Before(minutes) => {
                    for s in &starts {
                        consider(*s - Duration::minutes(i64::from(*minutes)), *s);
                    }
                }
                Reminder::At(t) => {
                    if let Some(first) = starts.iter().min() {
                        consider(*t, *first);
                    }
                }
            }
        }
        if best.is_some() || cut || ahead >= HORIZON_DAYS {
            return best;
        }
        ahead = (ahead * 6).min(HORIZON_DAYS);
    }
}

/// A task's next reminder: only for the due date it has now (a repeating task moves on
/// to its next one when it is completed, and that save schedules its reminders).
fn next_task_reminder(
    ics: &ICalendar,
    zone: &str,
    cursor: Cursor,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let a = tasks::task_alarms(ics, zone)?;
    a.times
        .iter()
        .map(|t| (*t, a.due))
        .filter(|(d, o)| cursor.accepts(*d, *o))
        .min()
}

/// How the reminder worker behaves.
#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// A reminder more overdue than this is skipped, not sent.
    pub grace: Duration,
    /// How long a claimed reminder stays with its worker before another may take it.
    pub lease: Duration,
    /// Most reminders claimed at once.
    pub batch: u64,
    /// How often [`ReminderWorker::run`] looks for due reminders.
    pub tick: std::time::Duration,
    /// The server's host name: the reminders' Message-IDs and From.
    pub hostname: String,
    /// The web app's address (`https://mail.example.com`), for the link to the day;
    /// empty: no link.
    pub web_url: String,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            grace: Duration::hours(6),
            lease: Duration::minutes(5),
            batch: 100,
            tick: std::time::Duration::from_secs(15),
            hostname: "localhost".into(),
            web_url: String::new(),
        }
    }
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderPass {
    /// Reminders mailed.
    pub sent: usize,
    /// Reminders that had gone out before a worker stopped, found and not sent again.
    pub already_sent: usize,
    /// Reminders older than the grace period, skipped.
    pub skipped: usize,
    /// Reminders that failed; their lease runs out and they are tried again.
    pub failed: usize,
}

/// Sends the due reminders. Every node may run one.
#[derive(Clone)]
pub struct ReminderWorker {
    service: CalendarService,
    delivery: LocalDelivery,
    settings: ReminderSettings,
}

impl ReminderWorker {
    pub fn new(
        service: CalendarService,
        delivery: LocalDelivery,
        settings: ReminderSettings,
    ) -> Self {
        Self {
            service,
            delivery,
            settings,
        }
    }

    /// Runs a pass every [`ReminderSettings::tick`] until `stop` completes.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let mut tick = tokio::time::interval(self.settings.tick);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = &mut stop => return,
            }
            match self.run_due(Utc::now()).await {
                Ok(p) if p == ReminderPass::default() => {}
                Ok(p) => tracing::info!(
                    sent = p.sent,
                    already_sent = p.already_sent,
                    skipped = p.skipped,
                    failed = p.failed,
                    "calendar reminders"
                ),
                Err(e) => tracing::warn!(error = %e, "the due calendar reminders were not claimed"),
            }
        }
    }

    /// One pass: claims what is due at `now` (batch after batch) and sends it. The
    /// reminders of a batch are sent side by side (their deliveries share commits) and
    /// moved on together, in one transaction.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<ReminderPass, CalendarError> {
        let mut pass = ReminderPass::default();
        loop {
            let claimed = self
                .service
                .store
                .calendars()
                .claim_due_reminders(now, self.settings.lease, self.settings.batch)
                .await?;
            let full = claimed.len() as u64 >= self.settings.batch;
            let mut sending = tokio::task::JoinSet::new();
            for c in claimed {
                let worker = self.clone();
                sending.spawn(async move {
                    let done = worker.fire(&c, now).await;
                    (c, done)
                });
            }
            let mut done = Vec::new();
            while let Some(joined) = sending.join_next().await {
                let Ok((c, outcome)) = joined else {
                    pass.failed += 1;
                    continue;
                };
                match outcome {
                    Ok((fired, next)) => {
                        match fired {
                            Fired::Sent => pass.sent += 1,
                            Fired::AlreadySent => pass.already_sent += 1,
                            Fired::Skipped => pass.skipped += 1,
                        }
                        done.push((c, next));
                    }
                    Err(e) => {
                        pass.failed += 1;
                        tracing::warn!(object = %c.object_id, error = %e, "a calendar reminder failed; it is tried again");
                    }
                }
            }
            let advances: Vec<ReminderAdvance<'_>> = done
                .iter()
                .map(|(c, next)| ReminderAdvance {
                    object_id: &c.object_id,
                    due_at: c.due_at,
                    occurrence_at: c.occurrence_at,
                    next: next.map(|(due_at, occurrence_at)| ReminderDue {
                        account_id: &c.account_id,
                        due_at,
                        occurrence_at,
                    }),
                })
                .collect();
            self.service
                .store
                .calendars()
                .advance_reminders(&advances)
                .await?;
            if !full || pass.failed > 0 {
                return Ok(pass);
            }
        }
    }

    /// Sends one claimed reminder (or finds it sent, or too old); what comes next.
    async fn fire(
        &self,
        c: &ClaimedReminder,
        now: DateTime<Utc>,
    ) -> Result<(Fired, Option<(DateTime<Utc>, DateTime<Utc>)>), CalendarError> {
        let store = &self.service.store;
        let ics = ICalendar::parse(&c.ical).ok();
        let cal = store.calendars().calendar(&c.calendar_id).await?;
        let zone = self.service.calendar_zone(&cal).await?;
        let next = ics.as_ref().and_then(|ics| {
            next_reminder(
                ics,
                &zone,
                self.service.limits.max_rule_dates,
                Cursor::After(c.due_at, c.occurrence_at),
            )
        });
        let late = now - c.due_at;
        let fired = match &ics {
            Some(_) if late > self.settings.grace => Fired::Skipped,
            None => Fired::Skipped,
            Some(ics) => {
                let id = self.message_id(c);
                if c.retried
                    && store
                        .messages()
                        .has_seen_message_id(&c.account_id, &id)
                        .await?
                {
                    Fired::AlreadySent
                } else {
                    let bytes = self.message(c, ics, &zone, &id, late).await?;
                    self.delivery
                        .deliver(std::slice::from_ref(&c.account_id), "INBOX", &bytes, 0)
                        .await
                        .map_err(|e| CalendarError::Delivery(e.to_string()))?;
                    Fired::Sent
                }
            }
        };
        Ok((fired, next))
    }

    /// The reminder's Message-ID (without angle brackets): the same for every try of one
    /// reminder, which is how a worker that takes up another's expired lease knows
    /// whether the mail already went.
    pub fn message_id(&self, c: &ClaimedReminder) -> String {
        format!(
            "reminder.{}.{}.{}@{}",
            c.object_id,
            c.occurrence_at.timestamp(),
            c.due_at.timestamp(),
            self.settings.hostname
        )
    }

    async fn message(
        &self,
        c: &ClaimedReminder,
        ics: &ICalendar,
        event_zone: &str,
        id: &str,
        late: Duration,
    ) -> Result<Vec<u8>, CalendarError> {
        let owner = self.service.store.accounts().account(&c.account_id).await?;
        // The owner's domain's name for itself (its per-host look).
        let product = self
            .service
            .store
            .brandings()
            .product_name(&owner.address())
            .await;
        let viewer = self.service.zone_of(&c.account_id).await?;
        let tz: chrono_tz::Tz = viewer.parse().unwrap_or(chrono_tz::UTC);
        let what = match ical::master(ics) {
            Some(m) => event_summary(ics, m, c, event_zone, &viewer, tz)?,
            None => task_summary(ics, c, event_zone, &viewer, tz)?,
        };
        let mut text = format!("{}\n\n{}: {}\n", what.title, what.label, what.when);
        if !what.location.is_empty() {
            text.push_str(&format!("Where: {}\n", what.location));
        }
        if late > Duration::minutes(2) {
            text.push_str(&format!(
                "\nThis reminder was due at {}; the server could not send it then.\n",
                c.due_at.with_timezone(&tz).format("%A %-d %B %Y, %H:%M")
            ));
        }
        if !self.settings.web_url.is_empty() {
            text.push_str(&format!(
                "\nOpen it in your {}:\n{}{}\n",
                what.place,
                self.settings.web_url.trim_end_matches('/'),
                what.path
            ));
        }
        if !what.description.is_empty() {
            text.push_str(&format!("\n{}\n", what.description));
        }
        let to = Address::parse(&owner.address()).map_err(|_| CalendarError::NotFound)?;
        let from = Address::parse(&format!("noreply@{}", self.settings.hostname))
            .or_else(|_| Address::parse("noreply@localhost"))
            .map_err(|_| CalendarError::NotFound)?;
        Ok(Compose::new(
            NamedAddress {
                name: Some(format!("{product} Calendar")),
                address: from,
            },
            id,
        )
        .to([NamedAddress {
            name: Some(owner.display_name.clone()).filter(|n| !n.is_empty()),
            address: to,
        }])
        .subject(format!("Reminder: {} ({})", what.title, what.short))
        // RFC 3834: no vacation notice answers it.
        .field("Auto-Submitted", "auto-generated")
        .text(text)
        .to_bytes())
    }
}

/// What a reminder mail says of its event or task.
struct Summary {
    title: String,
    location: String,
    description: String,
    /// "When" or "Due".
    label: &'static str,
    when: String,
    /// For the subject.
    short: String,
    /// "calendar" or "tasks", and the web app's path there.
    place: &'static str,
    path: String,
}

fn event_summary(
    ics: &ICalendar,
    m: usize,
    c: &ClaimedReminder,
    event_zone: &str,
    viewer: &str,
    tz: chrono_tz::Tz,
) -> Result<Summary, CalendarError> {
    let f = ical::read_fields(&ics.components[m], event_zone).ok_or(CalendarError::NotFound)?;
    let start = c.occurrence_at.with_timezone(&tz);
    let (when, short) = match &f.when {
        crate::When::AllDay { start: s, end: e } => {
            let days = (*e - *s).num_days().max(1);
            let day = start.date_naive();
            let text = if days > 1 {
                let last = day + Duration::days(days - 1);
                format!(
                    "{} to {} (all day)",
                    day.format("%A %-d %B %Y"),
                    last.format("%A %-d %B %Y")
                )
            } else {
                format!("{} (all day)", day.format("%A %-d %B %Y"))
            };
            (text, day.format("%a %-d %b").to_string())
        }
        crate::When::Timed {
            start: s, end: e, ..
        } => {
            let end = (c.occurrence_at + (*e - *s)).with_timezone(&tz);
            let end_text = if end.date_naive() == start.date_naive() {
                end.format("%H:%M").to_string()
            } else {
                end.format("%A %-d %B %Y, %H:%M").to_string()
            };
            (
                format!(
                    "{} to {} ({viewer})",
                    start.format("%A %-d %B %Y, %H:%M"),
                    end_text
                ),
                start.format("%a %-d %b, %H:%M").to_string(),
            )
        }
    };
    Ok(Summary {
        title: f.title,
        location: f.location,
        description: f.description,
        label: "When",
        when,
        short,
        place: "calendar",
        path: format!("/calendar?date={}", start.date_naive().format("%Y-%m-%d")),
    })
}

fn task_summary(
    ics: &ICalendar,
    c: &ClaimedReminder,
    task_zone: &str,
    viewer: &str,
    tz: chrono_tz::Tz,
) -> Result<Summary, CalendarError> {
    let t = tasks::todo_index(ics).ok_or(CalendarError::NotFound)?;
    let (f, _) = tasks::read(&ics.components[t], task_zone);
    let due = c.occurrence_at.with_timezone(&tz);
    let (when, short) = match &f.due {
        Some(tasks::Due::Day(d)) => (
            d.format("%A %-d %B %Y").to_string(),
            d.format("due %a %-d %b").to_string(),
        ),
        _ => (
            format!("{} ({viewer})", due.format("%A %-d %B %Y, %H:%M")),
            due.format("due %a %-d %b, %H:%M").to_string(),
        ),
    };
    Ok(Summary {
        title: f.title,
        location: String::new(),
        description: f.notes,
        label: "Due",
        when,
        short,
        place: "tasks",
        path: "/calendar/tasks".into(),
    })
}

enum Fired {
    Sent,
    AlreadySent,
    Skipped,
}

impl CalendarService {
    /// The schedule row an event saved now should have.
    pub(crate) fn reminder_from_now(
        &self,
        ics: &ICalendar,
        zone: &str,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        next_reminder(
            ics,
            zone,
            self.limits.max_rule_dates,
            Cursor::From(Utc::now()),
        )
    }
}

/// A reminder due in a window, for the web app to show while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub calendar_id: String,
    /// The event's or the task's id.
    pub item_id: String,
    /// A task's reminder (`starts_at` is when it is due).
    pub task: bool,
    pub title: String,
    pub location: String,
    pub due_at: DateTime<Utc>,
    /// The occurrence's start.
    pub starts_at: DateTime<Utc>,
    pub all_day: bool,
}

/// The longest window [`CalendarService::due_reminders`] looks through.
pub const MAX_REMINDER_WINDOW_HOURS: i64 = 48;

impl CalendarService {
    /// The reminders of the account's own calendars due from `range.from` up to
    /// `range.to` (at most two days), by time.
    pub async fn due_reminders(
        &self,
        account_id: &str,
        range: expand::Range,
    ) -> Result<Vec<DueReminder>, CalendarError> {
        if range.to <= range.from {
            return Err(CalendarError::invalid(
                "to",
                "the end is not after the start",
            ));
        }
        if range.to - range.from > Duration::hours(MAX_REMINDER_WINDOW_HOURS) {
            return Err(CalendarError::invalid(
                "to",
                format!("a window is at most {MAX_REMINDER_WINDOW_HOURS} hours"),
            ));
        }
        let own = self.store.calendars().calendars_of(account_id).await?;
        let lead = Duration::minutes(i64::from(crate::calendars::MAX_REMINDER_MINUTES));
        let rows = self
            .with_alarms(&own, crate::events::KIND, range, lead)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let Some(cal) = own.iter().find(|c| c.id == r.calendar_id) else {
                continue;
            };
            let Ok(ics) = ICalendar::parse(&r.ical) else {
                continue;
            };
            let Some(m) = ical::master(&ics) else {
                continue;
            };
            let zone = self.calendar_zone(cal).await?;
            let Some(f) = ical::read_fields(&ics.components[m], &zone) else {
                continue;
            };
            let reminders = alarms::read(&ics, m);
            let (all, _) = expand::instances(
                &ics,
                &zone,
                Some(range.to + lead),
                self.limits.max_rule_dates,
            );
            let first = all.iter().map(|i| i.start.with_timezone(&Utc)).min();
            for i in &all {
                let start = i.start.with_timezone(&Utc);
                for rem in &reminders {
                    let due = match rem {
                        Reminder::Before(m) => start - Duration::minutes(i64::from(*m)),
                        Reminder::At(t) if Some(start) == first => *t,
                        Reminder::At(_) => continue,
                    };
                    if due >= range.from && due < range.to {
                        out.push(DueReminder {
                            calendar_id: r.calendar_id.clone(),
                            item_id: r.id.clone(),
                            task: false,
                            title: f.title.clone(),
                            location: f.location.clone(),
                            due_at: due,
                            starts_at: start,
                            all_day: i.all_day,
                        });
                    }
                }
            }
        }
        self.due_task_reminders(&own, range, &mut out).await?;
        out.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.title.cmp(&b.title)));
        out.dedup();
        Ok(out)
    }

    /// The objects of `kind` in the calendars `own` with alarms that may fall due in
    /// `range`: those starting (due) up to `lead` after it.
    async fn with_alarms(
        &self,
        own: &[osprey_store::CalendarRecord],
        kind: &str,
        range: expand::Range,
        lead: Duration,
    ) -> Result<Vec<osprey_store::CalendarObjectRecord>, CalendarError> {
        let ids: Vec<String> = own.iter().map(|c| c.id.clone()).collect();
        let mut rows = self
            .store
            .calendars()
            .objects_between(
                &ids,
                kind,
                range.from,
                range.to + lead,
                (self.limits.max_occurrences * 10) as u64,
            )
            .await?;
        rows.retain(|r| r.ical.contains("BEGIN:VALARM"));
        Ok(rows)
    }

    /// Adds the reminders of the open tasks due in the window to `out`. A task's row
    /// is stored at the end of its due day, so the query reaches a day further.
    async fn due_task_reminders(
        &self,
        own: &[osprey_store::CalendarRecord],
        range: expand::Range,
        out: &mut Vec<DueReminder>,
    ) -> Result<(), CalendarError> {
        let lead = Duration::minutes(i64::from(crate::calendars::MAX_REMINDER_MINUTES));
        let rows = self
            .with_alarms(own, tasks::TASK, range, lead + Duration::days(1))
            .await?;
        for r in &rows {
            let Some(cal) = own.iter().find(|c| c.id == r.calendar_id) else {
                continue;
            };
            let Ok(ics) = ICalendar::parse(&r.ical) else {
                continue;
            };
            let zone = self.calendar_zone(cal).await?;
            let Some(a) = tasks::task_alarms(&ics, &zone) else {
                continue;
            };
            for at in a
                .times
                .iter()
                .filter(|t| range.from <= **t && **t < range.to)
            {
                out.push(DueReminder {
                    calendar_id: r.calendar_id.clone(),
                    item_id: r.id.clone(),
                    task: true,
                    title: a.title.clone(),
                    location: String::new(),
                    due_at: *at,
                    starts_at: a.due,
                    all_day: a.all_day,
                });
            }
        }
        Ok(())
    }
}
