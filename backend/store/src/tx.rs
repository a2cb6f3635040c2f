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
//! - **A thread for the writes, and one transaction for many.** Every statement is a
//!   round trip to the connection's thread; a task woken by the answer waits for a
//!   runtime worker behind every session that is ready to run, and so does the next
//!   writer when the turn passes to it. A write in the closure form ([`Store::write`])
//!   is queued for the writer thread instead, which runs the writes waiting together in
//!   one transaction, each in a savepoint, with one `COMMIT` ([`crate::writer`]).
//! - **The WAL sync after the lock.** Write transactions run on connections with
//!   `synchronous=NORMAL`: the commit appends to the WAL without syncing it and lets
//!   the next writer in. [`Store::commit`] then syncs the WAL file itself before it
//!   returns, so a commit is still on disk when the caller hears of it, as with
//!   `synchronous=FULL`, but the sync is no longer inside the lock.
//! - **One sync for many commits.** Commits that finish while a sync runs share the
//!   next one.
//!
//! Writes that are not in a transaction go through the default connections, which keep
//! `synchronous=FULL`.
//!
//! Each step is measured (`osprey_store_write_wait_seconds` at the gate or in the
//! writer thread's queue, `osprey_store_write_hold_seconds` holding the gate (a turn
//! or a group), `osprey_store_write_group_size` for the writes of a group,
//! `osprey_store_wal_sync_seconds` for a sync), on the server's `/metrics`.
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
use tokio::sync::Mutex;

use crate::gate::{Gate, Held};
use crate::writer::Writer;
use crate::{Backend, Store, StoreError};

/// The SQLite write path: its connections, gate and WAL sync.
#[derive(Debug)]
pub(crate) struct SqliteWriter {
    /// Connections with `synchronous=NORMAL`, for write transactions only.
    pool: DatabaseConnection,
    /// Writers of this process, one at a time, in arrival order.
    gate: Arc<Gate>,
    /// The writer thread's queue, for the closure-form writes.
    pub(crate) writer: Writer,
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
    /// The write path over `pool`, its writer thread running on `runtime`.
    pub(crate) fn new(
        pool: DatabaseConnection,
        wait: Duration,
        wal: PathBuf,
        runtime: tokio::runtime::Handle,
    ) -> std::io::Result<Self> {
        let gate = Arc::new(Gate::default());
        let writer = Writer::start(pool.clone(), gate.clone(), wait, runtime)?;
        Ok(Self {
            pool,
            gate,
            writer,
            wait,
            wal,
            committed: AtomicU64::new(0),
            synced: Mutex::new(0),
        })
    }

    /// Closes the write connections.
    pub(crate) async fn close(&self) -> Result<(), StoreError> {
        Ok(self.pool.close_by_ref().await?)
    }

    /// Waits for this writer's turn at the gate, at most `wait`.
    async fn turn(&self) -> Result<WriteTurn, StoreError> {
        let arrived = Instant::now();
        let held = self
            .gate
            .enter(self.wait)
            .await
            .map_err(|_| busy(self.wait))?;
        let taken = Instant::now();
        metrics::histogram!("osprey_store_write_wait_seconds").record(taken - arrived);
        Ok(WriteTurn(Some((held, taken))))
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

/// A SQLite writer found no turn within `wait`.
pub(crate) fn busy(wait: Duration) -> StoreError {
    StoreError::Database(DbErr::Custom(format!(
        "no turn to write within {wait:?}: the database is busy"
    )))
}

/// A write transaction's options: on SQLite `BEGIN IMMEDIATE`, which takes the write
/// lock at once, so that it never fails on upgrade half-way through.
pub(crate) fn write_options(backend: Backend) -> TransactionOptions {
    TransactionOptions {
        sqlite_transaction_mode: (backend == Backend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
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

/// How the body of a [`Store::write_or_not`] ends its transaction.
pub(crate) enum End<T> {
    /// Commit, then answer `T`.
    Commit(T),
    /// Roll back (nothing to write after all), then answer `T`.
    Rollback(T),
}

impl<T> End<T> {
    pub(crate) fn into_inner(self) -> T {
        match self {
            End::Commit(out) | End::Rollback(out) => out,
        }
    }
}

/// One write transaction: begin, `body`, and the end it asks for. The caller syncs a
/// commit on SQLite (see [`Store::commit`]).
async fn transaction<T>(
    db: &DatabaseConnection,
    options: TransactionOptions,
    body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<End<T>, StoreError>,
) -> Result<End<T>, StoreError> {
    let txn = db.begin_with_options(options).await?;
    let end = body(&txn).await?;
    match &end {
        #[allow(clippy::disallowed_methods)]
        End::Commit(_) => txn.commit().await?,
        End::Rollback(_) => txn.rollback().await?,
    }
    Ok(end)
}

/// Runs `fut` to its end on this thread, parking the thread while it waits. Not the
/// runtime's `block_on`: that parks on the thread's own runtime parker, which a `block_on`
/// further out may be waiting on, and a wake meant for that one would be taken here.
pub(crate) fn run_here<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        // A park that returns without a wake (an earlier unpark's token) only polls again.
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// A writer's turn at the gate; the next writer goes when it is dropped. It records how
/// long it held the gate (`osprey_store_write_hold_seconds`).
pub(crate) struct WriteTurn(Option<(Held, Instant)>);

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
        let options = self.write_options();
        let Some(w) = &self.writer else {
            return Ok((self.db.begin_with_options(options).await?, WriteTurn(None)));
        };
        let turn = w.turn().await?;
        let txn = w.pool.begin_with_options(options).await?;
        Ok((txn, turn))
    }

    /// Runs `body` in a write transaction and commits it if it returns `Ok` (rolls it
    /// back if not); when this returns `Ok`, the transaction is on disk.
    ///
    /// On SQLite the writer thread runs `body`, with the other writes waiting then, in
    /// one transaction, `body` in a savepoint of its own ([`crate::writer`]): the body
    /// must own what it uses. It sees the changes of the writes before it in its group,
    /// as it would one write after another.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.write_or_not(async move |txn| body(txn).await.map(End::Commit))
            .await
    }

    /// Like [`Store::write`], for a body that may find that it has nothing to write
    /// after all: [`End::Rollback`] rolls the transaction back (and needs no sync).
    pub(crate) async fn write_or_not<T: Send + 'static>(
        &self,
        body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<End<T>, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let options = self.write_options();
        let Some(w) = &self.writer else {
            // PostgreSQL: no turn, and its commit is durable.
            return Ok(transaction(&self.db, options, body).await?.into_inner());
        };
        // SQLite: the writer thread runs it in a group (see `crate::writer`).
        let end = w.writer.write(body).await?;
        if matches!(end, End::Commit(_)) {
            w.sync().await?;
        }
        Ok(end.into_inner())
    }

    /// This store's write transaction options ([`write_options`]).
    fn write_options(&self) -> TransactionOptions {
        write_options(self.backend)
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
            tokio::runtime::Handle::current(),
        )
        .unwrap()
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

    /// The order of the turns is the gate's (its own tests); here, through the store: a
    /// writer that cannot get its turn in time fails clearly.
    #[tokio::test]
    async fn a_writer_that_waits_too_long_for_its_turn_fails_clearly() {
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
