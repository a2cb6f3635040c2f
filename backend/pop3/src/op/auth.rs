//! AUTH, RFC 5034: PLAIN (RFC 4616) and SCRAM-SHA-256 (RFC 5802, RFC 7677) through the
//! shared SASL driver, CRAM-MD5 (RFC 2195) with the legacy option.

use osprey_directory::{LoginOrigin, Protocol};
use osprey_net::sasl::{self as driver, Mechanism, Outcome, SaslIo, Step};
use osprey_proto::sasl;

use crate::session::{Next, Session};

impl SaslIo for Session {
    /// `+ <base64>` and the client's line (RFC 5034 §4).
    async fn challenge(&mut self, challenge: &[u8]) -> Step {
        self.out.extend_from_slice(b"+ ");
        self.out
            .extend_from_slice(sasl::encode_base64(challenge).as_bytes());
        self.out.extend_from_slice(b"\r\n");
        driver::response(self.read_continuation().await)
    }
}

impl Session {
    pub(crate) async fn auth(
        &mut self,
        mechanism: Option<String>,
        initial: Option<String>,
    ) -> Next {
        let Some(mechanism) = mechanism else {
            // RFC 1734 usage, kept by many clients: list the mechanisms.
            self.ok("SASL mechanisms follow");
            for m in self.mechanisms() {
                self.out.extend_from_slice(m.as_bytes());
                self.out.extend_from_slice(b"\r\n");
            }
            self.out.extend_from_slice(b".\r\n");
            return Next::Continue;
        };
        if !self.mechanisms().contains(&mechanism.as_str()) {
            self.err(None, "unsupported authentication mechanism");
            return Next::Continue;
        }
        let mechanism = match mechanism.as_str() {
            "PLAIN" => Mechanism::Plain,
            "SCRAM-SHA-256" => Mechanism::ScramSha256,
            _ => {
                // RFC 2195 §2: the server speaks first; an initial response is an error.
                if initial.is_some() {
                    self.err(None, "CRAM-MD5 takes no initial response");
                    return Next::Continue;
                }
                return self.auth_cram_md5().await;
            }
        };
        let initial = match initial.as_deref() {
            None => None,
            // RFC 5034 §4: `=` is an empty initial response.
            Some("=") => Some(Vec::new()),
            Some(ir) => match sasl::decode_base64(ir) {
                Ok(d) => Some(d),
                Err(_) => {
                    self.err(None, "invalid base64 in the initial response");
                    return Next::Continue;
                }
            },
        };
        let auth = self.server.auth.clone();
        let from = LoginOrigin::new(Protocol::Pop3, self.conn().peer().ip());
        let outcome = driver::exchange(&auth, mechanism, initial, self, from).await;
        self.finish_auth(outcome).await
    }

    /// RFC 2195, through the shared driver.
    async fn auth_cram_md5(&mut self) -> Next {
        let auth = self.server.auth.clone();
        let host = self.config.hostname.clone();
        let from = LoginOrigin::new(Protocol::Pop3, self.conn().peer().ip());
        let outcome = driver::cram_md5(&auth, self, &host, from).await;
        self.finish_auth(outcome).await
    }

    async fn finish_auth(&mut self, outcome: Outcome) -> Next {
        match outcome {
            Outcome::Success(account) => self.login(*account).await,
            Outcome::Failed(e) => self.auth_failed(e),
            Outcome::Cancelled => {
                self.err(None, "authentication cancelled");
                Next::Continue
            }
            Outcome::Malformed(why) => {
                self.err(None, why);
                Next::Continue
            }
            Outcome::Gone => Next::Close,
        }
    }
}
