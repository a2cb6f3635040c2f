//! Which messages of the selected mailbox are `\Recent` to this session (RFC 3501
//! §2.3.2): "Message is 'recently' arrived in this mailbox. This session is the first
//! session to have been notified about this message; if the session is read-write,
//! subsequent sessions will not see \Recent set for this message."
//!
//! A read-write IMAP4rev1 session claims, from the store, the UIDs no session has
//! claimed yet: after it reads the mailbox at SELECT, and whenever new messages reach
//! its view. A read-only one (EXAMINE) only looks, and takes nothing away from others
//! (RFC 3501 §6.3.2). IMAP4rev2 has no `\Recent` (RFC 9051 Appendix E): such sessions
//! neither claim nor show it.

use std::ops::Range;

use osprey_store::{Store, StoreError};

/// How a view takes part in `\Recent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecentMode {
    /// IMAP4rev2: no `\Recent`.
    Off,
    /// Read-only: messages nobody has claimed are recent, and stay unclaimed.
    Peek,
    /// Read-write: claims the messages nobody has claimed.
    Claim,
}

/// The UIDs that are recent to this session.
#[derive(Debug)]
pub(crate) struct Recent {
    mode: RecentMode,
    /// Claimed (or, read-only, seen unclaimed) ranges, in the order taken.
    ranges: Vec<Range<u32>>,
}

impl Recent {
    pub(crate) fn new(mode: RecentMode) -> Self {
        Recent {
            mode,
            ranges: Vec::new(),
        }
    }

    /// Returns `true` if and only if the session shows `\Recent` at all (IMAP4rev1).
    pub(crate) fn shown(&self) -> bool {
        self.mode != RecentMode::Off
    }

    /// Returns `true` if and only if this session claims what nobody has claimed
    /// (read-write IMAP4rev1).
    pub(crate) fn claims(&self) -> bool {
        self.mode == RecentMode::Claim
    }

    /// Takes the UIDs of `mailbox_id` that nobody has claimed: claims them, or only
    /// notes them when read-only. Call it after the messages it should cover were read.
    pub(crate) async fn take(&mut self, store: &Store, mailbox_id: &str) -> Result<(), StoreError> {
        let range = match self.mode {
            RecentMode::Off => return Ok(()),
            RecentMode::Peek => store.mailboxes().unclaimed_recent(mailbox_id).await?,
            RecentMode::Claim => store.mailboxes().claim_recent(mailbox_id).await?,
        };
        self.add(range);
        Ok(())
    }

    /// Adds UIDs that are recent to this session (also a claim made with its APPEND).
    /// Claims come in UID order; a read-only view may see an unclaimed range again,
    /// grown: overlapping or adjacent ranges merge.
    pub(crate) fn add(&mut self, range: Range<u32>) {
        if range.is_empty() {
            return;
        }
        match self.ranges.last_mut() {
            Some(last) if range.start <= last.end && range.end >= last.start => {
                last.start = last.start.min(range.start);
                last.end = last.end.max(range.end);
            }
            _ => self.ranges.push(range),
        }
    }

    /// Returns `true` if and only if the message with `uid` is recent to this session.
    pub(crate) fn contains(&self, uid: u32) -> bool {
        self.ranges.iter().any(|r| r.contains(&uid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_and_answer() {
        let mut r = Recent::new(RecentMode::Peek);
        r.add(5..8);
        r.add(5..10);
        r.add(10..12);
        r.add(20..21);
        r.add(3..3);
        assert_eq!(r.ranges, vec![5..12, 20..21]);
        assert!(r.contains(5) && r.contains(11) && r.contains(20));
        assert!(!r.contains(4) && !r.contains(12) && !r.contains(21));
    }
}
