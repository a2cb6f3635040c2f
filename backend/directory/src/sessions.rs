//! When a signed-in mail session (IMAP, POP3, SMTP) must end: the account was
//! disabled or deleted, or its password changed (whoever knew the old one is out).
//! Signing out of the web app does not end mail sessions; it revokes web tokens only.
//!
//! A [`SessionWatch`] follows the store's account events, so a session learns of the
//! change at once without asking the database on every command. It subscribes when the
//! session signs in and then reads the account's standing once more, so a change
//! committed between the password check and the subscription is not missed; a receiver
//! that lagged behind the events reads it again too. The read is a task of its own: a
//! session waits for the watch in a `select!` beside its client, and a command that
//! arrives first drops the watch's future, which must not drop the read with it (each
//! command would otherwise start it anew, and the IMAP bench's sessions read the
//! account some seven times each instead of once).

use osprey_store::{AccountEvent, AccountEventKind, AccountRecord, Store, StoreError};
use tokio::{
    sync::broadcast::{self, error::RecvError, error::TryRecvError},
    task::JoinHandle,
};

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
    /// The read of the account due since subscribing or since the receiver last lagged,
    /// until its answer has been taken.
    look: Option<JoinHandle<Option<SessionEnd>>>,
    /// Reads started.
    reads: u32,
    ended: Option<SessionEnd>,
}

impl SessionWatch {
    /// Subscribes, then starts the read of the account (on the runtime it is made on).
    pub(crate) fn new(store: &Store, account: &AccountRecord) -> Self {
        let mut watch = Self {
            events: store.account_events(),
            store: store.clone(),
            account_id: account.id.clone(),
            password_hash: account.password_hash.clone(),
            look: None,
            reads: 0,
            ended: None,
        };
        watch.read_again();
        watch
    }

    /// How many times the account has been read: once after signing in, and once after
    /// each time the receiver lagged behind the events.
    pub fn reads(&self) -> u32 {
        self.reads
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

    /// Starts a read of the account's standing, unless one is on its way.
    fn read_again(&mut self) {
        if self.look.is_some() {
            return;
        }
        self.reads += 1;
        let (store, id) = (self.store.clone(), self.account_id.clone());
        let hash = self.password_hash.clone();
        self.look = Some(tokio::spawn(
            async move { standing(&store, &id, &hash).await },
        ));
    }

    /// `Some` if the session must end, from what has been published so far; does not
    /// wait for new events. For sessions that look between commands (SMTP).
    pub async fn check(&mut self) -> Option<SessionEnd> {
        while self.ended.is_none() {
            if let Some(look) = &mut self.look {
                // Cancel-safe: dropped here, the read goes on and is awaited next time.
                let read = look.await;
                self.look = None;
                self.ended = read.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "the read of an account for its session failed");
                    None
                });
                continue;
            }
            match self.events.try_recv() {
                Ok(e) => self.ended = self.judge(&e),
                Err(TryRecvError::Lagged(_)) => self.read_again(),
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
                    self.read_again();
                    if let Some(end) = self.check().await {
                        return end;
                    }
                }
                Err(RecvError::Closed) => std::future::pending::<()>().await,
            }
        }
    }
}

impl Drop for SessionWatch {
    fn drop(&mut self) {
        if let Some(look) = &self.look {
            look.abort();
        }
    }
}

/// How the account stands for a session signed in under `password_hash`. A store
/// failure keeps the session.
async fn standing(store: &Store, account_id: &str, password_hash: &str) -> Option<SessionEnd> {
    match store.accounts().sign_in_state(account_id).await {
        Err(StoreError::NotFound) => Some(SessionEnd::Deleted),
        Err(e) => {
            tracing::warn!(error = %e, "could not read an account for its session");
            None
        }
        Ok((false, _)) => Some(SessionEnd::Disabled),
        Ok((true, hash)) if hash != password_hash => Some(SessionEnd::PasswordChanged),
        Ok(_) => None,
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
