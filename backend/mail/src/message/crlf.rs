//! Line endings: every message the server keeps or sends has CRLF line endings, so
//! that its stored size is the octet count POP3 and IMAP report (RFC 1939 §5,
//! RFC 9051 §2.3.4) and SMTP sends it unchanged (RFC 5321 §2.3.8).

use std::borrow::Cow;

/// `message` with every bare LF and bare CR turned into CRLF, ending in CRLF (a
/// non-empty message without a final line ending gets one, so that the stored size is
/// exactly what POP3 and IMAP send). Borrowed when `message` already is so.
pub fn normalize_crlf(message: &[u8]) -> Cow<'_, [u8]> {
    let clean = message.iter().enumerate().all(|(i, &b)| match b {
        b'\n' => i > 0 && message[i - 1] == b'\r',
        b'\r' => message.get(i + 1) == Some(&b'\n'),
        _ => true,
    });
    if clean && (message.is_empty() || message.ends_with(b"\r\n")) {
        return Cow::Borrowed(message);
    }
    let mut out = Vec::with_capacity(message.len() + message.len() / 32 + 2);
    let mut i = 0;
    while i < message.len() {
        match message[i] {
            b'\r' if message.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
            }
            b'\r' | b'\n' => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_line_endings() {
        assert_eq!(&*normalize_crlf(b"a\nb\r\nc\rd"), b"a\r\nb\r\nc\r\nd\r\n");
        assert_eq!(&*normalize_crlf(b"\r\r\n\n"), b"\r\n\r\n\r\n");
        assert_eq!(&*normalize_crlf(b""), b"");
        assert_eq!(&*normalize_crlf(b"a\r\nb"), b"a\r\nb\r\n");
    }

    #[test]
    fn clean_messages_are_borrowed() {
        assert!(matches!(normalize_crlf(b"a\r\nb\r\n"), Cow::Borrowed(_)));
        assert!(matches!(normalize_crlf(b""), Cow::Borrowed(_)));
        assert!(matches!(normalize_crlf(b"a\nb\r\n"), Cow::Owned(_)));
    }
}
