//! Free/busy of other people when scheduling: the busy periods of accounts of the same
//! domain over a window, from their own calendars that are not hidden, without a title
//! or a place — what an invitation form shows next to each person.

use chrono::{DateTime, Utc};
use osprey_core::Address;

use crate::{CalendarError, CalendarService, OccurrenceTime, Range};

/// Most people one lookup asks about.
pub const MAX_FREEBUSY_ADDRESSES: usize = 50;

/// One person's busy periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusy {
    pub address: String,
    /// The address is an account of the asker's domain; `false`: nothing is known.
    pub known: bool,
    /// Merged, by start.
    pub busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Merges overlapping or touching periods.
fn merge(mut periods: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    periods.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (s, e) in periods {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

impl CalendarService {
    /// The busy periods of each address in `range`, for an account of the same domain.
    pub async fn free_busy(
        &self,
        account_id: &str,
        addresses: &[String],
        range: Range,
    ) -> Result<Vec<FreeBusy>, CalendarError> {
        if addresses.len() > MAX_FREEBUSY_ADDRESSES {
            return Err(CalendarError::invalid(
                "addresses",
                format!("at most {MAX_FREEBUSY_ADDRESSES}"),
            ));
        }
        let me = self.store.accounts().account(account_id).await?;
        let mut out = Vec::with_capacity(addresses.len());
        for a in addresses {
            let address = a.trim().to_lowercase();
            let target = match Address::parse(&address) {
                Ok(parsed) => self.store.accounts().account_by_address(&parsed).await.ok(),
                Err(_) => None,
            }
            .filter(|t| t.domain_id == me.domain_id);
            let Some(target) = target else {
                out.push(FreeBusy {
                    address,
                    known: false,
                    busy: Vec::new(),
                });
                continue;
            };
            // Its own calendars (the default one made if missing), not those shared with it.
            let own: Vec<String> = self
                .calendars(&target.id, false)
                .await?
                .into_iter()
                .filter(|c| c.access == crate::Access::Owner && !c.hidden)
                .map(|c| c.id)
                .collect();
            let got = self.occurrences(&target.id, range, Some(&own)).await?;
            let busy = got
                .occurrences
                .iter()
                .filter(|o| o.busy)
                .filter_map(|o| match &o.time {
                    OccurrenceTime::Timed { start, end, .. } => {
                        Some((start.with_timezone(&Utc), end.with_timezone(&Utc)))
                    }
                    // A day is busy from its midnight in the person's zone; the zone is
                    // theirs, not the asker's, so a day reads as UTC here.
                    OccurrenceTime::AllDay { start, end } => Some((
                        start.and_hms_opt(0, 0, 0)?.and_utc(),
                        end.and_hms_opt(0, 0, 0)?.and_utc(),
                    )),
                })
                .map(|(s, e)| (s.max(range.from), e.min(range.to)))
                .collect();
            out.push(FreeBusy {
                address,
                known: true,
                busy: merge(busy),
            });
        }
        Ok(out)
    }
}
