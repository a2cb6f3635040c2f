//! Osprey's storage: metadata in SQL (SQLite or PostgreSQL, chosen by URL) and message
//! bodies in a content-addressed blob store.
//!
//! This crate is the only user of sea-orm. It owns the connection pool, runs the
//! migrations, and offers repositories that take and return plain record types
//! ([`repo`]), reached through role views ([`views`]: `store.accounts()`,
//! `store.queue()`, ...) rather than one flat facade. It does not hash passwords, check
//! permissions or know HTTP: callers pass in values that are already validated and
//! decide who may call what.

mod account_events;
pub use account_events::{AccountEvent, AccountEventKind};
pub mod blob;
mod changes;
pub use changes::{Change, ChangeKind};
mod connect;
pub use connect::{redact, sqlite_file};
mod batch;
mod entity;
mod error;
mod gate;
pub mod repo;
mod savepoint;
mod tx;
pub mod views;
mod writer;

pub use connect::{Backend, ConnectSettings};
pub use error::StoreError;
pub use repo::*;

use sea_orm::DatabaseConnection;

/// A handle on the database; cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    bus: tokio::sync::broadcast::Sender<Change>,
    /// Account events (see `account_events`).
    account_bus: tokio::sync::broadcast::Sender<AccountEvent>,
    /// SQLite's write path (gate, connections, WAL sync); `None` on PostgreSQL.
    writer: Option<std::sync::Arc<tx::SqliteWriter>>,
    /// Woken when blobs join the full-text index's queue.
    text_queue: std::sync::Arc<tokio::sync::Notify>,
}

impl Store {
    /// Which database engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Returns `Ok` if and only if the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<(), StoreError> {
        if let Some(w) = &self.writer {
            w.close().await?;
        }
        self.db.close().await.map_err(StoreError::from)
    }
}

#[cfg(feature = "testing")]
pub mod testing;
