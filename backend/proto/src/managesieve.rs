//! ManageSieve wire format (RFC 5804): the command reader's tokenizer, the command
//! parser, and the response writers.
//!
//! A command is one or more lines: a line ending in a literal announcement (`{n+}` or
//! `{n}`) is followed by `n` octets and the command's next line (§4, `literal-c2s`).
//! The session reads a line, hands it to [`tokenize`], reads the literal it announces
//! (if any) and goes on, then gives the tokens to [`parse_command`]. Strings are UTF-8
//! (§1.3, `string`), quoted strings at most [`MAX_QUOTED`] octets (§4,
//! `quoted`). Nothing here panics on input.

use std::fmt;

/// The longest command line accepted (literals are read apart), in octets.
pub const MAX_LINE: usize = 8 * 1024;

/// The longest quoted string, in octets: RFC 5804 §4 `quoted = DQUOTE
/// *1024QUOTED-CHAR DQUOTE`.
pub const MAX_QUOTED: usize = 1024;

/// A token of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A command name or other atom, as sent.
    Atom(String),
    /// A quoted string or a literal.
    Str(String),
    /// A number (HAVESPACE's size).
    Number(u64),
}

/// A literal a line announced at its end: `n` octets follow (§4 `literal-c2s`;
/// `{n}` is taken as `{n+}`: the server never asks the client to go on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal(pub u64);

/// What is wrong with a command; the text goes into the `NO` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(text: impl Into<String>) -> SyntaxError {
    SyntaxError(text.into())
}

/// Reads the tokens of one line (without its CRLF) into `out`; returns the literal the
/// line announces at its end, whose octets are the next token.
pub fn tokenize(line: &[u8], out: &mut Vec<Token>) -> Result<Option<Literal>, SyntaxError> {
    let mut i = 0;
    loop {
        while i < line.len() && line[i] == b' ' {
            i += 1;
        }
        let Some(&c) = line.get(i) else {
            return Ok(None);
        };
        match c {
            b'"' => {
                let (s, next) = quoted(line, i + 1)?;
                out.push(Token::Str(s));
                i = next;
            }
            b'{' => {
                let close = line[i..]
                    .iter()
                    .position(|&b| b == b'}')
                    .ok_or_else(|| err("a literal announcement has no closing brace"))?
                    + i;
                if close + 1 != line.len() {
                    return Err(err("a literal announcement must end the line"));
                }
                let inner = &line[i + 1..close];
                let digits = inner.strip_suffix(b"+").unwrap_or(inner);
                return Ok(Some(Literal(number(digits).ok_or_else(|| {
                    err("a literal announcement needs a number of octets")
                })?)));
            }
            _ => {
                let end = line[i..]
                    .iter()
                    .position(|&b| b == b' ')
                    .map_or(line.len(), |p| p + i);
                let word = &line[i..end];
                if word.iter().all(u8::is_ascii_digit) {
                    out.push(Token::Number(
                        number(word).ok_or_else(|| err("a number is too large"))?,
                    ));
                } else if word.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
                    out.push(Token::Atom(String::from_utf8_lossy(word).into_owned()));
                } else {
                    return Err(err("expected a command name, a string or a number"));
                }
                i = end;
            }
        }
    }
}

fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The quoted string starting after the opening quote at `start`: its text and the
/// index after the closing quote.
fn quoted(line: &[u8], start: usize) -> Result<(String, usize), SyntaxError> {
    let mut s = Vec::new();
    let mut i = start;
    loop {
        match line.get(i) {
            None => return Err(err("a quoted string has no closing quote")),
            Some(b'"') => break,
            Some(b'\\') => match line.get(i + 1) {
                Some(&q @ (b'"' | b'\\')) => {
                    s.push(q);
                    i += 2;
                }
                _ => return Err(err("only \\\" and \\\\ may be escaped in a quoted string")),
            },
            Some(&b) => {
                s.push(b);
                i += 1;
            }
        }
        if s.len() > MAX_QUOTED {
            return Err(err(
                "a quoted string has at most 1024 octets; send a literal",
            ));
        }
    }
    Ok((utf8(s)?, i + 1))
}

/// A literal's octets as a string token.
pub fn literal_token(octets: Vec<u8>) -> Result<Token, SyntaxError> {
    Ok(Token::Str(utf8(octets)?))
}

fn utf8(bytes: Vec<u8>) -> Result<String, SyntaxError> {
    String::from_utf8(bytes).map_err(|_| err("strings must be UTF-8"))
}

/// One ManageSieve command (RFC 5804 §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// §2.1: the mechanism (upper-cased) and the initial response, still base64.
    Authenticate {
        mechanism: String,
        initial: Option<String>,
    },
    /// §2.2
    StartTls,
    /// §2.3
    Logout,
    /// §2.4
    Capability,
    /// §2.5
    HaveSpace { name: String, size: u64 },
    /// §2.6
    PutScript { name: String, script: String },
    /// §2.7
    ListScripts,
    /// §2.8; an empty name makes no script active.
    SetActive(String),
    /// §2.9
    GetScript(String),
    /// §2.10
    DeleteScript(String),
    /// §2.11
    RenameScript { from: String, to: String },
    /// §2.12
    CheckScript(String),
    /// §2.13, with the optional tag echoed in a `TAG` response code.
    Noop(Option<String>),
    /// RFC 5804 §2.14.1
    Unauthenticate,
}

/// The command the tokens of a whole command make.
pub fn parse_command(tokens: Vec<Token>) -> Result<Command, SyntaxError> {
    let mut it = tokens.into_iter();
    let name = match it.next() {
        Some(Token::Atom(a)) => a.to_ascii_uppercase(),
        Some(_) => return Err(err("a command starts with its name")),
        None => return Err(err("empty command")),
    };
    let args: Vec<Token> = it.collect();
    let s = |i: usize, what: &str| match args.get(i) {
        Some(Token::Str(s)) => Ok(s.clone()),
        _ => Err(err(format!("{name} expects {what} as a string"))),
    };
    let count = |n: std::ops::RangeInclusive<usize>| {
        if n.contains(&args.len()) {
            Ok(())
        } else {
            Err(err(format!("wrong number of arguments for {name}")))
        }
    };
    let cmd = match name.as_str() {
        "AUTHENTICATE" => {
            count(1..=2)?;
            let initial = if args.len() == 2 {
                Some(s(1, "the initial response")?)
            } else {
                None
            };
            Command::Authenticate {
                mechanism: s(0, "the mechanism")?.to_ascii_uppercase(),
                initial,
            }
        }
        "STARTTLS" => count(0..=0).map(|()| Command::StartTls)?,
        "LOGOUT" => count(0..=0).map(|()| Command::Logout)?,
        "CAPABILITY" => count(0..=0).map(|()| Command::Capability)?,
        "LISTSCRIPTS" => count(0..=0).map(|()| Command::ListScripts)?,
        "UNAUTHENTICATE" => count(0..=0).map(|()| Command::Unauthenticate)?,
        "HAVESPACE" => {
            count(2..=2)?;
            let Some(Token::Number(size)) = args.get(1) else {
                return Err(err("HAVESPACE expects the size as a number"));
            };
            Command::HaveSpace {
                name: s(0, "the script name")?,
                size: *size,
            }
        }
        "PUTSCRIPT" => {
            count(2..=2)?;
            Command::PutScript {
                name: s(0, "the script name")?,
                script: s(1, "the script")?,
            }
        }
        "SETACTIVE" => {
            count(1..=1).and_then(|()| s(0, "the script name").map(Command::SetActive))?
        }
        "GETSCRIPT" => {
            count(1..=1).and_then(|()| s(0, "the script name").map(Command::GetScript))?
        }
        "DELETESCRIPT" => {
            count(1..=1).and_then(|()| s(0, "the script name").map(Command::DeleteScript))?
        }
        "RENAMESCRIPT" => {
            count(2..=2)?;
            Command::RenameScript {
                from: s(0, "the old name")?,
                to: s(1, "the new name")?,
            }
        }
        "CHECKSCRIPT" => {
            count(1..=1).and_then(|()| s(0, "the script").map(Command::CheckScript))?
        }
        "NOOP" => {
            count(0..=1)?;
            Command::Noop(if args.is_empty() {
                None
            } else {
                Some(s(0, "the tag")?)
            })
        }
        _ => return Err(err(format!("unknown command {name}"))),
    };
    Ok(cmd)
}

/// Writes `s` as a string (§4 `string`): quoted when it is short and has no line
/// break, a literal otherwise.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    if s.len() <= MAX_QUOTED && !s.contains(['\r', '\n', '\0']) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        write_literal(out, s.as_bytes());
    }
}

/// Writes a literal (§4 `literal-s2c`): `{n}` CRLF and the octets.
pub fn write_literal(out: &mut Vec<u8>, octets: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", octets.len()).as_bytes());
    out.extend_from_slice(octets);
}

/// A response code (§1.3): its name and, for `TAG` and `SASL`, a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code<'a> {
    Plain(&'static str),
    WithString(&'static str, &'a str),
}

/// Writes `OK`, `NO` or `BYE` with an optional response code and text, and CRLF.
pub fn write_response(out: &mut Vec<u8>, kind: &str, code: Option<Code<'_>>, text: &str) {
    out.extend_from_slice(kind.as_bytes());
    match code {
        Some(Code::Plain(name)) => {
            out.extend_from_slice(b" (");
            out.extend_from_slice(name.as_bytes());
            out.push(b')');
        }
        Some(Code::WithString(name, s)) => {
            out.extend_from_slice(b" (");
            out.extend_from_slice(name.as_bytes());
            out.push(b' ');
            write_string(out, s);
            out.push(b')');
        }
        None => {}
    }
    if !text.is_empty() {
        out.push(b' ');
        write_string(out, text);
    }
    out.extend_from_slice(b"\r\n");
}
