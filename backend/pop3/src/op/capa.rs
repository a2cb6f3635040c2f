//! CAPA, RFC 2449 §5: what this session offers now.

use osprey_proto::pop3::{self, Capabilities, Expire};

use crate::session::{Next, Session, State};

impl Session {
    /// The SASL mechanisms offered now (RFC 5034 §3): PLAIN only where plaintext
    /// passwords are allowed; SCRAM-SHA-256 always, as it never reveals the password;
    /// CRAM-MD5 only when the legacy mechanisms are enabled.
    pub(crate) fn mechanisms(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.plaintext_allowed() {
            m.push("PLAIN");
        }
        m.push("SCRAM-SHA-256");
        if self.server.auth.legacy_enabled() {
            m.push("CRAM-MD5");
        }
        m
    }

    pub(crate) fn capa(&mut self) -> Next {
        let authorization = matches!(self.state, State::Authorization { .. });
        let expire = match &self.state {
            // RFC 2449 §6.7: the account's own policy once it is known.
            State::Transaction(m) => Some(match m.account.pop3.retention_days {
                Some(days) => Expire::Days(days),
                None => Expire::Never,
            }),
            State::Authorization { .. } => None,
        };
        let caps = Capabilities {
            user: authorization && self.plaintext_allowed(),
            stls: authorization && self.server.tls.is_some() && !self.conn().is_tls(),
            sasl: if authorization {
                self.mechanisms()
            } else {
                Vec::new()
            },
            expire,
            login_delay_secs: self.config.login_delay.map(|d| d.as_secs()),
            utf8: true,
            implementation: "Osprey".into(),
        };
        pop3::write_capa(&mut self.out, &caps);
        Next::Continue
    }
}
