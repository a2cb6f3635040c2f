//! When to try a deferred recipient again, when to give up, and when to tell the sender
//! that delivery is slow.

use chrono::{DateTime, Duration, Utc};

/// The retry policy of the queue.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Waits between attempts: the first after the first failure, and so on; the last
    /// repeats until `lifetime` ends.
    pub intervals: Vec<Duration>,
    /// How long a recipient is tried before it bounces (RFC 5321 §4.5.4.1 suggests at
    /// least 4–5 days).
    pub lifetime: Duration,
    /// After this long undelivered, the sender gets one delay notice; `None` for never.
    pub delay_notice_after: Option<Duration>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            intervals: [1, 5, 15, 30, 60, 120, 240]
                .into_iter()
                .map(Duration::minutes)
                .collect(),
            lifetime: Duration::days(5),
            delay_notice_after: Some(Duration::hours(4)),
        }
    }
}

impl Schedule {
    /// The next attempt after `attempts` failed ones, or `None` if the recipient has
    /// been queued for longer than the lifetime by then.
    pub fn next_attempt(
        &self,
        queued_at: DateTime<Utc>,
        attempts: u32,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let index = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let wait = self
            .intervals
            .get(index)
            .or(self.intervals.last())
            .copied()
            .unwrap_or_else(|| Duration::minutes(30));
        let next = now + wait;
        (next <= queued_at + self.lifetime).then_some(next)
    }

    /// Returns `true` if and only if a delay notice is due for a message queued at
    /// `queued_at`.
    pub fn delay_notice_due(&self, queued_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.delay_notice_after
            .is_some_and(|after| now - queued_at >= after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_then_repeats_the_last_interval_until_the_lifetime() {
        let s = Schedule::default();
        let t0 = Utc::now();
        assert_eq!(s.next_attempt(t0, 1, t0), Some(t0 + Duration::minutes(1)));
        assert_eq!(s.next_attempt(t0, 2, t0), Some(t0 + Duration::minutes(5)));
        assert_eq!(
            s.next_attempt(t0, 50, t0),
            Some(t0 + Duration::minutes(240))
        );
        let late = t0 + Duration::days(5) - Duration::minutes(10);
        assert_eq!(
            s.next_attempt(t0, 50, late),
            None,
            "past the lifetime: bounce"
        );
    }

    #[test]
    fn delay_notice_after_its_time_only() {
        let s = Schedule::default();
        let t0 = Utc::now();
        assert!(!s.delay_notice_due(t0, t0 + Duration::hours(3)));
        assert!(s.delay_notice_due(t0, t0 + Duration::hours(4)));
        let never = Schedule {
            delay_notice_after: None,
            ..Schedule::default()
        };
        assert!(!never.delay_notice_due(t0, t0 + Duration::days(9)));
    }
}
