//! AUTH (RFC 4954): PLAIN, LOGIN and SCRAM-SHA-256 through the shared SASL driver.

use osprey_directory::AuthError;
use osprey_net::sasl::{self as driver, Mechanism, Outcome, SaslIo, Step};
use osprey_proto::sasl;
use smtp_proto::{AUTH_CRAM_MD5, AUTH_LOGIN, AUTH_PLAIN, AUTH_SCRAM_SHA_256};

use crate::{
    reply::Reply,
    session::{Next, Session},
};

/// Longest line of a SASL response.
const MAX_RESPONSE_LINE: usize = 12 * 1024;

impl SaslIo for Session {
    /// `334 <base64>` and the client's line (RFC 4954 §4).
    async fn challenge(&mut self, challenge: &[u8]) -> Step {
        let line = format!("334 {}\r\n", sasl::encode_base64(challenge));
        self.queue_raw(line.as_bytes());
        if self.flush().await.is_err() {
            return Step::Gone;
        }
        driver::response(self.read_line(MAX_RESPONSE_LINE).await)
    }
}

impl Session {
    pub(crate) async fn auth(&mut self, mechanism: u64, initial: String) -> Next {
        if self.account.is_some() {
            return self.bad(Reply::new(503, "5.5.1", "Already authenticated"));
        }
        if self.envelope.is_some() {
            return self.bad(Reply::new(503, "5.5.1", "Not during a mail transaction"));
        }
        if mechanism == AUTH_CRAM_MD5 && self.mechanisms().contains(&"CRAM-MD5") {
            if !initial.is_empty() {
                // RFC 2195 §2: the server speaks first.
                return self.bad(Reply::new(
                    501,
                    "5.5.2",
                    "CRAM-MD5 takes no initial response",
                ));
            }
            let auth = self.server.auth.clone();
            let host = self.server.config.hostname.clone();
            let ip = self.conn().peer().ip();
            let outcome = driver::cram_md5(&auth, self, &host, ip).await;
            return self.finish_auth(outcome);
        }
        let (name, mech) = match mechanism {
            AUTH_PLAIN => ("PLAIN", Mechanism::Plain),
            AUTH_LOGIN => ("LOGIN", Mechanism::Login),
            AUTH_SCRAM_SHA_256 => ("SCRAM-SHA-256", Mechanism::ScramSha256),
            _ => {
                return self.bad(Reply::new(504, "5.5.4", "Unrecognized authentication type"));
            }
        };
        if !self.mechanisms().contains(&name) {
            return if mech != Mechanism::ScramSha256 && !self.plaintext_allowed() {
                // RFC 4954 §6: 538 when the mechanism needs an encrypted channel.
                self.reply(Reply::new(
                    538,
                    "5.7.11",
                    "Encryption required, use STARTTLS",
                ))
            } else {
                self.bad(Reply::new(504, "5.5.4", "Authentication not offered here"))
            };
        }
        let initial = match initial.as_str() {
            "" => None,
            "=" => Some(Vec::new()),
            ir => match sasl::decode_base64(ir) {
                Ok(d) => Some(d),
                Err(_) => return self.bad(Reply::new(501, "5.5.2", "Invalid base64")),
            },
        };
        let auth = self.server.auth.clone();
        let ip = self.conn().peer().ip();
        let outcome = driver::exchange(&auth, mech, initial, self, ip).await;
        self.finish_auth(outcome)
    }

    /// The reply to the end of an exchange (RFC 4954 §6).
    fn finish_auth(&mut self, outcome: Outcome) -> Next {
        match outcome {
            Outcome::Success(account) => {
                tracing::debug!(account = %account.address(), "SMTP AUTH");
                self.account = Some(*account);
                self.reply(Reply::new(235, "2.7.0", "Authentication successful"))
            }
            Outcome::Failed(AuthError::Failed) => {
                self.auth_failures += 1;
                if self.auth_failures >= self.server.config.max_auth_failures {
                    return self.reply(
                        Reply::new(421, "4.7.0", "Too many failed authentications").closing(),
                    );
                }
                self.reply(Reply::new(
                    535,
                    "5.7.8",
                    "Authentication credentials invalid",
                ))
            }
            Outcome::Failed(AuthError::Throttled { .. }) => self.reply(
                Reply::new(421, "4.7.0", "Too many failed logins, try again later").closing(),
            ),
            Outcome::Failed(AuthError::Unavailable) => {
                self.reply(Reply::new(454, "4.7.0", "Temporary authentication failure"))
            }
            Outcome::Cancelled => self.reply(Reply::new(501, "5.0.0", "Authentication cancelled")),
            Outcome::Malformed(why) => self.bad(Reply::new(501, "5.5.2", why)),
            Outcome::Gone => Next::Close,
        }
    }
}
