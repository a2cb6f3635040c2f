//! RCPT TO (RFC 5321 §4.1.1.3): recipients are resolved now, so that unknown users and
//! full mailboxes are refused before the client sends the message.

use osprey_core::Address;
use osprey_mail::{ResolveError, resolve};
use smtp_proto::RcptTo;

use crate::{
    reply::Reply,
    session::{Next, Session},
};

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
        let store = self.server.delivery.store();
        let resolution = match resolve(store, &address, self.server.config.max_alias_depth).await {
            Ok(r) => r,
            Err(ResolveError::NotLocal) => {
                // No open relay: nobody relays until the outbound queue exists, and
                // even then only authenticated users will.
                return self.reply(Reply::new(550, "5.7.1", "Relaying denied"));
            }
            Err(ResolveError::Unknown) => {
                return self.reply(Reply::new(550, "5.1.1", "No such user here"));
            }
            Err(ResolveError::Disabled) => {
                return self.reply(Reply::new(550, "5.2.1", "Mailbox disabled"));
            }
            Err(ResolveError::TooDeep) => {
                return self.reply(Reply::new(550, "5.4.6", "Alias loop detected"));
            }
            Err(ResolveError::Store(e)) => {
                tracing::error!(error = %e, "recipient lookup failed");
                return self.reply(Reply::new(451, "4.3.0", "Temporary lookup failure"));
            }
        };
        if !resolution.remote.is_empty() {
            return self.reply(Reply::new(
                550,
                "5.3.0",
                "This address forwards to other domains, which this server cannot deliver to yet",
            ));
        }
        for a in &resolution.local {
            if let Some(quota) = a.quota_bytes
                && (a.used_bytes >= quota || a.used_bytes + declared as u64 > quota)
            {
                // RFC 3463 X.2.2: mailbox full; temporary, it may be emptied.
                return self.reply(Reply::new(452, "4.2.2", "Mailbox full"));
            }
        }
        let envelope = self.envelope.as_mut().expect("checked above");
        envelope.rcpts.push(to.address);
        for a in resolution.local {
            if !envelope.accounts.contains(&a.id) {
                envelope.accounts.push(a.id);
            }
        }
        self.reply(Reply::new(250, "2.1.5", "Recipient OK"))
    }
}
