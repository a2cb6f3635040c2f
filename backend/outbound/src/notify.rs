//! Notifications to the sender after an attempt (RFC 3461 §4.1 NOTIFY, RFC 3464 reports):
//! a failure report for recipients that failed for good, one delay notice for recipients
//! still queued after the configured time, and a "relayed" report where the sender asked
//! for SUCCESS. Mail from the null sender, and notifications themselves, never cause one.

use chrono::Utc;
use osprey_store::{QueuedMessage, QueuedRecipient};

use crate::{
    Action, DsnInput, DsnRecipient,
    deliver::{Outcome, grouped},
    dsn, must_not_bounce,
    worker::QueueWorker,
};

/// Returns `true` if and only if the recipient's NOTIFY asks for this kind of report.
/// Without NOTIFY, failures and delays are reported (RFC 3461 §4.1 leaves the default
/// to the server; this is the common one).
fn wants(notify: Option<&str>, kind: &str) -> bool {
    match notify {
        None => kind != "SUCCESS",
        Some(n) => n.split(',').any(|k| k.trim().eq_ignore_ascii_case(kind)),
    }
}

impl QueueWorker {
    pub(crate) async fn notify(
        &self,
        message: &QueuedMessage,
        done: &[(QueuedRecipient, Outcome)],
        remote_mta: Option<&str>,
    ) {
        if message.is_bounce {
            return;
        }
        let now = Utc::now();
        let schedule = self.settings.schedule.get();
        let notice_due = schedule.delay_notice_due(message.created_at, now);
        // Each report goes to the recipient's envelope sender: the message's, or the
        // VERP address a list member was sent from.
        let mut reports: Vec<(&str, DsnRecipient)> = Vec::new();
        let mut delayed_ids = Vec::new();
        for (r, outcome) in done {
            let to = r.sender(message);
            if must_not_bounce(to) {
                continue;
            }
            let report = |action, status: &str, diagnostic: Option<&str>| DsnRecipient {
                original: r.orcpt.clone().unwrap_or_else(|| r.address.clone()),
                action,
                status: status.to_owned(),
                diagnostic: diagnostic.map(str::to_owned),
                remote_mta: remote_mta.map(str::to_owned),
                last_attempt: Some(now),
                will_retry_until: (action == Action::Delayed)
                    .then(|| message.created_at + schedule.lifetime),
            };
            match outcome {
                Outcome::Failed { status, error } if wants(r.notify.as_deref(), "FAILURE") => {
                    reports.push((to, report(Action::Failed, status, Some(error))));
                }
                Outcome::Deferred { status, error }
                    if notice_due && !r.delay_notified && wants(r.notify.as_deref(), "DELAY") =>
                {
                    reports.push((to, report(Action::Delayed, status, Some(error))));
                    delayed_ids.push(r.id.clone());
                }
                Outcome::Delivered { detail } if wants(r.notify.as_deref(), "SUCCESS") => {
                    // RFC 3464 §2.3.3: handed to a server that was not asked for a DSN.
                    reports.push((to, report(Action::Relayed, "2.0.0", Some(detail))));
                }
                _ => {}
            }
        }
        // One report per envelope sender and action, in the order met.
        let keyed = reports.into_iter().map(|(to, r)| ((to, r.action), r));
        for ((to, _), recipients) in grouped(keyed) {
            self.send_report(message, to, &recipients).await;
        }
        if !delayed_ids.is_empty()
            && let Err(e) = self
                .submission
                .delivery()
                .store()
                .queue()
                .mark_delay_notified(&delayed_ids)
                .await
        {
            tracing::warn!(error = %e, "recording a delay notice failed");
        }
    }

    async fn send_report(&self, message: &QueuedMessage, to: &str, recipients: &[DsnRecipient]) {
        let original = match self
            .submission
            .delivery()
            .blobs()
            .get(&message.blob_hash)
            .await
        {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, queue_id = %message.id, "no body for a report");
                Vec::new()
            }
        };
        let host = &self.settings.hostname;
        let postmaster = format!("MAILER-DAEMON@{host}");
        let product = self
            .submission
            .delivery()
            .store()
            .brandings()
            .product_name(to)
            .await;
        let report = dsn::build(&DsnInput {
            reporting_mta: host,
            product: &product,
            postmaster: &postmaster,
            to,
            arrival: message.created_at,
            envelope_id: message.envelope_id.as_deref(),
            recipients,
            original: &original,
            return_full: message.return_full,
        });
        if let Err(e) = self.hand_back(to, &report).await {
            tracing::warn!(error = %e, %to, "a delivery report could not be sent");
        }
    }

    /// Delivers a report to the original sender: locally (where its delivery rules run,
    /// as for any mail) or through the queue, with the null sender.
    async fn hand_back(&self, sender: &str, report: &[u8]) -> Result<(), String> {
        self.submission
            .send_from_server("", &[sender.to_owned()], report)
            .await
            .map_err(|e| e.to_string())
    }
}
