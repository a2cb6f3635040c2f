//! Password hashing with argon2id (RFC 9106), stored as PHC strings, and the SCRAM-SHA-256
//! keys (RFC 5802 §3) derived at the same moment so that SCRAM works without plaintext.
//!
//! Hashing is deliberately slow (tens of milliseconds); callers on an async runtime run it
//! on a blocking thread, and one that hashes often keeps a [`HashMemory`] to reuse.

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{Output, ParamsString, SaltString, rand_core::OsRng},
};

/// What the store keeps of a password: never the password itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    /// argon2id PHC string, for PLAIN, LOGIN, USER/PASS and the web API.
    pub password_hash: String,
    /// SCRAM-SHA-256 salt, iteration count, StoredKey and ServerKey in their text form.
    pub scram_sha256: String,
}

/// argon2's working memory (about 19 MiB with the default parameters), kept by a thread
/// that hashes many passwords and reused by each hash, instead of allocated and freed
/// every time: blocks this large, freed, stay with glibc's allocator (its mmap threshold
/// rises to their size, and the next request, a little larger for its alignment, no
/// longer fits the freed block), so hashing with fresh memory grew the process by
/// megabytes per login under load. Reused, the memory is what the hashing threads hold.
#[derive(Default)]
pub struct HashMemory {
    blocks: Vec<Block>,
}

impl HashMemory {
    /// Empty until the first hash.
    pub const fn new() -> Self {
        Self { blocks: Vec::new() }
    }

    /// `count` blocks, grown (never shrunk) as needed.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.blocks.len() < count {
            self.blocks.resize(count, Block::default());
        }
        &mut self.blocks[..count]
    }
}

/// Derives everything the store keeps of `password`: the argon2id hash and the
/// SCRAM-SHA-256 keys, each with its own random salt.
pub fn hash_credentials(password: &str) -> StoredCredentials {
    hash_credentials_with(&mut HashMemory::new(), password)
}

/// [`hash_credentials`] in `memory`.
pub fn hash_credentials_with(memory: &mut HashMemory, password: &str) -> StoredCredentials {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    StoredCredentials {
        password_hash: hash_password_with(memory, password),
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
    hash_password_with(&mut HashMemory::new(), password)
}

/// [`hash_password`] in `memory`: argon2id, version 19, the default parameters, a
/// 32-byte output, as `Argon2::default()` would.
pub fn hash_password_with(memory: &mut HashMemory, password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .expect("a generated salt decodes");
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            memory.blocks(params.block_count()),
        )
        .expect("argon2 with default parameters accepts any password up to 4 GiB");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("the default parameters encode"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).expect("32 bytes are a valid output")),
    }
    .to_string()
}

/// Returns `true` if and only if `password` matches the PHC string `hash`. A malformed
/// hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_password_with(&mut HashMemory::new(), password, hash)
}

/// [`verify_password`] in `memory`, with the algorithm, version and parameters the
/// PHC string names; the outputs are compared in constant time.
pub fn verify_password_with(memory: &mut HashMemory, password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            memory.blocks(params.block_count()),
        )
        .is_ok()
        && Output::new(&out).is_ok_and(|o| o == expected)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("Tr0ub4dor&3x");
        let b = hash_password("Tr0ub4dor&3x");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify_password("Tr0ub4dor&3x", &a));
        assert!(!verify_password("Tr0ub4dor&3y", &a));
        assert!(!verify_password("anything", "not a phc string"));
    }

    /// Hashes made in reused memory are the argon2 crate's own, both ways, so stored
    /// hashes stay valid.
    #[test]
    fn reused_memory_agrees_with_the_argon2_crate() {
        let mut memory = HashMemory::new();
        let ours = hash_password_with(&mut memory, "Tr0ub4dor&3x");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"Tr0ub4dor&3x", &parsed)
                .is_ok()
        );
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"Tr0ub4dor&3x", &salt)
            .unwrap()
            .to_string();
        for _ in 0..2 {
            assert!(verify_password_with(&mut memory, "Tr0ub4dor&3x", &theirs));
            assert!(!verify_password_with(&mut memory, "Tr0ub4dor&3X", &theirs));
        }
        // Other parameters (a smaller cost) verify in the same memory.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &salt)
        .unwrap()
        .to_string();
        assert!(verify_password_with(&mut memory, "pw", &small));
        assert!(!verify_password_with(
            &mut memory,
            "pw",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$AAAA"
        ));
    }
}
