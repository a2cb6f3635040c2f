//! What rules send on a recipient's behalf, once the message is stored: forwards and
//! redirects (an SRS envelope sender, a `Delivered-To` field for the loop check), the
//! automatic answers (null sender, `Auto-Submitted: auto-replied`, remembered per
//! sender), and the notice of a refusal that could not be the SMTP reply. Each goes
//! through submission like any message: to local mailboxes (where their rules run in
//! turn) or into the queue. A failure is logged; the delivery it follows stands.

use chrono::Utc;
use osprey_core::Address;
use osprey_rules::{Rejection, Reply, loops::loop_field, vacation::AUTO_SUBMITTED};
use osprey_store::NewQueuedRecipient;

use super::RecipientPlan;
use crate::{
    DeliveryError, Envelope, QueueOptions, ResolveError, Submission, Verdict,
    message::{Compose, NamedAddress},
    resolve,
};

impl Submission {
    /// Sends what the plans ask for: forwards of `message` (from `sender`, `""` for the
    /// null sender), answers and refusal notices.
    pub(crate) async fn carry_out(&self, plans: &[RecipientPlan], sender: &str, message: &[u8]) {
        let Some(rules) = &self.rules else { return };
        for plan in plans {
            if !plan.forwards.is_empty() {
                let (name, value) = loop_field(&plan.recipient);
                let mut copy = format!("{name}: {value}\r\n").into_bytes();
                copy.extend_from_slice(message);
                let from = match (&rules.srs, sender.is_empty()) {
                    (Some(srs), false) => srs.forward(sender, Utc::now()).unwrap_or_else(|e| {
                        tracing::warn!(%sender, error = %e, "SRS rewriting failed; forwarding with the original sender");
                        sender.to_owned()
                    }),
                    _ => sender.to_owned(),
                };
                let to: Vec<String> = plan.forwards.iter().map(|f| f.to.clone()).collect();
                if let Err(e) = self.send_from_server(&from, &to, &copy).await {
                    tracing::error!(account = %plan.account_id, error = %e, "forwarding by a delivery rule failed");
                }
            }
            for reply in &plan.replies {
                self.answer(plan, reply).await;
            }
            if let Some(rejection) = &plan.rejection
                && !sender.is_empty()
            {
                self.notify_rejection(plan, rejection, sender, message)
                    .await;
            }
        }
    }

    /// Sends an automatic answer and remembers when it went to whom.
    async fn answer(&self, plan: &RecipientPlan, reply: &Reply) {
        let Some(rules) = &self.rules else { return };
        let Ok(from) = Address::parse(&reply.from) else {
            tracing::warn!(from = %reply.from, "an automatic answer has no valid sender; not sent");
            return;
        };
        let Ok(to) = Address::parse(&reply.to) else {
            return;
        };
        let message_id = format!("{}@{}", uuid::Uuid::now_v7(), rules.hostname);
        let bytes = Compose::new(NamedAddress::from(from), message_id)
            .to([NamedAddress::from(to)])
            .subject(reply.subject.as_str())
            .in_reply_to(reply.in_reply_to.clone())
            .references(reply.references.clone())
            .field("Auto-Submitted", reply.auto_submitted)
            .text(reply.body.as_str())
            .to_bytes();
        // RFC 3834 §3.3, RFC 5230 §5.1: answers go out with the null reverse-path.
        match self
            .send_from_server("", std::slice::from_ref(&reply.to), &bytes)
            .await
        {
            Ok(()) => {
                let to = reply.to.to_ascii_lowercase();
                if let Err(e) = rules
                    .store
                    .rules()
                    .record_reply(&plan.account_id, &reply.handle, &to, Utc::now())
                    .await
                {
                    tracing::error!(error = %e, "remembering an automatic answer failed");
                }
            }
            Err(e) => {
                tracing::error!(account = %plan.account_id, error = %e, "an automatic answer failed");
            }
        }
    }

    /// Tells `sender` that the recipient's rules refused the message, when the refusal
    /// could not be the SMTP reply.
    async fn notify_rejection(
        &self,
        plan: &RecipientPlan,
        rejection: &Rejection,
        sender: &str,
        message: &[u8],
    ) {
        let Some(rules) = &self.rules else { return };
        let (Ok(from), Ok(to)) = (
            Address::parse(&format!("MAILER-DAEMON@{}", rules.hostname)),
            Address::parse(sender),
        ) else {
            return;
        };
        let subject = crate::summarize(message).subject.unwrap_or_default();
        let bytes = Compose::new(
            NamedAddress {
                name: Some("Mail Delivery System".into()),
                address: from,
            },
            format!("{}@{}", uuid::Uuid::now_v7(), rules.hostname),
        )
        .to([NamedAddress::from(to)])
        .subject(format!("Rejected: {subject}"))
        .field("Auto-Submitted", AUTO_SUBMITTED)
        .text(format!(
            "Your message to {} was refused by the recipient's rules:\r\n\r\n{}\r\n",
            plan.recipient, rejection.text
        ))
        .to_bytes();
        if let Err(e) = self
            .send_from_server("", &[sender.to_owned()], &bytes)
            .await
        {
            tracing::error!(error = %e, "the notice of a refusal by a delivery rule failed");
        }
    }

    /// Submits a message the server writes to `to` (a rule's forward or answer, a
    /// delivery report): a list's addresses go to the list server, other local
    /// addresses are delivered (their rules run), others queued
    /// whatever the relay policy (the rules' owner or the original sender chose them).
    /// The server sends it, not an account: no sender check, no DKIM signature of an
    /// account's domain; the null sender marks it a bounce.
    pub async fn send_from_server(
        &self,
        sender: &str,
        to: &[String],
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let mut envelope = Envelope {
            sender: sender.to_owned(),
            options: QueueOptions {
                is_bounce: sender.is_empty(),
                ..QueueOptions::default()
            },
            ..Envelope::default()
        };
        let store = self.delivery().store();
        for address in to {
            let Ok(parsed) = Address::parse(address) else {
                tracing::warn!(%address, "a delivery rule names an address that is not valid");
                continue;
            };
            let rcpt = NewQueuedRecipient::to(address.clone());
            // A list's address (a report to its bounce address, most often).
            match self.list_verdict(sender, &parsed, 0).await? {
                Some(Verdict::Refused(why)) => {
                    tracing::warn!(%address, ?why, "a list refuses mail the server sends");
                    continue;
                }
                Some(verdict) => {
                    envelope.add(verdict, rcpt);
                    continue;
                }
                None => {}
            }
            let verdict = match resolve(store, &parsed, self.max_alias_depth()).await {
                Ok(r) => Verdict::Accepted {
                    local: r.local,
                    forwarded: r.remote,
                },
                Err(ResolveError::NotLocal) => Verdict::Relayed {
                    rule: "delivery rule".into(),
                },
                Err(ResolveError::Store(e)) => return Err(e.into()),
                Err(e) => {
                    tracing::warn!(%address, error = ?e, "a delivery rule's target is not deliverable");
                    continue;
                }
            };
            envelope.add(verdict, rcpt);
        }
        Box::pin(self.submit(&envelope, message, "INBOX"))
            .await
            .map(drop)
    }
}
