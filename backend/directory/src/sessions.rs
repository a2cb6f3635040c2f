//! When a signed-in mail session (IMAP, POP3, SMTP) must end: the account was
//! disabled or deleted, or its password changed (whoever knew the old one is out).
//! Signing out of the web app does not end mail sessions; it revokes web tokens only.
//!
//! A [`SessionWatch`] follows the store's account events, so a session learns of the
//! change at once without asking the database on every command. It subscribes when the
//! session signs in and reads the account once more on its first look, so a change
//! committed between the password check and the subscription is not missed; a receiver
//! that lagged behind the events reads the account again too.

use osprey_store::{AccountEvent, AccountEventKind, AccountRecord, Store, StoreError};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

/// Why a session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    Disabled,
    Deleted,
    PasswordChanged,
}

impl SessionEnd {
    /// Words for the client (`* BYE`, `-ERR`, `421`).
    pub fn text(self) -> &'static str {
        match self {
            SessionEnd::Disabled => "the account has been disabled",
            SessionEnd::Deleted => "the account has been deleted",
            SessionEnd::PasswordChanged => "the password has changed; sign in again",
        }
    }
}

/// Follows one account for one session.
pub struct SessionWatch {
    store: Store,
    account_id: String,
    /// The password hash the session signed in under.
    password_hash: String,
    events: broadcast::Receiver<AccountEvent>,
    /// The account has been read since subscribing and since the receiver last lagged.
    checked: bool,
    ended: Option<SessionEnd>,
}

impl SessionWatch {
    pub(crate) fn new(store: &Store, account: &AccountRecord) -> Self {
        Self {
            events: store.account_events(),
            store: store.clone(),
            account_id: account.id.clone(),
            password_hash: account.password_hash.clone(),
            checked: false,
            ended: None,
        }
    }

    /// What an event about this account means for the session.
    fn judge(&self, event: &AccountEvent) -> Option<SessionEnd> {
        if event.account_id != self.account_id {
            return None;
        }
        match event.kind {
            AccountEventKind::Deleted => Some(SessionEnd::Deleted),
            AccountEventKind::Updated { enabled: false, .. } => Some(SessionEnd::Disabled),
            AccountEventKind::Updated {
                password_changed: true,
                ..
            } => Some(SessionEnd::PasswordChanged),
            AccountEventKind::Updated { .. } => None,
        }
    }

    /// Reads the account: how it stands now. A store failure keeps the session.
    async fn read_again(&mut self) -> Option<SessionEnd> {
        let read = self.store.accounts().account(&self.account_id).await;
        // Set only once read: a cancelled read is done again next time.
        self.checked = true;
        match read {
            Err(StoreError::NotFound) => Some(SessionEnd::Deleted),
            Err(e) => {
                tracing::warn!(error = %e, "could not read an account for its session");
                None
            }
            Ok(a) if !a.enabled => Some(SessionEnd::Disabled),
            Ok(a) if a.password_hash != self.password_hash => Some(SessionEnd::PasswordChanged),
            Ok(_) => None,
        }
    }

    /// `Some` if the session must end, from what has been published so far; does not
    /// wait for new events. For sessions that look between commands (SMTP).
    pub async fn check(&mut self) -> Option<SessionEnd> {
        while self.ended.is_none() {
            if !self.checked {
                self.ended = self.read_again().await;
                continue;
            }
            match self.events.try_recv() {
                Ok(e) => self.ended = self.judge(&e),
                Err(TryRecvError::Lagged(_)) => self.checked = false,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        self.ended
    }

    /// Completes when the session must end. Cancel-safe: it can be one arm of a
    /// `select!` that is entered again and again.
    pub async fn ended(&mut self) -> SessionEnd {
        if let Some(end) = self.check().await {
            return end;
        }
        loop {
            match self.events.recv().await {
                Ok(e) => {
                    if let Some(end) = self.judge(&e) {
                        self.ended = Some(end);
                        return end;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    self.checked = false;
                    if let Some(end) = self.check().await {
                        return end;
                    }
                }
                Err(RecvError::Closed) => std::future::pending::<()>().await,
            }
        }
    }
}

/// Completes when `watch` says its session must end; never without a watch. For a
/// `select!` arm in a session that may not be signed in yet.
pub async fn session_ended(watch: &mut Option<SessionWatch>) -> SessionEnd {
    match watch {
        Some(w) => w.ended().await,
        None => std::future::pending().await,
    }
}
