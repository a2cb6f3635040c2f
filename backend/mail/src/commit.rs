//! Group commit: deliveries that arrive while one batch is being made durable wait and
//! share the next one. A batch costs one file-system sync for all its bodies
//! (`BlobStore::put_many`) and one database commit for all its rows, instead of three
//! fsyncs per message. The two stages overlap: while one batch's rows commit, the next
//! batch's bodies are synced. Each caller still gets its answer only after its message is
//! durable, and no row is written before its body is.

use std::sync::Arc;

use osprey_store::{Appended, NewMessage, Store, StoreError, blob::BlobStore};
use tokio::sync::{mpsc, oneshot};

/// Jobs taken into one transaction at most.
const MAX_BATCH: usize = 256;

struct Job {
    /// The message body; every row of `batch` names it by hash already.
    body: Vec<u8>,
    batch: Vec<NewMessage>,
    reply: oneshot::Sender<Result<Vec<Appended>, StoreError>>,
}

/// A handle on the committer task; cheap to clone.
#[derive(Clone)]
pub struct Committer {
    tx: mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the committer task on the current runtime.
    pub fn start(store: Store, blobs: Arc<dyn BlobStore>) -> Committer {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, blobs, rx));
        Committer { tx }
    }

    /// Stores `body` and appends the rows of `batch` (which name it by hash), sharing
    /// the syncs and the transaction with whatever else is waiting.
    pub async fn deliver(
        &self,
        body: Vec<u8>,
        batch: Vec<NewMessage>,
    ) -> Result<Vec<Appended>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { body, batch, reply })
            .await
            .map_err(|_| StoreError::Invalid("the committer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Invalid("the committer has stopped".into()))?
    }
}

/// Stage one: batches jobs and makes their bodies durable, then hands the batch on.
async fn run(store: Store, blobs: Arc<dyn BlobStore>, mut rx: mpsc::Receiver<Job>) {
    let (rows_tx, rows_rx) = mpsc::channel::<Vec<Job>>(2);
    tokio::spawn(commit_rows(store, rows_rx));
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let bodies: Vec<Vec<u8>> = jobs
            .iter_mut()
            .map(|j| std::mem::take(&mut j.body))
            .collect();
        if let Err(e) = blobs.put_many(bodies).await {
            tracing::error!(error = %e, "storing message bodies failed");
            for job in jobs {
                let _ = job.reply.send(Err(StoreError::Io(std::io::Error::other(
                    "storing the message body failed",
                ))));
            }
            continue;
        }
        if rows_tx.send(jobs).await.is_err() {
            return;
        }
    }
}

/// Stage two: commits the rows of every batch whose bodies are durable, merging the
/// batches that wait into one transaction.
async fn commit_rows(store: Store, mut rx: mpsc::Receiver<Vec<Job>>) {
    while let Some(mut jobs) = rx.recv().await {
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => jobs.extend(more),
                Err(_) => break,
            }
        }
        if jobs.len() == 1 {
            let job = jobs.pop().expect("one job");
            let _ = job
                .reply
                .send(store.messages().append_messages(job.batch).await);
            continue;
        }
        let sizes: Vec<usize> = jobs.iter().map(|j| j.batch.len()).collect();
        let all: Vec<NewMessage> = jobs.iter().flat_map(|j| j.batch.clone()).collect();
        match store.messages().append_messages(all).await {
            Ok(mut landed) => {
                for (job, n) in jobs.into_iter().zip(sizes) {
                    let rest = landed.split_off(n);
                    let _ = job.reply.send(Ok(landed));
                    landed = rest;
                }
            }
            // One job spoiled the shared transaction (a quota, say): nothing of it was
            // committed, so each job runs on its own and gets its own answer.
            Err(_) => {
                for job in jobs {
                    let _ = job
                        .reply
                        .send(store.messages().append_messages(job.batch).await);
                }
            }
        }
    }
}
