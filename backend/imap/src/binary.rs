//! BINARY and BINARY.SIZE, RFC 3516 §4.2: a part's content with its
//! Content-Transfer-Encoding removed.

use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};

use crate::{
    message::{Part, part},
    structure::raw_field,
};

/// Why a part could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BinaryError {
    /// RFC 3516 §4.1: the encoding is not one the server knows (`[UNKNOWN-CTE]`).
    UnknownEncoding,
    /// The encoded content is not valid for its encoding.
    Corrupt,
}

/// The decoded content of part `path` of the message `raw`; `Ok(None)` if there is no
/// such part. An empty path is the whole message, which has no transfer encoding of
/// its own to remove.
pub(crate) fn binary(raw: &[u8], path: &[u32]) -> Result<Option<Vec<u8>>, BinaryError> {
    let Some((&last, parents)) = path.split_last() else {
        return Ok(Some(raw.to_vec()));
    };
    let mut entity = raw.to_vec();
    for &n in parents {
        match part(&entity, n) {
            Some(p) => entity = p.entity,
            None => return Ok(None),
        }
    }
    let Some(Part {
        header, content, ..
    }) = part(&entity, last)
    else {
        return Ok(None);
    };
    // A non-multipart entity's part 1 is its body, and its MIME header is the
    // entity's own header (`part` gives it).
    decode(&header, content).map(Some)
}

/// Removes the transfer encoding named in `header` from `content`.
fn decode(header: &[u8], content: Vec<u8>) -> Result<Vec<u8>, BinaryError> {
    let encoding = raw_field(header, "Content-Transfer-Encoding")
        .map_or_else(|| "7bit".into(), |e| e.to_ascii_lowercase());
    match encoding.as_str() {
        "7bit" | "8bit" | "binary" => Ok(content),
        "base64" => base64_decode(&content).ok_or(BinaryError::Corrupt),
        "quoted-printable" => quoted_printable_decode(&content).ok_or(BinaryError::Corrupt),
        _ => Err(BinaryError::UnknownEncoding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &[u8] = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--x\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n--x--\r\n";

    #[test]
    fn parts_are_decoded() {
        assert_eq!(binary(M, &[1]).unwrap().unwrap(), "café".as_bytes());
        assert_eq!(binary(M, &[2]).unwrap().unwrap(), [0, 1, 2]);
        assert_eq!(binary(M, &[3]), Err(BinaryError::UnknownEncoding));
        assert_eq!(binary(M, &[4]), Ok(None));
    }

    #[test]
    fn single_part_body_uses_the_message_header() {
        let m = b"Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n";
        assert_eq!(binary(m, &[1]).unwrap().unwrap(), b"hi");
        assert_eq!(binary(m, &[]).unwrap().unwrap(), m);
    }
}
