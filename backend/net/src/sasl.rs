//! The server side of a SASL exchange (RFC 4422), shared by the protocols: they differ
//! only in how a challenge is framed (`334 ` in SMTP, `+ ` in POP3 and IMAP), which they
//! supply through [`SaslIo`].

use std::future::Future;

use osprey_proto::sasl::{self, ScramServer};
use osprey_store::AccountRecord;

use osprey_directory::{AuthError, Authenticator, LoginOrigin};

/// The mechanisms Osprey implements (CRAM-MD5 is driven by the protocols, which own the
/// legacy challenge format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// RFC 4616.
    Plain,
    /// The LOGIN mechanism (draft-murchison-sasl-login): user name, then password.
    Login,
    /// RFC 5802, RFC 7677.
    ScramSha256,
}

/// What the client answered to a challenge.
pub enum Step {
    /// The decoded response.
    Data(Vec<u8>),
    /// `*`: the client gave up (RFC 4954 §4, RFC 5034 §4).
    Cancelled,
    /// Not base64, or too long.
    Malformed,
    /// The connection ended (or timed out, or the server is shutting down).
    Gone,
}

/// The client's answer to a challenge, from the line it sent (RFC 4954 §4, RFC 5034 §4,
/// RFC 9051 §6.2.2): `*` cancels, an empty line (or `=`) is an empty response, anything
/// else must be base64. `None` (the connection ended) gives `Step::Gone`.
pub fn response(line: Option<crate::Line>) -> Step {
    use crate::Line;
    match line {
        None | Some(Line::Eof) => Step::Gone,
        Some(Line::TooLong) => Step::Malformed,
        Some(Line::Line(l)) if l == b"*" => Step::Cancelled,
        Some(Line::Line(l)) if l.is_empty() || l == b"=" => Step::Data(Vec::new()),
        Some(Line::Line(l)) => match std::str::from_utf8(&l)
            .ok()
            .and_then(|s| sasl::decode_base64(s).ok())
        {
            Some(d) => Step::Data(d),
            None => Step::Malformed,
        },
    }
}

/// How a protocol sends a challenge and reads the answer.
pub trait SaslIo: Send {
    /// Sends `challenge` (raw bytes; the protocol base64-encodes and frames them) and
    /// reads the client's response.
    fn challenge(&mut self, challenge: &[u8]) -> impl Future<Output = Step> + Send;
}

/// How an exchange ended.
pub enum Outcome {
    Success(Box<AccountRecord>),
    /// Wrong credentials, throttled or unavailable: the protocol's failure reply.
    Failed(AuthError),
    Cancelled,
    /// The client's message was not what the mechanism expects; the text says why.
    Malformed(&'static str),
    Gone,
}

impl From<Step> for Outcome {
    fn from(step: Step) -> Self {
        match step {
            Step::Cancelled => Outcome::Cancelled,
            Step::Malformed => Outcome::Malformed("invalid base64 in the response"),
            Step::Gone | Step::Data(_) => Outcome::Gone,
        }
    }
}

/// Runs one exchange of `mechanism` with the optional initial response.
pub async fn exchange(
    auth: &Authenticator,
    mechanism: Mechanism,
    initial: Option<Vec<u8>>,
    io: &mut impl SaslIo,
    from: LoginOrigin,
) -> Outcome {
    let mut first = match initial {
        Some(d) => Some(d),
        None if mechanism == Mechanism::Login => None,
        None => match io.challenge(b"").await {
            Step::Data(d) => Some(d),
            other => return other.into(),
        },
    };
    match mechanism {
        Mechanism::Plain => {
            let message = first.take().unwrap_or_default();
            let Ok(creds) = sasl::decode_plain(&message) else {
                return Outcome::Malformed("malformed PLAIN message");
            };
            // RFC 4616 §2: acting as another identity is not supported.
            if creds
                .authzid
                .as_deref()
                .is_some_and(|z| !z.eq_ignore_ascii_case(&creds.authcid))
            {
                return Outcome::Malformed("authorization identity not allowed");
            }
            verified(
                auth.verify_password(&creds.authcid, &creds.password, from)
                    .await,
            )
        }
        Mechanism::Login => {
            let user = match first.take() {
                Some(u) => u,
                None => match io.challenge(b"Username:").await {
                    Step::Data(d) => d,
                    other => return other.into(),
                },
            };
            let password = match io.challenge(b"Password:").await {
                Step::Data(d) => d,
                other => return other.into(),
            };
            let (Ok(user), Ok(password)) = (String::from_utf8(user), String::from_utf8(password))
            else {
                return Outcome::Malformed("user name and password must be UTF-8");
            };
            verified(auth.verify_password(&user, &password, from).await)
        }
        Mechanism::ScramSha256 => scram(auth, &first.take().unwrap_or_default(), io, from).await,
    }
}

fn verified(r: Result<AccountRecord, AuthError>) -> Outcome {
    match r {
        Ok(a) => Outcome::Success(Box::new(a)),
        Err(e) => Outcome::Failed(e),
    }
}

async fn scram(
    auth: &Authenticator,
    client_first: &[u8],
    io: &mut impl SaslIo,
    from: LoginOrigin,
) -> Outcome {
    let mut nonce = [0u8; 18];
    getrandom::fill(&mut nonce).expect("the OS random source works");
    let Ok((mut server, first)) = ScramServer::start(client_first, &sasl::encode_base64(&nonce))
    else {
        return Outcome::Malformed("malformed SCRAM message");
    };
    if first
        .authzid
        .as_deref()
        .is_some_and(|z| !z.eq_ignore_ascii_case(&first.username))
    {
        return Outcome::Malformed("authorization identity not allowed");
    }
    let lookup = match auth.scram_lookup(&first.username, from).await {
        Ok(l) => l,
        Err(e) => return Outcome::Failed(e),
    };
    let server_first = server.server_first(&lookup.keys);
    let client_final = match io.challenge(server_first.as_bytes()).await {
        Step::Data(d) => d,
        other => return other.into(),
    };
    let (Ok(server_final), Some(account)) = (server.finish(&client_final), lookup.account) else {
        auth.failed(&first.username, from, lookup.account_id.as_deref());
        return Outcome::Failed(AuthError::Failed);
    };
    // RFC 4954 §4, RFC 5034 §4: data with success goes in a last challenge, which the
    // client answers with an empty response.
    match io.challenge(server_final.as_bytes()).await {
        Step::Data(d) if d.is_empty() => {}
        Step::Data(_) => return Outcome::Malformed("expected an empty response"),
        other => return other.into(),
    }
    match auth.signed_in(&first.username, account, from) {
        Ok(account) => Outcome::Success(Box::new(account)),
        Err(e) => Outcome::Failed(e),
    }
}

/// A unique `<random.time@host>` string (RFC 1939 §7 timestamp, RFC 2195 challenge).
pub fn timestamp(host: &str) -> String {
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).expect("the OS random source works");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("<{}.{now}@{host}>", u64::from_be_bytes(r))
}

/// One CRAM-MD5 exchange (RFC 2195): the challenge `<random.time@host>`, the response
/// `user hex(HMAC-MD5(password, challenge))`, checked against the sealed legacy secret.
/// The caller offers it only when the legacy mechanisms are enabled.
pub async fn cram_md5(
    auth: &Authenticator,
    io: &mut impl SaslIo,
    host: &str,
    from: LoginOrigin,
) -> Outcome {
    let challenge = timestamp(host);
    let response = match io.challenge(challenge.as_bytes()).await {
        Step::Data(d) => d,
        other => return other.into(),
    };
    let text = String::from_utf8_lossy(&response);
    let Some((user, digest)) = text.rsplit_once(' ') else {
        return Outcome::Malformed("malformed CRAM-MD5 response");
    };
    let digest = digest.to_ascii_lowercase();
    verified(
        auth.verify_legacy(user, from, |secret| {
            let want = sasl::cram_md5_digest(secret, challenge.as_bytes());
            sasl::constant_time_eq(want.as_bytes(), digest.as_bytes())
        })
        .await,
    )
}
