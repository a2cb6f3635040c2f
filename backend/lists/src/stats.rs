//! A list's statistics for its administrators: per day, the posts, the members who
//! joined and left, the bounces counted and the members at the day's end (worked back
//! from today's count through the days' joins and departures).

use chrono::{Duration, NaiveDate, Utc};
use osprey_directory::{Actor, DirectoryError};
use osprey_store::ListDayRecord;

use crate::admin::ListAdmin;

/// The most days a statistics view covers.
pub const MAX_STAT_DAYS: u32 = 366;

/// One day of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayStats {
    pub day: NaiveDate,
    pub posts: u32,
    pub joined: u32,
    pub left: u32,
    pub bounces: u32,
    /// Members at the end of the day.
    pub members: u64,
}

/// Every day from `first` to `last` (both in), the counted ones as counted, with the
/// members at each day's end from `members_now`, the count at the end of `last`.
pub fn fill_days(
    counted: &[ListDayRecord],
    first: NaiveDate,
    last: NaiveDate,
    members_now: u64,
) -> Vec<DayStats> {
    let mut out = Vec::new();
    let mut members = members_now as i64;
    let mut day = last;
    while day >= first {
        let c = counted.iter().find(|c| c.day == day);
        let (posts, joined, left, bounces) =
            c.map_or((0, 0, 0, 0), |c| (c.posts, c.joined, c.left, c.bounces));
        out.push(DayStats {
            day,
            posts,
            joined,
            left,
            bounces,
            members: members.max(0) as u64,
        });
        members = members - i64::from(joined) + i64::from(left);
        let Some(before) = day.pred_opt() else { break };
        day = before;
    }
    out.reverse();
    out
}

impl ListAdmin {
    /// The last `days` days of the list (today included), oldest first. `Invalid`
    /// (field `days`) outside 1 to [`MAX_STAT_DAYS`].
    pub async fn statistics(
        &self,
        actor: &Actor,
        id: &str,
        days: u32,
    ) -> Result<Vec<DayStats>, DirectoryError> {
        if !(1..=MAX_STAT_DAYS).contains(&days) {
            return Err(DirectoryError::field("days", "from 1 to 366"));
        }
        let list = self.get(actor, id).await?;
        let today = Utc::now().date_naive();
        let first = today - Duration::days(i64::from(days) - 1);
        let counted = self.store.list_posts().days(&list.id, first).await?;
        Ok(fill_days(&counted, first, today, list.member_count))
    }
}
