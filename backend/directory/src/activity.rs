//! The dashboard: what the servers did, hour by hour or day by day, for server
//! administrators.
//!
//! Each node counts as it works (`osprey_core::activity`); its [`ActivityRecorder`]
//! adds those counts to the store at a fixed interval, with a sample of the sessions it
//! has open and of the queue, so that the figures outlive a restart and add up over
//! several nodes. [`Directory::activity`] reads them back as a series of points (24
//! hours or 30 days), the totals, the figures now, and the "top" lists.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, TimeZone, Utc};
use osprey_core::activity::{self, Snapshot};
use osprey_store::{ActivitySample, DomainStorage, HourGauge, MailboxSize, Store};

use crate::{Actor, Directory, DirectoryError};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Hours of figures kept; older ones are removed.
pub const KEEP_DAYS: i64 = 400;

/// Days the counts by name (senders, refused addresses) are kept: the dashboard's "top"
/// lists look 30 days back, and names can be as many as messages.
pub const KEEP_NAMED_DAYS: i64 = 31;

/// Entries in each "top" list.
const TOP: u64 = 10;

/// The metric of the queue's size (messages waiting for at least one recipient).
const QUEUE: &str = "queue";

/// The span a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityRange {
    /// The last 24 hours, hour by hour.
    Day,
    /// The last 30 days, day by day (UTC days).
    Month,
}

impl ActivityRange {
    /// `(points, seconds per point)`.
    fn shape(self) -> (i64, i64) {
        match self {
            ActivityRange::Day => (24, HOUR),
            ActivityRange::Month => (30, DAY),
        }
    }
}

/// Counts of events in a span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityCounts {
    pub received: u64,
    pub submitted: u64,
    pub sent: u64,
    pub bounced: u64,
    pub rejected: u64,
    pub logins: u64,
    pub failed_logins: u64,
}

impl ActivityCounts {
    fn add(&mut self, metric: &str, n: u64) {
        let slot = match metric {
            "received" => &mut self.received,
            "submitted" => &mut self.submitted,
            "sent" => &mut self.sent,
            "bounced" => &mut self.bounced,
            "rejected" => &mut self.rejected,
            "logins" => &mut self.logins,
            "failed_logins" => &mut self.failed_logins,
            _ => return,
        };
        *slot += n;
    }

    fn sum(&mut self, other: &ActivityCounts) {
        self.received += other.received;
        self.submitted += other.submitted;
        self.sent += other.sent;
        self.bounced += other.bounced;
        self.rejected += other.rejected;
        self.logins += other.logins;
        self.failed_logins += other.failed_logins;
    }
}

/// Things counted at a moment: the queue's size and the sessions open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityLevels {
    /// Messages in the queue waiting for at least one recipient.
    pub queue: u64,
    pub smtp: u64,
    pub imap: u64,
    pub pop3: u64,
    pub managesieve: u64,
}

impl ActivityLevels {
    fn slot(&mut self, metric: &str) -> Option<&mut u64> {
        Some(match metric {
            QUEUE => &mut self.queue,
            "sessions.smtp" => &mut self.smtp,
            "sessions.imap" => &mut self.imap,
            "sessions.pop3" => &mut self.pop3,
            "sessions.managesieve" => &mut self.managesieve,
            _ => return None,
        })
    }

    /// Adds one node's value: sessions add up over nodes; the queue is one for all,
    /// so the highest node's sample stands.
    fn merge(&mut self, metric: &str, value: u64) {
        if let Some(slot) = self.slot(metric) {
            if metric == QUEUE {
                *slot = (*slot).max(value);
            } else {
                *slot += value;
            }
        }
    }

    /// The larger of each.
    fn top(&mut self, other: &ActivityLevels) {
        self.queue = self.queue.max(other.queue);
        self.smtp = self.smtp.max(other.smtp);
        self.imap = self.imap.max(other.imap);
        self.pop3 = self.pop3.max(other.pop3);
        self.managesieve = self.managesieve.max(other.managesieve);
    }
}

/// One point of a series: the span from `start`, what happened in it, and the highest
/// levels sampled in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPoint {
    pub start: DateTime<Utc>,
    pub counts: ActivityCounts,
    pub peaks: ActivityLevels,
}

/// A dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityReport {
    pub range: ActivityRange,
    /// Seconds each point covers.
    pub step_seconds: i64,
    /// Oldest first; spans with nothing counted are there with zeros.
    pub points: Vec<ActivityPoint>,
    pub totals: ActivityCounts,
    /// The latest sample of every node that sampled lately (sessions summed over them).
    pub now: ActivityLevels,
    /// When the latest sample was taken; `None` when no node has sampled lately.
    pub sampled_at: Option<DateTime<Utc>>,
    pub storage: Vec<DomainStorage>,
    pub largest_mailboxes: Vec<MailboxSize>,
    /// The envelope senders of the most accepted messages in the span.
    pub top_senders: Vec<(String, u64)>,
    /// The client addresses refused most in the span.
    pub top_rejected_ips: Vec<(String, u64)>,
}

fn hour_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(HOUR) * HOUR
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

impl Directory {
    /// The figures of `range` up to `now`, for a server administrator. A node's latest
    /// sample counts as "now" while it is younger than three of `interval`.
    pub async fn activity(
        &self,
        actor: &Actor,
        range: ActivityRange,
        now: DateTime<Utc>,
        interval: Duration,
    ) -> Result<ActivityReport, DirectoryError> {
        actor.server_admin()?;
        let (n, step) = range.shape();
        // The last point is the span that holds `now`.
        let last = now.timestamp().div_euclid(step) * step;
        let first = last - (n - 1) * step;
        let end = last + step;
        let store = self.store.activity();
        let mut points: Vec<ActivityPoint> = (0..n)
            .map(|i| ActivityPoint {
                start: at(first + i * step),
                counts: ActivityCounts::default(),
                peaks: ActivityLevels::default(),
            })
            .collect();
        let index = |hour: i64| usize::try_from((hour - first).div_euclid(step)).ok();
        let mut totals = ActivityCounts::default();
        for c in store.counts(first, end).await? {
            if let Some(p) = index(c.hour).and_then(|i| points.get_mut(i)) {
                p.counts.add(&c.metric, c.value);
            }
        }
        for p in &points {
            totals.sum(&p.counts);
        }
        let gauges = store.gauges(first, end).await?;
        // Per hour, add the nodes up; per point, the highest hour.
        let mut hours: HashMap<i64, ActivityLevels> = HashMap::new();
        for g in &gauges {
            hours.entry(g.hour).or_default().merge(&g.metric, g.peak);
        }
        for (hour, levels) in &hours {
            if let Some(p) = index(*hour).and_then(|i| points.get_mut(i)) {
                p.peaks.top(levels);
            }
        }
        let (now_levels, sampled_at) = current(&gauges, now, interval);
        let top = |metric: &'static str| store.top(metric, first, end, TOP);
        Ok(ActivityReport {
            range,
            step_seconds: step,
            points,
            totals,
            now: now_levels,
            sampled_at,
            storage: store.storage_by_domain().await?,
            largest_mailboxes: store.largest_mailboxes(TOP).await?,
            top_senders: top(activity::Ranked::Sender.name()).await?,
            top_rejected_ips: top(activity::Ranked::RejectedIp.name()).await?,
        })
    }
}

/// Each node's latest sample, if younger than three intervals, added up.
fn current(
    gauges: &[HourGauge],
    now: DateTime<Utc>,
    interval: Duration,
) -> (ActivityLevels, Option<DateTime<Utc>>) {
    let fresh = now.timestamp() - 3 * i64::try_from(interval.as_secs()).unwrap_or(60).max(1);
    // The newest row of each node and metric.
    let mut latest: HashMap<(&str, &str), &HourGauge> = HashMap::new();
    for g in gauges.iter().filter(|g| g.sampled_at >= fresh) {
        let slot = latest.entry((&g.node, &g.metric)).or_insert(g);
        if g.sampled_at > slot.sampled_at {
            *slot = g;
        }
    }
    let mut levels = ActivityLevels::default();
    for g in latest.values() {
        levels.merge(&g.metric, g.latest);
    }
    let sampled_at = latest.values().map(|g| g.sampled_at).max().map(at);
    (levels, sampled_at)
}

/// Adds this node's counts to the store at a fixed interval.
#[derive(Clone)]
pub struct ActivityRecorder {
    store: Store,
    node: String,
    interval: Duration,
}

impl ActivityRecorder {
    /// A recorder for the node named `node` (its samples are kept apart from other
    /// nodes'), sampling every `interval`.
    pub fn new(store: Store, node: impl Into<String>, interval: Duration) -> Self {
        Self {
            store,
            node: node.into(),
            interval,
        }
    }

    /// Records every interval until `shutdown`, once more at the end, and removes
    /// figures older than [`KEEP_DAYS`] (by name: [`KEEP_NAMED_DAYS`]) each hour.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        let mut tick = tokio::time::interval(self.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pruned_hour = 0;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = &mut shutdown => {
                    self.record_now().await;
                    return;
                }
            }
            self.record_now().await;
            let hour = hour_of(Utc::now());
            if hour != pruned_hour {
                pruned_hour = hour;
                match self
                    .store
                    .activity()
                    .prune(hour - KEEP_DAYS * DAY, hour - KEEP_NAMED_DAYS * DAY)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "old activity figures removed"),
                    Err(e) => tracing::warn!(error = %e, "old activity figures were not removed"),
                }
            }
        }
    }

    /// Takes the process's counts and records them; on failure they are given back to
    /// go with the next.
    pub async fn record_now(&self) {
        let snapshot = activity::take();
        if let Err(e) = self.record(&snapshot, Utc::now()).await {
            tracing::warn!(error = %e, "activity figures not recorded; kept for the next try");
            activity::give_back(snapshot);
        }
    }

    /// Records `snapshot` as sampled at `now`, with the queue's size.
    pub async fn record(
        &self,
        snapshot: &Snapshot,
        now: DateTime<Utc>,
    ) -> Result<(), DirectoryError> {
        let queue = self.store.queue().waiting_messages().await?;
        let mut counts: Vec<(String, String, u64)> = snapshot
            .counts
            .iter()
            .map(|(c, n)| (c.name().to_owned(), String::new(), *n))
            .collect();
        counts.extend(
            snapshot
                .ranked
                .iter()
                .map(|(kind, key, n)| (kind.name().to_owned(), key.clone(), *n)),
        );
        let mut gauges: Vec<(String, u64)> = snapshot
            .sessions
            .iter()
            .map(|(kind, n)| (kind.name().to_owned(), *n))
            .collect();
        gauges.push((QUEUE.to_owned(), queue));
        self.store
            .activity()
            .record(&ActivitySample {
                hour: hour_of(now),
                node: self.node.clone(),
                sampled_at: now.timestamp(),
                counts,
                gauges,
            })
            .await?;
        Ok(())
    }
}
