//! AUTHENTICATE, RFC 9051 §6.2.2, with SASL-IR (RFC 4959): PLAIN (RFC 4616) and
//! SCRAM-SHA-256 (RFC 7677) through the shared SASL driver, CRAM-MD5 (RFC 2195) with
//! the legacy option.

use osprey_directory::{LoginOrigin, Protocol};
use osprey_net::sasl::{self as driver, Mechanism, Outcome, SaslIo, Step};
use osprey_proto::imap::{Code, Continue, Response};

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl SaslIo for Session {
    /// `+ <base64>` and the client's line (RFC 9051 §6.2.2).
    async fn challenge(&mut self, challenge: &[u8]) -> Step {
        self.respond(Response::Continue(Continue::Base64(challenge.to_vec())));
        driver::response(self.read_continuation().await)
    }
}

impl Session {
    pub(crate) async fn authenticate(
        &mut self,
        mechanism: &str,
        initial: Option<Vec<u8>>,
    ) -> OpResult {
        if !self.mechanisms().contains(&mechanism) {
            let code = (mechanism == "PLAIN").then_some(Code::PrivacyRequired);
            return Err(Completion::no(code, "unsupported authentication mechanism"));
        }
        let auth = self.server.auth.clone();
        let from = LoginOrigin::new(Protocol::Imap, self.conn().peer().ip());
        let outcome = match mechanism {
            "PLAIN" => driver::exchange(&auth, Mechanism::Plain, initial, self, from).await,
            "SCRAM-SHA-256" => {
                driver::exchange(&auth, Mechanism::ScramSha256, initial, self, from).await
            }
            _ => {
                // RFC 2195 §2: the server speaks first; an initial response is an error.
                if initial.is_some() {
                    return Err(Completion::bad(None, "CRAM-MD5 takes no initial response"));
                }
                let host = self.config.hostname.clone();
                driver::cram_md5(&auth, self, &host, from).await
            }
        };
        match outcome {
            Outcome::Success(account) => Ok(self.enter_authenticated(*account)),
            Outcome::Failed(e) => Err(self.auth_failed(e)),
            // RFC 9051 §6.2.2: `*` cancels, answered with BAD.
            Outcome::Cancelled => Err(Completion::bad(None, "authentication cancelled")),
            Outcome::Malformed(why) => Err(Completion::bad(None, why)),
            Outcome::Gone => Err(Completion::closed()),
        }
    }
}
