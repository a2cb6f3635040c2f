//! The message as it goes over the wire after `DATA`: CRLF line endings, a leading dot
//! doubled, a final CRLF and the terminating `.` line.

use osprey_mail::message::normalize_crlf;

/// The bytes to send after the 354 reply, terminator included.
// RFC 5321 §4.5.2
pub(crate) fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let message = normalize_crlf(message);
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut line_start = true;
    for &b in message.iter() {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    out.extend_from_slice(b".\r\n");
    out
}
