//! Short-lived access tokens: HS256 JWTs signed with the server's key.

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

/// The key pair for signing and checking access tokens, and their lifetime.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Seconds an access token stays valid.
    pub ttl_secs: u64,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("ttl_secs", &self.ttl_secs)
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
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    /// Signs an access token for `account_id` in its token generation `generation`.
    pub fn issue(&self, account_id: &str, generation: u64) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: account_id.to_owned(),
            iat: now,
            exp: now + self.ttl_secs as i64,
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

/// Installs the crypto providers of jsonwebtoken and rustls; call once at start-up
/// (and in tests) before signing anything. Calling it again is harmless.
pub fn install_crypto_provider() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
}
