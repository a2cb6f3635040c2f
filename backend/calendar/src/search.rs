//! Search across the account's calendars: events (title, place, notes, categories),
//! tasks (title, notes) and notes (title, text), through the store's lower-cased search
//! text. Free/busy shares are not searched, and a reader does not find private events.

use crate::{Access, CalendarError, CalendarService, Event, Note, Task, events, notes, tasks};

/// What a search found, each kind latest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResults {
    pub events: Vec<Event>,
    pub tasks: Vec<Task>,
    pub notes: Vec<Note>,
}

impl CalendarService {
    /// Up to `limit` events, tasks and notes (together) of the account's calendars that
    /// hold `q`.
    pub async fn search(
        &self,
        account_id: &str,
        q: &str,
        limit: usize,
    ) -> Result<SearchResults, CalendarError> {
        let mut out = SearchResults::default();
        let q = q.trim();
        if q.is_empty() {
            return Ok(out);
        }
        let visible: Vec<_> = self
            .calendars(account_id, false)
            .await?
            .into_iter()
            .filter(|c| c.access >= Access::Read)
            .collect();
        let ids: Vec<String> = visible.iter().map(|c| c.id.clone()).collect();
        let rows = self
            .store
            .calendars()
            .search_objects(&ids, q, limit.clamp(1, 500) as u64)
            .await?;
        let viewer = self.zone_of(account_id).await?;
        for r in &rows {
            let Some(c) = visible.iter().find(|c| c.id == r.calendar_id) else {
                continue;
            };
            match r.kind.as_str() {
                events::KIND => {
                    let zone = match &c.time_zone {
                        Some(z) => z.clone(),
                        None => self.zone_of(&c.owner_id).await?,
                    };
                    let Ok(e) = events::parse(r).and_then(|ics| events::view(r, &ics, &zone))
                    else {
                        continue;
                    };
                    if c.access == Access::Read && e.fields.private {
                        continue;
                    }
                    out.events.push(e);
                }
                tasks::TASK => out.tasks.extend(tasks::task_of(r, &viewer)),
                notes::NOTE => out.notes.extend(notes::note_of(r)),
                _ => {}
            }
        }
        Ok(out)
    }
}
