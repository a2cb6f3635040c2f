//! LOGIN, RFC 9051 §6.2.3, and what every successful or failed login does: the
//! authenticated state, the failure count and the shared throttle.

use osprey_directory::{AuthError, LoginOrigin, Protocol};
use osprey_proto::imap::Code;
use osprey_store::AccountRecord;

use crate::{
    op::{Completion, OpResult},
    session::{Session, State},
};

impl Session {
    pub(crate) async fn login(&mut self, username: String, password: String) -> OpResult {
        if !self.plaintext_allowed() {
            // RFC 9051 §6.2.3: LOGINDISABLED is advertised; the answer is NO.
            return Err(Completion::no(
                Some(Code::PrivacyRequired),
                "use STARTTLS (or AUTHENTICATE SCRAM-SHA-256) before sending a password",
            ));
        }
        let from = LoginOrigin::new(Protocol::Imap, self.conn().peer().ip());
        let verified = self
            .server
            .auth
            .verify_password(&username, &password, from)
            .await;
        drop(password);
        match verified {
            Ok(account) => Ok(self.enter_authenticated(account)),
            Err(e) => Err(self.auth_failed(e)),
        }
    }

    pub(crate) fn enter_authenticated(&mut self, account: AccountRecord) -> Completion {
        tracing::debug!(account = %account.address(), "IMAP login");
        self.watch = Some(self.server.auth.watch(&account));
        self.state = State::Authenticated {
            account: Box::new(account),
        };
        self.logged_in()
    }

    /// Answers a failed login (RFC 9051 §7.1 AUTHENTICATIONFAILED, UNAVAILABLE); closes
    /// the session after too many, or when the throttle says so.
    pub(crate) fn auth_failed(&mut self, e: AuthError) -> Completion {
        match e {
            AuthError::Throttled { .. } => Completion::no(
                Some(Code::Unavailable),
                "too many failed logins, try again later",
            )
            .bye("too many failed logins"),
            AuthError::Unavailable => Completion::no(
                Some(Code::Unavailable),
                "temporary failure, try again later",
            ),
            // RFC 5530 §3: EXPIRED, "access is no longer permitted using that passphrase.
            // The client or user should get a new passphrase."
            AuthError::PasswordChangeRequired => Completion::no(
                Some(Code::Expired),
                "a new password is required: sign in to the web app to choose one",
            ),
            AuthError::Failed => {
                let failures = match &mut self.state {
                    State::NotAuthenticated { auth_failures } => {
                        *auth_failures += 1;
                        *auth_failures
                    }
                    _ => 0,
                };
                let no = Completion::no(
                    Some(Code::AuthenticationFailed),
                    "invalid login or password",
                );
                if failures >= self.config.max_auth_failures {
                    no.bye("too many failed logins")
                } else {
                    no
                }
            }
        }
    }
}
