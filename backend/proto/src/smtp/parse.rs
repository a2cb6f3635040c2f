//! Reading replies: lines in, a [`Reply`] out once its last line has come.

use std::fmt;

use super::reply::{EnhancedStatus, Reply};

/// The most lines [`ReplyParser::default`] takes in one reply. RFC 5321 sets no limit;
/// a server's EHLO reply has a few dozen at most.
pub const DEFAULT_MAX_LINES: usize = 256;

/// Why bytes were not an SMTP reply. The text of the `Display` form names the line,
/// cut to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyError {
    /// The line does not begin with a three-digit code from 200 to 599 (RFC 5321 §4.2).
    BadCode { line: String },
    /// The code is followed by neither a space, a hyphen nor the end of the line
    /// (RFC 5321 §4.2.1).
    BadSeparator { line: String },
    /// A line of a multi-line reply has another code than the first (RFC 5321 §4.2.1:
    /// every line carries the same code).
    CodeChanged { expected: u16, line: String },
    /// The reply has more lines than the parser takes.
    TooManyLines { max: usize },
    /// The bytes ended before the reply's last line ([`parse_reply`] only).
    Incomplete,
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::BadCode { line } | ReplyError::BadSeparator { line } => {
                write!(f, "malformed reply line {line:?}")
            }
            ReplyError::CodeChanged { line, .. } => {
                write!(f, "reply code changed within a reply: {line:?}")
            }
            ReplyError::TooManyLines { .. } => f.write_str("reply too long"),
            ReplyError::Incomplete => f.write_str("incomplete reply"),
        }
    }
}

impl std::error::Error for ReplyError {}

/// Accumulates the lines of one reply. After an error it starts afresh, but the
/// connection it read from can no longer be trusted.
#[derive(Debug)]
pub struct ReplyParser {
    code: Option<u16>,
    enhanced: Option<EnhancedStatus>,
    lines: Vec<String>,
    max_lines: usize,
}

impl Default for ReplyParser {
    fn default() -> Self {
        ReplyParser::new(DEFAULT_MAX_LINES)
    }
}

impl ReplyParser {
    /// A parser that refuses replies of more than `max_lines` lines.
    pub fn new(max_lines: usize) -> ReplyParser {
        ReplyParser {
            code: None,
            enhanced: None,
            lines: Vec::new(),
            max_lines,
        }
    }

    /// Adds one line (a trailing CRLF or LF is ignored); returns the reply when this was
    /// its last line. Text that is not UTF-8 is read lossily.
    // RFC 5321 §4.2: `code-text` continues a reply, `code SP text` (or a bare code) ends it.
    pub fn push(&mut self, line: &[u8]) -> Result<Option<Reply>, ReplyError> {
        let result = self.push_line(line);
        if result.is_err() {
            *self = ReplyParser::new(self.max_lines);
        }
        result
    }

    fn push_line(&mut self, line: &[u8]) -> Result<Option<Reply>, ReplyError> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = String::from_utf8_lossy(line);
        let bytes = line.as_bytes();
        let code = match bytes.get(..3) {
            Some(&[a, b, c])
                if (b'2'..=b'5').contains(&a) && b.is_ascii_digit() && c.is_ascii_digit() =>
            {
                u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
            }
            _ => {
                return Err(ReplyError::BadCode {
                    line: shorten(&line),
                });
            }
        };
        if let Some(expected) = self.code.filter(|&c| c != code) {
            return Err(ReplyError::CodeChanged {
                expected,
                line: shorten(&line),
            });
        }
        let (last, text) = match bytes.get(3) {
            None => (true, ""),
            Some(b' ') => (true, &line[4..]),
            Some(b'-') => (false, &line[4..]),
            Some(_) => {
                return Err(ReplyError::BadSeparator {
                    line: shorten(&line),
                });
            }
        };
        if !last && self.lines.len() >= self.max_lines {
            return Err(ReplyError::TooManyLines {
                max: self.max_lines,
            });
        }
        self.code = Some(code);
        let text = match split_enhanced(code, text) {
            Some((enhanced, rest)) => {
                self.enhanced.get_or_insert(enhanced);
                rest
            }
            None => text,
        };
        self.lines.push(text.to_owned());
        if !last {
            return Ok(None);
        }
        self.code = None;
        Ok(Some(Reply::with_text(
            code,
            self.enhanced.take(),
            std::mem::take(&mut self.lines).join("\n"),
        )))
    }

    /// The lines of the unfinished reply so far.
    pub fn lines(&self) -> usize {
        self.lines.len()
    }
}

/// Reads one whole reply from `bytes`: lines ending in CRLF (or LF), the last of them
/// ending the reply. Bytes after it are ignored.
pub fn parse_reply(bytes: &[u8]) -> Result<Reply, ReplyError> {
    let mut parser = ReplyParser::default();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if !line.ends_with(b"\n") {
            break;
        }
        if let Some(reply) = parser.push(line)? {
            return Ok(reply);
        }
    }
    Err(ReplyError::Incomplete)
}

/// Splits `5.1.1 text` into the enhanced status code and the text, when the code's class
/// is the reply's. Exactly one space separates the two, as [`Reply::write`] writes them:
/// a space more belongs to the text, so a line whose text begins with a space reads back
/// the same after it is written.
// RFC 2034 §4: `status-code SP text`; RFC 3463 §2
fn split_enhanced(code: u16, text: &str) -> Option<(EnhancedStatus, &str)> {
    let end = text.find(' ').unwrap_or(text.len());
    let enhanced = EnhancedStatus::parse(&text[..end])?;
    let rest = &text[end..];
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    (u16::from(enhanced.class) == code / 100).then_some((enhanced, rest))
}

fn shorten(line: &str) -> String {
    match line.char_indices().nth(80) {
        Some((i, _)) => line[..i].to_owned(),
        None => line.to_owned(),
    }
}
