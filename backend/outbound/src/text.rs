//! Random tokens for boundaries and message ids, shared by the client and the
//! notification builder. Line endings and the header section are
//! `osprey_mail::message`'s.

/// 16 random bytes as 32 lowercase hex digits, for boundaries and message ids.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 16];
    // Without an operating-system random source the clock stands in: the token then is
    // predictable but still unique enough for a boundary or a message id.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
