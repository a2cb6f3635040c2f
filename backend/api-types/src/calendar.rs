//! Calendars ("schedules"): the signed-in user's own and those shared with it, their
//! events (kept as iCalendar on the server) with recurrence and exceptions, and the
//! occurrences of every visible calendar over a window.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What an account may do with a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CalendarAccess {
    /// Sees when its events are busy, nothing else.
    Freebusy,
    /// Reads its events; a private event shows as "Busy".
    Read,
    /// Reads and changes its events.
    Write,
    /// Owns it.
    Owner,
}

/// An account a calendar is shared with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarShare {
    pub account_id: String,
    pub address: String,
    /// `freebusy`, `read` or `write`.
    pub access: CalendarAccess,
}

/// A calendar as the signed-in account sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Calendar {
    pub id: String,
    /// The owner's address (another account's for a shared calendar).
    pub owner_address: String,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub description: String,
    /// The IANA zone new events default to; `null` follows the owner's.
    pub time_zone: Option<String>,
    /// Minutes before an event's start its reminders go by default.
    pub default_reminders: Vec<u32>,
    pub position: i32,
    pub hidden: bool,
    /// The calendar made with the account; it cannot be deleted.
    pub is_default: bool,
    /// It has a private subscription feed (the owner's view only).
    pub has_feed: bool,
    pub access: CalendarAccess,
    /// Who it is shared with (the owner's view only; empty otherwise).
    pub shares: Vec<CalendarShare>,
    pub updated_at: DateTime<Utc>,
}

fn default_color() -> String {
    "#3b82f6".into()
}

/// The body of `POST /calendars` and `PUT /calendars/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarFields {
    /// 1 to 100 characters.
    pub name: String,
    /// `#rrggbb` (default `#3b82f6`).
    #[serde(default = "default_color")]
    pub color: String,
    #[serde(default)]
    pub description: String,
    /// An IANA zone such as `Europe/Berlin`; `null` follows the owner's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Up to five, each 0 to 40,320 minutes before.
    #[serde(default)]
    pub default_reminders: Vec<u32>,
    #[serde(default)]
    pub hidden: bool,
    /// Where the calendar goes among the owner's (`PUT` only; kept when absent).
    #[serde(default)]
    pub position: Option<i32>,
}

/// The body of `PUT /calendars/{id}/shares`: share the calendar with an account of this
/// server, or change the access it has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareCalendar {
    pub address: String,
    /// `freebusy`, `read` or `write`.
    pub access: CalendarAccess,
}

/// How often a rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RecurrenceFrequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A day of a rule: every `weekday`, or its nth in the month or year (`ordinal` 1 the
/// first, -1 the last; monthly and yearly rules only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecurrenceDay {
    pub weekday: DayOfWeek,
    #[serde(default)]
    pub ordinal: Option<i8>,
}

fn one() -> u16 {
    1
}

/// A recurrence rule (RFC 5545 RRULE) with extra (RDATE) and excluded (EXDATE) dates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventRecurrence {
    pub frequency: RecurrenceFrequency,
    /// Every `interval` days/weeks/months/years (default 1).
    #[serde(default = "one")]
    pub interval: u16,
    /// Ends after this many occurrences (1 to 10,000); not with `until`.
    #[serde(default)]
    pub count: Option<u32>,
    /// Ends on this day, in the event's zone; not with `count`.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub by_day: Vec<RecurrenceDay>,
    /// Days of the month, 1 to 31 or -31 to -1 (from the end).
    #[serde(default)]
    pub by_month_day: Vec<i8>,
    /// Months, 1 to 12.
    #[serde(default)]
    pub by_month: Vec<u8>,
    /// Which of the days found in each period: 1 the first, -1 the last.
    #[serde(default)]
    pub by_set_pos: Vec<i16>,
    /// Extra occurrences, as local starts in the event's zone (`2026-04-01T09:00:00`).
    #[serde(default)]
    pub rdates: Vec<NaiveDateTime>,
    /// Occurrences left out, as local starts in the event's zone.
    #[serde(default)]
    pub exdates: Vec<NaiveDateTime>,
}

fn yes() -> bool {
    true
}

/// An event's fields: the body of `POST /calendars/{id}/events` and
/// `PUT /calendars/{id}/events/{event_id}`, and part of [`CalendarEvent`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarEventFields {
    pub title: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub description: String,
    /// Whole days: `start` and `end` are dates and `end` is not included (a one-day
    /// event on 1 May ends on 2 May).
    #[serde(default)]
    pub all_day: bool,
    /// A local time in `time_zone` (`2026-05-01T09:30`), or a date for an all-day event.
    pub start: String,
    /// As `start`; not before it.
    pub end: String,
    /// An IANA zone; `null` takes the calendar's. Ignored for all-day events.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Busy in free/busy (default); `false` shows the time as free.
    #[serde(default = "yes")]
    pub busy: bool,
    #[serde(default)]
    pub categories: Vec<String>,
    /// `#rrggbb`; `null` for the calendar's colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Readers of a shared calendar see only "Busy".
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub recurrence: Option<EventRecurrence>,
    /// The owner is reminded by mail (and in the web app) before each occurrence: up to
    /// five. Absent on `POST`: the calendar's default reminders; absent on `PUT`: as
    /// they were; `[]`: none.
    #[serde(default)]
    pub reminders: Option<Vec<EventReminder>>,
    /// Who is invited (up to 100): saving sends each an invitation by mail (iMIP), and
    /// those with an account here find the event in their calendar at once. Absent on
    /// `PUT`: as they were. The organiser (the calendar's owner) is not one of them.
    #[serde(default)]
    pub attendees: Option<Vec<EventAttendee>>,
    /// Who invited: the organiser's address when there are attendees (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<String>,
}

/// An attendee's answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendeeStatus {
    #[default]
    NeedsAction,
    Accepted,
    Tentative,
    Declined,
}

/// Someone invited to an event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventAttendee {
    pub address: String,
    #[serde(default)]
    pub name: String,
    /// Their answer; set by them, not by the organiser (what a `PUT` sends is kept
    /// only for a new attendee, as `needs_action`).
    #[serde(default)]
    pub status: AttendeeStatus,
}

/// The body of `POST /calendars/{id}/events/{event_id}/answer`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerInvitation {
    pub status: AttendeeStatus,
}

/// One reminder: `minutes_before` each occurrence (0 to 40,320, four weeks), or once
/// `at` an instant — exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventReminder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_before: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// A reminder due soon, for the web app to show while it is open:
/// `GET /calendars/reminders`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DueReminder {
    pub calendar_id: String,
    pub kind: DueReminderKind,
    /// The event's or the task's id.
    pub item_id: String,
    pub title: String,
    pub location: String,
    /// When the reminder goes.
    pub due_at: DateTime<Utc>,
    /// The occurrence's start, or when the task is due (midnight in the calendar's zone
    /// for a day).
    pub starts_at: DateTime<Utc>,
    pub all_day: bool,
}

/// What a reminder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueReminderKind {
    Event,
    Task,
}

/// `GET /calendars/reminders`: the account's reminders due in a window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DueReminderList {
    pub reminders: Vec<DueReminder>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarEvent {
    pub id: String,
    pub calendar_id: String,
    /// The iCalendar UID.
    pub uid: String,
    /// The series' fields (its first occurrence's times).
    pub fields: CalendarEventFields,
    /// The recurrence ids of occurrences changed on their own.
    pub exceptions: Vec<String>,
    /// The iCalendar SEQUENCE: raised by each change.
    pub sequence: i64,
    /// Only "Busy" is shown (a private event in a calendar shared read-only).
    pub masked: bool,
    pub updated_at: DateTime<Utc>,
}

/// One occurrence of an event in a window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Occurrence {
    pub event_id: String,
    pub calendar_id: String,
    pub uid: String,
    /// Which occurrence of a recurring event this is (its original start: a UTC time
    /// `2026-03-30T07:00:00Z`, or a day): the `occurrence` an edit or a delete names.
    pub recurrence_id: Option<String>,
    pub all_day: bool,
    /// An RFC 3339 time with the offset of the event's zone, or a date.
    pub start: String,
    /// As `start`; for a day-long event the day after its last.
    pub end: String,
    /// The event's zone (`null` for all-day events).
    pub time_zone: Option<String>,
    pub title: String,
    pub location: String,
    pub busy: bool,
    pub private: bool,
    pub color: Option<String>,
    pub recurring: bool,
    /// This occurrence was changed on its own.
    pub exception: bool,
    /// Only free/busy is shown.
    pub masked: bool,
}

/// The occurrences of a window, by start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OccurrenceList {
    pub items: Vec<Occurrence>,
    /// A bound cut the list short (the most occurrences a query returns, or the most
    /// dates one rule is expanded to): ask for a shorter window.
    pub truncated: bool,
}

/// The body of `POST /calendars/{id}/import`: a `.ics` file's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportCalendar {
    pub ics: String,
}

/// An event of an imported file that was not kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarImportProblem {
    /// Its UID, when it has one.
    pub uid: Option<String>,
    /// Its title (SUMMARY), when it has one.
    pub title: String,
    pub message: String,
}

/// What an import did: good events are kept (one with the UID of an event of the
/// calendar replaces it), bad ones are listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarImportReport {
    pub created: u64,
    pub updated: u64,
    pub problems: Vec<CalendarImportProblem>,
}

/// A calendar's private subscription feed, shown once when made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarFeed {
    /// The address calendar programs subscribe to (`https://…/api/v1/calendar-feeds/<token>.ics`).
    pub url: String,
    /// The same as `webcal://`, which opens the subscription in most calendar programs.
    pub webcal_url: String,
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NeedsAction,
    InProcess,
    Completed,
    Cancelled,
}

fn needs_action() -> TaskStatus {
    TaskStatus::NeedsAction
}

/// A task's fields: the body of `POST /calendars/{id}/tasks` and
/// `PUT /calendars/{id}/tasks/{task_id}`, and part of [`Task`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskFields {
    pub title: String,
    #[serde(default)]
    pub notes: String,
    /// A day (`2026-05-01`) or a local time in `time_zone` (`2026-05-01T17:00`).
    #[serde(default)]
    pub due: Option<String>,
    /// The zone of a due time; `null` takes the calendar's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The day work starts; not after the due day.
    #[serde(default)]
    pub start: Option<NaiveDate>,
    /// 0 none, 1 highest to 9 lowest.
    #[serde(default)]
    pub priority: u8,
    #[serde(default = "needs_action")]
    pub status: TaskStatus,
    /// 0 to 100 (100 when completed).
    #[serde(default)]
    pub percent: u8,
    /// The parent task's UID, for a subtask.
    #[serde(default)]
    pub parent: Option<String>,
    /// A repeating task (it needs a due date): completing it moves it to the next due
    /// date the rule gives (with one fewer to go when the rule counts), until the rule
    /// ends. The rule is an event's (`by_day`, `count`, `until`, …).
    #[serde(default)]
    pub repeat: Option<EventRecurrence>,
    /// Mails (and alerts in the web app) before it is due, as an event's reminders (at
    /// most five; they need a due date; a day is due at its start, midnight in the
    /// calendar's zone). Absent on `POST`: none; absent on `PUT`: as they were; `[]`:
    /// none.
    #[serde(default)]
    pub reminders: Option<Vec<EventReminder>>,
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Task {
    pub id: String,
    pub calendar_id: String,
    pub uid: String,
    pub fields: TaskFields,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A note's fields: the body of `POST /calendars/{id}/notes` and
/// `PUT /calendars/{id}/notes/{note_id}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteFields {
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// The day it belongs to.
    pub day: NaiveDate,
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Note {
    pub id: String,
    pub calendar_id: String,
    pub uid: String,
    pub fields: NoteFields,
    pub updated_at: DateTime<Utc>,
}

/// A busy period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BusyPeriod {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One person's busy periods in a window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FreeBusy {
    pub address: String,
    /// The address is an account of the signed-in account's domain; `false`: nothing is
    /// known about it.
    pub known: bool,
    /// Merged, by start; no titles or places.
    pub busy: Vec<BusyPeriod>,
}

/// `GET /calendars/search`: what was found, each kind latest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarSearchResults {
    pub events: Vec<CalendarEvent>,
    pub tasks: Vec<Task>,
    pub notes: Vec<Note>,
}

/// `GET /messages/{id}/invitation`: what a message's calendar invitation (or answer, or
/// cancellation) says, as the signed-in account sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageInvitation {
    /// `REQUEST` (an invitation), `CANCEL`, `REPLY`, …
    pub method: String,
    pub uid: String,
    pub sequence: i64,
    /// The event: title, times, place, organiser and attendees with their answers.
    pub fields: CalendarEventFields,
    /// The organiser is an account of this server (else: from elsewhere).
    pub organizer_here: bool,
    /// The account's answer, if it is invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AttendeeStatus>,
    /// The account's copy of the event, when it is in its calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
}
