//! Byte and text helpers shared by the client and the notification builder: line-ending
//! normalisation, the header of a message, random tokens.

use std::borrow::Cow;

/// `message` with every bare LF and bare CR turned into CRLF; borrowed when it already is.
// RFC 5321 §2.3.8
pub(crate) fn crlf(message: &[u8]) -> Cow<'_, [u8]> {
    let clean = message.iter().enumerate().all(|(i, &b)| match b {
        b'\n' => i > 0 && message[i - 1] == b'\r',
        b'\r' => message.get(i + 1) == Some(&b'\n'),
        _ => true,
    });
    if clean {
        return Cow::Borrowed(message);
    }
    let mut out = Vec::with_capacity(message.len() + message.len() / 32);
    let mut i = 0;
    while i < message.len() {
        match message[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if message.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// The header of a CRLF message, up to and including the empty line that ends it (the
/// whole message when there is no body).
pub(crate) fn header_part(message: &[u8]) -> &[u8] {
    if message.starts_with(b"\r\n") {
        return &message[..2];
    }
    match message.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => &message[..end + 4],
        None => message,
    }
}

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
