//! The SQLite writer thread: group commit for the closure-form writes
//! ([`crate::Store::write`]).
//!
//! A write queues its body here and waits for the answer. The thread takes the writes
//! that are waiting when it comes round (at most [`MAX_GROUP`]), enters the writers'
//! gate once for all of them, and runs them one after another in ONE transaction, each
//! inside a savepoint of its own: a write that fails, or finds it has nothing to write,
//! rolls back to its savepoint and leaves the others' changes alone. (The savepoint goes
//! with the write's first batch of statements, see [`crate::savepoint`].) One `COMMIT` ends
//! the group. The outcome is what running the writes one by one would give, in their
//! order; what changes is the cost of the turn:
//!
//! - the turn no longer passes from one writer's thread to the next, each switch a wait
//!   for a core on a busy machine: this thread goes straight on to the next body;
//! - `BEGIN` and `COMMIT`, each a round trip to the connection's thread, are paid once
//!   per group, and the pages several writes touch (the mailbox's row, an index's leaf)
//!   go to the WAL once;
//! - readers drop their page cache once per commit, so once per group;
//! - a queued write holds no thread while it waits.
//!
//! Every answer waits for the group's end: a write's own error is its answer whatever
//! the group does; anything else is given only after the `COMMIT` (a failed `COMMIT`
//! fails every write of the group, even one that asked for no change: it may have read
//! what was then not committed). The caller then syncs the WAL, as every committer does
//! (see [`crate::tx`]).

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::oneshot;

use crate::gate::Gate;
use crate::savepoint::{self, Savepoint};
use crate::tx::{End, busy, run_here, write_options};
use crate::{Backend, StoreError};

/// The most writes one group runs: a bound on how long the first one waits for the
/// `COMMIT` behind the others.
pub(crate) const MAX_GROUP: usize = 32;

/// Where writes queue for the thread.
#[derive(Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Box<dyn Queued>>,
    counts: Arc<Counts>,
}

/// What the thread has done, for tests.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Writes queued and not yet taken into a group.
    waiting: AtomicUsize,
    /// Groups run.
    groups: AtomicUsize,
}

impl Writer {
    /// Starts the thread, which writes through `pool` holding `gate` and ends when the
    /// last handle on the queue is dropped.
    pub(crate) fn start(
        pool: DatabaseConnection,
        gate: Arc<Gate>,
        wait: Duration,
        runtime: tokio::runtime::Handle,
    ) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel();
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        std::thread::Builder::new()
            .name("osprey-sqlite-writer".into())
            .spawn(move || {
                let _runtime = runtime.enter();
                serve(&jobs, &pool, &gate, wait, &c);
            })?;
        Ok(Self { queue, counts })
    }

    /// Queues `body` and waits for its end: `End::Commit` once its group has committed
    /// (the caller still syncs the WAL), `End::Rollback` when it asked for one and its
    /// group ended well.
    pub(crate) async fn write<T, F>(&self, body: F) -> Result<End<T>, StoreError>
    where
        T: Send + 'static,
        F: AsyncFnOnce(&DatabaseTransaction) -> Result<End<T>, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            body,
            reply,
            queued: Instant::now(),
        });
        self.counts.waiting.fetch_add(1, Ordering::SeqCst);
        self.queue
            .send(job)
            .map_err(|_| failed("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| failed("the database writer dropped the write"))?
    }
}

fn failed(why: &str) -> StoreError {
    StoreError::Database(DbErr::Custom(why.to_owned()))
}

/// A write of a group that failed on `e`.
fn group_failed(e: &StoreError) -> StoreError {
    failed(&format!("the write's group failed: {e}"))
}

/// A write's answer once its group has ended: `Ok` if the group ended well, else the
/// group's error.
type Answer = Box<dyn FnOnce(Result<(), &StoreError>)>;

/// What running a queued write left: whether its changes stay, and its answer.
struct Ran {
    keep: bool,
    answer: Answer,
}

/// A queued write, its result's type erased.
trait Queued: Send {
    /// Nobody waits for the answer any more (the caller went away).
    fn abandoned(&self) -> bool;
    /// When it was queued.
    fn queued(&self) -> Instant;
    /// Fails it without running it.
    fn refuse(self: Box<Self>, error: StoreError);
    /// Runs the body in `txn`.
    fn run<'t>(
        self: Box<Self>,
        txn: &'t DatabaseTransaction,
    ) -> Pin<Box<dyn Future<Output = Ran> + 't>>;
}

struct Pending<F, T> {
    body: F,
    reply: oneshot::Sender<Result<End<T>, StoreError>>,
    queued: Instant,
}

impl<F, T> Queued for Pending<F, T>
where
    T: Send + 'static,
    F: AsyncFnOnce(&DatabaseTransaction) -> Result<End<T>, StoreError> + Send + 'static,
{
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }

    fn queued(&self) -> Instant {
        self.queued
    }

    fn refuse(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }

    fn run<'t>(
        self: Box<Self>,
        txn: &'t DatabaseTransaction,
    ) -> Pin<Box<dyn Future<Output = Ran> + 't>> {
        let Pending { body, reply, .. } = *self;
        Box::pin(async move {
            let out = body(txn).await;
            let keep = matches!(out, Ok(End::Commit(_)));
            let answer: Answer = Box::new(move |group| {
                let answer = match (out, group) {
                    // Its own error, whatever became of the others.
                    (Err(e), _) => Err(e),
                    (Ok(end), Ok(())) => Ok(end),
                    // It may have read what the group then failed to commit.
                    (Ok(_), Err(e)) => Err(group_failed(e)),
                };
                let _ = reply.send(answer);
            });
            Ran { keep, answer }
        })
    }
}

/// The thread's loop: a group at a time, until the queue closes.
fn serve(
    jobs: &mpsc::Receiver<Box<dyn Queued>>,
    pool: &DatabaseConnection,
    gate: &Arc<Gate>,
    wait: Duration,
    counts: &Counts,
) {
    while let Ok(first) = jobs.recv() {
        // Taken from the queue: counted as waiting until its group is formed.
        let mut taken = 1;
        let mut group = vec![first];
        let held = loop {
            match gate.enter_blocking(wait) {
                Ok(held) => break Some(held),
                // Another writer of this process held the gate all that time: fail the
                // writes that have waited too long, keep the others waiting.
                Err(_) => {
                    group = expire(group, wait);
                    if group.is_empty() {
                        break None;
                    }
                }
            }
        };
        let Some(held) = held else {
            counts.waiting.fetch_sub(taken, Ordering::SeqCst);
            continue;
        };
        // Whatever queued while the gate was coming joins.
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => {
                    taken += 1;
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        counts.waiting.fetch_sub(taken, Ordering::SeqCst);
        let group = expire(group, wait);
        if group.is_empty() {
            continue;
        }
        let entered = Instant::now();
        metrics::histogram!("osprey_store_write_group_size").record(group.len() as f64);
        // A panic in a body is a defect; it fails the group (its answers are dropped and
        // the transaction rolled back with it) but not the writes that come after.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| run_here(run_group(pool, group))));
        // A body that panicked left its savepoint's state behind.
        savepoint::take();
        metrics::histogram!("osprey_store_write_hold_seconds").record(entered.elapsed());
        drop(held);
        counts.groups.fetch_add(1, Ordering::SeqCst);
    }
}

/// The writes of `group` still worth running: those whose caller went away are
/// dropped, those that waited longer than `wait` fail as busy.
fn expire(group: Vec<Box<dyn Queued>>, wait: Duration) -> Vec<Box<dyn Queued>> {
    let now = Instant::now();
    let mut live = Vec::with_capacity(group.len());
    for job in group {
        if job.abandoned() {
            continue;
        }
        let waited = now - job.queued();
        if waited > wait {
            job.refuse(busy(wait));
            continue;
        }
        live.push(job);
    }
    live
}

/// One group: `BEGIN IMMEDIATE`, each write in a savepoint, one `COMMIT` (or
/// `ROLLBACK` when no write kept anything), then the answers.
async fn run_group(pool: &DatabaseConnection, group: Vec<Box<dyn Queued>>) {
    let txn = match pool
        .begin_with_options(write_options(Backend::Sqlite))
        .await
    {
        Ok(txn) => txn,
        Err(e) => {
            let e = StoreError::from(e);
            for job in group {
                job.refuse(failed(&e.to_string()));
            }
            return;
        }
    };
    let started = Instant::now();
    // One write alone needs no savepoint: its end is the transaction's.
    let savepoints = group.len() > 1;
    let mut answers = Vec::with_capacity(group.len());
    let mut kept = false;
    let mut broken = None;
    for job in group {
        if let Some(e) = &broken {
            job.refuse(group_failed(e));
            continue;
        }
        metrics::histogram!("osprey_store_write_wait_seconds").record(started - job.queued());
        if savepoints {
            savepoint::make_due();
        }
        let ran = job.run(&txn).await;
        let savepoint = savepoint::take();
        answers.push(ran.answer);
        if ran.keep {
            kept = true;
            continue;
        }
        broken = match savepoint {
            // Alone in its group, or it changed nothing: nothing to undo.
            Savepoint::Idle | Savepoint::Due => None,
            Savepoint::Sent => txn
                .execute_unprepared("ROLLBACK TO w")
                .await
                // SQLite ended the whole transaction (a full disk, an I/O error).
                .err()
                .map(StoreError::from),
            Savepoint::Unsure => Some(failed(
                "a write failed where its savepoint may not have been made",
            )),
            Savepoint::Missed => {
                tracing::error!(
                    "a write changed rows before its first batch, so before its savepoint"
                );
                Some(failed("a write changed rows before its savepoint"))
            }
        };
    }
    let end = match broken {
        Some(e) => {
            let _ = txn.rollback().await;
            Err(e)
        }
        #[allow(clippy::disallowed_methods)]
        None if kept => txn.commit().await.map_err(StoreError::from),
        None => txn.rollback().await.map_err(StoreError::from),
    };
    for answer in answers {
        answer(end.as_ref().map(|_| ()));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};

    use crate::batch::Batch;
    use crate::testing::TestDb;
    use crate::tx::End;
    use crate::{Store, StoreError};

    async fn store() -> Option<(TestDb, Store)> {
        let db = TestDb::new().await;
        let store = Store::connect(&db.url, &Default::default()).await.unwrap();
        // PostgreSQL has no writer thread: its writes are transactions of their own.
        store.writer.as_ref()?;
        store
            .db
            .execute_unprepared("CREATE TABLE t (v INTEGER NOT NULL)")
            .await
            .unwrap();
        Some((db, store))
    }

    async fn values(store: &Store) -> Vec<i64> {
        let rows = store
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                store.db.get_database_backend(),
                "SELECT v FROM t ORDER BY v",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect()
    }

    fn insert_statement(txn: &DatabaseTransaction, v: i64) -> Statement {
        Statement::from_string(
            txn.get_database_backend(),
            format!("INSERT INTO t (v) VALUES ({v})"),
        )
    }

    /// A change as write bodies make them: in a batch, which carries the savepoint.
    async fn insert(txn: &DatabaseTransaction, v: i64) -> Result<(), StoreError> {
        let mut batch = Batch::new();
        batch.push_statement(insert_statement(txn, v));
        batch.run(txn).await
    }

    /// Waits until `n` writes wait in the queue.
    async fn queued(store: &Store, n: usize) {
        let w = store.writer.as_ref().unwrap();
        while w.writer.counts.waiting.load(Ordering::SeqCst) < n {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }

    /// Queues `body` as the `n`th write waiting; the handle gives its answer.
    async fn queue<T: Send + 'static>(
        store: &Store,
        n: usize,
        body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<End<T>, StoreError> + Send + 'static,
    ) -> tokio::task::JoinHandle<Result<T, StoreError>> {
        let s = store.clone();
        let answer = tokio::spawn(async move {
            let w = s.writer.as_ref().unwrap();
            w.writer.write(body).await.map(End::into_inner)
        });
        queued(store, n).await;
        answer
    }

    /// How many rows `t` has, read in `txn`.
    async fn count(txn: &DatabaseTransaction) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM t";
        let row = txn
            .query_one_raw(Statement::from_string(txn.get_database_backend(), sql))
            .await?
            .expect("a count");
        Ok(row.try_get_by_index::<i64>(0)?)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_group_keeps_each_writes_own_end() {
        let Some((_db, store)) = store().await else {
            return;
        };
        let groups = |s: &Store| {
            let w = s.writer.as_ref().unwrap();
            w.writer.counts.groups.load(Ordering::SeqCst)
        };
        let before = groups(&store);
        // Hold the gate, as a writer of the other form would, while four writes queue.
        let (txn, turn) = store.begin_write().await.unwrap();
        let kept = queue(&store, 1, async move |txn| {
            insert(txn, 1).await?;
            Ok(End::Commit("kept"))
        })
        .await;
        let failed = queue(&store, 2, async move |txn| {
            insert(txn, 2).await?;
            Err::<End<()>, _>(StoreError::Invalid("the second write fails".into()))
        })
        .await;
        let rolled_back = queue(&store, 3, async move |txn| {
            insert(txn, 3).await?;
            // It sees the first write's row, as it would after it.
            Ok(End::Rollback(count(txn).await?))
        })
        .await;
        let last = queue(&store, 4, async move |txn| {
            insert(txn, 4).await?;
            Ok(End::Commit("kept too"))
        })
        .await;
        // Let the queue go: the writer thread, waiting at the gate with the first
        // write, takes the three others into its group.
        drop(txn);
        drop(turn);
        assert_eq!(kept.await.unwrap().unwrap(), "kept");
        let err = failed.await.unwrap().unwrap_err().to_string();
        assert!(err.contains("the second write fails"), "{err}");
        assert_eq!(rolled_back.await.unwrap().unwrap(), 2);
        assert_eq!(last.await.unwrap().unwrap(), "kept too");
        assert_eq!(
            groups(&store) - before,
            1,
            "the four writes ran as one group"
        );
        assert_eq!(values(&store).await, vec![1, 4]);
    }

    /// The rule of `crate::savepoint` broken: a change before the write's first batch,
    /// so before its savepoint. The write fails, and its change cannot be undone alone:
    /// the whole group fails and nothing of it stays.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_change_before_the_savepoint_fails_the_group_when_its_write_fails() {
        let Some((_db, store)) = store().await else {
            return;
        };
        let (txn, turn) = store.begin_write().await.unwrap();
        let first = queue(&store, 1, async move |txn| {
            insert(txn, 1).await?;
            Ok(End::Commit(()))
        })
        .await;
        let unbatched = queue(&store, 2, async move |txn| {
            txn.execute_raw(insert_statement(txn, 2)).await?;
            Err::<End<()>, _>(StoreError::Invalid("the second write fails".into()))
        })
        .await;
        drop(txn);
        drop(turn);
        let err = first.await.unwrap().unwrap_err().to_string();
        assert!(err.contains("before its savepoint"), "{err}");
        let err = unbatched.await.unwrap().unwrap_err().to_string();
        assert!(err.contains("the second write fails"), "{err}");
        assert_eq!(values(&store).await, Vec::<i64>::new());
        // The writer goes on.
        store
            .write(async move |txn| insert(txn, 3).await)
            .await
            .unwrap();
        assert_eq!(values(&store).await, vec![3]);
    }

    /// A write that reads, changes nothing and ends sends no savepoint, and the group's
    /// other writes keep theirs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_only_reads_needs_no_savepoint() {
        let Some((_db, store)) = store().await else {
            return;
        };
        let (txn, turn) = store.begin_write().await.unwrap();
        let first = queue(&store, 1, async move |txn| {
            insert(txn, 1).await?;
            Ok(End::Commit(()))
        })
        .await;
        let reader = queue(&store, 2, async move |txn| {
            Ok(End::Rollback(count(txn).await?))
        })
        .await;
        let last = queue(&store, 3, async move |txn| {
            insert(txn, 2).await?;
            Ok(End::Commit(()))
        })
        .await;
        drop(txn);
        drop(turn);
        first.await.unwrap().unwrap();
        assert_eq!(reader.await.unwrap().unwrap(), 1);
        last.await.unwrap().unwrap();
        assert_eq!(values(&store).await, vec![1, 2]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_panics_fails_alone_and_the_writer_goes_on() {
        let Some((_db, store)) = store().await else {
            return;
        };
        let s = store.clone();
        let panicked = tokio::spawn(async move {
            s.write::<()>(async move |txn| {
                insert(txn, 1).await?;
                panic!("a defect in a write")
            })
            .await
        });
        assert!(panicked.await.unwrap().is_err());
        store
            .write(async move |txn| insert(txn, 2).await)
            .await
            .unwrap();
        assert_eq!(values(&store).await, vec![2]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_alone_that_fails_writes_nothing() {
        let Some((_db, store)) = store().await else {
            return;
        };
        let err = store
            .write(async move |txn| {
                insert(txn, 1).await?;
                Err::<(), _>(StoreError::Invalid("no".into()))
            })
            .await;
        assert!(err.is_err());
        assert_eq!(values(&store).await, Vec::<i64>::new());
    }
}
