//! EHLO and HELO (RFC 5321 §4.1.1.1) with the extensions this session offers now.

use osprey_proto::smtp::{Reply, replies};

use crate::{
    server::Listener,
    session::{Session, State},
};

impl Session {
    /// AUTH mechanisms offered now (RFC 4954 §3): PLAIN and LOGIN only where
    /// passwords may travel in the clear; SCRAM-SHA-256 everywhere AUTH is offered;
    /// CRAM-MD5 (RFC 2195) only with the legacy mechanisms enabled.
    pub(crate) fn mechanisms(&self) -> Vec<&'static str> {
        // On the MX port AUTH is only offered over TLS: it is for users who send from
        // port 25 out of habit, and never needed for mail to local domains.
        if self.server.listener == Listener::Mx && !self.conn().is_tls() {
            return Vec::new();
        }
        let mut m = vec!["SCRAM-SHA-256"];
        if self.plaintext_allowed() {
            m.extend(["PLAIN", "LOGIN"]);
        }
        if self.server.auth.legacy_enabled() {
            m.push("CRAM-MD5");
        }
        m
    }

    pub(crate) fn ehlo(&mut self, host: String, esmtp: bool) -> Reply {
        // RFC 5321 §4.1.4: EHLO resets the transaction.
        self.state = State::Greeted;
        self.esmtp = esmtp;
        let me = &self.config.hostname;
        if !esmtp {
            let reply = replies::helo(me, &host);
            self.helo = Some(host);
            return reply;
        }
        let mut keywords = vec![
            "PIPELINING".to_owned(),
            format!("SIZE {}", self.config.max_message_size),
            "8BITMIME".into(),
            "SMTPUTF8".into(),
            "ENHANCEDSTATUSCODES".into(),
            "CHUNKING".into(),
            // RFC 3461: NOTIFY, ORCPT, RET and ENVID shape the bounces of queued mail.
            "DSN".into(),
        ];
        if self.server.tls.is_some() && !self.conn().is_tls() {
            keywords.push("STARTTLS".into());
        }
        let mechanisms = self.mechanisms();
        if self.account.is_none() && !mechanisms.is_empty() {
            keywords.push(format!("AUTH {}", mechanisms.join(" ")));
        }
        let reply = replies::ehlo(me, &host, &keywords);
        self.helo = Some(host);
        reply
    }
}
