//! Group commit: deliveries that arrive while one transaction runs wait and share the
//! next one, so N messages cost one commit (one fsync of the database) instead of N.
//! Each caller still gets its answer only after its messages are committed.

use osprey_store::{Appended, NewMessage, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Jobs taken into one transaction at most.
const MAX_BATCH: usize = 256;

struct Job {
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
    pub fn start(store: Store) -> Committer {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, rx));
        Committer { tx }
    }

    /// Appends `batch` in a transaction shared with whatever else is waiting.
    pub async fn append(&self, batch: Vec<NewMessage>) -> Result<Vec<Appended>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { batch, reply })
            .await
            .map_err(|_| StoreError::Invalid("the committer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Invalid("the committer has stopped".into()))?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if jobs.len() == 1 {
            let job = jobs.pop().expect("one job");
            let _ = job.reply.send(store.append_messages(job.batch).await);
            continue;
        }
        let sizes: Vec<usize> = jobs.iter().map(|j| j.batch.len()).collect();
        let all: Vec<NewMessage> = jobs.iter().flat_map(|j| j.batch.clone()).collect();
        match store.append_messages(all).await {
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
                    let _ = job.reply.send(store.append_messages(job.batch).await);
                }
            }
        }
    }
}
