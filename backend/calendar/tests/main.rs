//! The calendar service over a real store on this run's engine: calendars and their
//! sharing, events and their iCalendar form, recurrence against fixed lists of expected
//! occurrences, exceptions, and the bounds of expansion.

mod calendars;
mod invitations;
mod recurrence;
mod reminders;
mod support;
mod tasks;
mod transfer;
