//! The change bus: every mutation of a mailbox is published after its transaction
//! commits, so that IMAP sessions, POP3 and the web app's live updates can follow it.
//!
//! In one process it is a `tokio::sync::broadcast` channel. A receiver that falls behind
//! gets `Lagged` and must resynchronise from the database (the MODSEQ makes that cheap);
//! publishing never blocks a writer.

use tokio::sync::broadcast;

use crate::Store;

/// How many changes a slow receiver may fall behind before it is told it lagged.
const CAPACITY: usize = 4096;

/// What happened to a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// New messages arrived (delivery, APPEND, COPY, MOVE).
    Appended,
    /// Messages were expunged.
    Expunged,
    /// Flags or keywords changed.
    Flags,
    /// The account's mailboxes (created, renamed, deleted) or subscriptions changed;
    /// `mailbox_id` is the mailbox's, empty for a subscription, and `modseq` is 0. IMAP
    /// NOTIFY (RFC 5465 §5.4, §5.5) reads the names again.
    Mailboxes,
}

/// One committed change: the mailbox's HIGHESTMODSEQ after it (0 for
/// [`ChangeKind::Mailboxes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub account_id: String,
    pub mailbox_id: String,
    pub modseq: u64,
    pub kind: ChangeKind,
}

pub(crate) fn channel() -> broadcast::Sender<Change> {
    broadcast::channel(CAPACITY).0
}

impl Store {
    /// A receiver of every change committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.bus.subscribe()
    }

    /// Publishes a committed change. Having no receivers is normal.
    pub(crate) fn publish(&self, change: Change) {
        let _ = self.bus.send(change);
    }

    /// Publishes a committed change to the account's mailbox names or subscriptions.
    pub(crate) fn publish_mailboxes(&self, account_id: &str, mailbox_id: &str) {
        self.publish(Change {
            account_id: account_id.to_owned(),
            mailbox_id: mailbox_id.to_owned(),
            modseq: 0,
            kind: ChangeKind::Mailboxes,
        });
    }
}
