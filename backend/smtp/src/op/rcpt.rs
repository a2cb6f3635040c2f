//! RCPT TO (RFC 5321 §4.1.1.3): recipients are resolved now, so that unknown users and
//! full mailboxes are refused before the client sends the message. A recipient outside
//! the local domains is accepted only if the relay policy allows it for this client.
//! `op::allowed` has checked that a transaction is open.

use osprey_core::Address;
use osprey_mail::{Client, Refusal, Verdict};
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
        if envelope.rcpts.len() >= self.config.max_recipients {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients.
            return Err(replies::TOO_MANY_RECIPIENTS.into());
        }
        let declared = envelope.declared_size;
        // RFC 5321 §4.1.1.3: "RCPT TO:<Postmaster>" without a domain names the
        // postmaster of this server, and must be accepted.
        let bare_postmaster = to.address.eq_ignore_ascii_case("postmaster");
        let address = if bare_postmaster {
            Address::parse(&format!("postmaster@{}", self.config.hostname))
        } else {
            Address::parse(&to.address)
        };
        let Ok(address) = address else {
            return Err(SmtpError::bad(replies::BAD_RECIPIENT_SYNTAX));
        };
        let postmaster = address.is_postmaster();
        if envelope.killed && !postmaster {
            return Err(replies::SENDER_REFUSED.into());
        }
        let client = Client {
            ip: Some(self.conn().peer().ip()),
            account: self.account.clone(),
            sender: envelope.accepted.sender.clone(),
        };
        let submission = &self.server.submission;
        let verdict = if bare_postmaster {
            submission.postmaster().await
        } else {
            submission
                .recipient(&client, &address, declared as u64)
                .await
        };
        let verdict = match verdict {
            Ok(v) => v,
            Err(e) => {
                return Err(SmtpError::internal(
                    replies::TEMPORARY_LOOKUP_FAILURE,
                    "recipient lookup failed",
                    e,
                ));
            }
        };
        let ok = match &verdict {
            Verdict::Refused(refusal) => return Err(refused(&address, refusal)),
            // A list's address is one of the domain's: its kill file applies.
            Verdict::Accepted { .. } | Verdict::List(_) => {
                let scoped = &self.envelope().expect("checked above").killed_for;
                let policy = self.server.submission.policy();
                if !postmaster && policy.killed_for(scoped, &address).await {
                    return Err(replies::SENDER_REFUSED_BY_DOMAIN.into());
                }
                replies::RECIPIENT_OK
            }
            Verdict::Relayed { .. } => replies::RECIPIENT_OK_RELAY,
        };
        let envelope = self.envelope_mut().expect("checked above");
        envelope.rcpts.push(to.address.clone());
        if !postmaster {
            envelope.ordinary_rcpts += 1;
        }
        envelope.accepted.add(
            verdict,
            NewQueuedRecipient {
                address: to.address,
                notify: notify(to.flags),
                orcpt: to.orcpt,
                return_path: None,
                header: None,
            },
        );
        self.recipient_accepted();
        Ok(ok)
    }
}

/// The reply that refuses a recipient.
fn refused(address: &Address, refusal: &Refusal) -> SmtpError {
    match refusal {
        Refusal::Unknown => replies::NO_SUCH_USER.into(),
        Refusal::Disabled => replies::MAILBOX_DISABLED.into(),
        Refusal::AliasLoop => replies::ALIAS_LOOP.into(),
        // RFC 3463 X.2.2: mailbox full; temporary, it may be emptied.
        Refusal::MailboxFull => replies::MAILBOX_FULL_TEMPORARY.into(),
        Refusal::RelayDenied { rule } => {
            tracing::debug!(%rule, recipient = %address, "relay refused");
            replies::RELAY_DENIED.into()
        }
        Refusal::List { reason } => replies::list_refused(reason).into(),
        Refusal::ListTooLarge { limit } => replies::list_too_large(*limit).into(),
    }
}
