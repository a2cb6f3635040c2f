//! The reply value, its enhanced status code and the writer.

use std::{borrow::Cow, fmt};

/// An enhanced mail system status code, `class.subject.detail` (RFC 3463 §2), such as
/// `5.1.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedStatus {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    pub class: u8,
    /// 0 to 999.
    pub subject: u16,
    /// 0 to 999.
    pub detail: u16,
}

impl EnhancedStatus {
    pub const fn new(class: u8, subject: u16, detail: u16) -> EnhancedStatus {
        EnhancedStatus {
            class,
            subject,
            detail,
        }
    }

    /// Reads `class.subject.detail`: a class of 2, 4 or 5 and one to three digits in
    /// each other part (RFC 3463 §2). `None` for anything else.
    pub fn parse(s: &str) -> Option<EnhancedStatus> {
        let mut parts = s.split('.');
        let class = parts.next()?;
        let subject = parts.next()?;
        let detail = parts.next()?;
        if parts.next().is_some() || !matches!(class, "2" | "4" | "5") {
            return None;
        }
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
        };
        Some(EnhancedStatus {
            class: class.as_bytes()[0] - b'0',
            subject: number(subject)?,
            detail: number(detail)?,
        })
    }
}

impl fmt::Display for EnhancedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One SMTP reply: the code, the enhanced status code when there is one, and the text,
/// whose lines are joined with `\n`.
// RFC 5321 §4.2
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code, 200 to 599.
    pub code: u16,
    /// The enhanced status code (RFC 3463), written before the text of every line
    /// (RFC 2034 §4); read from the first line that has one.
    pub enhanced: Option<EnhancedStatus>,
    /// The text, lines joined with `\n`, each without its code and enhanced status code.
    pub text: Cow<'static, str>,
}

impl Reply {
    /// A reply with fixed text; what the named replies of [`super::replies`] are made of.
    pub const fn new(code: u16, enhanced: Option<EnhancedStatus>, text: &'static str) -> Reply {
        Reply {
            code,
            enhanced,
            text: Cow::Borrowed(text),
        }
    }

    /// A reply whose text is made at run time; `\n` separates its lines.
    pub fn with_text(code: u16, enhanced: Option<EnhancedStatus>, text: String) -> Reply {
        Reply {
            code,
            enhanced,
            text: Cow::Owned(text),
        }
    }

    /// The lines of the text: one for a single-line reply.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split('\n')
    }

    /// Returns `true` if and only if the code is 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// Returns `true` if and only if the code is 3xx: the server waits for more (the
    /// message after `354`, a SASL response after `334`).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }

    /// Returns `true` if and only if the code is 4xx: the same command may succeed later.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }

    /// Returns `true` if and only if the code is 5xx: the same command will fail again.
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }

    /// The enhanced status code to report: the reply's own, or the class default derived
    /// from the reply code (`2.0.0`, `4.0.0`, `5.0.0`; RFC 3463 §3.1).
    pub fn status(&self) -> EnhancedStatus {
        self.enhanced.unwrap_or(EnhancedStatus::new(
            u8::try_from(self.code / 100).unwrap_or(0),
            0,
            0,
        ))
    }

    /// Appends the reply: `code-text` for every line but the last, `code SP text` for the
    /// last (RFC 5321 §4.2.1), the enhanced status code after the code on each (RFC 2034
    /// §4). A CR in the text becomes a space, so the text can never end a line early.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut lines = self.lines().peekable();
        while let Some(line) = lines.next() {
            let separator = if lines.peek().is_some() { '-' } else { ' ' };
            out.extend_from_slice(format!("{}{separator}", self.code).as_bytes());
            if let Some(enhanced) = self.enhanced {
                out.extend_from_slice(format!("{enhanced} ").as_bytes());
            }
            out.extend(line.bytes().map(|b| if b == b'\r' { b' ' } else { b }));
            out.extend_from_slice(b"\r\n");
        }
    }

    /// The reply as it goes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 16);
        self.write(&mut out);
        out
    }
}

/// The reply on one line, its lines joined with a space: `550 5.1.1 no such user`. The
/// form logs and delivery reports quote.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(code) = &self.enhanced {
            write!(f, " {code}")?;
        }
        for (i, line) in self.lines().enumerate() {
            if i == 0 && line.is_empty() {
                continue;
            }
            write!(f, " {line}")?;
        }
        Ok(())
    }
}
