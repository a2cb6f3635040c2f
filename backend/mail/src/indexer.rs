//! The full-text indexer: a background task that drains the store's text-index queue.
//! Delivery only queues a message's blob, so that it stays fast; this reads each queued
//! blob, extracts its text off the async runtime ([`crate::extract_text`]), and hands
//! a batch to the store, which writes the rows and takes the blobs off the queue in the
//! same transaction. A blob leaves the queue only with its row written, so a batch cut
//! short by shutdown or a failure is simply done again later.
//!
//! The task wakes when the store signals newly queued blobs, and on a timer as a safety
//! net (deliveries from another process, a failed round). Delivery comes first: woken, it
//! waits until deliveries pause (for half a minute at most), and while deliveries go
//! on during its rounds it rests between them, so that it takes a bounded share of the
//! machine and of the database's write lock. Now and then it deletes the text of blobs
//! that no message names any more.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use osprey_store::{MessageText, Store, StoreError, blob::BlobStore};

use crate::extract_text;
use crate::stored::StoredMessage;

/// Blobs per round (one transaction).
const BATCH: u64 = 64;
/// Extracted text per round, at most (about): big messages make smaller rounds.
const MAX_BATCH_TEXT: usize = 16 * 1024 * 1024;
/// Longest sleep between rounds when nothing signals.
const SAFETY_WAKE: Duration = Duration::from_secs(30);
/// Deliveries have paused when none came for this long.
const QUIET: Duration = Duration::from_millis(500);
/// Longest wait for deliveries to pause before indexing anyway.
const MAX_DEFER: Duration = Duration::from_secs(30);
/// While deliveries go on, the rest after a round, in multiples of the round's time:
/// 3 leaves them three quarters of the time.
const REST_FACTOR: u32 = 3;
/// How often the text of blobs no message names is deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Drains the text-index queue; see the module documentation.
#[derive(Clone)]
pub struct TextIndexer {
    store: Store,
    blobs: Arc<dyn BlobStore>,
}

impl TextIndexer {
    pub fn new(store: Store, blobs: Arc<dyn BlobStore>) -> Self {
        Self { store, blobs }
    }

    /// Runs until `shutdown` resolves. A round in progress then is abandoned: its
    /// transaction is rolled back and its blobs stay on the queue.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let signal = self.store.text_index().text_queue_signal();
        tokio::pin!(shutdown);
        let mut last_prune: Option<Instant> = None;
        loop {
            loop {
                let started = Instant::now();
                let round = tokio::select! {
                    biased;
                    _ = &mut shutdown => return,
                    round = self.index_batch() => round,
                };
                match round {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "indexing message text failed");
                        break;
                    }
                }
                // Deliveries came during the round: give way to them for a while.
                let delivering = tokio::select! {
                    biased;
                    _ = signal.notified() => true,
                    _ = std::future::ready(()) => false,
                };
                if delivering {
                    let rest = started.elapsed() * REST_FACTOR;
                    tokio::select! {
                        biased;
                        _ = &mut shutdown => return,
                        _ = tokio::time::sleep(rest) => {}
                    }
                }
            }
            if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                last_prune = Some(Instant::now());
                let index = self.store.text_index();
                let pruned = tokio::select! {
                    biased;
                    _ = &mut shutdown => return,
                    pruned = index.prune_message_texts() => pruned,
                };
                match pruned {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(rows = n, "deleted the text of removed messages"),
                    Err(e) => tracing::warn!(error = %e, "pruning message text failed"),
                }
            }
            tokio::select! {
                biased;
                _ = &mut shutdown => return,
                _ = signal.notified() => {}
                _ = tokio::time::sleep(SAFETY_WAKE) => {}
            }
            // Let a burst of deliveries pass first.
            let woken = Instant::now();
            loop {
                tokio::select! {
                    biased;
                    _ = &mut shutdown => return,
                    _ = signal.notified(), if woken.elapsed() < MAX_DEFER => {}
                    _ = tokio::time::sleep(QUIET) => break,
                }
            }
        }
    }

    /// Indexes until the queue is empty; returns how many blobs left it.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            match self.index_batch().await? {
                0 => return Ok(total),
                n => total += n,
            }
        }
    }

    /// Indexes one round from the front of the queue; returns how many blobs left it
    /// (0 when the queue is empty). A blob that cannot be read or parsed gets an empty
    /// row, so that it never blocks the queue.
    pub async fn index_batch(&self) -> Result<usize, StoreError> {
        let queued = self.store.text_index().queued_texts(BATCH).await?;
        let mut texts = Vec::with_capacity(queued.len());
        let mut size = 0;
        for q in queued {
            if size >= MAX_BATCH_TEXT {
                break;
            }
            if q.indexed {
                texts.push((q.blob_hash, None));
                continue;
            }
            // A large message is read as its skeleton: its text parts, not its big
            // attachments (which are not indexed).
            let stored = StoredMessage::load(self.blobs.as_ref(), &q.blob_hash).await;
            let text = match stored.map(StoredMessage::into_bytes) {
                Ok(raw) => tokio::task::spawn_blocking(move || extract_text(&raw))
                    .await
                    .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
                    .unwrap_or_else(|| {
                        tracing::warn!(blob = %q.blob_hash, "the message does not parse; indexed as empty");
                        MessageText::default()
                    }),
                Err(e) => {
                    tracing::warn!(blob = %q.blob_hash, error = %e, "the message cannot be read; indexed as empty");
                    MessageText::default()
                }
            };
            size += text.headers.len() + text.body.len();
            texts.push((q.blob_hash, Some(text)));
        }
        let n = texts.len();
        self.store.text_index().save_message_texts(texts).await?;
        Ok(n)
    }
}
