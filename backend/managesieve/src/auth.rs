//! AUTHENTICATE, RFC 5804 §2.1: PLAIN (RFC 4616) where passwords may travel in the
//! clear, SCRAM-SHA-256 (RFC 7677) always, through the shared SASL driver. Challenges
//! and responses are strings of base64; the client cancels with `"*"`.

use osprey_directory::{AuthError, LoginOrigin, Protocol};
use osprey_net::sasl::{self as driver, Mechanism, Outcome, SaslIo, Step};
use osprey_proto::{
    managesieve::{Code, Token, write_string},
    sasl,
};

use crate::session::{Next, Read, Session};

impl SaslIo for Session {
    async fn challenge(&mut self, challenge: &[u8]) -> Step {
        write_string(&mut self.out, &sasl::encode_base64(challenge));
        self.out.extend_from_slice(b"\r\n");
        if self.flush().await.is_err() {
            return Step::Gone;
        }
        match self.read_command().await {
            Read::Gone => Step::Gone,
            Read::Bad(_) => Step::Malformed,
            Read::Tokens(tokens) => match tokens.as_slice() {
                [Token::Str(s)] if s == "*" => Step::Cancelled,
                [Token::Str(s)] => decode(s).map_or(Step::Malformed, Step::Data),
                _ => Step::Malformed,
            },
        }
    }
}

fn decode(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    sasl::decode_base64(s).ok()
}

impl Session {
    /// The mechanisms offered now: PLAIN only where plaintext passwords are allowed.
    pub(crate) fn mechanisms(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.plaintext_allowed() {
            m.push("PLAIN");
        }
        m.push("SCRAM-SHA-256");
        m
    }

    pub(crate) async fn authenticate(&mut self, mechanism: &str, initial: Option<String>) -> Next {
        let mechanism = match mechanism {
            "PLAIN" if !self.plaintext_allowed() => {
                // RFC 5804 §1.3: ENCRYPT-NEEDED, "the client should use TLS first".
                self.no(
                    Some(Code::Plain("ENCRYPT-NEEDED")),
                    "PLAIN needs TLS: use STARTTLS first",
                );
                return Next::Continue;
            }
            "PLAIN" => Mechanism::Plain,
            "SCRAM-SHA-256" => Mechanism::ScramSha256,
            _ => {
                self.no(None, "unsupported authentication mechanism");
                return Next::Continue;
            }
        };
        let initial = match initial.as_deref().map(decode) {
            None => None,
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.no(None, "invalid base64 in the initial response");
                return Next::Continue;
            }
        };
        let auth = self.server.auth.clone();
        let from = LoginOrigin::new(Protocol::ManageSieve, self.conn().peer().ip());
        match driver::exchange(&auth, mechanism, initial, self, from).await {
            Outcome::Success(account) => {
                tracing::debug!(account = %account.address(), "ManageSieve login");
                self.watch = Some(auth.watch(&account));
                self.account = Some(*account);
                self.ok(None, "Logged in");
                Next::Continue
            }
            Outcome::Failed(e) => self.auth_failed(e),
            Outcome::Cancelled => {
                self.no(None, "authentication cancelled");
                Next::Continue
            }
            Outcome::Malformed(why) => {
                self.no(None, why);
                Next::Continue
            }
            Outcome::Gone => Next::Close,
        }
    }

    fn auth_failed(&mut self, e: AuthError) -> Next {
        match e {
            AuthError::Throttled { .. } => {
                self.bye(
                    Some(Code::Plain("TRYLATER")),
                    "too many failed logins, try again later",
                );
                Next::Close
            }
            AuthError::Unavailable => {
                self.no(
                    Some(Code::Plain("TRYLATER")),
                    "temporary failure, try again later",
                );
                Next::Continue
            }
            AuthError::PasswordChangeRequired => {
                self.no(
                    None,
                    "a new password is required: sign in to the web app to choose one",
                );
                Next::Continue
            }
            AuthError::Failed => {
                self.auth_failures += 1;
                if self.auth_failures >= self.config.max_auth_failures {
                    self.bye(None, "too many failed authentications");
                    return Next::Close;
                }
                self.no(None, "Authentication failed");
                Next::Continue
            }
        }
    }
}
