//! Osprey's calendars ("schedules"): several per account, shared with other accounts of
//! the server (free/busy, read, read-write), and their events, kept as iCalendar text
//! (RFC 5545) written and read through calcard — recurrence rules, extra and excluded
//! dates, and exceptions for one occurrence or for this and the following ones — with the
//! columns a range query needs so that a week view reads only the events that can fall in
//! it and expands their rules on the server, in each event's time zone.

mod alarms;
mod calendars;
mod error;
mod events;
mod expand;
mod feed;
mod fields;
mod freebusy;
mod ical;
mod incoming;
mod invitations;
mod letter;
mod notes;
mod participants;
mod reminders;
mod search;
mod series;
mod tasks;
mod transfer;
mod transfer_items;

pub use calendars::{Access, Calendar, CalendarFields, CalendarService, Share};
pub use error::CalendarError;
pub use events::{Event, Scope};
pub use expand::{Limits, Occurrence, OccurrenceTime, Range, RangeResult};
pub use fields::{
    Attendee, DayRule, EventFields, Frequency, MAX_ATTENDEES, PartStat, Recurrence, Reminder, When,
};
pub use freebusy::{FreeBusy, MAX_FREEBUSY_ADDRESSES};
pub use incoming::MailInvitation;
pub use invitations::ReplyOutcome;
pub use notes::{Note, NoteFields};
pub use reminders::{
    DueReminder, MAX_REMINDER_WINDOW_HOURS, ReminderPass, ReminderSettings, ReminderWorker,
};
pub use search::SearchResults;
pub use tasks::{Due, Task, TaskFields, TaskFilter, TaskStatus};
pub use transfer::{ImportProblem, ImportReport, MAX_IMPORT_BYTES};
