//! Notes: dated VJOURNAL objects of a calendar — a title and a text attached to a day —
//! listed by day and searched.

use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarProperty,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use osprey_store::{CalendarObjectRecord, CalendarObjectRow, CalendarRecord};

use crate::{Access, CalendarError, CalendarService, expand, ical};

pub(crate) const NOTE: &str = "note";
const MAX_TITLE: usize = 500;
const MAX_TEXT: usize = 100_000;

/// A note's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFields {
    pub title: String,
    pub text: String,
    /// The day it belongs to.
    pub day: NaiveDate,
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub calendar_id: String,
    pub uid: String,
    pub fields: NoteFields,
    pub updated_at: DateTime<Utc>,
}

impl NoteFields {
    pub(crate) fn normalized(mut self) -> Result<Self, CalendarError> {
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() || self.title.chars().count() > MAX_TITLE {
            return Err(CalendarError::invalid(
                "title",
                format!("1 to {MAX_TITLE} characters"),
            ));
        }
        self.text = self.text.trim().replace("\r\n", "\n");
        if self.text.chars().count() > MAX_TEXT {
            return Err(CalendarError::invalid(
                "text",
                format!("at most {MAX_TEXT} characters"),
            ));
        }
        Ok(self)
    }
}

fn write(comp: &mut ICalendarComponent, f: &NoteFields) {
    comp.entries.retain(|e| {
        !matches!(
            e.name,
            ICalendarProperty::Summary
                | ICalendarProperty::Description
                | ICalendarProperty::Dtstart
        )
    });
    comp.add_property(ICalendarProperty::Summary, f.title.clone());
    if !f.text.is_empty() {
        comp.add_property(ICalendarProperty::Description, f.text.clone());
    }
    comp.entries.push(ical::date_entry(
        ICalendarProperty::Dtstart,
        &[f.day.and_time(NaiveTime::MIN)],
        None,
    ));
}

pub(crate) fn journal_index(cal: &ICalendar) -> Option<usize> {
    cal.components
        .iter()
        .position(|c| c.component_type == ICalendarComponentType::VJournal)
}

/// A note's fields as its VJOURNAL holds them; `None` without a day (DTSTART).
pub(crate) fn fields_of(c: &ICalendarComponent) -> Option<NoteFields> {
    Some(NoteFields {
        title: ical::text(c, &ICalendarProperty::Summary),
        text: ical::text(c, &ICalendarProperty::Description),
        day: ical::date_value(c, &ICalendarProperty::Dtstart)?
            .local
            .date(),
    })
}

pub(crate) fn note_of(r: &CalendarObjectRecord) -> Option<Note> {
    let cal = ICalendar::parse(&r.ical).ok()?;
    let c = &cal.components[journal_index(&cal)?];
    Some(Note {
        id: r.id.clone(),
        calendar_id: r.calendar_id.clone(),
        uid: r.uid.clone(),
        fields: fields_of(c)?,
        updated_at: r.updated_at,
    })
}

fn unreadable() -> CalendarError {
    CalendarError::invalid("note", "the stored note cannot be read")
}

impl CalendarService {
    /// Adds a note to a calendar the account may write.
    pub async fn create_note(
        &self,
        account_id: &str,
        calendar_id: &str,
        fields: NoteFields,
    ) -> Result<Note, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let f = fields.normalized()?;
        let uid = format!("{}@osprey", uuid::Uuid::now_v7());
        let mut one = ical::new_root();
        let mut journal = ICalendarComponent::new(ICalendarComponentType::VJournal);
        journal.add_uid(&uid);
        ical::stamp(&mut journal, 0);
        write(&mut journal, &f);
        ical::push(&mut one, journal);
        self.save_note(&cal, None, &uid, &f, one).await
    }

    /// Changes a note.
    pub async fn update_note(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
        fields: NoteFields,
    ) -> Result<Note, CalendarError> {
        let cal = self.require(account_id, calendar_id, Access::Write).await?;
        let f = fields.normalized()?;
        let r = self.note_record(calendar_id, id).await?;
        let mut one = ICalendar::parse(&r.ical).map_err(|_| unreadable())?;
        let j = journal_index(&one).ok_or_else(unreadable)?;
        let seq = ical::sequence(&one.components[j]) + 1;
        ical::stamp(&mut one.components[j], seq);
        write(&mut one.components[j], &f);
        let uid = r.uid.clone();
        self.save_note(&cal, Some(&r), &uid, &f, one).await
    }

    /// Deletes a note.
    pub async fn delete_note(
        &self,
        account_id: &str,
        calendar_id: &str,
        id: &str,
    ) -> Result<(), CalendarError> {
        self.require(account_id, calendar_id, Access::Write).await?;
        self.note_record(calendar_id, id).await?;
        Ok(self
            .store
            .calendars()
            .delete_object(calendar_id, id)
            .await?)
    }

    /// The notes of the account's calendars (not free/busy shares) from `from` to `to`
    /// (days, both included, each optional) holding `q` in their title or text when
    /// given, latest day first.
    pub async fn notes(
        &self,
        account_id: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        q: Option<&str>,
    ) -> Result<Vec<Note>, CalendarError> {
        let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        let mut out = Vec::new();
        for c in self.calendars(account_id, false).await? {
            if c.access < Access::Read {
                continue;
            }
            for r in self.store.calendars().all_objects(&c.id, NOTE).await? {
                let Some(n) = note_of(&r) else { continue };
                let d = n.fields.day;
                let hit = q.as_ref().is_none_or(|q| {
                    n.fields.title.to_lowercase().contains(q.as_str())
                        || n.fields.text.to_lowercase().contains(q.as_str())
                });
                if from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t) && hit {
                    out.push(n);
                }
            }
        }
        out.sort_by(|a, b| {
            b.fields
                .day
                .cmp(&a.fields.day)
                .then(b.updated_at.cmp(&a.updated_at))
        });
        Ok(out)
    }

    async fn note_record(
        &self,
        calendar_id: &str,
        id: &str,
    ) -> Result<CalendarObjectRecord, CalendarError> {
        let r = self.store.calendars().object(calendar_id, id).await?;
        if r.kind != NOTE {
            return Err(CalendarError::NotFound);
        }
        Ok(r)
    }

    async fn save_note(
        &self,
        cal: &CalendarRecord,
        existing: Option<&CalendarObjectRecord>,
        uid: &str,
        f: &NoteFields,
        one: ICalendar,
    ) -> Result<Note, CalendarError> {
        let day = chrono::TimeZone::from_utc_datetime(&Utc, &f.day.and_time(NaiveTime::MIN));
        let text = ical::to_text(one);
        let search_text = format!("{}\n{}", f.title, f.text).to_lowercase();
        let row = CalendarObjectRow {
            kind: NOTE,
            uid,
            title: &f.title,
            search_text: &search_text,
            starts_at: Some(day - expand::margin()),
            ends_at: Some(day + chrono::Duration::days(1) + expand::margin()),
            recurring: false,
            ical: &text,
            brief: None,
            reminder: None,
        };
        let calendars = self.store.calendars();
        let r = match existing {
            Some(e) => calendars.replace_object(&cal.id, &e.id, row).await?,
            None => calendars.insert_object(&cal.id, row).await?,
        };
        note_of(&r).ok_or_else(unreadable)
    }
}
