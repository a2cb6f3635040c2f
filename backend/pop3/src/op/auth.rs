//! AUTH, RFC 5034: SASL PLAIN (RFC 4616) and SCRAM-SHA-256 (RFC 5802, RFC 7677).

use osprey_net::Line;
use osprey_proto::sasl::{self, ScramServer};

use crate::session::{Next, Session};

/// The outcome of reading one client response of an exchange.
enum Response {
    Data(Vec<u8>),
    /// The client sent `*` or bad base64; the exchange is over (RFC 5034 §4).
    Refused(&'static str),
    /// The connection ended.
    Gone,
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
        if mechanism == "CRAM-MD5" {
            // RFC 2195 §2: the server speaks first; an initial response is an error.
            if initial.is_some() {
                self.err(None, "CRAM-MD5 takes no initial response");
                return Next::Continue;
            }
            return self.auth_cram_md5().await;
        }
        let first = match self.first_response(initial).await {
            Response::Data(d) => d,
            Response::Refused(why) => {
                self.err(None, why);
                return Next::Continue;
            }
            Response::Gone => return Next::Close,
        };
        match mechanism.as_str() {
            "PLAIN" => self.auth_plain(&first).await,
            _ => self.auth_scram(&first).await,
        }
    }

    /// The initial response from the command line, or asked for with an empty
    /// challenge (RFC 5034 §4: `=` is an empty initial response).
    async fn first_response(&mut self, initial: Option<String>) -> Response {
        match initial {
            Some(ir) if ir == "=" => Response::Data(Vec::new()),
            Some(ir) => match sasl::decode_base64(&ir) {
                Ok(d) => Response::Data(d),
                Err(_) => Response::Refused("invalid base64 in the initial response"),
            },
            None => self.challenge("").await,
        }
    }

    /// Sends `+ <base64 challenge>` and reads the client's response.
    async fn challenge(&mut self, challenge: &str) -> Response {
        self.out.extend_from_slice(b"+ ");
        self.out
            .extend_from_slice(sasl::encode_base64(challenge.as_bytes()).as_bytes());
        self.out.extend_from_slice(b"\r\n");
        match self.read_continuation().await {
            None => Response::Gone,
            Some(Line::TooLong) => Response::Refused("response too long"),
            Some(Line::Line(l)) if l == b"*" => Response::Refused("authentication cancelled"),
            // RFC 5034 §4: an empty line is an empty response.
            Some(Line::Line(l)) if l.is_empty() => Response::Data(Vec::new()),
            Some(Line::Line(l)) => match std::str::from_utf8(&l)
                .ok()
                .and_then(|s| sasl::decode_base64(s).ok())
            {
                Some(d) => Response::Data(d),
                None => Response::Refused("invalid base64 in the response"),
            },
            Some(Line::Eof) => Response::Gone,
        }
    }

    async fn auth_plain(&mut self, message: &[u8]) -> Next {
        let creds = match sasl::decode_plain(message) {
            Ok(c) => c,
            Err(e) => {
                self.err(None, &format!("malformed PLAIN message: {e}"));
                return Next::Continue;
            }
        };
        // RFC 4616 §2: acting as another identity is not supported.
        if creds
            .authzid
            .as_deref()
            .is_some_and(|z| !z.eq_ignore_ascii_case(&creds.authcid))
        {
            self.err(None, "authorization identity not allowed");
            return Next::Continue;
        }
        let ip = self.conn().peer().ip();
        match self
            .server
            .auth
            .verify_password(&creds.authcid, &creds.password, ip)
            .await
        {
            Ok(account) => self.login(account).await,
            Err(e) => self.auth_failed(e),
        }
    }

    async fn auth_scram(&mut self, client_first: &[u8]) -> Next {
        let mut nonce = [0u8; 18];
        getrandom::fill(&mut nonce).expect("the OS random source works");
        let (mut scram, first) =
            match ScramServer::start(client_first, &sasl::encode_base64(&nonce)) {
                Ok(s) => s,
                Err(e) => {
                    self.err(None, &format!("malformed SCRAM message: {e}"));
                    return Next::Continue;
                }
            };
        if first
            .authzid
            .as_deref()
            .is_some_and(|z| !z.eq_ignore_ascii_case(&first.username))
        {
            self.err(None, "authorization identity not allowed");
            return Next::Continue;
        }
        let ip = self.conn().peer().ip();
        let lookup = match self.server.auth.scram_lookup(&first.username, ip).await {
            Ok(l) => l,
            Err(e) => return self.auth_failed(e),
        };
        let server_first = scram.server_first(&lookup.keys);
        let client_final = match self.challenge(&server_first).await {
            Response::Data(d) => d,
            Response::Refused(why) => {
                self.err(None, why);
                return Next::Continue;
            }
            Response::Gone => return Next::Close,
        };
        let server_final = match (scram.finish(&client_final), lookup.account) {
            (Ok(v), Some(account)) => (v, account),
            _ => {
                self.server.auth.failed(&first.username, ip);
                return self.auth_failed(osprey_net::AuthError::Failed);
            }
        };
        // RFC 5034 §4: additional data with success goes in a last challenge, which the
        // client answers with an empty line.
        match self.challenge(&server_final.0).await {
            Response::Data(d) if d.is_empty() => {}
            Response::Gone => return Next::Close,
            _ => {
                self.err(None, "expected an empty response");
                return Next::Continue;
            }
        }
        self.server.auth.succeeded(&first.username);
        self.login(server_final.1).await
    }

    /// RFC 2195: challenge `<random.time@host>`, response `user hex(HMAC-MD5)`.
    async fn auth_cram_md5(&mut self) -> Next {
        let challenge = crate::session::timestamp_banner(&self.server.config.hostname);
        let response = match self.challenge(&challenge).await {
            Response::Data(d) => d,
            Response::Refused(why) => {
                self.err(None, why);
                return Next::Continue;
            }
            Response::Gone => return Next::Close,
        };
        let text = String::from_utf8_lossy(&response);
        let Some((user, digest)) = text.rsplit_once(' ') else {
            self.err(None, "malformed CRAM-MD5 response");
            return Next::Continue;
        };
        let digest = digest.to_ascii_lowercase();
        let ip = self.conn().peer().ip();
        let verified = self
            .server
            .auth
            .verify_legacy(user, ip, |secret| {
                let want = sasl::cram_md5_digest(secret, challenge.as_bytes());
                sasl::constant_time_eq(want.as_bytes(), digest.as_bytes())
            })
            .await;
        match verified {
            Ok(account) => self.login(account).await,
            Err(e) => self.auth_failed(e),
        }
    }
}
