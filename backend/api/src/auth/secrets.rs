//! Random secrets (refresh tokens, API keys) and the hashes the store keeps of them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Every API key starts with this, so a bearer credential's kind is plain to see.
pub const API_KEY_PREFIX: &str = "osk_";

/// A new secret: 32 random bytes, base64url, after `prefix`.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The hex SHA-256 of a secret. Secrets carry 256 bits of randomness, so a fast hash is
/// enough: there is nothing to guess.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
