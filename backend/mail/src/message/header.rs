//! The header section of a message: where it ends (the one place that searches for
//! the empty line, RFC 5322 §2.1), the raw value of one field, and the day of the Date
//! field as written. Parsing the other field values (addresses, MIME parameters) is
//! mail-parser's, in `parsed.rs`.

use chrono::NaiveDate;
use mail_parser::MessageParser;

/// The offset at which the body of `message` (CRLF line endings) starts: just past the
/// empty line that ends the header section (RFC 5322 §2.1). A message that starts with
/// the empty line has no header fields and its body at 2. `None` if and only if the
/// message has no empty line: it is all header, without a body.
pub fn header_end(message: &[u8]) -> Option<usize> {
    if message.starts_with(b"\r\n") {
        return Some(2);
    }
    message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// The offset at which the header fields of `message` end: before the empty line, or
/// the whole message when it has none. `message[..fields_end(message)]` is every field
/// with its final CRLF.
pub fn fields_end(message: &[u8]) -> usize {
    header_end(message).map_or(message.len(), |end| end - 2)
}

/// `message` split into its header section (with the empty line) and its body.
pub fn split_header(message: &[u8]) -> (&[u8], &[u8]) {
    match header_end(message) {
        Some(end) => message.split_at(end),
        None => (message, &[]),
    }
}

/// The value of the first header field called `name` (ASCII case-insensitive) in
/// `header`, unfolded and trimmed, as written (encoded words are not decoded); `None`
/// without the field or with an empty value.
pub fn field_value(header: &[u8], name: &str) -> Option<String> {
    let mut value: Option<Vec<u8>> = None;
    for line in header.split_inclusive(|&b| b == b'\n') {
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if let Some(v) = value.as_mut() {
                v.extend_from_slice(line);
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':')
            && String::from_utf8_lossy(&line[..colon])
                .trim()
                .eq_ignore_ascii_case(name)
        {
            value = Some(line[colon + 1..].to_vec());
        }
    }
    let v: Vec<u8> = value?
        .into_iter()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let v = String::from_utf8_lossy(&v).trim().to_owned();
    (!v.is_empty()).then_some(v)
}

/// The day of the Date field of `message` as written, its time and zone disregarded
/// (RFC 5322 §3.3); `None` without a Date field that parses.
pub fn written_day(message: &[u8]) -> Option<NaiveDate> {
    let parsed = MessageParser::new().parse_headers(message)?;
    let d = parsed.date()?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_ends_at_the_first_empty_line() {
        assert_eq!(header_end(b"A: b\r\n\r\nbody\r\n\r\nmore"), Some(8));
        assert_eq!(header_end(b"\r\nbody\r\n\r\n"), Some(2));
        assert_eq!(header_end(b"A: b\r\nC: d\r\n"), None);
        assert_eq!(header_end(b""), None);
        assert_eq!(fields_end(b"A: b\r\n\r\nbody"), 6);
        assert_eq!(fields_end(b"\r\nbody"), 0);
        assert_eq!(fields_end(b"A: b\r\n"), 6);
        assert_eq!(
            split_header(b"A: b\r\n\r\nx"),
            (&b"A: b\r\n\r\n"[..], &b"x"[..])
        );
        assert_eq!(split_header(b"A: b"), (&b"A: b"[..], &b""[..]));
    }

    #[test]
    fn raw_fields_are_unfolded() {
        let h = b"Content-ID:\r\n <a@b>\r\nX: y\r\n\r\n";
        assert_eq!(field_value(h, "content-id").as_deref(), Some("<a@b>"));
        assert_eq!(field_value(h, "Content-Location"), None);
    }

    #[test]
    fn the_written_day_ignores_the_zone() {
        let m = b"Date: Thu, 26 Nov 2026 23:30:00 -0500\r\n\r\nx\r\n";
        assert_eq!(written_day(m), NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(written_day(b"Subject: x\r\n\r\n"), None);
    }
}
