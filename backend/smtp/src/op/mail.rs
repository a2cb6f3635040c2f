//! MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870).

use osprey_mail::{KillVerdict, QueueOptions};
use smtp_proto::MailFrom;

use crate::{
    reply::Reply,
    server::Listener,
    session::{Envelope, Next, Session},
};

impl Session {
    pub(crate) async fn mail(&mut self, from: MailFrom<String>) -> Next {
        if self.helo.is_none() {
            return self.bad(Reply::new(503, "5.5.1", "Send EHLO first"));
        }
        if self.envelope.is_some() {
            return self.bad(Reply::new(503, "5.5.1", "Nested MAIL command"));
        }
        if self.server.listener != Listener::Mx && self.account.is_none() {
            // RFC 4954 §6: submission needs authentication.
            return self.bad(Reply::new(530, "5.7.0", "Authentication required"));
        }
        if from.size > self.server.config.max_message_size {
            return self.reply(Reply::new(552, "5.3.4", "Message size exceeds the limit"));
        }
        if let Some(account) = &self.account {
            // An authenticated user sends as itself (or with the null sender).
            let own = account.address();
            if !from.address.is_empty() && !from.address.eq_ignore_ascii_case(&own) {
                return self.reply(Reply::new(
                    553,
                    "5.7.1",
                    format!("Sender address not owned by {own}"),
                ));
            }
        }
        let ip = self.conn().peer().ip();
        let helo = self.helo.clone().unwrap_or_default();
        let policy = self.server.submission.policy();
        let killed_for = match policy.kill_file(&from.address, ip, &helo).await {
            Ok(KillVerdict::Scoped(domains)) => domains,
            Ok(KillVerdict::Refused) => {
                return self.reply(Reply::new(550, "5.7.1", "Sender refused"));
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the kill file failed");
                return self.reply(Reply::new(451, "4.3.0", "Temporary failure"));
            }
        };
        let options = QueueOptions {
            account_id: self.account.as_ref().map(|a| a.id.clone()),
            envelope_id: from.env_id,
            return_full: from.flags & smtp_proto::MAIL_RET_FULL != 0,
            is_bounce: from.address.is_empty(),
        };
        self.envelope = Some(Envelope {
            accepted: osprey_mail::Envelope {
                sender: from.address,
                options,
                ..Default::default()
            },
            declared_size: from.size,
            killed_for,
            ..Default::default()
        });
        self.reply(Reply::new(250, "2.1.0", "Sender OK"))
    }
}
