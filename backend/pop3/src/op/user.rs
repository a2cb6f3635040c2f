//! USER and PASS, RFC 1939 §7.

use osprey_directory::{LoginOrigin, Protocol};
use osprey_proto::pop3::RespCode;

use crate::session::{Next, Session, State};

impl Session {
    pub(crate) fn user(&mut self, name: String) -> Next {
        if !self.plaintext_allowed() {
            // RFC 2595 §2.1: no clear-text passwords on an unencrypted link.
            self.err(
                None,
                "use STLS (or AUTH SCRAM-SHA-256) before sending a password",
            );
            return Next::Continue;
        }
        if let State::Authorization { user, .. } = &mut self.state {
            *user = Some(name);
        }
        self.ok("send PASS");
        Next::Continue
    }

    pub(crate) async fn pass(&mut self, password: String) -> Next {
        let name = match &mut self.state {
            State::Authorization { user, .. } => user.take(),
            State::Transaction(_) => None,
        };
        let Some(name) = name else {
            self.err(None, "USER first");
            return Next::Continue;
        };
        if !self.plaintext_allowed() {
            self.err(None, "use STLS before sending a password");
            return Next::Continue;
        }
        let from = LoginOrigin::new(Protocol::Pop3, self.conn().peer().ip());
        let verified = self
            .server
            .auth
            .verify_password(&name, &password, from)
            .await;
        drop(password);
        match verified {
            Ok(account) => self.login(account).await,
            Err(e) => self.auth_failed(e),
        }
    }

    /// Answers a failed login; closes the session after too many (RFC 3206 §5 [AUTH]).
    pub(crate) fn auth_failed(&mut self, e: osprey_directory::AuthError) -> Next {
        use osprey_directory::AuthError;
        match e {
            AuthError::Throttled { .. } => {
                self.err(
                    Some(RespCode::SysTemp),
                    "too many failed logins, try again later",
                );
                Next::Close
            }
            AuthError::Unavailable => {
                self.err(
                    Some(RespCode::SysTemp),
                    "temporary failure, try again later",
                );
                Next::Continue
            }
            // RFC 3206 §4: AUTH covers "an expired account" and other problems with
            // the user's credentials; the text says what to do.
            AuthError::PasswordChangeRequired => {
                self.err(
                    Some(RespCode::Auth),
                    "a new password is required: sign in to the web app to choose one",
                );
                Next::Continue
            }
            AuthError::Failed => {
                let max = self.config.max_auth_failures;
                let failures = match &mut self.state {
                    State::Authorization { auth_failures, .. } => {
                        *auth_failures += 1;
                        *auth_failures
                    }
                    State::Transaction(_) => 0,
                };
                self.err(Some(RespCode::Auth), "invalid login or password");
                if failures >= max {
                    Next::Close
                } else {
                    Next::Continue
                }
            }
        }
    }
}
