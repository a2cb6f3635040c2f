//! Short-lived access tokens: HS256 JWTs signed with the server's key.

use std::sync::atomic::{AtomicU64, Ordering};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

/// The claims of an access token.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Always `osprey`.
    pub iss: String,
    /// The account's token generation when the token was issued; a token of an older
    /// generation is refused (the account's sessions were revoked since). Tokens from
    /// before generations were kept have none, which reads as the first.
    #[serde(default)]
    pub generation: u64,
}

/// The claims of a download link's token: which message (and attachment) of which
/// account, until when. Its issuer differs from an access token's, so neither passes for
/// the other.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DownloadClaims {
    pub sub: String,
    /// The message id.
    pub msg: String,
    /// The attachment's index; none for the whole message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub att: Option<u32>,
    pub exp: i64,
    /// Always `osprey-download`.
    pub iss: String,
}

/// The issuer of download tokens.
const DOWNLOAD_ISSUER: &str = "osprey-download";

/// What an events ticket says: whose live updates it opens, in which token generation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EventsClaims {
    pub sub: String,
    /// The account's token generation when the ticket was made (revocation ends it).
    pub generation: u64,
    pub exp: i64,
    /// Always `osprey-events`.
    pub iss: String,
}

/// The issuer of events tickets.
const EVENTS_ISSUER: &str = "osprey-events";

/// The key pair for signing and checking access tokens, and their lifetime.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    download_validation: Validation,
    events_validation: Validation,
    /// Seconds an access token stays valid; an administrator may change it.
    ttl_secs: AtomicU64,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("ttl_secs", &self.ttl_secs())
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8], ttl_secs: u64) -> Self {
        assert!(
            secret.len() >= 32,
            "the JWT secret must have at least 32 bytes"
        );
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&["osprey"]);
        validation.leeway = 5;
        let mut download_validation = Validation::new(Algorithm::HS256);
        download_validation.set_issuer(&[DOWNLOAD_ISSUER]);
        download_validation.leeway = 5;
        let mut events_validation = Validation::new(Algorithm::HS256);
        events_validation.set_issuer(&[EVENTS_ISSUER]);
        events_validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            download_validation,
            events_validation,
            ttl_secs: AtomicU64::new(ttl_secs),
        }
    }

    /// Seconds an access token issued now stays valid.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs.load(Ordering::Relaxed)
    }

    /// Sets how long access tokens issued from now on stay valid.
    pub fn set_ttl_secs(&self, secs: u64) {
        self.ttl_secs.store(secs, Ordering::Relaxed);
    }

    /// Signs an access token for `account_id` in its token generation `generation`.
    pub fn issue(&self, account_id: &str, generation: u64) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: account_id.to_owned(),
            iat: now,
            exp: now + i64::try_from(self.ttl_secs()).unwrap_or(i64::MAX / 2),
            iss: "osprey".into(),
            generation,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// Checks a token's signature, issuer and expiry; returns why it is refused.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    "the access token has expired".to_owned()
                }
                _ => "the access token is invalid".to_owned(),
            })
    }
}

impl JwtKeys {
    /// Signs a download token for a message (or one of its attachments) of `account_id`,
    /// valid for `ttl_secs`; returns it and when it expires.
    pub fn issue_download(
        &self,
        account_id: &str,
        message_id: &str,
        attachment: Option<u32>,
        ttl_secs: i64,
    ) -> (String, i64) {
        let exp = chrono::Utc::now().timestamp() + ttl_secs;
        let claims = DownloadClaims {
            sub: account_id.to_owned(),
            msg: message_id.to_owned(),
            att: attachment,
            exp,
            iss: DOWNLOAD_ISSUER.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        (token, exp)
    }

    /// Signs a ticket that opens `account_id`'s live updates, valid for `ttl_secs`;
    /// returns it and when it expires.
    pub fn issue_events(&self, account_id: &str, generation: u64, ttl_secs: i64) -> (String, i64) {
        let exp = chrono::Utc::now().timestamp() + ttl_secs;
        let claims = EventsClaims {
            sub: account_id.to_owned(),
            generation,
            exp,
            iss: EVENTS_ISSUER.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        (token, exp)
    }

    /// Checks an events ticket; `None` when it is forged, expired or another kind.
    pub fn verify_events(&self, token: &str) -> Option<EventsClaims> {
        jsonwebtoken::decode::<EventsClaims>(token, &self.decoding, &self.events_validation)
            .ok()
            .map(|d| d.claims)
    }

    /// Checks a download token; `None` when it is forged, expired or another kind.
    pub fn verify_download(&self, token: &str) -> Option<DownloadClaims> {
        jsonwebtoken::decode::<DownloadClaims>(token, &self.decoding, &self.download_validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// Installs the crypto providers of jsonwebtoken and rustls; call once at start-up
/// (and in tests) before signing anything. Calling it again is harmless.
pub fn install_crypto_provider() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
}
