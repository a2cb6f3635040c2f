//! MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870); `op::allowed` has checked the
//! sequence.

use osprey_mail::{KillVerdict, QueueOptions};
use osprey_proto::smtp::{Reply, replies};
use smtp_proto::MailFrom;

use crate::{
    error::SmtpError,
    server::Listener,
    session::{Envelope, Session, State},
};

impl Session {
    pub(crate) async fn mail(&mut self, from: MailFrom<String>) -> Result<Reply, SmtpError> {
        if self.server.listener != Listener::Mx && self.account.is_none() {
            // RFC 4954 §6: submission needs authentication.
            return Err(SmtpError::bad(replies::AUTH_REQUIRED));
        }
        if from.size > self.server.config.max_message_size {
            return Err(replies::MESSAGE_TOO_BIG.into());
        }
        if let Some(account) = &self.account {
            // An authenticated user sends as itself (or with the null sender).
            let own = account.address();
            if !from.address.is_empty() && !from.address.eq_ignore_ascii_case(&own) {
                return Err(replies::sender_not_owned(&own).into());
            }
        }
        let ip = self.conn().peer().ip();
        let helo = self.helo.clone().unwrap_or_default();
        let policy = self.server.submission.policy();
        let killed_for = match policy.kill_file(&from.address, ip, &helo).await {
            Ok(KillVerdict::Scoped(domains)) => domains,
            Ok(KillVerdict::Refused) => return Err(replies::SENDER_REFUSED.into()),
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
        };
        self.state = State::Mail(Box::new(Envelope {
            accepted: osprey_mail::Envelope {
                sender: from.address,
                options,
                ..Default::default()
            },
            declared_size: from.size,
            killed_for,
            ..Default::default()
        }));
        Ok(replies::SENDER_OK)
    }
}
