//! SMTP replies as the client reads them: multi-line replies joined into one [`Reply`]
//! with its enhanced status code split off, and the EHLO keywords a server offers. Pure:
//! the socket reading lives in the parent module.

use std::fmt;

/// One complete server reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code.
    pub code: u16,
    /// The enhanced status code (RFC 3463) from the first line, e.g. `"5.1.1"`, when the
    /// server sent one.
    pub enhanced: Option<String>,
    /// The text, lines joined with `\n`, each without its code and enhanced status code.
    pub text: String,
}

impl Reply {
    /// Returns `true` if and only if the code is 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// Returns `true` if and only if the code is 5xx: the same command will fail again.
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }

    /// The enhanced status code to report: the server's own, or the class default derived
    /// from the reply code (`2.0.0`, `4.0.0`, `5.0.0`).
    pub fn status(&self) -> String {
        match &self.enhanced {
            Some(code) => code.clone(),
            None => format!("{}.0.0", self.code / 100),
        }
    }
}

/// `550 5.1.1 no such user` (lines joined with a space): the form notifications quote.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(code) = &self.enhanced {
            write!(f, " {code}")?;
        }
        for (i, line) in self.text.split('\n').enumerate() {
            if i == 0 && line.is_empty() {
                continue;
            }
            write!(f, " {line}")?;
        }
        Ok(())
    }
}

/// Accumulates the lines of one reply.
#[derive(Debug, Default)]
pub(crate) struct ReplyBuilder {
    code: Option<u16>,
    enhanced: Option<String>,
    lines: Vec<String>,
}

impl ReplyBuilder {
    /// Adds one line (without CRLF); returns the reply when this was its last line.
    // RFC 5321 §4.2: `code-text` continues a reply, `code SP text` (or a bare code) ends it.
    pub(crate) fn push(&mut self, line: &str) -> Result<Option<Reply>, String> {
        let bytes = line.as_bytes();
        let code = match bytes.get(..3) {
            Some(digits)
                if digits.iter().all(u8::is_ascii_digit) && (b'2'..=b'5').contains(&digits[0]) =>
            {
                u16::from(digits[0] - b'0') * 100
                    + u16::from(digits[1] - b'0') * 10
                    + u16::from(digits[2] - b'0')
            }
            _ => return Err(format!("malformed reply line {:?}", shorten(line))),
        };
        if self.code.is_some_and(|c| c != code) {
            return Err(format!(
                "reply code changed within a reply: {:?}",
                shorten(line)
            ));
        }
        self.code = Some(code);
        let (last, text) = match bytes.get(3) {
            None => (true, ""),
            Some(b' ') => (true, &line[4..]),
            Some(b'-') => (false, &line[4..]),
            Some(_) => return Err(format!("malformed reply line {:?}", shorten(line))),
        };
        let text = match split_enhanced(code, text) {
            Some((enhanced, rest)) => {
                if self.enhanced.is_none() {
                    self.enhanced = Some(enhanced.to_owned());
                }
                rest
            }
            None => text,
        };
        self.lines.push(text.to_owned());
        if !last {
            return Ok(None);
        }
        Ok(Some(Reply {
            code,
            enhanced: self.enhanced.take(),
            text: std::mem::take(&mut self.lines).join("\n"),
        }))
    }

    pub(crate) fn lines(&self) -> usize {
        self.lines.len()
    }
}

/// Splits `5.1.1 text` into the enhanced status code and the text, when the code's class
/// matches the reply's.
// RFC 3463 §2, RFC 2034 §4
fn split_enhanced(code: u16, text: &str) -> Option<(&str, &str)> {
    let end = text.find(' ').unwrap_or(text.len());
    let candidate = &text[..end];
    let mut parts = candidate.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || class != (code / 100).to_string()
        || !digits(subject, 3)
        || !digits(detail, 3)
    {
        return None;
    }
    Some((candidate, text[end..].trim_start()))
}

fn shorten(line: &str) -> &str {
    match line.char_indices().nth(80) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// What a server offers in its EHLO reply (the keywords Osprey uses).
// RFC 5321 §4.1.1.1
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `true` after a successful EHLO; `false` after the HELO fallback (nothing offered).
    pub esmtp: bool,
    // RFC 2920
    pub pipelining: bool,
    // RFC 3207
    pub starttls: bool,
    /// `SIZE`: `Some(0)` when offered without a limit. RFC 1870
    pub size: Option<u64>,
    // RFC 6152
    pub eight_bit_mime: bool,
    // RFC 6531
    pub smtputf8: bool,
    // RFC 2034
    pub enhanced_status_codes: bool,
    /// `AUTH` mechanisms, upper case. RFC 4954
    pub auth: Vec<String>,
}

impl Capabilities {
    /// Reads the keywords of an EHLO reply (every line after the first).
    pub fn from_ehlo(reply: &Reply) -> Capabilities {
        let mut caps = Capabilities {
            esmtp: true,
            ..Capabilities::default()
        };
        for line in reply.text.split('\n').skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            match keyword.to_ascii_uppercase().as_str() {
                "PIPELINING" => caps.pipelining = true,
                "STARTTLS" => caps.starttls = true,
                "SIZE" => caps.size = Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
                "8BITMIME" => caps.eight_bit_mime = true,
                "SMTPUTF8" => caps.smtputf8 = true,
                "ENHANCEDSTATUSCODES" => caps.enhanced_status_codes = true,
                "AUTH" => caps.auth.extend(words.map(|m| m.to_ascii_uppercase())),
                _ => {}
            }
        }
        caps
    }
}
