//! POP3 wire format: the command parser and the response writers.
//!
//! Owns the syntax of RFC 1939 commands and replies, the extension mechanism and
//! response codes of RFC 2449 and RFC 3206, STLS (RFC 2595 §4), AUTH (RFC 5034) and
//! UTF8 (RFC 6856). It knows nothing of sessions or states: the caller decides which
//! command is allowed when. Every function takes bytes or values and never panics.

use std::fmt;

/// The longest command line accepted, in bytes including CRLF. RFC 2449 §4 sets 255,
/// but an AUTH initial response (RFC 5034 §4) can be much longer.
pub const MAX_COMMAND_LINE: usize = 1024;

/// The longest argument accepted, RFC 2449 §4. Not applied to PASS (whose argument is
/// the rest of the line) nor to the AUTH initial response.
pub const MAX_ARG_LEN: usize = 40;

/// Longest user name of USER and APOP. Deliberately above RFC 2449 §4's 40: the login is
/// the full address, and addresses run up to 254 characters (RFC 5321 §4.5.3.1.3).
pub const MAX_NAME_LEN: usize = 255;

/// One parsed POP3 command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `USER name`, RFC 1939 §7.
    User(String),
    /// `PASS string`, RFC 1939 §7: the rest of the line, spaces included.
    Pass(String),
    /// `APOP name digest`, RFC 1939 §7. The digest is lower-cased by the parser so it can
    /// be compared byte for byte with [`crate::sasl::apop_digest`].
    Apop { name: String, digest: String },
    /// `AUTH [mechanism [initial-response]]`, RFC 5034 §4. A bare `AUTH` asks for the
    /// list of mechanisms (the RFC 1734 usage). The mechanism is upper-cased.
    Auth {
        mechanism: Option<String>,
        initial_response: Option<String>,
    },
    /// `CAPA`, RFC 2449 §5.
    Capa,
    /// `STLS`, RFC 2595 §4.
    Stls,
    /// `UTF8`, RFC 6856 §2.
    Utf8,
    /// `QUIT`, RFC 1939 §6 and §5.
    Quit,
    /// `STAT`, RFC 1939 §5.
    Stat,
    /// `LIST [msg]`, RFC 1939 §5.
    List(Option<u32>),
    /// `RETR msg`, RFC 1939 §5.
    Retr(u32),
    /// `DELE msg`, RFC 1939 §5.
    Dele(u32),
    /// `NOOP`, RFC 1939 §5.
    Noop,
    /// `RSET`, RFC 1939 §5.
    Rset,
    /// `TOP msg n`, RFC 1939 §7.
    Top { msg: u32, lines: u32 },
    /// `UIDL [msg]`, RFC 1939 §7.
    Uidl(Option<u32>),
}

/// A command line that could not be parsed. `message` is the text for `-ERR <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses one command line. `line` is the line WITHOUT the trailing CRLF (the caller
/// strips `"\r\n"` or a bare `"\n"`).
///
/// Keywords are case-insensitive (RFC 1939 §3); arguments are separated by single
/// spaces; message numbers are decimal digits only (no sign), `0` included (the session
/// answers "no such message"). PASS takes the rest of the line verbatim (RFC 1939 §7).
/// Control characters are refused everywhere: arguments are printable (RFC 1939 §3).
pub fn parse_command(line: &[u8]) -> Result<Command, ParseError> {
    if line.is_empty() {
        return Err(ParseError::new("empty command"));
    }
    if line.len() > MAX_COMMAND_LINE - 2 {
        return Err(ParseError::new("command line too long"));
    }
    let Ok(line) = std::str::from_utf8(line) else {
        return Err(ParseError::new("command is not valid UTF-8"));
    };
    if line.chars().any(char::is_control) {
        return Err(ParseError::new("control character in command"));
    }
    let (keyword, rest) = match line.split_once(' ') {
        Some((k, r)) => (k, Some(r)),
        None => (line, None),
    };
    // RFC 1939 §3: keywords are three or four characters, case-insensitive.
    let keyword = keyword.to_ascii_uppercase();
    let name = keyword.as_str();

    if name == "PASS" {
        return match rest {
            Some(password) => Ok(Command::Pass(password.to_owned())),
            None => Err(ParseError::new("PASS requires a password")),
        };
    }

    // Some clients end commands with a space; tolerate trailing spaces (not for PASS,
    // above, where they may belong to the password).
    let rest = rest
        .map(|r| r.trim_end_matches(' '))
        .filter(|r| !r.is_empty());
    let args: Vec<&str> = match rest {
        None => Vec::new(),
        Some(rest) => rest.split(' ').collect(),
    };
    if args.iter().any(|a| a.is_empty()) {
        return Err(ParseError::new(format!(
            "{name}: arguments are separated by single spaces"
        )));
    }

    match name {
        "USER" => {
            let [user] = exact::<1>(name, &args)?;
            Ok(Command::User(user_name(name, user)?.to_owned()))
        }
        "APOP" => {
            let [user, digest] = exact::<2>(name, &args)?;
            Ok(Command::Apop {
                name: user_name(name, user)?.to_owned(),
                digest: short_arg(name, digest)?.to_ascii_lowercase(),
            })
        }
        "AUTH" => parse_auth(&args),
        "CAPA" => no_args(name, &args, Command::Capa),
        "STLS" => no_args(name, &args, Command::Stls),
        "UTF8" => no_args(name, &args, Command::Utf8),
        "QUIT" => no_args(name, &args, Command::Quit),
        "STAT" => no_args(name, &args, Command::Stat),
        "NOOP" => no_args(name, &args, Command::Noop),
        "RSET" => no_args(name, &args, Command::Rset),
        "LIST" => Ok(Command::List(optional_number(name, &args)?)),
        "UIDL" => Ok(Command::Uidl(optional_number(name, &args)?)),
        "RETR" => {
            let [msg] = exact::<1>(name, &args)?;
            Ok(Command::Retr(number(name, msg)?))
        }
        "DELE" => {
            let [msg] = exact::<1>(name, &args)?;
            Ok(Command::Dele(number(name, msg)?))
        }
        "TOP" => {
            let [msg, lines] = exact::<2>(name, &args)?;
            Ok(Command::Top {
                msg: number(name, msg)?,
                lines: number(name, lines)?,
            })
        }
        _ => Err(ParseError::new("unknown command")),
    }
}

/// `AUTH [mechanism [initial-response]]`, RFC 5034 §4.
fn parse_auth(args: &[&str]) -> Result<Command, ParseError> {
    match args {
        [] => Ok(Command::Auth {
            mechanism: None,
            initial_response: None,
        }),
        [mechanism] | [mechanism, _] => {
            // RFC 4422 §3.1: 1 to 20 characters of [A-Z0-9-_].
            let valid = (1..=20).contains(&mechanism.len())
                && mechanism
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid {
                return Err(ParseError::new("AUTH: invalid mechanism name"));
            }
            Ok(Command::Auth {
                mechanism: Some(mechanism.to_ascii_uppercase()),
                initial_response: args.get(1).map(|r| (*r).to_owned()),
            })
        }
        _ => Err(ParseError::new("AUTH takes at most two arguments")),
    }
}

fn exact<'a, const N: usize>(name: &str, args: &[&'a str]) -> Result<[&'a str; N], ParseError> {
    <[&str; N]>::try_from(args).map_err(|_| {
        let what = match N {
            1 => "one argument",
            2 => "two arguments",
            _ => "a different number of arguments",
        };
        ParseError::new(format!("{name} takes {what}"))
    })
}

fn no_args(name: &str, args: &[&str], command: Command) -> Result<Command, ParseError> {
    if args.is_empty() {
        Ok(command)
    } else {
        Err(ParseError::new(format!("{name} takes no arguments")))
    }
}

fn short_arg<'a>(name: &str, arg: &'a str) -> Result<&'a str, ParseError> {
    // RFC 2449 §4: arguments are at most 40 characters (counted here in bytes).
    if arg.len() > MAX_ARG_LEN {
        Err(ParseError::new(format!("{name}: argument too long")))
    } else {
        Ok(arg)
    }
}

fn user_name<'a>(name: &str, arg: &'a str) -> Result<&'a str, ParseError> {
    if arg.len() > MAX_NAME_LEN {
        Err(ParseError::new(format!("{name}: user name too long")))
    } else {
        Ok(arg)
    }
}

fn optional_number(name: &str, args: &[&str]) -> Result<Option<u32>, ParseError> {
    match args {
        [] => Ok(None),
        [msg] => number(name, msg).map(Some),
        _ => Err(ParseError::new(format!(
            "{name} takes at most one argument"
        ))),
    }
}

/// A message number or line count: decimal digits only, no sign (RFC 1939 §3).
fn number(name: &str, arg: &str) -> Result<u32, ParseError> {
    let arg = short_arg(name, arg)?;
    if arg.is_empty() || !arg.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(format!("{name}: invalid number")));
    }
    arg.parse::<u32>()
        .map_err(|_| ParseError::new(format!("{name}: number out of range")))
}

/// Response codes, RFC 2449 §8 (IN-USE, LOGIN-DELAY), RFC 3206 (SYS/TEMP, SYS/PERM,
/// AUTH) and RFC 6856 (UTF8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RespCode {
    InUse,
    LoginDelay,
    SysTemp,
    SysPerm,
    Auth,
    Utf8,
}

impl RespCode {
    /// The code as written inside the brackets.
    pub fn as_str(self) -> &'static str {
        match self {
            RespCode::InUse => "IN-USE",
            RespCode::LoginDelay => "LOGIN-DELAY",
            RespCode::SysTemp => "SYS/TEMP",
            RespCode::SysPerm => "SYS/PERM",
            RespCode::Auth => "AUTH",
            RespCode::Utf8 => "UTF8",
        }
    }
}

impl fmt::Display for RespCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.as_str())
    }
}

/// Appends text to a status line, with CR and LF replaced by spaces so the text can
/// never end the line early.
fn push_text(out: &mut Vec<u8>, text: &str) {
    out.extend(
        text.bytes()
            .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
}

/// Appends `+OK text\r\n` (`+OK\r\n` when `text` is empty), RFC 1939 §3.
pub fn ok(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(b"+OK");
    if !text.is_empty() {
        out.push(b' ');
        push_text(out, text);
    }
    out.extend_from_slice(b"\r\n");
}

/// Appends `-ERR [CODE] text\r\n`, RFC 1939 §3 with the response code of RFC 2449 §3.
pub fn err(out: &mut Vec<u8>, code: Option<RespCode>, text: &str) {
    out.extend_from_slice(b"-ERR");
    if let Some(code) = code {
        out.extend_from_slice(b" [");
        out.extend_from_slice(code.as_str().as_bytes());
        out.push(b']');
    }
    if !text.is_empty() {
        out.push(b' ');
        push_text(out, text);
    }
    out.extend_from_slice(b"\r\n");
}

/// Splits `message` into lines whatever their ending (CRLF, bare LF or bare CR). The
/// last line is yielded only when it is not empty (a message ending with a line break
/// has no extra empty line).
fn lines(message: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = message;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
            None => {
                let line = rest;
                rest = &[];
                Some(line)
            }
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[i + skip..];
                Some(line)
            }
        }
    })
}

/// Appends `message` as a multi-line body, RFC 1939 §3: line endings become CRLF (a
/// bare LF or bare CR counts as one line ending), a line starting with `.` gets one more
/// `.`, a last line without ending gets CRLF, and `.\r\n` closes the body. An empty
/// message is just `.\r\n`.
///
/// `max_body_lines`: `None` writes the whole message; `Some(n)` writes the headers, the
/// blank line and at most `n` body lines (TOP, RFC 1939 §7). A message without a blank
/// line is all headers.
pub fn write_multiline(out: &mut Vec<u8>, message: &[u8], max_body_lines: Option<u32>) {
    out.reserve(message.len() + message.len() / 32 + 5);
    let mut in_headers = true;
    let mut body_lines: u32 = 0;
    for line in lines(message) {
        if !in_headers {
            if max_body_lines.is_some_and(|max| body_lines >= max) {
                break;
            }
            body_lines += 1;
        } else if line.is_empty() {
            in_headers = false;
        }
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
}

/// The size of `message` as POP3 reports it in STAT and LIST (RFC 1939 §5): its length
/// with every line ending (CRLF, bare LF, bare CR) counted as CRLF, before dot-stuffing.
/// A last line without ending is counted as it is.
pub fn octet_count(message: &[u8]) -> u64 {
    let mut count: u64 = 0;
    let mut i = 0;
    while i < message.len() {
        match message[i] {
            b'\r' if message.get(i + 1) == Some(&b'\n') => {
                count += 2;
                i += 2;
            }
            b'\r' | b'\n' => {
                count += 2;
                i += 1;
            }
            _ => {
                count += 1;
                i += 1;
            }
        }
    }
    count
}

/// The EXPIRE capability's value, RFC 2449 §6.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expire {
    Never,
    Days(u32),
}

/// The parts of the CAPA answer (RFC 2449 §5), chosen by the session for its state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// USER/PASS offered (RFC 2449 §6.2).
    pub user: bool,
    /// STLS offered (RFC 2595 §4).
    pub stls: bool,
    /// SASL mechanisms offered (RFC 5034 §3); no SASL line when empty.
    pub sasl: Vec<&'static str>,
    /// EXPIRE (RFC 2449 §6.7).
    pub expire: Option<Expire>,
    /// LOGIN-DELAY in seconds (RFC 2449 §6.5).
    pub login_delay_secs: Option<u64>,
    /// `UTF8 USER` (RFC 6856 §2).
    pub utf8: bool,
    /// IMPLEMENTATION text (RFC 2449 §6.9); no line when empty.
    pub implementation: String,
}

/// Appends the CAPA answer, RFC 2449 §5: `+OK Capability list follows`, one capability
/// per line, then `.`.
pub fn write_capa(out: &mut Vec<u8>, caps: &Capabilities) {
    ok(out, "Capability list follows");
    let mut line = |text: &str| {
        push_text(out, text);
        out.extend_from_slice(b"\r\n");
    };
    // RFC 2449 §6.1 TOP, §6.8 UIDL, §6.4 RESP-CODES, §6.6 PIPELINING; AUTH-RESP-CODE is RFC 3206
    line("TOP");
    line("UIDL");
    line("RESP-CODES");
    line("AUTH-RESP-CODE");
    line("PIPELINING");
    if caps.user {
        line("USER");
    }
    if caps.stls {
        line("STLS");
    }
    if !caps.sasl.is_empty() {
        line(&format!("SASL {}", caps.sasl.join(" ")));
    }
    match caps.expire {
        Some(Expire::Never) => line("EXPIRE NEVER"),
        Some(Expire::Days(days)) => line(&format!("EXPIRE {days}")),
        None => {}
    }
    if let Some(secs) = caps.login_delay_secs {
        line(&format!("LOGIN-DELAY {secs}"));
    }
    if caps.utf8 {
        line("UTF8 USER");
    }
    if !caps.implementation.is_empty() {
        line(&format!("IMPLEMENTATION {}", caps.implementation));
    }
    out.extend_from_slice(b".\r\n");
}
