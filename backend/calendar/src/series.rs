//! A cache of expanded repeating events. A range query expands each repeating event it
//! reads from its first occurrence up to the window's end; the same series come back in
//! every view of the weeks they run through (an endless weekly meeting in all of them),
//! and parsing and expanding them is most of a week view's time. So an event's
//! expansion is kept — its occurrences up to a horizon two years beyond the window
//! asked for, with the fields of each component — keyed by the event, its last change
//! and the zone it was read in; a query whose window ends before the horizon reuses
//! it. A change to the event changes its `updated_at`, so a stale entry is never used.
//! The cache holds at most [`MAX_ENTRIES`] series (then starts afresh) and does not keep
//! an expansion longer than [`MAX_INSTANCES`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Duration, Utc};
use osprey_store::CalendarObjectRecord;

use crate::{
    EventFields,
    events::parse,
    expand::{self, Instance},
    ical,
};

/// Most series kept.
const MAX_ENTRIES: usize = 20_000;
/// Longest expansion kept.
const MAX_INSTANCES: usize = 5_000;
/// How far beyond a window an expansion reaches, so the next windows reuse it.
const AHEAD_DAYS: i64 = 730;

/// An event expanded up to `horizon` in a zone.
#[derive(Debug)]
pub(crate) struct Expanded {
    pub instances: Vec<Instance>,
    /// A bound cut the expansion short.
    pub cut: bool,
    /// Each component's fields, by index (`None`: unreadable).
    pub fields: HashMap<usize, Option<EventFields>>,
    pub master: Option<usize>,
    pub recurring: bool,
    horizon: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    zone: String,
}

/// The cache; cheap to clone (shared).
#[derive(Clone, Default)]
pub(crate) struct SeriesCache {
    entries: Arc<Mutex<HashMap<String, Arc<Expanded>>>>,
}

impl std::fmt::Debug for SeriesCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map_or(0, |e| e.len());
        f.debug_struct("SeriesCache").field("entries", &n).finish()
    }
}

impl SeriesCache {
    /// The event `r` expanded in `zone` at least up to `until`; `None` when its text
    /// cannot be read.
    pub fn expanded(
        &self,
        r: &CalendarObjectRecord,
        zone: &str,
        until: DateTime<Utc>,
        max_rule_dates: usize,
    ) -> Option<Arc<Expanded>> {
        if let Some(hit) = self
            .entries
            .lock()
            .ok()
            .and_then(|e| e.get(&r.id).cloned())
            .filter(|e| e.updated_at == r.updated_at && e.zone == zone && e.horizon >= until)
        {
            return Some(hit);
        }
        let ics = parse(r).ok()?;
        let horizon = until + Duration::days(AHEAD_DAYS);
        let (instances, cut) = expand::instances(&ics, zone, Some(horizon), max_rule_dates);
        let fields = instances
            .iter()
            .map(|i| i.comp)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|c| (c, ical::read_fields(&ics.components[c], zone)))
            .collect();
        let master = ical::master(&ics);
        let made = Arc::new(Expanded {
            recurring: master.is_some_and(|m| ics.components[m].is_recurrent()),
            master,
            fields,
            cut,
            instances,
            horizon,
            updated_at: r.updated_at,
            zone: zone.to_owned(),
        });
        if made.instances.len() <= MAX_INSTANCES
            && let Ok(mut e) = self.entries.lock()
        {
            if e.len() >= MAX_ENTRIES {
                e.clear();
            }
            e.insert(r.id.clone(), made.clone());
        }
        Some(made)
    }
}
