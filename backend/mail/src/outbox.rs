//! The outbox: handing a message to the outbound queue, its body (DKIM-signed when a
//! user sends it) stored durably as a blob, then one queue row with a row per remote
//! recipient, in one transaction. The worker that delivers the queue lives in
//! `osprey-outbound` and is woken through [`Outbox::queue_signal`].

use std::sync::Arc;

use osprey_store::{
    NewQueuedMessage, NewQueuedRecipient, Store,
    blob::{BlobStore, blob_hash},
};

use crate::{DeliveryError, message::normalize_crlf, summarize};

/// Puts mail for other servers into the queue. Cheap to clone; clones share the signal
/// that wakes the queue worker.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    blobs: Arc<dyn BlobStore>,
    /// Woken whenever a message enters the queue.
    signal: Arc<tokio::sync::Notify>,
}

/// RFC 3461 envelope options and what kind of message is queued.
#[derive(Debug, Clone, Default)]
pub struct QueueOptions {
    /// The local account that sends it, if any.
    pub account_id: Option<String>,
    /// RFC 3461 `ENVID`.
    pub envelope_id: Option<String>,
    /// RFC 3461 `RET=FULL`.
    pub return_full: bool,
    /// A bounce or delay notice: it never causes another.
    pub is_bounce: bool,
    /// The domain whose DKIM key signs the message, if it has one. [`crate::Submission`]
    /// sets it for mail a signed-in account sends from an address it may vouch for.
    pub dkim_domain: Option<String>,
}

impl Outbox {
    pub fn new(store: Store, blobs: Arc<dyn BlobStore>) -> Self {
        Self {
            store,
            blobs,
            signal: Arc::default(),
        }
    }

    /// Queues `message` from `sender` for the remote `recipients`. Returns the queue id
    /// once the blob is fsynced and the rows committed.
    pub async fn enqueue(
        &self,
        sender: &str,
        recipients: Vec<NewQueuedRecipient>,
        message: &[u8],
        options: QueueOptions,
    ) -> Result<String, DeliveryError> {
        let (body, queued) = self.queued(sender, recipients, message, options).await;
        self.blobs.put(body).await?;
        let id = self.store.queue().enqueue(queued).await?;
        self.signal.notify_one();
        Ok(id)
    }

    /// The body to queue (normalised, DKIM-signed when a user sends it) and its rows.
    pub(crate) async fn queued(
        &self,
        sender: &str,
        recipients: Vec<NewQueuedRecipient>,
        message: &[u8],
        options: QueueOptions,
    ) -> (Vec<u8>, NewQueuedMessage) {
        let mut body = normalize_crlf(message).into_owned();
        if let Some(domain) = &options.dkim_domain {
            body = self.dkim_sign(body, domain).await;
        }
        let summary = summarize(&body);
        let queued = NewQueuedMessage {
            sender: sender.to_owned(),
            account_id: options.account_id,
            blob_hash: blob_hash(&body),
            size: body.len() as u64,
            envelope_id: options.envelope_id,
            return_full: options.return_full,
            is_bounce: options.is_bounce,
            subject: summary.subject.unwrap_or_default(),
            message_id: summary.message_id,
            recipients,
        };
        (body, queued)
    }

    /// Prepends a DKIM signature with the key of `domain`, when it is local and has one.
    /// A failure leaves the message unsigned: it is still sent.
    pub async fn dkim_sign(&self, body: Vec<u8>, domain: &str) -> Vec<u8> {
        let domain = domain.to_owned();
        let key = match self.store.domains().domain_by_name(&domain).await {
            Ok(d) => self.store.dkim().dkim_key(&d.id).await,
            Err(_) => return body,
        };
        let key = match key {
            Ok(Some(k)) => k,
            Ok(None) => return body,
            Err(e) => {
                tracing::warn!(error = %e, %domain, "reading the DKIM key failed; sending unsigned");
                return body;
            }
        };
        let copy = body.clone();
        let header =
            tokio::task::spawn_blocking(move || crate::auth::sign(&copy, &domain, &(&key).into()))
                .await;
        match header {
            Ok(Ok(h)) => {
                let mut out = h.into_bytes();
                out.extend_from_slice(&body);
                out
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "DKIM signing failed; sending unsigned");
                body
            }
            Err(e) => {
                tracing::error!(error = %e, "DKIM signing stopped; sending unsigned");
                body
            }
        }
    }

    /// Tells the queue worker that messages are due.
    pub(crate) fn wake(&self) {
        self.signal.notify_one();
    }

    /// What the outbound worker waits on between rounds.
    pub fn queue_signal(&self) -> Arc<tokio::sync::Notify> {
        self.signal.clone()
    }
}
