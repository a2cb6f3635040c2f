//! The message as it goes over the wire after `DATA`: CRLF line endings, a leading dot
//! doubled, a final CRLF and the terminating `.` line.

use crate::text::crlf;

/// The bytes to send after the 354 reply, terminator included.
// RFC 5321 §4.5.2
pub(crate) fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let message = crlf(message);
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut line_start = true;
    for &b in message.iter() {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    if !message.is_empty() && !message.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}
