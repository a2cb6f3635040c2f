//! The opt-in legacy mechanisms, APOP (RFC 1939 §7) and CRAM-MD5 (RFC 2195): both need
//! the password itself on the server. Osprey keeps it only when they are enabled, sealed
//! with AES-256-GCM under a key kept in the data directory, and only after the account
//! logged in with its password (which is when the server sees it); a password change
//! drops it.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use osprey_proto::sasl;

/// Seals and opens legacy secrets.
pub struct LegacyKey(LessSafeKey);

impl LegacyKey {
    /// A key from 32 secret bytes.
    pub fn new(bytes: &[u8; 32]) -> LegacyKey {
        let key = UnboundKey::new(&AES_256_GCM, bytes).expect("32 bytes is an AES-256 key");
        LegacyKey(LessSafeKey::new(key))
    }

    /// `password` sealed for the account `account_id` (bound to it as associated data,
    /// so a sealed value copied to another account does not open).
    pub fn seal(&self, account_id: &str, password: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS random source works");
        let mut data = password.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(account_id.as_bytes()),
                &mut data,
            )
            .expect("sealing a short password cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        sasl::encode_base64(&out)
    }

    /// The password sealed by [`LegacyKey::seal`] for `account_id`, or `None` if it
    /// does not open (another key, another account, tampered).
    pub fn open(&self, account_id: &str, sealed: &str) -> Option<Vec<u8>> {
        let mut data = sasl::decode_base64(sealed).ok()?;
        if data.len() < NONCE_LEN {
            return None;
        }
        let nonce = Nonce::try_assume_unique_for_key(&data[..NONCE_LEN]).ok()?;
        let mut body = data.split_off(NONCE_LEN);
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(account_id.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_for_the_same_account_and_key() {
        let key = LegacyKey::new(&[7; 32]);
        let sealed = key.seal("acc-1", "tanstaaf");
        assert_eq!(
            key.open("acc-1", &sealed).as_deref(),
            Some(&b"tanstaaf"[..])
        );
        assert_eq!(key.open("acc-2", &sealed), None);
        assert_eq!(LegacyKey::new(&[8; 32]).open("acc-1", &sealed), None);
        assert_eq!(key.open("acc-1", "AAAA"), None);
        assert_ne!(
            sealed,
            key.seal("acc-1", "tanstaaf"),
            "fresh nonce each time"
        );
    }
}
