//! Password hashing with argon2id (RFC 9106), stored as PHC strings, and the SCRAM-SHA-256
//! keys (RFC 5802 §3) derived at the same moment so that SCRAM works without plaintext.
//!
//! Hashing is deliberately slow (tens of milliseconds); callers on an async runtime run it
//! on a blocking thread.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};

/// What the store keeps of a password: never the password itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    /// argon2id PHC string, for PLAIN, LOGIN, USER/PASS and the web API.
    pub password_hash: String,
    /// SCRAM-SHA-256 salt, iteration count, StoredKey and ServerKey in their text form.
    pub scram_sha256: String,
}

/// Derives everything the store keeps of `password`: the argon2id hash and the
/// SCRAM-SHA-256 keys, each with its own random salt.
pub fn hash_credentials(password: &str) -> StoredCredentials {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    StoredCredentials {
        password_hash: hash_password(password),
        scram_sha256: scram_keys(password, &salt),
    }
}

/// The SCRAM-SHA-256 keys of `password` with `salt`, in their stored text form.
pub fn scram_keys(password: &str, salt: &[u8]) -> String {
    osprey_proto::sasl::ScramKeys::derive(password, salt, osprey_proto::sasl::SCRAM_ITERATIONS)
        .encode()
}

/// Hashes `password` with argon2id and a random salt; returns the PHC string.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any password up to 4 GiB")
        .to_string()
}

/// Returns `true` if and only if `password` matches the PHC string `hash`. A malformed
/// hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("Tr0ub4dor&3x");
        let b = hash_password("Tr0ub4dor&3x");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password("Tr0ub4dor&3x", &a));
        assert!(!verify_password("Tr0ub4dor&3y", &a));
        assert!(!verify_password("anything", "not a phc string"));
    }
}
