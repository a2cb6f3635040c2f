//! RCPT TO (RFC 5321 §4.1.1.3): recipients are resolved now, so that unknown users and
//! full mailboxes are refused before the client sends the message. A recipient outside
//! the local domains is accepted only if the relay policy allows it for this client.

use osprey_core::Address;
use osprey_mail::{Client, Refusal, Verdict};
use osprey_store::NewQueuedRecipient;
use smtp_proto::{
    RCPT_NOTIFY_DELAY, RCPT_NOTIFY_FAILURE, RCPT_NOTIFY_NEVER, RCPT_NOTIFY_SUCCESS, RcptTo,
};

use crate::{
    reply::Reply,
    session::{Next, Session},
};

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
    pub(crate) async fn rcpt(&mut self, to: RcptTo<String>) -> Next {
        let Some(envelope) = &self.envelope else {
            return self.bad(Reply::new(503, "5.5.1", "Send MAIL first"));
        };
        if envelope.rcpts.len() >= self.server.config.max_recipients {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients.
            return self.reply(Reply::new(452, "4.5.3", "Too many recipients"));
        }
        let declared = envelope.declared_size;
        let Ok(address) = Address::parse(&to.address) else {
            return self.bad(Reply::new(501, "5.1.3", "Bad recipient address syntax"));
        };
        let client = Client {
            ip: Some(self.conn().peer().ip()),
            account: self.account.clone(),
        };
        let verdict = match self
            .server
            .submission
            .recipient(&client, &address, declared as u64)
            .await
        {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "recipient lookup failed");
                return self.reply(Reply::new(451, "4.3.0", "Temporary lookup failure"));
            }
        };
        let ok = match &verdict {
            Verdict::Refused(refusal) => return self.refuse(&address, refusal),
            Verdict::Accepted { .. } => {
                let scoped = &self.envelope.as_ref().expect("checked above").killed_for;
                if self
                    .server
                    .submission
                    .policy()
                    .killed_for(scoped, &address)
                    .await
                {
                    return self.reply(Reply::new(
                        550,
                        "5.7.1",
                        "Sender refused by the recipient's domain",
                    ));
                }
                "Recipient OK"
            }
            Verdict::Relayed { .. } => "Recipient OK, will relay",
        };
        let envelope = self.envelope.as_mut().expect("checked above");
        envelope.rcpts.push(to.address.clone());
        envelope.accepted.add(
            verdict,
            NewQueuedRecipient {
                address: to.address,
                notify: notify(to.flags),
                orcpt: to.orcpt,
            },
        );
        self.reply(Reply::new(250, "2.1.5", ok))
    }

    /// The reply that refuses a recipient.
    fn refuse(&mut self, address: &Address, refusal: &Refusal) -> Next {
        let reply = match refusal {
            Refusal::Unknown => Reply::new(550, "5.1.1", "No such user here"),
            Refusal::Disabled => Reply::new(550, "5.2.1", "Mailbox disabled"),
            Refusal::AliasLoop => Reply::new(550, "5.4.6", "Alias loop detected"),
            // RFC 3463 X.2.2: mailbox full; temporary, it may be emptied.
            Refusal::MailboxFull => Reply::new(452, "4.2.2", "Mailbox full"),
            Refusal::RelayDenied { rule } => {
                tracing::debug!(%rule, recipient = %address, "relay refused");
                Reply::new(550, "5.7.1", "Relaying denied")
            }
        };
        self.reply(reply)
    }
}
