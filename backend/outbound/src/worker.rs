//! The queue worker: claims due recipients, groups them by destination domain, delivers
//! each group over one connection (several in parallel), records every recipient's
//! outcome and sends the notifications that follow. Nothing here holds a lock while it
//! talks to the network: claims are leases in the store.

use std::{collections::HashMap, future::Future, sync::Arc, time::Duration as StdDuration};

use chrono::{Duration, Utc};
use osprey_core::Live;
use osprey_mail::Submission;
use osprey_store::{QueueEntry, QueuedMessage, QueuedRecipient};
use tokio::{sync::Semaphore, task::JoinSet};

use crate::{ClientConfig, Resolver, Target, schedule::Schedule};

/// How long a claimed recipient stays with this worker before another may take it.
const LEASE_MINUTES: i64 = 10;
/// Recipients claimed per round.
const CLAIM_BATCH: u64 = 200;
/// The longest sleep between rounds when nothing is due.
const IDLE_WAIT: StdDuration = StdDuration::from_secs(60);
/// Finished messages stay visible to senders and administrators this long.
const KEEP_FINISHED_DAYS: i64 = 7;

/// How the queue delivers.
#[derive(Debug, Clone)]
pub struct QueueSettings {
    /// This server's host name: EHLO name, `Reporting-MTA` and the notifications' sender.
    pub hostname: String,
    /// Retries, lifetime and delay notices; administrators change them while it runs.
    pub schedule: Live<Schedule>,
    pub client: ClientConfig,
    /// Every message goes through this host instead of the recipients' MX hosts.
    pub smarthost: Option<Target>,
    /// Destination domains that must be reached over TLS.
    pub require_tls: Vec<String>,
    /// Destination domains delivered to at once.
    pub parallel_domains: usize,
    /// Alias nesting followed when a notification goes to a local sender.
    pub max_alias_depth: usize,
}

/// Delivers the outbound queue until shut down.
#[derive(Clone)]
pub struct QueueWorker {
    /// Local delivery of reports to local senders, and the queue for remote ones.
    pub(crate) submission: Submission,
    pub(crate) resolver: Arc<dyn Resolver>,
    pub(crate) settings: Arc<QueueSettings>,
}

/// One destination domain's share of a round: messages with their recipients there.
pub(crate) type DomainWork = Vec<(QueuedMessage, Vec<QueuedRecipient>)>;

impl QueueWorker {
    pub fn new(
        submission: Submission,
        resolver: Arc<dyn Resolver>,
        settings: QueueSettings,
    ) -> QueueWorker {
        QueueWorker {
            submission,
            resolver,
            settings: Arc::new(settings),
        }
    }

    /// Runs rounds until `shutdown` completes. A delivery in flight at shutdown is
    /// abandoned; its lease runs out and the recipients are tried again (the receiving
    /// server may then get the message twice, which SMTP allows; losing it is not).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let signal = self.submission.outbox().queue_signal();
        tokio::pin!(shutdown);
        let mut last_purge = Utc::now() - Duration::days(1);
        loop {
            let worked = tokio::select! {
                _ = &mut shutdown => return,
                worked = self.round() => worked,
            };
            if Utc::now() - last_purge > Duration::hours(1) {
                last_purge = Utc::now();
                let before = Utc::now() - Duration::days(KEEP_FINISHED_DAYS);
                if let Err(e) = self
                    .submission
                    .delivery()
                    .store()
                    .queue()
                    .purge_finished_queue(before)
                    .await
                {
                    tracing::warn!(error = %e, "purging the finished queue failed");
                }
            }
            if worked {
                continue;
            }
            let wait = match self
                .submission
                .delivery()
                .store()
                .queue()
                .next_due_at()
                .await
            {
                Ok(Some(at)) => (at - Utc::now())
                    .to_std()
                    .unwrap_or(StdDuration::ZERO)
                    .min(IDLE_WAIT),
                Ok(None) => IDLE_WAIT,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the queue failed");
                    IDLE_WAIT
                }
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = signal.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Claims what is due and delivers it. Returns `true` if and only if anything was
    /// claimed.
    pub async fn round(&self) -> bool {
        let claimed = match self
            .submission
            .delivery()
            .store()
            .queue()
            .claim_due(Utc::now(), Duration::minutes(LEASE_MINUTES), CLAIM_BATCH)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "claiming queued mail failed");
                return false;
            }
        };
        if claimed.is_empty() {
            return false;
        }
        let limit = Arc::new(Semaphore::new(self.settings.parallel_domains.max(1)));
        let mut tasks = JoinSet::new();
        for (domain, work) in by_domain(claimed) {
            let (worker, limit) = (self.clone(), limit.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                worker.deliver_domain(&domain, work).await;
            });
        }
        while tasks.join_next().await.is_some() {}
        true
    }
}

/// Groups claimed recipients by their domain, keeping each message's recipients there
/// together so that one transaction carries them.
fn by_domain(entries: Vec<QueueEntry>) -> HashMap<String, DomainWork> {
    let mut out: HashMap<String, DomainWork> = HashMap::new();
    for entry in entries {
        let mut per_domain: HashMap<String, Vec<QueuedRecipient>> = HashMap::new();
        for r in entry.recipients {
            per_domain.entry(r.domain.clone()).or_default().push(r);
        }
        for (domain, rcpts) in per_domain {
            out.entry(domain)
                .or_default()
                .push((entry.message.clone(), rcpts));
        }
    }
    out
}
