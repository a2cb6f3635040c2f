//! The stress bench's IMAP connection: blocking, one response at a time, literals read
//! whole; each response parsed into tokens (atoms, strings, lists, the status and its
//! response code); the last lines of the conversation kept for failure reports.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::Duration,
};

/// Lines of transcript a connection keeps.
const TRANSCRIPT: usize = 20;

/// One token of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An atom or number (`NIL`, `\Seen`, `BODY[HEADER.FIELDS (A B)]` with its brackets).
    Atom(String),
    /// A quoted string or a literal.
    Str(Vec<u8>),
    List(Vec<Tok>),
}

impl Tok {
    pub fn atom(&self) -> Option<&str> {
        match self {
            Tok::Atom(a) => Some(a),
            _ => None,
        }
    }

    pub fn number(&self) -> Option<u64> {
        self.atom()?.parse().ok()
    }

    pub fn list(&self) -> Option<&[Tok]> {
        match self {
            Tok::List(l) => Some(l),
            _ => None,
        }
    }
}

/// A status response: OK, NO, BAD, BYE or PREAUTH, with its response code.
#[derive(Debug, Clone)]
pub struct Status {
    pub word: String,
    /// The response code's tokens (`UIDVALIDITY`, `42`), empty without one.
    pub code: Vec<Tok>,
}

/// One response: `tag` is `*` for untagged data, `+` for a continuation request.
#[derive(Debug, Clone)]
pub struct Response {
    pub tag: String,
    pub status: Option<Status>,
    /// The tokens after the tag (untagged data: `3 FETCH (...)`, `FLAGS (...)`).
    pub data: Vec<Tok>,
    /// The line as the transcript shows it.
    pub shown: String,
    /// A quoted string holds an octet above 127 (allowed only once UTF-8 is enabled:
    /// RFC 9051 §4.3, RFC 6855 §3).
    pub eight_bit_quoted: bool,
}

impl Response {
    /// The status word of a status response, else `""`.
    pub fn word(&self) -> &str {
        self.status.as_ref().map_or("", |s| s.word.as_str())
    }

    /// The response code's name in upper case, else `""`.
    pub fn code(&self) -> String {
        self.status
            .as_ref()
            .and_then(|s| s.code.first())
            .and_then(Tok::atom)
            .map(str::to_ascii_uppercase)
            .unwrap_or_default()
    }
}

pub struct Conn {
    reader: BufReader<TcpStream>,
    tag: u32,
    transcript: VecDeque<String>,
}

impl Conn {
    pub fn connect(port: u16) -> std::io::Result<(Conn, Response)> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut c = Conn {
            reader: BufReader::new(s),
            tag: 0,
            transcript: VecDeque::new(),
        };
        let greeting = c.read()?;
        Ok((c, greeting))
    }

    /// Sends `tag command` and returns the tag.
    pub fn send(&mut self, command: &str) -> std::io::Result<String> {
        self.tag += 1;
        let tag = format!("s{}", self.tag);
        let line = format!("{tag} {command}\r\n");
        self.note(format!("C: {tag} {command}"));
        self.reader.get_mut().write_all(line.as_bytes())?;
        Ok(tag)
    }

    /// Sends `tag command {n+}` and the literal (LITERAL+, RFC 7888): no continuation
    /// request to wait for.
    pub fn send_literal(&mut self, command: &str, literal: &[u8]) -> std::io::Result<String> {
        self.tag += 1;
        let tag = format!("s{}", self.tag);
        let head = format!("{tag} {command} {{{}+}}\r\n", literal.len());
        self.note(format!(
            "C: {tag} {command} {{{}+}} <{} octets>",
            literal.len(),
            literal.len()
        ));
        let w = self.reader.get_mut();
        w.write_all(head.as_bytes())?;
        w.write_all(literal)?;
        w.write_all(b"\r\n")?;
        Ok(tag)
    }

    /// Sends a line that is not a command (`DONE`).
    pub fn send_line(&mut self, line: &str) -> std::io::Result<()> {
        self.note(format!("C: {line}"));
        self.reader
            .get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
    }

    /// Reads one response, literals included.
    pub fn read(&mut self) -> std::io::Result<Response> {
        let mut raw = Vec::new();
        let mut shown = String::new();
        loop {
            let mut line = Vec::new();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                self.note("S: <connection closed>".into());
                return Err(std::io::Error::other("connection closed"));
            }
            if !line.ends_with(b"\n") {
                return Err(std::io::Error::other("connection closed mid-line"));
            }
            shown.push_str(String::from_utf8_lossy(&line).trim_end());
            raw.extend_from_slice(&line);
            match literal_size(&line) {
                Some(n) => {
                    let mut buf = vec![0; n];
                    self.reader.read_exact(&mut buf)?;
                    raw.extend_from_slice(&buf);
                    shown.push_str(&format!("<{n} octets>"));
                }
                None => break,
            }
        }
        let response = parse(&raw, shown);
        self.note(format!("S: {}", response.shown));
        Ok(response)
    }

    fn note(&mut self, mut line: String) {
        if line.len() > 300 {
            let mut cut = 300;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
            line.push_str(" ...");
        }
        if self.transcript.len() == TRANSCRIPT {
            self.transcript.pop_front();
        }
        self.transcript.push_back(line);
    }

    /// The last lines of the conversation.
    pub fn transcript(&self) -> String {
        self.transcript
            .iter()
            .map(|l| format!("    {l}\n"))
            .collect()
    }
}

/// The size of a literal announced at the end of a line, `{n}`.
fn literal_size(line: &[u8]) -> Option<usize> {
    let l = line.strip_suffix(b"\r\n").unwrap_or(line);
    let inner = l.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(&inner[open + 1..])
        .ok()?
        .trim_end_matches('+')
        .parse()
        .ok()
}

const STATUS: [&str; 5] = ["OK", "NO", "BAD", "BYE", "PREAUTH"];

/// Parses one response (its lines and literals, CRLFs included).
pub fn parse(raw: &[u8], shown: String) -> Response {
    let end = raw.len() - raw.ends_with(b"\r\n") as usize * 2;
    let raw = &raw[..end];
    let tag_end = raw.iter().position(|&b| b == b' ').unwrap_or(raw.len());
    let tag = String::from_utf8_lossy(&raw[..tag_end]).into_owned();
    let rest = raw.get(tag_end + 1..).unwrap_or(&[]);
    let word_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let word = String::from_utf8_lossy(&rest[..word_end]).to_ascii_uppercase();
    if tag != "+" && STATUS.contains(&word.as_str()) {
        let after = rest.get(word_end + 1..).unwrap_or(&[]);
        let mut code = Vec::new();
        if after.first() == Some(&b'[') {
            let close = matching_bracket(after, 0);
            code = tokens(&after[1..close]);
        }
        return Response {
            tag,
            status: Some(Status { word, code }),
            data: Vec::new(),
            shown,
            eight_bit_quoted: eight_bit_quoted(raw),
        };
    }
    Response {
        tag,
        status: None,
        data: tokens(rest),
        shown,
        eight_bit_quoted: eight_bit_quoted(raw),
    }
}

/// Whether a quoted string of `b` (outside literals) holds an 8-bit octet.
fn eight_bit_quoted(b: &[u8]) -> bool {
    let mut i = 0;
    let mut quoted = false;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'{' | b'~' if !quoted => {
                if let Some((n, start)) = literal_at(b, i) {
                    i = start + n;
                    continue;
                }
            }
            c if quoted && c > 127 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The index of the `]` that closes the `[` at `open` (or the end).
fn matching_bracket(b: &[u8], open: usize) -> usize {
    let mut depth = 0;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    b.len()
}

/// The tokens of `b`.
pub fn tokens(b: &[u8]) -> Vec<Tok> {
    let mut i = 0;
    list(b, &mut i)
}

fn list(b: &[u8], i: &mut usize) -> Vec<Tok> {
    let mut out = Vec::new();
    while *i < b.len() {
        match b[*i] {
            b' ' | b'\r' | b'\n' => *i += 1,
            b')' => {
                *i += 1;
                return out;
            }
            b'(' => {
                *i += 1;
                out.push(Tok::List(list(b, i)));
            }
            b'"' => {
                *i += 1;
                let mut s = Vec::new();
                while *i < b.len() && b[*i] != b'"' {
                    if b[*i] == b'\\' {
                        *i += 1;
                    }
                    if let Some(&c) = b.get(*i) {
                        s.push(c);
                    }
                    *i += 1;
                }
                *i += 1;
                out.push(Tok::Str(s));
            }
            b'{' | b'~' if literal_at(b, *i).is_some() => {
                let (n, start) = literal_at(b, *i).expect("checked");
                let end = (start + n).min(b.len());
                out.push(Tok::Str(b[start..end].to_vec()));
                *i = end;
            }
            _ => {
                let start = *i;
                while *i < b.len() && !matches!(b[*i], b' ' | b'(' | b')' | b'\r' | b'\n') {
                    if b[*i] == b'[' {
                        *i = matching_bracket(b, *i);
                    }
                    *i += 1;
                }
                let end = (*i).min(b.len());
                out.push(Tok::Atom(
                    String::from_utf8_lossy(&b[start..end]).into_owned(),
                ));
            }
        }
    }
    out
}

/// A literal (`{n}`, `{n+}`, `~{n}`) starting at `at`: its size and where its octets
/// begin.
fn literal_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let open = if b[at] == b'~' { at + 1 } else { at };
    if b.get(open) != Some(&b'{') {
        return None;
    }
    let close = open + b[open..].iter().position(|&c| c == b'}')?;
    let n: usize = std::str::from_utf8(&b[open + 1..close])
        .ok()?
        .trim_end_matches('+')
        .parse()
        .ok()?;
    let start = close + 1;
    (b.get(start..start + 2) == Some(b"\r\n")).then_some((n, start + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetch_with_a_literal_and_a_section() {
        let raw = b"* 3 FETCH (UID 7 FLAGS (\\Seen $Label1) BODY[HEADER.FIELDS (A B)] {5}\r\nab)cd MODSEQ (12))\r\n";
        let r = parse(raw, String::new());
        assert_eq!(r.tag, "*");
        assert_eq!(r.data[0], Tok::Atom("3".into()));
        assert_eq!(r.data[1], Tok::Atom("FETCH".into()));
        let items = r.data[2].list().unwrap();
        assert_eq!(items[0], Tok::Atom("UID".into()));
        assert_eq!(items[1], Tok::Atom("7".into()));
        assert_eq!(
            items[3],
            Tok::List(vec![
                Tok::Atom("\\Seen".into()),
                Tok::Atom("$Label1".into())
            ])
        );
        assert_eq!(items[4], Tok::Atom("BODY[HEADER.FIELDS (A B)]".into()));
        assert_eq!(items[5], Tok::Str(b"ab)cd".to_vec()));
        assert_eq!(items[7], Tok::List(vec![Tok::Atom("12".into())]));
    }

    #[test]
    fn a_status_with_a_code() {
        let r = parse(
            b"* OK [PERMANENTFLAGS (\\Seen \\*)] flags permitted\r\n",
            String::new(),
        );
        assert_eq!(r.word(), "OK");
        assert_eq!(r.code(), "PERMANENTFLAGS");
        let r = parse(b"s4 NO [SERVERBUG] oops\r\n", String::new());
        assert_eq!((r.tag.as_str(), r.word()), ("s4", "NO"));
        assert!(
            parse(
                "* 1 FETCH (ENVELOPE (\"Jürgen\"))\r\n".as_bytes(),
                String::new()
            )
            .eight_bit_quoted
        );
        assert!(
            !parse(
                "* 1 FETCH (ENVELOPE ({7}\r\nJürgen))\r\n".as_bytes(),
                String::new()
            )
            .eight_bit_quoted
        );
        let r = parse(b"* VANISHED (EARLIER) 1:3,5\r\n", String::new());
        assert!(r.status.is_none());
        assert_eq!(r.data[0], Tok::Atom("VANISHED".into()));
    }
}
