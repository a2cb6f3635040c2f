//! SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 3463, RFC 2034).

/// One reply: code, enhanced code, text, and whether the session ends after it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub code: u16,
    pub enhanced: &'static str,
    pub text: String,
    pub close: bool,
}

impl Reply {
    pub fn new(code: u16, enhanced: &'static str, text: impl Into<String>) -> Reply {
        Reply {
            code,
            enhanced,
            text: text.into(),
            close: false,
        }
    }

    /// The same reply, ending the session.
    pub fn closing(mut self) -> Reply {
        self.close = true;
        self
    }

    /// Appends the reply; several lines of text become a multi-line reply (§4.2.1).
    pub fn write(&self, out: &mut Vec<u8>) {
        let lines: Vec<&str> = self.text.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            let line = line.replace('\r', " ");
            if self.enhanced.is_empty() {
                out.extend_from_slice(format!("{}{sep}{line}\r\n", self.code).as_bytes());
            } else {
                out.extend_from_slice(
                    format!("{}{sep}{} {line}\r\n", self.code, self.enhanced).as_bytes(),
                );
            }
        }
    }
}
