//! LOGIN, RFC 9051 §6.2.3, and what every successful or failed login does: the
//! authenticated state, the failure count and the shared throttle.

use osprey_directory::AuthError;
use osprey_proto::imap::{Code, Tag};
use osprey_store::AccountRecord;

use crate::session::{Next, Session, State};

impl Session {
    pub(crate) async fn login(&mut self, tag: &Tag, username: String, password: String) -> Next {
        if !self.plaintext_allowed() {
            // RFC 9051 §6.2.3: LOGINDISABLED is advertised; the answer is NO.
            self.no(
                tag,
                Some(Code::PrivacyRequired),
                "use STARTTLS (or AUTHENTICATE SCRAM-SHA-256) before sending a password",
            );
            return Next::Continue;
        }
        let ip = self.conn().peer().ip();
        let verified = self
            .server
            .auth
            .verify_password(&username, &password, ip)
            .await;
        drop(password);
        match verified {
            Ok(account) => self.enter_authenticated(tag, account),
            Err(e) => self.auth_failed(tag, e),
        }
    }

    pub(crate) fn enter_authenticated(&mut self, tag: &Tag, account: AccountRecord) -> Next {
        tracing::debug!(account = %account.address(), "IMAP login");
        self.state = State::Authenticated {
            account: Box::new(account),
        };
        self.logged_in(tag);
        Next::Continue
    }

    /// Answers a failed login (RFC 9051 §7.1 AUTHENTICATIONFAILED, UNAVAILABLE); closes
    /// the session after too many, or when the throttle says so.
    pub(crate) fn auth_failed(&mut self, tag: &Tag, e: AuthError) -> Next {
        match e {
            AuthError::Throttled { .. } => {
                self.no(
                    tag,
                    Some(Code::Unavailable),
                    "too many failed logins, try again later",
                );
                self.bye(None, "too many failed logins");
                Next::Close
            }
            AuthError::Unavailable => {
                self.no(
                    tag,
                    Some(Code::Unavailable),
                    "temporary failure, try again later",
                );
                Next::Continue
            }
            AuthError::Failed => {
                let failures = match &mut self.state {
                    State::NotAuthenticated { auth_failures } => {
                        *auth_failures += 1;
                        *auth_failures
                    }
                    _ => 0,
                };
                self.no(
                    tag,
                    Some(Code::AuthenticationFailed),
                    "invalid login or password",
                );
                if failures >= self.server.config.max_auth_failures {
                    self.bye(None, "too many failed logins");
                    Next::Close
                } else {
                    Next::Continue
                }
            }
        }
    }
}
