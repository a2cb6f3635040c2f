//! SASL mechanisms (RFC 4422) as pure message codecs, shared by POP3 and later IMAP/SMTP.
//!
//! Owns PLAIN (RFC 4616), SCRAM-SHA-256 (RFC 5802, RFC 7677) with the stored-key form,
//! CRAM-MD5 (RFC 2195), the APOP digest (RFC 1939 §7), the base64 framing of protocol
//! exchanges (RFC 4648 §4) and constant-time comparison. The LOGIN mechanism (an expired
//! draft) needs nothing here beyond base64. Looking users up and choosing nonces is the
//! caller's job: every function here is deterministic and never panics on input.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use md5::Md5;
use sha2::{Digest, Sha256};

type HmacSha256 = hmac::Hmac<Sha256>;
type HmacMd5 = hmac::Hmac<Md5>;

/// Why a SASL message was refused: a short reason for logs, never shown as is to a client
/// that has not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaslError(pub &'static str);

impl fmt::Display for SaslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for SaslError {}

// ---------------------------------------------------------------------------------------
// PLAIN

/// The credentials of a PLAIN message, RFC 4616 §2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// The identity to act as; `None` when the client sent an empty authzid.
    pub authzid: Option<String>,
    pub authcid: String,
    pub password: String,
}

/// The longest authzid, authcid or passwd, RFC 4616 §2.
const PLAIN_FIELD_MAX: usize = 255;

/// Decodes a PLAIN message (already base64-decoded), RFC 4616 §2:
/// `[authzid] NUL authcid NUL passwd`, authcid and passwd non-empty, every field at most
/// 255 bytes of UTF-8 without NUL.
pub fn decode_plain(message: &[u8]) -> Result<PlainCredentials, SaslError> {
    let mut fields = message.split(|&b| b == 0);
    let (Some(authzid), Some(authcid), Some(password), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(SaslError("PLAIN message needs exactly three fields"));
    };
    if authcid.is_empty() {
        return Err(SaslError("empty authentication identity"));
    }
    if password.is_empty() {
        return Err(SaslError("empty password"));
    }
    if [authzid, authcid, password]
        .iter()
        .any(|f| f.len() > PLAIN_FIELD_MAX)
    {
        return Err(SaslError("PLAIN field longer than 255 bytes"));
    }
    let utf8 = |f: &[u8]| {
        std::str::from_utf8(f)
            .map(str::to_owned)
            .map_err(|_| SaslError("PLAIN field is not UTF-8"))
    };
    Ok(PlainCredentials {
        authzid: if authzid.is_empty() {
            None
        } else {
            Some(utf8(authzid)?)
        },
        authcid: utf8(authcid)?,
        password: utf8(password)?,
    })
}

// ---------------------------------------------------------------------------------------
// base64 framing

/// Decodes one base64 line of a SASL exchange (RFC 4648 §4, padding required). `=` alone
/// is the empty response (RFC 5034 §4, RFC 4954 §4).
pub fn decode_base64(line: &str) -> Result<Vec<u8>, SaslError> {
    if line == "=" {
        return Ok(Vec::new());
    }
    if line.is_empty() {
        return Err(SaslError("empty base64"));
    }
    STANDARD
        .decode(line)
        .map_err(|_| SaslError("invalid base64"))
}

/// Encodes bytes as base64 with padding (RFC 4648 §4). The empty input gives the empty
/// string; the caller writes `=` where a protocol wants it for an empty initial response.
pub fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

// ---------------------------------------------------------------------------------------
// SCRAM-SHA-256

/// The iteration count for new SCRAM-SHA-256 keys: the minimum of RFC 7677 §4.
pub const SCRAM_ITERATIONS: u32 = 4096;

/// Stored SCRAM-SHA-256 keys (RFC 5802 §3), derived when a password is set; the password
/// itself is not kept.
///
/// Its text form (`Display`, [`ScramKeys::encode`]) is
/// `<iterations>:<base64 salt>:<base64 StoredKey>:<base64 ServerKey>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramKeys {
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub stored_key: [u8; 32],
    pub server_key: [u8; 32],
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length; the error case cannot happen.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0; 32],
    };
    for part in parts {
        mac.update(part);
    }
    let mut out = [0; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(&Sha256::digest(data));
    out
}

/// Hi(str, salt, i) of RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256 and one output block.
/// An iteration count of 0 is treated as 1.
fn hi(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let Ok(keyed) = HmacSha256::new_from_slice(password) else {
        return [0; 32];
    };
    let mut mac = keyed.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u = [0u8; 32];
    u.copy_from_slice(&mac.finalize().into_bytes());
    let mut result = u;
    for _ in 1..iterations {
        let mut mac = keyed.clone();
        mac.update(&u);
        u.copy_from_slice(&mac.finalize().into_bytes());
        for (r, x) in result.iter_mut().zip(u.iter()) {
            *r ^= x;
        }
    }
    result
}

/// SaltedPassword → (ClientKey, StoredKey, ServerKey), RFC 5802 §3.
fn keys_from_salted(salted: &[u8; 32]) -> ([u8; 32], [u8; 32], [u8; 32]) {
    let client_key = hmac_sha256(salted, &[b"Client Key"]);
    let stored_key = sha256(&client_key);
    let server_key = hmac_sha256(salted, &[b"Server Key"]);
    (client_key, stored_key, server_key)
}

/// Normalize(password) of RFC 5802 §2.2.
// TODO(rfc): RFC 5802 §2.2 asks for SASLprep (RFC 4013); the password is used as is, so
// a password with non-ASCII characters must be typed in the same normalisation form on
// every client. Nothing is rejected.
fn normalize(password: &str) -> &[u8] {
    password.as_bytes()
}

impl ScramKeys {
    /// Derives the stored keys: SaltedPassword = Hi(Normalize(password), salt, i),
    /// RFC 5802 §3. SASLprep is not applied (see the `TODO(rfc)` at `normalize`).
    pub fn derive(password: &str, salt: &[u8], iterations: u32) -> ScramKeys {
        let salted = hi(normalize(password), salt, iterations);
        let (_, stored_key, server_key) = keys_from_salted(&salted);
        ScramKeys {
            salt: salt.to_vec(),
            iterations,
            stored_key,
            server_key,
        }
    }

    /// The compact text form for storage:
    /// `<iterations>:<base64 salt>:<base64 StoredKey>:<base64 ServerKey>`.
    pub fn encode(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.iterations,
            encode_base64(&self.salt),
            encode_base64(&self.stored_key),
            encode_base64(&self.server_key)
        )
    }

    /// Parses the text form of [`ScramKeys::encode`]. The iteration count must be at least
    /// 1 and the salt not empty.
    pub fn parse(s: &str) -> Result<ScramKeys, SaslError> {
        let mut parts = s.split(':');
        let (Some(iterations), Some(salt), Some(stored), Some(server), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(SaslError("SCRAM keys need four fields"));
        };
        if iterations.is_empty() || !iterations.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SaslError("invalid SCRAM iteration count"));
        }
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| SaslError("invalid SCRAM iteration count"))?;
        if iterations == 0 {
            return Err(SaslError("invalid SCRAM iteration count"));
        }
        let salt = STANDARD
            .decode(salt)
            .map_err(|_| SaslError("invalid SCRAM salt"))?;
        if salt.is_empty() {
            return Err(SaslError("invalid SCRAM salt"));
        }
        let key = |text: &str| -> Result<[u8; 32], SaslError> {
            let bytes = STANDARD
                .decode(text)
                .map_err(|_| SaslError("invalid SCRAM key"))?;
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SaslError("invalid SCRAM key"))
        };
        Ok(ScramKeys {
            salt,
            iterations,
            stored_key: key(stored)?,
            server_key: key(server)?,
        })
    }
}

impl fmt::Display for ScramKeys {
    /// Writes [`ScramKeys::encode`]'s form, so `to_string()` gives it too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// `printable` of RFC 5802 §7: %x21-2B / %x2D-7E (no comma).
fn is_printable_nonce(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',')
}

/// Decodes a `saslname` (RFC 5802 §7): `=2C` is `,`, `=3D` is `=`, any other `=` or a
/// comma is an error. Must not be empty.
fn decode_saslname(s: &str) -> Result<String, SaslError> {
    if s.is_empty() {
        return Err(SaslError("empty SCRAM name"));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['=', ',']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("=2C") {
            out.push(',');
        } else if tail.starts_with("=3D") {
            out.push('=');
        } else {
            return Err(SaslError("invalid escape in SCRAM name"));
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Encodes a name as `saslname`, RFC 5802 §5.1.
fn encode_saslname(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

/// The fields of a client-first-message the caller needs to find the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFirst {
    /// The authentication identity, with `=2C` and `=3D` decoded.
    pub username: String,
    /// The authorization identity (`a=`), decoded the same way.
    pub authzid: Option<String>,
}

/// The server side of one SCRAM-SHA-256 exchange, RFC 5802 §5 with RFC 7677.
///
/// No channel binding: a client-first-message with gs2 flag `p=` is refused, `y` and `n`
/// are accepted (RFC 5802 §6).
#[derive(Debug, Clone)]
pub struct ScramServer {
    /// The gs2-header as sent, to check `c=` of client-final against.
    gs2_header: String,
    client_first_bare: String,
    /// Client nonce followed by the server's part.
    nonce: String,
    /// Set by `server_first`.
    server_first: Option<String>,
    stored_key: [u8; 32],
    server_key: [u8; 32],
}

impl ScramServer {
    /// Parses a client-first-message (RFC 5802 §7). `server_nonce_part` is random
    /// printable characters without `,` chosen by the caller; it is appended to the
    /// client's nonce.
    pub fn start(
        client_first: &[u8],
        server_nonce_part: &str,
    ) -> Result<(ScramServer, ClientFirst), SaslError> {
        if !is_printable_nonce(server_nonce_part) {
            return Err(SaslError("invalid server nonce"));
        }
        let text = std::str::from_utf8(client_first)
            .map_err(|_| SaslError("SCRAM message is not UTF-8"))?;
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        let mut split = text.splitn(3, ',');
        let (Some(flag), Some(authz), Some(bare)) = (split.next(), split.next(), split.next())
        else {
            return Err(SaslError("malformed SCRAM client-first"));
        };
        match flag {
            "n" | "y" => {}
            f if f.starts_with("p=") => {
                return Err(SaslError("SCRAM channel binding not supported"));
            }
            _ => return Err(SaslError("malformed SCRAM gs2 header")),
        }
        let authzid = if authz.is_empty() {
            None
        } else if let Some(name) = authz.strip_prefix("a=") {
            Some(decode_saslname(name)?)
        } else {
            return Err(SaslError("malformed SCRAM authzid"));
        };
        let gs2_header = text[..text.len() - bare.len()].to_owned();

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
        let mut attrs = bare.split(',');
        let user = attrs.next().unwrap_or("");
        if user.starts_with("m=") {
            // RFC 5802 §5.1: a server must fail when it sees the reserved "m" attribute.
            return Err(SaslError("SCRAM mandatory extension not supported"));
        }
        let Some(user) = user.strip_prefix("n=") else {
            return Err(SaslError("SCRAM client-first without username"));
        };
        let username = decode_saslname(user)?;
        let Some(client_nonce) = attrs.next().and_then(|a| a.strip_prefix("r=")) else {
            return Err(SaslError("SCRAM client-first without nonce"));
        };
        if !is_printable_nonce(client_nonce) {
            return Err(SaslError("invalid SCRAM client nonce"));
        }
        // Optional extensions are ignored, but must look like attributes.
        if attrs.any(|a| !is_attribute(a)) {
            return Err(SaslError("malformed SCRAM extension"));
        }
        let server = ScramServer {
            gs2_header,
            client_first_bare: bare.to_owned(),
            nonce: format!("{client_nonce}{server_nonce_part}"),
            server_first: None,
            stored_key: [0; 32],
            server_key: [0; 32],
        };
        Ok((server, ClientFirst { username, authzid }))
    }

    /// The server-first-message `r=<nonce>,s=<salt>,i=<iterations>` for the user's stored
    /// keys. For an unknown user the caller passes keys derived from a random password and
    /// a deterministic fake salt, so the exchange looks the same and fails in `finish`.
    pub fn server_first(&mut self, keys: &ScramKeys) -> String {
        let message = format!(
            "r={},s={},i={}",
            self.nonce,
            encode_base64(&keys.salt),
            keys.iterations
        );
        self.stored_key = keys.stored_key;
        self.server_key = keys.server_key;
        self.server_first = Some(message.clone());
        message
    }

    /// Verifies the client-final-message (RFC 5802 §5.1): `c=` must be the base64 of the
    /// gs2-header sent in client-first (`biws` for `n,,`, `eSws` for `y,,`), `r=` the
    /// combined nonce, and the proof is checked in constant time. Returns the
    /// server-final-message `v=<ServerSignature>`.
    pub fn finish(&self, client_final: &[u8]) -> Result<String, SaslError> {
        let Some(server_first) = &self.server_first else {
            return Err(SaslError("SCRAM server-first not sent"));
        };
        let text = std::str::from_utf8(client_final)
            .map_err(|_| SaslError("SCRAM message is not UTF-8"))?;
        let Some((without_proof, proof)) = text.rsplit_once(",p=") else {
            return Err(SaslError("SCRAM client-final without proof"));
        };
        let mut attrs = without_proof.split(',');
        let Some(binding) = attrs.next().and_then(|a| a.strip_prefix("c=")) else {
            return Err(SaslError("SCRAM client-final without channel binding"));
        };
        let binding = STANDARD
            .decode(binding)
            .map_err(|_| SaslError("invalid SCRAM channel binding"))?;
        if binding != self.gs2_header.as_bytes() {
            return Err(SaslError("SCRAM channel binding mismatch"));
        }
        let Some(nonce) = attrs.next().and_then(|a| a.strip_prefix("r=")) else {
            return Err(SaslError("SCRAM client-final without nonce"));
        };
        if !constant_time_eq(nonce.as_bytes(), self.nonce.as_bytes()) {
            return Err(SaslError("SCRAM nonce mismatch"));
        }
        if attrs.any(|a| !is_attribute(a)) {
            return Err(SaslError("malformed SCRAM extension"));
        }
        let proof = STANDARD
            .decode(proof)
            .map_err(|_| SaslError("invalid SCRAM proof"))?;
        let Ok(proof) = <[u8; 32]>::try_from(proof.as_slice()) else {
            return Err(SaslError("invalid SCRAM proof"));
        };

        // RFC 5802 §3: AuthMessage, ClientSignature, ClientKey = ClientProof XOR ClientSignature.
        let auth_message = [
            self.client_first_bare.as_bytes(),
            b",",
            server_first.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let client_signature = hmac_sha256(&self.stored_key, &auth_message);
        let mut client_key = [0u8; 32];
        for ((k, p), s) in client_key.iter_mut().zip(proof).zip(client_signature) {
            *k = p ^ s;
        }
        if !constant_time_eq(&sha256(&client_key), &self.stored_key) {
            return Err(SaslError("SCRAM proof invalid"));
        }
        let server_signature = hmac_sha256(&self.server_key, &auth_message);
        Ok(format!("v={}", encode_base64(&server_signature)))
    }
}

/// `attr-val` of RFC 5802 §7: one ASCII letter, `=`, a value.
fn is_attribute(a: &str) -> bool {
    let b = a.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b'='
}

/// The client side of SCRAM-SHA-256, for tests and the load generator: client-first, then
/// client-final from server-first, then the check of server-final.
#[derive(Debug, Clone)]
pub struct ScramClient {
    username: String,
    password: String,
    nonce: String,
    /// The ServerSignature expected in server-final, known after `client_final`.
    server_signature: Option<[u8; 32]>,
}

impl ScramClient {
    /// A client for `username` with `password`, using `nonce` (printable, no `,`) as the
    /// client nonce.
    pub fn new(username: &str, password: &str, nonce: &str) -> ScramClient {
        ScramClient {
            username: username.to_owned(),
            password: password.to_owned(),
            nonce: nonce.to_owned(),
            server_signature: None,
        }
    }

    fn client_first_bare(&self) -> String {
        format!("n={},r={}", encode_saslname(&self.username), self.nonce)
    }

    /// The client-first-message, `n,,n=<user>,r=<nonce>` (no channel binding, no authzid).
    pub fn client_first(&self) -> String {
        format!("n,,{}", self.client_first_bare())
    }

    /// Checks the server-first-message and returns the client-final-message with proof.
    pub fn client_final(&mut self, server_first: &[u8]) -> Result<String, SaslError> {
        let text = std::str::from_utf8(server_first)
            .map_err(|_| SaslError("SCRAM message is not UTF-8"))?;
        let mut attrs = text.split(',');
        let (Some(nonce), Some(salt), Some(iterations)) = (
            attrs.next().and_then(|a| a.strip_prefix("r=")),
            attrs.next().and_then(|a| a.strip_prefix("s=")),
            attrs.next().and_then(|a| a.strip_prefix("i=")),
        ) else {
            return Err(SaslError("malformed SCRAM server-first"));
        };
        if !is_printable_nonce(nonce)
            || !nonce.starts_with(&self.nonce)
            || nonce.len() == self.nonce.len()
        {
            return Err(SaslError("SCRAM server nonce invalid"));
        }
        let salt = STANDARD
            .decode(salt)
            .map_err(|_| SaslError("invalid SCRAM salt"))?;
        if !iterations.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SaslError("invalid SCRAM iteration count"));
        }
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| SaslError("invalid SCRAM iteration count"))?;
        if iterations == 0 {
            return Err(SaslError("invalid SCRAM iteration count"));
        }

        let salted = hi(normalize(&self.password), &salt, iterations);
        let (client_key, stored_key, server_key) = keys_from_salted(&salted);
        let without_proof = format!("c=biws,r={nonce}");
        let bare = self.client_first_bare();
        let auth_message = [
            bare.as_bytes(),
            b",",
            text.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let client_signature = hmac_sha256(&stored_key, &auth_message);
        let mut proof = [0u8; 32];
        for ((p, k), s) in proof.iter_mut().zip(client_key).zip(client_signature) {
            *p = k ^ s;
        }
        self.server_signature = Some(hmac_sha256(&server_key, &auth_message));
        Ok(format!("{without_proof},p={}", encode_base64(&proof)))
    }

    /// Checks the server-final-message `v=<ServerSignature>`; `e=<error>` is a failure.
    pub fn verify_server_final(&self, server_final: &[u8]) -> Result<(), SaslError> {
        let Some(expected) = &self.server_signature else {
            return Err(SaslError("SCRAM client-final not sent"));
        };
        if server_final.starts_with(b"e=") {
            return Err(SaslError("SCRAM server reported an error"));
        }
        let Some(signature) = server_final.strip_prefix(b"v=") else {
            return Err(SaslError("malformed SCRAM server-final"));
        };
        let signature = STANDARD
            .decode(signature)
            .map_err(|_| SaslError("invalid SCRAM server signature"))?;
        if constant_time_eq(&signature, expected) {
            Ok(())
        } else {
            Err(SaslError("SCRAM server signature mismatch"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// CRAM-MD5, APOP, comparison

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// RFC 2195 §2 CRAM-MD5: lower-case hex of HMAC-MD5(secret, challenge). The server
/// compares it with the client's digest using [`constant_time_eq`].
pub fn cram_md5_digest(secret: &[u8], challenge: &[u8]) -> String {
    let Ok(mut mac) = HmacMd5::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(challenge);
    hex(&mac.finalize().into_bytes())
}

/// RFC 1939 §7 APOP: lower-case hex of MD5(timestamp banner ++ secret). `banner` is the
/// `<...>` timestamp the server sent in its greeting.
pub fn apop_digest(banner: &str, secret: &[u8]) -> String {
    let mut md5 = Md5::new();
    md5.update(banner.as_bytes());
    md5.update(secret);
    hex(&md5.finalize())
}

/// Constant-time equality of two byte strings: the time depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}
