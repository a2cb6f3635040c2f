//! Local delivery: a message stored once in the blob store and linked into the INBOX of
//! each local recipient, in one transaction. Nothing is acknowledged before the blob is
//! fsynced and the transaction committed (see `BlobStore::put` and
//! `Messages::append_messages`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use osprey_store::{
    Appended, NewMessage, Store, StoreError,
    blob::{BlobStore, blob_hash},
};

use crate::{Committer, message::normalize_crlf, rules::Placement, summarize};

/// Why a delivery failed.
#[derive(Debug)]
pub enum DeliveryError {
    /// A recipient account does not exist.
    UnknownRecipient(String),
    /// A recipient's quota would be exceeded.
    OverQuota,
    /// The store failed; temporary from the sender's point of view.
    Store(StoreError),
    /// A signed-in sender used an address it may not send as (nothing was stored).
    SenderRefused(crate::SenderRefused),
    /// The recipient's delivery rules refuse the message, with this text for the
    /// sender (nothing was stored): the SMTP reply of a transaction still open.
    Rejected(String),
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeliveryError::UnknownRecipient(r) => write!(f, "no such account: {r}"),
            DeliveryError::OverQuota => f.write_str("the mailbox is over its quota"),
            DeliveryError::Store(e) => write!(f, "{e}"),
            DeliveryError::SenderRefused(r) => write!(f, "{r}"),
            DeliveryError::Rejected(text) => write!(f, "refused by the recipient's rules: {text}"),
        }
    }
}

impl std::error::Error for DeliveryError {}

impl From<StoreError> for DeliveryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::OverQuota => DeliveryError::OverQuota,
            e => DeliveryError::Store(e),
        }
    }
}

/// One message for [`LocalDelivery::append`].
#[derive(Debug, Clone)]
pub struct AppendRequest {
    pub message: Vec<u8>,
    /// Store the octets exactly as given, bare LFs included: a message the client
    /// sent as binary (IMAP's `literal8`, RFC 3516 §4.4), whose parts may be binary
    /// data. Otherwise line endings are normalised to CRLF.
    pub exact: bool,
    /// System flags (bits of `osprey_store::flags`).
    pub flags: u64,
    pub keywords: Vec<String>,
    pub internal_date: DateTime<Utc>,
}

/// Delivers messages to local accounts' mailboxes.
#[derive(Clone)]
pub struct LocalDelivery {
    pub(crate) store: Store,
    pub(crate) blobs: Arc<dyn BlobStore>,
    committer: Option<Committer>,
    /// Each account's INBOX id. An INBOX keeps its id for the account's life (renaming
    /// it moves the messages, not the mailbox), so this never goes stale; other
    /// mailboxes are looked up every time.
    inboxes: Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
}

/// Most INBOX ids kept; beyond that the cache starts over.
const MAX_CACHED_INBOXES: usize = 100_000;

impl LocalDelivery {
    /// Delivery with one transaction per call.
    pub fn new(store: Store, blobs: Arc<dyn BlobStore>) -> Self {
        Self {
            store,
            blobs,
            committer: None,
            inboxes: Arc::default(),
        }
    }

    /// Delivery whose transactions are shared between concurrent calls (group commit).
    pub fn with_group_commit(store: Store, blobs: Arc<dyn BlobStore>) -> Self {
        let committer = Some(Committer::start(store.clone(), blobs.clone()));
        Self {
            store,
            blobs,
            committer,
            inboxes: Arc::default(),
        }
    }

    /// The id of an account's mailbox by name; INBOX ids come from the cache.
    async fn mailbox_id(&self, account_id: &str, mailbox: &str) -> Result<String, DeliveryError> {
        let inbox = mailbox.eq_ignore_ascii_case("INBOX");
        if inbox
            && let Some(id) = self
                .inboxes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(account_id)
        {
            return Ok(id.clone());
        }
        let mb = match self
            .store
            .messages()
            .mailbox_by_name(account_id, mailbox)
            .await
        {
            Err(StoreError::NotFound) => {
                return Err(DeliveryError::UnknownRecipient(account_id.to_owned()));
            }
            other => other?,
        };
        if inbox {
            let mut cache = self.inboxes.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= MAX_CACHED_INBOXES {
                cache.clear();
            }
            cache.insert(account_id.to_owned(), mb.id.clone());
        }
        Ok(mb.id)
    }

    /// The blob store bodies are kept in.
    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    /// The store this delivers into.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stores `message` once and appends it to the mailbox `mailbox` (by name, e.g.
    /// `INBOX`) of every account in `account_ids`, with system `flags`. Returns where it
    /// landed, in the order of `account_ids`.
    pub async fn deliver(
        &self,
        account_ids: &[String],
        mailbox: &str,
        message: &[u8],
        flags: u64,
    ) -> Result<Vec<Appended>, DeliveryError> {
        self.deliver_placed(&keep_all(account_ids, mailbox, flags), message)
            .await
    }

    /// The rows that put `body` (normalised) where each placement says. A mailbox a
    /// rule chose that is gone (and may not be created) gives way to INBOX.
    pub(crate) async fn placed_batch(
        &self,
        placements: &[Placement],
        body: &[u8],
    ) -> Result<Vec<NewMessage>, DeliveryError> {
        let summary = summarize(body);
        let hash = blob_hash(body);
        let mut batch: Vec<NewMessage> = Vec::with_capacity(placements.len());
        for p in placements {
            let mailbox_id = self.placement_mailbox(p).await?;
            // Two rules filing into the same mailbox store one copy.
            if let Some(same) = batch
                .iter_mut()
                .find(|m| m.account_id == p.account_id && m.mailbox_id == mailbox_id)
            {
                same.flags |= p.flags;
                for k in &p.keywords {
                    if !same.keywords.contains(k) {
                        same.keywords.push(k.clone());
                    }
                }
                continue;
            }
            batch.push(NewMessage {
                account_id: p.account_id.clone(),
                mailbox_id,
                blob_hash: hash.clone(),
                size: body.len() as u64,
                flags: p.flags,
                keywords: p.keywords.clone(),
                internal_date: Utc::now(),
                summary: summary.clone(),
            });
        }
        Ok(batch)
    }

    /// The id of the mailbox of a placement: created when the rule asks for it, INBOX
    /// when a rule's mailbox is gone.
    async fn placement_mailbox(&self, p: &Placement) -> Result<String, DeliveryError> {
        match self.mailbox_id(&p.account_id, &p.mailbox).await {
            Err(DeliveryError::UnknownRecipient(_)) if p.by_rule && p.create => {
                match self
                    .store
                    .mailboxes()
                    .create_mailbox(&p.account_id, &p.mailbox, None)
                    .await
                {
                    Ok(created) => Ok(created.id),
                    // Made meanwhile by another delivery.
                    Err(StoreError::Conflict(_)) => {
                        self.mailbox_id(&p.account_id, &p.mailbox).await
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Err(DeliveryError::UnknownRecipient(_)) if p.by_rule => {
                tracing::warn!(
                    account = %p.account_id,
                    mailbox = %p.mailbox,
                    "a delivery rule's mailbox does not exist; delivered to INBOX"
                );
                self.mailbox_id(&p.account_id, "INBOX").await
            }
            other => other,
        }
    }

    /// Stores `message` once and appends it where `placements` say, in one transaction
    /// (shared with other deliveries under group commit). Nothing is stored when there
    /// is no placement.
    pub async fn deliver_placed(
        &self,
        placements: &[Placement],
        message: &[u8],
    ) -> Result<Vec<Appended>, DeliveryError> {
        if placements.is_empty() {
            return Ok(Vec::new());
        }
        let body = normalize_crlf(message).into_owned();
        let batch = self.placed_batch(placements, &body).await?;
        // The blob first, durably; then the rows that point at it. A crash between the
        // two leaves an unreferenced blob (swept later), never a row without its body.
        Ok(match &self.committer {
            Some(c) => c.deliver(body, batch).await?,
            None => {
                self.blobs.put(body).await?;
                self.store.messages().append_messages(batch).await?
            }
        })
    }

    /// Stores messages a user puts into one of their mailboxes (IMAP APPEND, RFC 9051
    /// §6.3.12, several at once with RFC 3502): all land or none does. Line endings are
    /// normalised as for delivery, so sizes are what the protocols report, unless the
    /// request asks for its octets to be kept `exact`.
    pub async fn append(
        &self,
        account_id: &str,
        mailbox_id: &str,
        messages: Vec<AppendRequest>,
    ) -> Result<Vec<Appended>, DeliveryError> {
        let batch = self.append_bodies(account_id, mailbox_id, messages).await?;
        Ok(self.store.messages().append_messages(batch).await?)
    }

    /// [`append`](Self::append) by an IMAP session that has the mailbox selected and
    /// claims `\Recent` (RFC 3501 §2.3.2): the claim is made with the messages, in one
    /// write (`Messages::append_claiming_recent`). Returns the UIDs claimed too.
    pub async fn append_claiming_recent(
        &self,
        account_id: &str,
        mailbox_id: &str,
        messages: Vec<AppendRequest>,
    ) -> Result<(Vec<Appended>, std::ops::Range<u32>), DeliveryError> {
        let batch = self.append_bodies(account_id, mailbox_id, messages).await?;
        Ok(self
            .store
            .messages()
            .append_claiming_recent(batch, mailbox_id)
            .await?)
    }

    /// Stores the bodies of an append durably and returns the rows to add.
    async fn append_bodies(
        &self,
        account_id: &str,
        mailbox_id: &str,
        messages: Vec<AppendRequest>,
    ) -> Result<Vec<NewMessage>, DeliveryError> {
        let mut bodies = Vec::with_capacity(messages.len());
        let mut batch = Vec::with_capacity(messages.len());
        for m in messages {
            let body = if m.exact {
                m.message
            } else {
                normalize_crlf(&m.message).into_owned()
            };
            batch.push(NewMessage {
                account_id: account_id.to_owned(),
                mailbox_id: mailbox_id.to_owned(),
                blob_hash: blob_hash(&body),
                size: body.len() as u64,
                flags: m.flags,
                keywords: m.keywords,
                internal_date: m.internal_date,
                summary: summarize(&body),
            });
            bodies.push(body);
        }
        // Bodies first, durably; then the rows (see `deliver`).
        if bodies.len() == 1 {
            self.blobs.put(bodies.pop().expect("one body")).await?;
        } else {
            self.blobs.put_many(bodies).await?;
        }
        Ok(batch)
    }
}

/// `mailbox` of each account, with `flags`: delivery without rules.
fn keep_all(account_ids: &[String], mailbox: &str, flags: u64) -> Vec<Placement> {
    account_ids
        .iter()
        .map(|a| Placement {
            flags,
            ..Placement::keep(a, mailbox)
        })
        .collect()
}
