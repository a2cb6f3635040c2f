//! MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870); `op::allowed` has checked the
//! sequence.

use osprey_mail::{KillVerdict, QueueOptions, SenderRefused};
use osprey_proto::smtp::{Reply, replies};
use smtp_proto::MailFrom;

use crate::{
    error::SmtpError,
    server::Listener,
    session::{Envelope, Session, State},
};

impl Session {
    pub(crate) async fn mail(
        &mut self,
        from: MailFrom<String>,
        line: &[u8],
    ) -> Result<Reply, SmtpError> {
        if self.server.listener != Listener::Mx && self.account.is_none() {
            // RFC 4954 §6: submission needs authentication.
            return Err(SmtpError::bad(replies::AUTH_REQUIRED));
        }
        // RFC 1870 §6: a declared size over the fixed maximum is refused with 552. The
        // value is read from the line itself: the parser wraps numbers of more than twenty
        // digits around to small ones.
        let declared = crate::wire::declared_size(line).unwrap_or(from.size as u64);
        if declared > self.config.max_message_size as u64 {
            return Err(replies::MESSAGE_TOO_BIG.into());
        }
        if let Some(account) = &self.account {
            // A signed-in user sends only as an address it may use, never with the null
            // sender (the rule is the submission service's).
            let refused = self
                .server
                .submission
                .check_envelope_sender(account, &from.address)
                .await
                .map_err(|e| {
                    SmtpError::internal(replies::TEMPORARY_FAILURE, "checking the sender failed", e)
                })?;
            if let Some(r) = refused {
                return Err(sender_refused(&r).into());
            }
        }
        let ip = self.conn().peer().ip();
        let helo = self.helo.clone().unwrap_or_default();
        let policy = self.server.submission.policy();
        // A refused sender is refused at each RCPT but the postmaster's.
        let (killed, killed_for) = match policy.kill_file(&from.address, ip, &helo).await {
            Ok(KillVerdict::Scoped(domains)) => (false, domains),
            Ok(KillVerdict::Refused) => (true, vec![]),
            Err(e) => {
                return Err(SmtpError::internal(
                    replies::TEMPORARY_FAILURE,
                    "reading the kill file failed",
                    e,
                ));
            }
        };
        let options = QueueOptions {
            account_id: self.account.as_ref().map(|a| a.id.clone()),
            envelope_id: from.env_id,
            return_full: from.flags & smtp_proto::MAIL_RET_FULL != 0,
            is_bounce: from.address.is_empty(),
            dkim_domain: None,
        };
        self.state = State::Mail(Box::new(Envelope {
            accepted: osprey_mail::Envelope {
                sender: from.address,
                options,
                in_transaction: true,
                ..Default::default()
            },
            declared_size: from.size,
            killed,
            killed_for,
            ..Default::default()
        }));
        Ok(replies::SENDER_OK)
    }
}

/// The reply that refuses a sender a signed-in user may not use.
pub(crate) fn sender_refused(r: &SenderRefused) -> Reply {
    if r.address.is_empty() {
        replies::NULL_SENDER_NOT_ALLOWED
    } else {
        replies::sender_not_allowed(&r.address, r.field)
    }
}
