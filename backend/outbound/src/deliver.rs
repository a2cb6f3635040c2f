//! One destination domain's deliveries: find its hosts (or the smarthost), connect to the
//! first that answers, send each message over that one connection, and turn every reply
//! into a recipient's outcome. RFC 5321 §4.5.4 (retry strategy), §5.1 (MX order).

use osprey_core::activity::{self, Count};
use std::borrow::Cow;

use chrono::Utc;
use osprey_store::{Attempt, QueuedMessage, QueuedRecipient};

use crate::{
    RcptResult, SmtpClient, SmtpError, Target, TlsPolicy, worker::DomainWork, worker::QueueWorker,
};

/// What became of one recipient in this attempt.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Delivered { detail: String },
    Failed { status: String, error: String },
    Deferred { status: String, error: String },
}

impl QueueWorker {
    pub(crate) async fn deliver_domain(&self, domain: &str, work: DomainWork) {
        let work = self.return_requested(work).await;
        if work.is_empty() {
            return;
        }
        let targets = match &self.settings.smarthost {
            Some(host) => Ok(vec![host.clone()]),
            None => self.resolver.route(domain).await,
        };
        let targets = match targets {
            Ok(t) => t,
            Err(e) => {
                let outcome = if e.is_permanent() {
                    Outcome::Failed {
                        status: e.status().into(),
                        error: e.to_string(),
                    }
                } else {
                    Outcome::Deferred {
                        status: e.status().into(),
                        error: e.to_string(),
                    }
                };
                for (message, rcpts) in work {
                    self.finish(&message, &rcpts, |_| outcome.clone(), None)
                        .await;
                }
                return;
            }
        };
        let mut config = self.settings.client.clone();
        if self
            .settings
            .require_tls
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            config.tls = TlsPolicy::Require;
        }
        let mut conn: Option<(SmtpClient, String)> = None;
        for (message, rcpts) in work {
            let body = match self
                .submission
                .delivery()
                .blobs()
                .get(&message.blob_hash)
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, queue_id = %message.id, "queued body unreadable");
                    let o = Outcome::Deferred {
                        status: "4.3.0".into(),
                        error: "the message body could not be read".into(),
                    };
                    self.finish(&message, &rcpts, |_| o.clone(), None).await;
                    continue;
                }
            };
            // Recipients with an envelope sender or header fields of their own (a list's
            // members under VERP) get transactions of their own.
            for (group, rcpts) in envelopes(&message, rcpts) {
                let body: Cow<'_, [u8]> = match &group.header {
                    Some(header) => {
                        Cow::Owned(self.own_copy(&message, header, &group.sender, &body).await)
                    }
                    None => Cow::Borrowed(&body),
                };
                if conn.is_none() {
                    match connect_any(&targets, &config).await {
                        Ok(c) => conn = Some(c),
                        Err(e) => {
                            let o = connection_outcome(&e);
                            self.finish(&message, &rcpts, |_| o.clone(), None).await;
                            continue;
                        }
                    }
                }
                let (client, host) = conn.as_mut().expect("connected above");
                let host = host.clone();
                let addresses: Vec<String> = rcpts.iter().map(|r| r.address.clone()).collect();
                match client.send(&group.sender, &addresses, &body[..]).await {
                    Ok(results) => {
                        self.finish(
                            &message,
                            &rcpts,
                            |r| reply_outcome(&results, r),
                            Some(&host),
                        )
                        .await;
                        // RFC 5321 §4.1.1.5: RSET before the next transaction on this
                        // connection.
                        if client.reset().await.is_err() {
                            conn = None;
                        }
                    }
                    Err(e) => {
                        let o = connection_outcome(&e);
                        self.finish(&message, &rcpts, |_| o.clone(), Some(&host))
                            .await;
                        conn = None;
                    }
                }
            }
        }
        if let Some((client, _)) = conn {
            let _ = client.quit().await;
        }
    }

    /// A recipient's own copy: its header fields before the queued body, signed with the
    /// DKIM key of its envelope sender's domain (a list's), since RFC 8058 §4 wants
    /// `List-Unsubscribe` and `List-Unsubscribe-Post` covered by a valid signature.
    async fn own_copy(
        &self,
        message: &QueuedMessage,
        header: &str,
        sender: &str,
        body: &[u8],
    ) -> Vec<u8> {
        let mut copy = Vec::with_capacity(header.len() + body.len());
        copy.extend_from_slice(header.as_bytes());
        copy.extend_from_slice(body);
        match sender.rsplit_once('@') {
            Some((_, domain)) => self.submission.outbox().dkim_sign(copy, domain).await,
            None => {
                tracing::warn!(queue_id = %message.id, "a recipient's own copy has no signing domain");
                copy
            }
        }
    }

    /// Fails the recipients an administrator asked to return ("bounce now"), which sends
    /// their senders the failure reports, and gives back the rest of the work.
    async fn return_requested(&self, work: DomainWork) -> DomainWork {
        let mut rest = DomainWork::with_capacity(work.len());
        for (message, rcpts) in work {
            let (returned, kept): (Vec<_>, Vec<_>) =
                rcpts.into_iter().partition(|r| r.bounce_requested);
            if !returned.is_empty() {
                // RFC 3463 X.0.0: no more specific code says "cancelled by an administrator".
                let o = Outcome::Failed {
                    status: "5.0.0".into(),
                    error: format!(
                        "returned undelivered by an administrator of {}",
                        self.settings.hostname
                    ),
                };
                self.finish(&message, &returned, |_| o.clone(), None).await;
            }
            if !kept.is_empty() {
                rest.push((message, kept));
            }
        }
        rest
    }

    /// Records each recipient's outcome (a temporary one becomes a failure once the
    /// lifetime is over) and sends the notifications they call for.
    async fn finish(
        &self,
        message: &QueuedMessage,
        rcpts: &[QueuedRecipient],
        outcome_of: impl Fn(&QueuedRecipient) -> Outcome,
        remote_mta: Option<&str>,
    ) {
        let now = Utc::now();
        let mut done = Vec::with_capacity(rcpts.len());
        for r in rcpts {
            let remote_mta = remote_mta.map(str::to_owned);
            let (outcome, attempt) = match outcome_of(r) {
                Outcome::Deferred { status, error } => match self
                    .settings
                    .schedule
                    .get()
                    .next_attempt(message.created_at, r.attempts + 1, now)
                {
                    Some(next_attempt_at) => (
                        Outcome::Deferred {
                            status: status.clone(),
                            error: error.clone(),
                        },
                        Attempt::Deferred {
                            next_attempt_at,
                            status,
                            error,
                            remote_mta,
                        },
                    ),
                    // RFC 3463 X.4.7: delivery time expired.
                    None => failed(
                        "4.4.7".into(),
                        format!("gave up after {} attempts: {error}", r.attempts + 1),
                        remote_mta,
                    ),
                },
                Outcome::Failed { status, error } => failed(status, error, remote_mta),
                Outcome::Delivered { detail } => (
                    Outcome::Delivered {
                        detail: detail.clone(),
                    },
                    Attempt::Delivered {
                        status: "2.0.0".into(),
                        detail,
                        remote_mta,
                    },
                ),
            };
            tracing::info!(
                queue_id = %message.id,
                rcpt = %r.address,
                outcome = ?outcome,
                "delivery attempt"
            );
            if let Err(e) = self
                .submission
                .delivery()
                .store()
                .queue()
                .record_attempt(&r.id, attempt)
                .await
            {
                tracing::error!(error = %e, queue_id = %message.id, "recording an attempt failed");
            } else {
                match outcome {
                    Outcome::Delivered { .. } => activity::count(Count::Sent),
                    Outcome::Failed { .. } => activity::count(Count::Bounced),
                    Outcome::Deferred { .. } => {}
                }
            }
            done.push((r.clone(), outcome));
        }
        self.notify(message, &done, remote_mta).await;
    }
}

/// One SMTP transaction's envelope sender and the header fields its recipients get.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transaction {
    sender: String,
    header: Option<String>,
}

/// The recipients of `message` grouped by the transaction they are sent in: most share
/// the message's envelope sender; VERP recipients have one each.
fn envelopes(
    message: &QueuedMessage,
    rcpts: Vec<QueuedRecipient>,
) -> Vec<(Transaction, Vec<QueuedRecipient>)> {
    grouped(rcpts.into_iter().map(|r| {
        let key = Transaction {
            sender: r.sender(message).to_owned(),
            header: r.header.clone(),
        };
        (key, r)
    }))
}

/// The values of `items` grouped by their keys, groups and values in the order met (a
/// claim holds at most a few hundred recipients, so a linear search is enough).
pub(crate) fn grouped<K: PartialEq, V>(
    items: impl IntoIterator<Item = (K, V)>,
) -> Vec<(K, Vec<V>)> {
    let mut groups: Vec<(K, Vec<V>)> = Vec::new();
    for (key, value) in items {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => groups.push((key, vec![value])),
        }
    }
    groups
}

/// A permanent failure, as reported and as recorded.
fn failed(status: String, error: String, remote_mta: Option<String>) -> (Outcome, Attempt) {
    (
        Outcome::Failed {
            status: status.clone(),
            error: error.clone(),
        },
        Attempt::Failed {
            status,
            error,
            remote_mta,
        },
    )
}

/// Connects to the first target host that answers, trying each of its addresses.
async fn connect_any(
    targets: &[Target],
    config: &crate::ClientConfig,
) -> Result<(SmtpClient, String), SmtpError> {
    let mut last = None;
    for t in targets {
        for addr in &t.addrs {
            match SmtpClient::connect(*addr, &t.host, config).await {
                Ok(c) => return Ok((c, t.host.clone())),
                Err(e) => {
                    tracing::debug!(host = %t.host, %addr, error = %e, "connection failed");
                    last = Some(e);
                }
            }
        }
    }
    Err(last.unwrap_or(SmtpError::Policy {
        status: "4.4.4",
        text: "no address to connect to".into(),
    }))
}

/// The outcome for every recipient of a transaction that failed as a whole. A host that
/// refused us for good at greeting or EHLO is as unreachable as one that is down: only a
/// 5xx to MAIL FROM (or a permanent policy) condemns the message itself.
fn connection_outcome(e: &SmtpError) -> Outcome {
    let condemns = e.is_permanent()
        && !matches!(
            e,
            SmtpError::Reply {
                stage: crate::Stage::Greeting | crate::Stage::Ehlo,
                ..
            }
        );
    if condemns {
        Outcome::Failed {
            status: e.status(),
            error: e.to_string(),
        }
    } else {
        Outcome::Deferred {
            status: e.status(),
            error: e.to_string(),
        }
    }
}

fn reply_outcome(results: &[RcptResult], r: &QueuedRecipient) -> Outcome {
    let Some(result) = results
        .iter()
        .find(|x| x.rcpt.eq_ignore_ascii_case(&r.address))
    else {
        return Outcome::Deferred {
            status: "4.5.0".into(),
            error: "no reply for this recipient".into(),
        };
    };
    let text = result.reply.to_string();
    if result.is_delivered() {
        Outcome::Delivered { detail: text }
    } else if result.reply.is_permanent() {
        Outcome::Failed {
            status: result.reply.status().to_string(),
            error: text,
        }
    } else {
        Outcome::Deferred {
            status: result.reply.status().to_string(),
            error: text,
        }
    }
}
