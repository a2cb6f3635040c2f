//! A part's content with its Content-Transfer-Encoding removed (RFC 2045 §6): the
//! octets IMAP BINARY (RFC 3516) returns and attachments are saved as. Charsets are
//! not converted.

use std::borrow::Cow;

use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};

/// Why a part's content could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The encoding is not one of RFC 2045 §6.1 (IMAP answers `[UNKNOWN-CTE]`,
    /// RFC 3516 §4.1).
    UnknownEncoding,
    /// The content is not valid in its encoding.
    Corrupt,
}

/// `content` with the transfer encoding `encoding` (as written; `None` is 7bit)
/// removed: borrowed for the identity encodings.
pub fn decode_transfer<'a>(
    encoding: Option<&str>,
    content: &'a [u8],
) -> Result<Cow<'a, [u8]>, DecodeError> {
    let encoding = encoding.map_or_else(|| "7bit".into(), str::to_ascii_lowercase);
    match encoding.as_str() {
        "7bit" | "8bit" | "binary" => Ok(Cow::Borrowed(content)),
        "base64" => base64_decode(content)
            .map(Cow::Owned)
            .ok_or(DecodeError::Corrupt),
        "quoted-printable" => quoted_printable_decode(content)
            .map(Cow::Owned)
            .ok_or(DecodeError::Corrupt),
        _ => Err(DecodeError::UnknownEncoding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_removed() {
        assert_eq!(
            &*decode_transfer(Some("Quoted-Printable"), b"caf=C3=A9").unwrap(),
            "café".as_bytes()
        );
        assert_eq!(
            &*decode_transfer(Some("base64"), b"AAEC").unwrap(),
            [0, 1, 2]
        );
        assert!(matches!(
            decode_transfer(None, b"plain"),
            Ok(Cow::Borrowed(b"plain"))
        ));
        assert_eq!(
            decode_transfer(Some("x-uuencode"), b"begin"),
            Err(DecodeError::UnknownEncoding)
        );
    }
}
