//! Account events: changes to an account's standing (enabled or not, token generation,
//! password, existence), published after the change commits; other changes (a new
//! display name, a quota) are not events. They let the sessions of
//! the account (IMAP, POP3, SMTP) can end at once instead of asking the database on
//! every command.
//!
//! In one process it is a `tokio::sync::broadcast` channel, like the change bus. A
//! receiver that falls behind gets `Lagged` and must read the account again.

use tokio::sync::broadcast;

use crate::Store;

/// How many events a slow receiver may fall behind before it is told it lagged.
const CAPACITY: usize = 1024;

/// What happened to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountEventKind {
    /// Its row changed; its state after the change.
    Updated {
        enabled: bool,
        token_generation: u64,
        /// The change set a new password.
        password_changed: bool,
    },
    /// It was deleted.
    Deleted,
}

/// One committed change to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEvent {
    pub account_id: String,
    pub kind: AccountEventKind,
}

pub(crate) fn channel() -> broadcast::Sender<AccountEvent> {
    broadcast::channel(CAPACITY).0
}

impl Store {
    /// A receiver of every account event committed from now on.
    pub fn account_events(&self) -> broadcast::Receiver<AccountEvent> {
        self.account_bus.subscribe()
    }

    /// Publishes a committed account event. Having no receivers is normal.
    pub(crate) fn publish_account(&self, event: AccountEvent) {
        let _ = self.account_bus.send(event);
    }
}
