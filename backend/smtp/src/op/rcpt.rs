//! RCPT TO (RFC 5321 §4.1.1.3): recipients are resolved now, so that unknown users and
//! full mailboxes are refused before the client sends the message. A recipient outside
//! the local domains is accepted only if the relay policy allows it for this client.
//! `op::allowed` has checked that a transaction is open.

use osprey_core::{Address, RelayRequest};
use osprey_mail::{ResolveError, resolve};
use osprey_proto::smtp::{Reply, replies};
use osprey_store::NewQueuedRecipient;
use smtp_proto::{
    RCPT_NOTIFY_DELAY, RCPT_NOTIFY_FAILURE, RCPT_NOTIFY_NEVER, RCPT_NOTIFY_SUCCESS, RcptTo,
};

use crate::{error::SmtpError, session::Session};

/// RFC 3461 §4.1: the NOTIFY parameter as it is kept in the queue.
fn notify(flags: u64) -> Option<String> {
    if flags & RCPT_NOTIFY_NEVER != 0 {
        return Some("NEVER".into());
    }
    let names: Vec<&str> = [
        (RCPT_NOTIFY_SUCCESS, "SUCCESS"),
        (RCPT_NOTIFY_FAILURE, "FAILURE"),
        (RCPT_NOTIFY_DELAY, "DELAY"),
    ]
    .into_iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| name)
    .collect();
    (!names.is_empty()).then(|| names.join(","))
}

impl Session {
    pub(crate) async fn rcpt(&mut self, to: RcptTo<String>) -> Result<Reply, SmtpError> {
        let envelope = self
            .envelope()
            .expect("op::allowed admits RCPT in a transaction");
        if envelope.rcpts.len() >= self.server.config.max_recipients {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients.
            return Err(replies::TOO_MANY_RECIPIENTS.into());
        }
        let declared = envelope.declared_size;
        let Ok(address) = Address::parse(&to.address) else {
            return Err(SmtpError::bad(replies::BAD_RECIPIENT_SYNTAX));
        };
        let store = self.server.delivery.store();
        let queued = |address: String| NewQueuedRecipient {
            address,
            notify: notify(to.flags),
            orcpt: to.orcpt.clone(),
        };
        let resolution = match resolve(store, &address, self.server.config.max_alias_depth).await {
            Ok(r) => r,
            Err(ResolveError::NotLocal) => {
                return self.relay(&address, queued(to.address.clone())).await;
            }
            Err(ResolveError::Unknown) => return Err(replies::NO_SUCH_USER.into()),
            Err(ResolveError::Disabled) => return Err(replies::MAILBOX_DISABLED.into()),
            Err(ResolveError::TooDeep) => return Err(replies::ALIAS_LOOP.into()),
            Err(ResolveError::Store(e)) => {
                return Err(SmtpError::internal(
                    replies::TEMPORARY_LOOKUP_FAILURE,
                    "recipient lookup failed",
                    e,
                ));
            }
        };
        self.killed_for_domain(&address).await?;
        for a in &resolution.local {
            if let Some(quota) = a.quota_bytes
                && (a.used_bytes >= quota || a.used_bytes + declared as u64 > quota)
            {
                // RFC 3463 X.2.2: mailbox full; temporary, it may be emptied.
                return Err(replies::MAILBOX_FULL_TEMPORARY.into());
            }
        }
        let envelope = self.envelope_mut().expect("checked above");
        envelope.rcpts.push(to.address.clone());
        for a in resolution.local {
            if !envelope.accounts.contains(&a.id) {
                envelope.accounts.push(a.id);
            }
        }
        // Remote targets of a local alias are forwarded whatever the relay policy: the
        // administrator configured them.
        for target in resolution.remote {
            if !envelope
                .remote
                .iter()
                .any(|r| r.address.eq_ignore_ascii_case(&target))
            {
                envelope.remote.push(queued(target));
            }
        }
        self.recipient_accepted();
        Ok(replies::RECIPIENT_OK)
    }

    /// Refuses the recipient if a kill-file entry of its domain matched the sender.
    async fn killed_for_domain(&self, address: &Address) -> Result<(), SmtpError> {
        let Some(entry) = self.kill_entry_for(address).await else {
            return Ok(());
        };
        if let Err(e) = self.server.delivery.store().count_kill_hit(&entry).await {
            tracing::warn!(error = %e, "counting a kill-file hit failed");
        }
        Err(replies::SENDER_REFUSED_BY_DOMAIN.into())
    }

    /// The kill-file entry of the recipient's domain that matched the sender, if any.
    async fn kill_entry_for(&self, address: &Address) -> Option<String> {
        let scoped = &self.envelope()?.killed_for;
        if scoped.is_empty() {
            return None;
        }
        let store = self.server.delivery.store();
        let domain = store.domain_by_name(address.domain().as_str()).await.ok()?;
        let (_, entry) = scoped.iter().find(|(d, _)| *d == domain.id)?;
        Some(entry.clone())
    }

    /// A recipient outside the local domains: the relay policy decides.
    async fn relay(
        &mut self,
        address: &Address,
        rcpt: NewQueuedRecipient,
    ) -> Result<Reply, SmtpError> {
        let policy = match self.server.delivery.store().relay_policy().await {
            Ok(p) => p,
            Err(e) => {
                return Err(SmtpError::internal(
                    replies::TEMPORARY_LOOKUP_FAILURE,
                    "reading the relay policy failed",
                    e,
                ));
            }
        };
        let decision = policy.decide(&RelayRequest {
            client_ip: self.conn().peer().ip(),
            authenticated: self.account.is_some(),
            recipient: address,
        });
        if !decision.allowed {
            tracing::debug!(rule = %decision.rule, recipient = %address, "relay refused");
            return Err(replies::RELAY_DENIED.into());
        }
        let envelope = self.envelope_mut().expect("checked by the caller");
        envelope.rcpts.push(rcpt.address.clone());
        if !envelope
            .remote
            .iter()
            .any(|r| r.address.eq_ignore_ascii_case(&rcpt.address))
        {
            envelope.remote.push(rcpt);
        }
        self.recipient_accepted();
        Ok(replies::RECIPIENT_OK_RELAY)
    }
}
