//! AUTH (RFC 4954): PLAIN, LOGIN and SCRAM-SHA-256 through the shared SASL driver;
//! `op::allowed` has checked that the session may authenticate now.

use osprey_directory::{AuthError, LoginOrigin, Protocol};
use osprey_net::sasl::{self as driver, Mechanism, Outcome, SaslIo, Step};
use osprey_proto::{
    sasl,
    smtp::{Reply, replies},
};
use smtp_proto::{AUTH_CRAM_MD5, AUTH_LOGIN, AUTH_PLAIN, AUTH_SCRAM_SHA_256};

use crate::{error::SmtpError, session::Session};

/// Longest line of a SASL response.
const MAX_RESPONSE_LINE: usize = 12 * 1024;

impl SaslIo for Session {
    /// `334 <base64>` and the client's line (RFC 4954 §4).
    async fn challenge(&mut self, challenge: &[u8]) -> Step {
        self.send(&replies::auth_challenge(&sasl::encode_base64(challenge)));
        if self.flush().await.is_err() {
            return Step::Gone;
        }
        match self.read_line(MAX_RESPONSE_LINE).await {
            Ok(line) => driver::response(Some(line)),
            Err(e) => {
                // A timeout or shutdown still gets its 421.
                self.fail(e);
                Step::Gone
            }
        }
    }
}

impl Session {
    pub(crate) async fn auth(
        &mut self,
        mechanism: u64,
        initial: String,
    ) -> Result<Reply, SmtpError> {
        if mechanism == AUTH_CRAM_MD5 && self.mechanisms().contains(&"CRAM-MD5") {
            if !initial.is_empty() {
                // RFC 2195 §2: the server speaks first.
                return Err(SmtpError::bad(replies::CRAM_MD5_INITIAL_RESPONSE));
            }
            let auth = self.server.auth.clone();
            let host = self.config.hostname.clone();
            let from = LoginOrigin::new(Protocol::Smtp, self.conn().peer().ip());
            let outcome = driver::cram_md5(&auth, self, &host, from).await;
            return self.finish_auth(outcome);
        }
        let (name, mech) = match mechanism {
            AUTH_PLAIN => ("PLAIN", Mechanism::Plain),
            AUTH_LOGIN => ("LOGIN", Mechanism::Login),
            AUTH_SCRAM_SHA_256 => ("SCRAM-SHA-256", Mechanism::ScramSha256),
            _ => return Err(SmtpError::bad(replies::AUTH_MECHANISM_UNKNOWN)),
        };
        if !self.mechanisms().contains(&name) {
            return Err(
                if mech != Mechanism::ScramSha256 && !self.plaintext_allowed() {
                    // RFC 4954 §6: 538 when the mechanism needs an encrypted channel.
                    replies::ENCRYPTION_REQUIRED.into()
                } else {
                    SmtpError::bad(replies::AUTH_MECHANISM_NOT_OFFERED)
                },
            );
        }
        let initial = match initial.as_str() {
            "" => None,
            "=" => Some(Vec::new()),
            ir => match sasl::decode_base64(ir) {
                Ok(d) => Some(d),
                Err(_) => return Err(SmtpError::bad(replies::INVALID_BASE64)),
            },
        };
        let auth = self.server.auth.clone();
        let from = LoginOrigin::new(Protocol::Smtp, self.conn().peer().ip());
        let outcome = driver::exchange(&auth, mech, initial, self, from).await;
        self.finish_auth(outcome)
    }

    /// The reply to the end of an exchange (RFC 4954 §6).
    fn finish_auth(&mut self, outcome: Outcome) -> Result<Reply, SmtpError> {
        match outcome {
            Outcome::Success(account) => {
                tracing::debug!(account = %account.address(), "SMTP AUTH");
                self.watch = Some(self.server.auth.watch(&account));
                self.account = Some(*account);
                Ok(replies::AUTH_SUCCEEDED)
            }
            Outcome::Failed(AuthError::Failed) => {
                self.auth_failures += 1;
                if self.auth_failures >= self.config.max_auth_failures {
                    return Err(SmtpError::refused(replies::TOO_MANY_AUTH_FAILURES).disconnect());
                }
                Err(replies::AUTH_INVALID.into())
            }
            Outcome::Failed(AuthError::Throttled { .. }) => {
                Err(SmtpError::refused(replies::AUTH_THROTTLED).disconnect())
            }
            Outcome::Failed(AuthError::Unavailable) => Err(replies::AUTH_TEMPORARY_FAILURE.into()),
            Outcome::Failed(AuthError::PasswordChangeRequired) => {
                Err(replies::AUTH_PASSWORD_CHANGE.into())
            }
            Outcome::Cancelled => Err(replies::AUTH_CANCELLED.into()),
            Outcome::Malformed(why) => Err(SmtpError::bad(replies::auth_malformed(why))),
            Outcome::Gone => Err(SmtpError::gone()),
        }
    }
}
