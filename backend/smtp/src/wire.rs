//! What the session reads off the wire, without the session: one command line parsed
//! into a request (smtp-proto, plus the cases it reads wrongly), and the DATA body
//! gathered line by line. Pure functions, fuzzed (`backend/fuzz`).

use osprey_proto::smtp::{Reply, replies};
use smtp_proto::{Error as ParseError, Request};

/// Longest line inside DATA. RFC 5321 §4.5.3.1.6 allows 1000; real mail has longer.
pub const MAX_DATA_LINE: usize = 64 * 1024;

/// Parses one command line (without its CRLF). `max_message_size` decides a SIZE=
/// parameter too large for the parser's numbers: still a number, and over the limit.
pub fn parse_command(line: &[u8], max_message_size: u64) -> Result<Request<String>, Reply> {
    let mut bytes = Vec::with_capacity(line.len() + 2);
    bytes.extend_from_slice(line);
    bytes.extend_from_slice(b"\r\n");
    let request = match Request::parse(&mut bytes.iter()) {
        Ok(r) => r.into_owned(),
        // RFC 1870 §6: 552, not a syntax error.
        Err(ParseError::InvalidParameter { param: "SIZE" })
            if declared_size(line).is_some_and(|n| n > max_message_size) =>
        {
            return Err(replies::MESSAGE_TOO_BIG);
        }
        Err(e) => return Err(parse_error(e)),
    };
    // RFC 5321 §4.1.1.3: "RCPT TO:<Postmaster>" has no domain, and must be taken; the
    // parser reads it as an empty address.
    Ok(match request {
        Request::Rcpt { mut to } if to.address.is_empty() && bare_postmaster(line) => {
            to.address = "Postmaster".to_owned();
            Request::Rcpt { to }
        }
        r => r,
    })
}

/// Returns `true` if and only if `line` is `RCPT TO:<Postmaster>` (any case, no
/// parameters).
fn bare_postmaster(line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(line);
    let Some((verb, rest)) = line.split_once(':') else {
        return false;
    };
    verb.trim().eq_ignore_ascii_case("RCPT TO") && rest.trim().eq_ignore_ascii_case("<postmaster>")
}

/// The reply for a line smtp-proto could not parse (RFC 5321 §4.2.4, RFC 3463).
fn parse_error(e: ParseError) -> Reply {
    match e {
        ParseError::UnknownCommand => replies::COMMAND_UNRECOGNIZED,
        ParseError::InvalidSenderAddress => replies::BAD_SENDER_SYNTAX,
        ParseError::InvalidRecipientAddress => replies::BAD_RECIPIENT_SYNTAX,
        ParseError::SyntaxError { syntax } => replies::syntax(syntax),
        ParseError::InvalidParameter { param } => replies::invalid_parameter(param),
        ParseError::UnsupportedParameter { param } => replies::unsupported_parameter(&param),
        _ => replies::SYNTAX_ERROR,
    }
}

/// The value of the `SIZE=` parameter of a MAIL command line, saturating at `u64::MAX`;
/// `None` when there is none or it is not a number (the parser refuses that with 501).
pub fn declared_size(line: &[u8]) -> Option<u64> {
    let params = &line[line.iter().rposition(|&b| b == b'>')? + 1..];
    params
        .split(|b| b.is_ascii_whitespace())
        .filter_map(|p| {
            let (name, value) = p.split_at(p.iter().position(|&b| b == b'=')?);
            name.eq_ignore_ascii_case(b"SIZE").then(|| &value[1..])
        })
        .find(|v| !v.is_empty() && v.iter().all(u8::is_ascii_digit))
        .map(|digits| {
            digits.iter().fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
        })
}

/// Why a DATA body is refused once its end arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataError {
    /// Over the message size limit (RFC 1870: 552).
    TooBig,
    /// A line was longer than [`MAX_DATA_LINE`] (RFC 5321 §4.5.3.1.6: 500).
    LineTooLong,
}

/// The body of a DATA command, gathered line by line (each without its CRLF): one
/// leading dot removed (RFC 5321 §4.5.2), lines joined with CRLF, the size kept under
/// `max`; the lone `.` ends it. Past the limit the rest is read and dropped, so the
/// answer comes after the end, in step with the client.
#[derive(Debug)]
pub struct DataReader {
    max: usize,
    message: Vec<u8>,
    too_big: bool,
    too_long_line: bool,
}

impl DataReader {
    pub fn new(max: usize) -> Self {
        Self {
            max,
            message: Vec::with_capacity(8 * 1024),
            too_big: false,
            too_long_line: false,
        }
    }

    /// Takes one line; returns `true` if it was the end (`.`).
    pub fn line(&mut self, line: &[u8]) -> bool {
        if line == b"." {
            return true;
        }
        let line = line.strip_prefix(b".").unwrap_or(line);
        if self.message.len() + line.len() + 2 > self.max {
            self.too_big = true;
            return false;
        }
        self.message.extend_from_slice(line);
        self.message.extend_from_slice(b"\r\n");
        false
    }

    /// Notes a line longer than [`MAX_DATA_LINE`] (not kept).
    pub fn line_too_long(&mut self) {
        self.too_long_line = true;
    }

    /// The body, or why it is refused.
    pub fn finish(self) -> Result<Vec<u8>, DataError> {
        if self.too_big {
            Err(DataError::TooBig)
        } else if self.too_long_line {
            Err(DataError::LineTooLong)
        } else {
            Ok(self.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_size_saturates_instead_of_wrapping() {
        assert_eq!(declared_size(b"MAIL FROM:<a@x> SIZE=100"), Some(100));
        assert_eq!(
            declared_size(b"MAIL FROM:<a@x> body=8bitmime size=7"),
            Some(7)
        );
        assert_eq!(
            declared_size(b"MAIL FROM:<a@x> SIZE=999999999999999999999"),
            Some(u64::MAX)
        );
        assert_eq!(declared_size(b"MAIL FROM:<a@x>"), None);
        assert_eq!(declared_size(b"MAIL FROM:<a@x> SIZE=abc"), None);
        assert_eq!(declared_size(b"MAIL FROM:<size=5@x>"), None);
    }

    #[test]
    fn data_lines_are_unstuffed_and_joined_and_the_limit_holds() {
        // RFC 5321 §4.5.2: "If the first character is a period and there are other
        // characters on the line, the first character is deleted."
        let mut r = DataReader::new(1000);
        for l in [&b"Subject: x"[..], b"", b"..dot", b".", b"after"] {
            if r.line(l) {
                break;
            }
        }
        assert_eq!(r.finish().unwrap(), b"Subject: x\r\n\r\n.dot\r\n");
        let mut r = DataReader::new(10);
        assert!(!r.line(b"0123456789"));
        assert!(r.line(b"."));
        assert_eq!(r.finish(), Err(DataError::TooBig));
    }

    #[test]
    fn a_bare_postmaster_recipient_is_read_as_postmaster() {
        let Ok(Request::Rcpt { to }) = parse_command(b"RCPT TO:<Postmaster>", 10) else {
            panic!("parsed");
        };
        assert_eq!(to.address, "Postmaster");
        // Twenty digits overflow the parser's number: still 552 (twenty-one wrap around
        // and parse; the MAIL handler reads those from the line).
        assert!(
            parse_command(b"MAIL FROM:<a@x> SIZE=99999999999999999999", 10)
                .is_err_and(|r| r.code == 552)
        );
    }
}
