//! The Sieve lexer (RFC 5228 §2): identifiers, tags, numbers with `K`/`M`/`G`, quoted
//! and multi-line (`text:`) strings, punctuation; comments skipped, hash comments kept
//! aside with their positions (Roundcube's `# rule:[name]` and `if false # ...` live in
//! them).
//!
//! Every position is a 1-based line and column (in characters); every malformed input is
//! an error, never a panic.

use super::SieveError;

/// A token's kind and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier (a command or test name).
    Ident(String),
    /// A tagged argument, without its colon, in lower case.
    Tag(String),
    /// A number, its quantifier applied.
    Num(u64),
    /// A quoted or multi-line string, unescaped.
    Str(String),
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Its line.
    pub line: u32,
    /// Its column.
    pub col: u32,
}

/// A `#` comment: its text after the `#`, and where the `#` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text, without `#` and the line break.
    pub text: String,
    /// Its line.
    pub line: u32,
    /// Its column.
    pub col: u32,
}

struct Lexer<'s> {
    chars: std::iter::Peekable<std::str::Chars<'s>>,
    line: u32,
    col: u32,
}

impl Lexer<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    fn error(&self, line: u32, col: u32, message: impl Into<String>) -> SieveError {
        SieveError::new(line, col, message)
    }
}

/// Splits a script into tokens and hash comments.
pub fn lex(src: &str) -> Result<(Vec<Token>, Vec<Comment>), SieveError> {
    let mut lx = Lexer {
        chars: src.chars().peekable(),
        line: 1,
        col: 1,
    };
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    while let Some(c) = lx.peek() {
        let (line, col) = (lx.line, lx.col);
        let tok = match c {
            ' ' | '\t' | '\r' | '\n' => {
                lx.bump();
                continue;
            }
            '#' => {
                lx.bump();
                let mut text = String::new();
                while let Some(c) = lx.peek() {
                    if c == '\n' {
                        break;
                    }
                    lx.bump();
                    text.push(c);
                }
                comments.push(Comment {
                    text: text.trim_end_matches('\r').to_owned(),
                    line,
                    col,
                });
                continue;
            }
            '/' => {
                lx.bump();
                if lx.peek() != Some('*') {
                    return Err(lx.error(line, col, "unexpected '/'"));
                }
                lx.bump();
                let mut prev = '\0';
                loop {
                    match lx.bump() {
                        None => return Err(lx.error(line, col, "unterminated /* comment")),
                        Some('/') if prev == '*' => break,
                        Some(c) => prev = c,
                    }
                }
                continue;
            }
            '"' => {
                lx.bump();
                Tok::Str(quoted(&mut lx, line, col)?)
            }
            '[' | ']' | '(' | ')' | ',' | ';' | '{' | '}' => {
                lx.bump();
                match c {
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    ';' => Tok::Semi,
                    '{' => Tok::LBrace,
                    _ => Tok::RBrace,
                }
            }
            ':' => {
                lx.bump();
                let name = identifier(&mut lx);
                if name.is_empty() {
                    return Err(lx.error(line, col, "a ':' must start a tag"));
                }
                Tok::Tag(name.to_ascii_lowercase())
            }
            '0'..='9' => Tok::Num(number(&mut lx, line, col)?),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let name = identifier(&mut lx);
                if name.eq_ignore_ascii_case("text") && lx.peek() == Some(':') {
                    lx.bump();
                    Tok::Str(multiline(&mut lx, line, col)?)
                } else {
                    Tok::Ident(name.to_ascii_lowercase())
                }
            }
            other => return Err(lx.error(line, col, format!("unexpected character {other:?}"))),
        };
        tokens.push(Token { tok, line, col });
    }
    Ok((tokens, comments))
}

fn identifier(lx: &mut Lexer<'_>) -> String {
    let mut s = String::new();
    while let Some(c) = lx.peek() {
        if c.is_ascii_alphanumeric() || c == '_' {
            s.push(c);
            lx.bump();
        } else {
            break;
        }
    }
    s
}

fn number(lx: &mut Lexer<'_>, line: u32, col: u32) -> Result<u64, SieveError> {
    let mut n: u64 = 0;
    while let Some(c) = lx.peek() {
        let Some(d) = c.to_digit(10) else { break };
        lx.bump();
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d)))
            .ok_or_else(|| lx.error(line, col, "number too large"))?;
    }
    // RFC 5228 §2.4.1: ""K" specifies kibi-, or 1,024 (2^10) times the value of the
    // number; "M" specifies mebi-, or 1,048,576 (2^20) times the value of the number;
    // and "G" specifies gibi-, or 1,073,741,824 (2^30) times the value of the number".
    let shift = match lx.peek() {
        Some('k' | 'K') => 10,
        Some('m' | 'M') => 20,
        Some('g' | 'G') => 30,
        _ => 0,
    };
    if shift > 0 {
        lx.bump();
        n = n
            .checked_mul(1 << shift)
            .ok_or_else(|| lx.error(line, col, "number too large"))?;
    }
    Ok(n)
}

fn quoted(lx: &mut Lexer<'_>, line: u32, col: u32) -> Result<String, SieveError> {
    let mut s = String::new();
    loop {
        match lx.bump() {
            None => return Err(lx.error(line, col, "unterminated string")),
            Some('"') => return Ok(s),
            // RFC 5228 §2.4.2: "\\" is a backslash and "\"" a double quote; a
            // backslash before any other character is dropped.
            Some('\\') => match lx.bump() {
                None => return Err(lx.error(line, col, "unterminated string")),
                Some(c) => s.push(c),
            },
            Some(c) => s.push(c),
        }
    }
}

fn multiline(lx: &mut Lexer<'_>, line: u32, col: u32) -> Result<String, SieveError> {
    // `text:` then optional white space or a hash comment, then the line break.
    loop {
        match lx.bump() {
            Some(' ' | '\t' | '\r') => {}
            Some('\n') => break,
            Some('#') => {
                while let Some(c) = lx.bump() {
                    if c == '\n' {
                        break;
                    }
                }
                break;
            }
            _ => return Err(lx.error(line, col, "text: must be followed by a line break")),
        }
    }
    let mut out = String::new();
    loop {
        let mut current = String::new();
        let mut ended = false;
        while let Some(c) = lx.bump() {
            if c == '\n' {
                ended = true;
                break;
            }
            current.push(c);
        }
        let current = current.strip_suffix('\r').unwrap_or(&current);
        if current == "." {
            return Ok(out);
        }
        if !ended {
            return Err(lx.error(
                line,
                col,
                "unterminated text: string (no line with a single '.')",
            ));
        }
        // RFC 5228 §2.4.2: a line starting with "." has it doubled (dot-stuffing).
        out.push_str(
            current
                .strip_prefix('.')
                .filter(|_| current.starts_with(".."))
                .unwrap_or(current),
        );
        out.push('\n');
    }
}
