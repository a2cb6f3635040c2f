//! Live updates for one account, as the web app follows them: the store's change bus
//! narrowed to the account's own mailboxes and named for a client — new mail, expunges,
//! flag changes, changes to the mailboxes themselves — and `resync` when the client may
//! have missed some (it resumed after a break, or fell behind the bus): it then reloads
//! what it shows. Nothing here is kept: a client that was away catches up from the
//! store (counts, lists, MODSEQs), not from a replay.

use osprey_store::{Change, ChangeKind, Store};
use tokio::sync::broadcast::{self, error::RecvError};

/// One thing a client hears about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailEvent {
    /// Messages arrived in a mailbox.
    Appended { mailbox_id: String, modseq: u64 },
    /// Messages left a mailbox.
    Expunged { mailbox_id: String, modseq: u64 },
    /// Flags or keywords changed in a mailbox.
    Flags { mailbox_id: String, modseq: u64 },
    /// Mailboxes were created, renamed or deleted, or subscriptions changed.
    Mailboxes,
    /// Changes may have been missed: load everything shown again.
    Resync,
}

impl MailEvent {
    /// The event's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            MailEvent::Appended { .. } => "appended",
            MailEvent::Expunged { .. } => "expunged",
            MailEvent::Flags { .. } => "flags",
            MailEvent::Mailboxes => "mailboxes",
            MailEvent::Resync => "resync",
        }
    }

    /// The mailbox and its MODSEQ after the change, when the event is about one.
    pub fn mailbox(&self) -> Option<(&str, u64)> {
        match self {
            MailEvent::Appended { mailbox_id, modseq }
            | MailEvent::Expunged { mailbox_id, modseq }
            | MailEvent::Flags { mailbox_id, modseq } => Some((mailbox_id, *modseq)),
            MailEvent::Mailboxes | MailEvent::Resync => None,
        }
    }
}

/// `change` as an event for account `account_id`; `None` when it is another account's.
pub fn event_for(account_id: &str, change: &Change) -> Option<MailEvent> {
    if change.account_id != account_id {
        return None;
    }
    let (mailbox_id, modseq) = (change.mailbox_id.clone(), change.modseq);
    Some(match change.kind {
        ChangeKind::Appended => MailEvent::Appended { mailbox_id, modseq },
        ChangeKind::Expunged => MailEvent::Expunged { mailbox_id, modseq },
        ChangeKind::Flags => MailEvent::Flags { mailbox_id, modseq },
        ChangeKind::Mailboxes => MailEvent::Mailboxes,
    })
}

/// The events of one account, from the moment it is made.
pub struct AccountEvents {
    account_id: String,
    changes: broadcast::Receiver<Change>,
    resync: bool,
}

impl AccountEvents {
    /// Follows `account_id`'s changes; `resumed` (the client had a stream before) starts
    /// with [`MailEvent::Resync`].
    pub fn new(store: &Store, account_id: &str, resumed: bool) -> Self {
        Self {
            account_id: account_id.to_owned(),
            changes: store.subscribe(),
            resync: resumed,
        }
    }

    /// The next event; `None` when the store is gone.
    pub async fn next(&mut self) -> Option<MailEvent> {
        if std::mem::take(&mut self.resync) {
            return Some(MailEvent::Resync);
        }
        loop {
            match self.changes.recv().await {
                Ok(change) => {
                    if let Some(e) = event_for(&self.account_id, &change) {
                        return Some(e);
                    }
                }
                // Fell behind the bus: some changes are lost to this stream.
                Err(RecvError::Lagged(_)) => return Some(MailEvent::Resync),
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_accounts_own_changes_become_events() {
        let change = |account: &str, kind| Change {
            account_id: account.into(),
            mailbox_id: "mb".into(),
            modseq: 7,
            kind,
        };
        assert_eq!(event_for("a", &change("b", ChangeKind::Appended)), None);
        let e = event_for("a", &change("a", ChangeKind::Flags)).unwrap();
        assert_eq!((e.name(), e.mailbox()), ("flags", Some(("mb", 7))));
        assert_eq!(
            event_for("a", &change("a", ChangeKind::Mailboxes)),
            Some(MailEvent::Mailboxes)
        );
    }
}
