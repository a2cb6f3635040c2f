//! The tasks (VTODO) and notes (VJOURNAL) of an imported file: each read and checked by
//! the rules the tasks and notes pages use, and kept as the file wrote it.

use calcard::icalendar::ICalendar;
use chrono::{NaiveTime, TimeZone, Utc};

use crate::notes::{NOTE, fields_of, journal_index};
use crate::tasks::{TASK, read, todo_index};
use crate::transfer::{Prepared, single};
use crate::{CalendarError, CalendarService, alarms, expand};

/// A field's problem as the import report says it.
fn problem(e: CalendarError) -> String {
    e.to_string()
}

impl CalendarService {
    /// The task or note at `idx` of `file`, ready to keep; or why not.
    pub(crate) fn prepare_item(
        &self,
        file: &ICalendar,
        idx: usize,
        zone: &str,
    ) -> Result<Prepared, String> {
        let uid = file.components[idx]
            .uid()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}@osprey", uuid::Uuid::now_v7()));
        if uid.chars().count() > 255 {
            return Err("the UID is longer than 255 characters".into());
        }
        let one = single(file, &[idx])?;
        if let Some(t) = todo_index(&one) {
            let (mut fields, _) = read(&one.components[t], zone);
            fields.reminders = Some(alarms::read(&one, t));
            let f = fields.normalized().map_err(problem)?;
            let due = f.due_instant(zone);
            return Ok(Prepared {
                kind: TASK,
                search_text: format!("{}\n{}", f.title, f.notes).to_lowercase(),
                title: f.title,
                starts_at: due,
                ends_at: due,
                recurring: false,
                brief: None,
                reminder: self.reminder_from_now(&one, zone),
                text: one.to_string(),
                uid,
            });
        }
        let j = journal_index(&one).ok_or("the item cannot be read")?;
        let f = fields_of(&one.components[j])
            .ok_or("it has no day (DTSTART)")?
            .normalized()
            .map_err(problem)?;
        let midnight = Utc.from_utc_datetime(&f.day.and_time(NaiveTime::MIN));
        Ok(Prepared {
            kind: NOTE,
            search_text: format!("{}\n{}", f.title, f.text).to_lowercase(),
            title: f.title,
            starts_at: Some(midnight - expand::margin()),
            ends_at: Some(midnight + chrono::Duration::days(1) + expand::margin()),
            recurring: false,
            brief: None,
            reminder: None,
            text: one.to_string(),
            uid,
        })
    }
}
