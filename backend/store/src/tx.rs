//! Write transactions.
//!
//! On PostgreSQL a write transaction is an ordinary one; the server orders writers and
//! makes each commit durable.
//!
//! On SQLite, where one writer at a time holds the database, three things keep writes
//! short and fair:
//!
//! - **A gate.** Writers of this process queue on a FIFO lock before `BEGIN IMMEDIATE`,
//!   instead of polling SQLite's lock with `busy_timeout`'s growing sleeps, which let a
//!   newcomer overtake a writer that has waited for a hundred milliseconds. Other
//!   processes (the CLI) still meet `busy_timeout`.
//! - **The WAL sync after the lock.** Write transactions run on connections with
//!   `synchronous=NORMAL`: the commit appends to the WAL without syncing it and lets
//!   the next writer in. [`Store::commit`] then syncs the WAL file itself before it
//!   returns, so a commit is still on disk when the caller hears of it, as with
//!   `synchronous=FULL`, but the sync is no longer inside the lock.
//! - **One sync for many commits.** Commits that finish while a sync runs share the
//!   next one (group commit).
//!
//! Writes that are not in a transaction go through the default connections, which keep
//! `synchronous=FULL`.
//!
//! Each step is measured (`osprey_store_write_wait_seconds` at the gate,
//! `osprey_store_write_hold_seconds` holding it, `osprey_store_wal_sync_seconds` for a
//! sync), on the server's `/metrics`.
//!
//! The price: between a commit and its sync (a millisecond or so) another connection
//! can read the change. Only a power failure in that moment loses it, and then only a
//! reader has seen it: the writer's caller was not answered, and the change bus
//! ([`crate::Change`]) is told after the sync.

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Backend, Store, StoreError};

/// The SQLite write path: its connections, gate and WAL sync.
#[derive(Debug)]
pub(crate) struct SqliteWriter {
    /// Connections with `synchronous=NORMAL`, for write transactions only.
    pool: DatabaseConnection,
    /// Writers of this process, one at a time, in arrival order.
    gate: Arc<Mutex<()>>,
    /// How long a writer waits at the gate before it fails.
    wait: Duration,
    /// The database's write-ahead log (`<file>-wal`).
    wal: PathBuf,
    /// Commits made so far.
    committed: AtomicU64,
    /// Commits known to be on disk; the lock orders the syncs.
    synced: Mutex<u64>,
}

impl SqliteWriter {
    pub(crate) fn new(pool: DatabaseConnection, wait: Duration, wal: PathBuf) -> Self {
        Self {
            pool,
            gate: Arc::new(Mutex::new(())),
            wait,
            wal,
            committed: AtomicU64::new(0),
            synced: Mutex::new(0),
        }
    }

    /// Closes the write connections.
    pub(crate) async fn close(&self) -> Result<(), StoreError> {
        Ok(self.pool.close_by_ref().await?)
    }

    /// Makes every commit counted so far durable: returns at once if a sync that
    /// started after this commit has finished, else syncs the WAL (for itself and for
    /// whoever committed meanwhile).
    async fn sync(&self) -> Result<(), StoreError> {
        let mine = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        let mut synced = self.synced.lock().await;
        if *synced >= mine {
            return Ok(());
        }
        // Every commit counted up to here has written its WAL frames already.
        let upto = self.committed.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        let started = Instant::now();
        tokio::task::spawn_blocking(move || sync_file(&wal))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        metrics::histogram!("osprey_store_wal_sync_seconds").record(started.elapsed());
        *synced = upto;
        Ok(())
    }
}

/// `fdatasync` on the file. A WAL that is gone was checkpointed into the database
/// file, which the checkpoint synced.
fn sync_file(path: &std::path::Path) -> std::io::Result<()> {
    match std::fs::File::open(path) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A writer's turn at the gate; the next writer goes when it is dropped. It records how
/// long it held the gate (`osprey_store_write_hold_seconds`).
pub(crate) struct WriteTurn(Option<(OwnedMutexGuard<()>, Instant)>);

impl Drop for WriteTurn {
    fn drop(&mut self) {
        if let Some((_, taken)) = &self.0 {
            metrics::histogram!("osprey_store_write_hold_seconds").record(taken.elapsed());
        }
    }
}

impl Store {
    /// Begins a transaction that will write; on SQLite, waits for its turn at the gate
    /// and takes the database's write lock at once (`BEGIN IMMEDIATE`), so that it never
    /// fails on upgrade half-way through. Commit it with [`Store::commit`].
    pub(crate) async fn begin_write(&self) -> Result<(DatabaseTransaction, WriteTurn), StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let Some(w) = &self.writer else {
            return Ok((self.db.begin_with_options(options).await?, WriteTurn(None)));
        };
        let arrived = Instant::now();
        let turn = tokio::time::timeout(w.wait, w.gate.clone().lock_owned())
            .await
            .map_err(|_| {
                StoreError::Database(DbErr::Custom(format!(
                    "no turn to write within {:?}: the database is busy",
                    w.wait
                )))
            })?;
        let taken = Instant::now();
        metrics::histogram!("osprey_store_write_wait_seconds").record(taken - arrived);
        let txn = w.pool.begin_with_options(options).await?;
        Ok((txn, WriteTurn(Some((turn, taken)))))
    }

    /// Commits a transaction of [`Store::begin_write`]; when this returns `Ok`, the
    /// transaction is on disk.
    pub(crate) async fn commit(
        &self,
        txn: DatabaseTransaction,
        turn: WriteTurn,
    ) -> Result<(), StoreError> {
        #[allow(clippy::disallowed_methods)]
        txn.commit().await?;
        drop(turn);
        match &self.writer {
            Some(w) => w.sync().await,
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// A scratch directory, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Self {
            let id = uuid::Uuid::now_v7().simple().to_string();
            let dir = std::env::temp_dir().join(format!("osprey-tx-{id}"));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
        fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn writer(dir: &std::path::Path) -> SqliteWriter {
        SqliteWriter::new(
            DatabaseConnection::default(),
            Duration::from_millis(200),
            dir.join("db-wal"),
        )
    }

    #[tokio::test]
    async fn a_sync_covers_the_commits_before_it_and_a_missing_wal_is_fine() {
        let dir = Scratch::new();
        let w = writer(dir.path());
        // No WAL file: nothing to sync, and no error.
        w.sync().await.unwrap();
        std::fs::write(dir.path().join("db-wal"), b"frames").unwrap();
        w.sync().await.unwrap();
        assert_eq!(*w.synced.lock().await, 2);
        assert_eq!(w.committed.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_commits_share_syncs() {
        let dir = Scratch::new();
        std::fs::write(dir.path().join("db-wal"), b"frames").unwrap();
        let w = Arc::new(writer(dir.path()));
        // Hold the sync lock, as a sync in progress would, while five commits arrive.
        let held = w.synced.lock().await;
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let w = w.clone();
                tokio::spawn(async move { w.sync().await })
            })
            .collect();
        while w.committed.load(Ordering::SeqCst) < 5 {
            tokio::task::yield_now().await;
        }
        drop(held);
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        // The first one in synced for all five.
        assert_eq!(*w.synced.lock().await, 5);
    }

    #[tokio::test]
    async fn writers_take_turns_in_arrival_order_and_a_long_wait_fails() {
        let gate = Arc::new(Mutex::new(()));
        let first = gate.clone().lock_owned().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..4 {
            let (gate, order) = (gate.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = gate.lock_owned().await;
                order.lock().unwrap().push(i);
            }));
            // Let each one queue before the next arrives.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3]);

        // Through the store: a writer that cannot get its turn in time fails clearly.
        let db = crate::testing::TestDb::new().await;
        let settings = crate::ConnectSettings {
            busy_timeout: Duration::from_millis(200),
            ..Default::default()
        };
        let store = Store::connect(&db.url, &settings).await.unwrap();
        if store.writer.is_none() {
            return; // PostgreSQL orders its writers itself.
        }
        let (_txn, _turn) = store.begin_write().await.unwrap();
        let started = Instant::now();
        let err = match store.begin_write().await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a second writer got in while the first held its turn"),
        };
        assert!(err.contains("busy"), "{err}");
        assert!(started.elapsed() >= Duration::from_millis(100));
    }
}
