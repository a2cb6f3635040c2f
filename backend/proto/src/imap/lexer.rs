//! The token layer of the command parser: a cursor over one assembled command with
//! readers for the RFC 9051 §9 terminals (atoms, numbers, strings, literals, sequence
//! sets, dates, flags).
//!
//! Owns the byte-level rules and the nesting limit; the grammar of each command lives in
//! `parse`, `parse_search` and `parse_fetch`. Every reader checks bounds and returns an
//! error message instead of panicking.

use super::types::{
    Date, DateTime, Flag, MONTHS, Mailbox, SeqNum, SeqRange, SequenceSet, is_astring_char,
    is_atom_char, is_list_char,
};

pub(crate) type PResult<T> = Result<T, String>;

pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8], max_depth: usize) -> Cursor<'a> {
        Cursor {
            buf,
            pos: 0,
            depth: 0,
            max_depth,
        }
    }

    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    pub fn peek_at(&self, offset: usize) -> Option<u8> {
        self.buf.get(self.pos + offset).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, b: u8, what: &str) -> PResult<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(format!("expected {what}"))
        }
    }

    pub fn sp(&mut self) -> PResult<()> {
        self.expect(b' ', "a space")
    }

    pub fn end(&self) -> PResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err("unexpected characters at the end of the command".to_owned())
        }
    }

    /// Enters a parenthesised list (the `(` already read); fails past the nesting limit.
    pub fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            Err("parentheses nested too deep".to_owned())
        } else {
            Ok(())
        }
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        self.buf.get(start..self.pos).unwrap_or_default()
    }

    /// `atom`: 1*ATOM-CHAR.
    pub fn atom(&mut self) -> PResult<&'a str> {
        let raw = self.take_while(is_atom_char);
        if raw.is_empty() {
            return Err("expected an atom".to_owned());
        }
        // ATOM-CHARs are ASCII.
        std::str::from_utf8(raw).map_err(|_| "expected an atom".to_owned())
    }

    /// A run of ASCII letters, digits, `.` and `-`, upper-cased: names such as
    /// `BODY.PEEK` that are directly followed by `[`, itself an ATOM-CHAR.
    pub fn name(&mut self) -> PResult<String> {
        let raw = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if raw.is_empty() {
            return Err("expected a name".to_owned());
        }
        Ok(String::from_utf8_lossy(raw).to_ascii_uppercase())
    }

    /// An atom, upper-cased: for keywords compared case-insensitively.
    pub fn keyword(&mut self) -> PResult<String> {
        Ok(self.atom()?.to_ascii_uppercase())
    }

    /// Consumes `word` (case-insensitive) if and only if it is next and not followed by
    /// another atom character.
    pub fn eat_keyword(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let matches = self
            .buf
            .get(self.pos..end)
            .is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
            && !self.buf.get(end).copied().is_some_and(is_atom_char);
        if matches {
            self.pos = end;
        }
        matches
    }

    fn digits(&mut self) -> PResult<&'a [u8]> {
        let raw = self.take_while(|b| b.is_ascii_digit());
        if raw.is_empty() {
            Err("expected a number".to_owned())
        } else {
            Ok(raw)
        }
    }

    fn parse_digits(raw: &[u8], max: u64) -> PResult<u64> {
        let mut n: u64 = 0;
        for &d in raw {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .filter(|&n| n <= max)
                .ok_or_else(|| "number too large".to_owned())?;
        }
        Ok(n)
    }

    /// `number`: 32-bit unsigned.
    pub fn number(&mut self) -> PResult<u32> {
        let raw = self.digits()?;
        Self::parse_digits(raw, u64::from(u32::MAX)).map(|n| n as u32)
    }

    /// `nz-number`, 32-bit. Leading zeros are tolerated (`007`), as other servers do;
    /// the value must not be 0.
    pub fn nz_number(&mut self) -> PResult<u32> {
        match self.number()? {
            0 => Err("expected a non-zero number".to_owned()),
            n => Ok(n),
        }
    }

    /// `number64`: 0 to 2^63-1 (RFC 9051 §9).
    pub fn number64(&mut self) -> PResult<u64> {
        let raw = self.digits()?;
        Self::parse_digits(raw, i64::MAX as u64)
    }

    /// `nz-number64`, leading zeros tolerated.
    pub fn nz_number64(&mut self) -> PResult<u64> {
        match self.number64()? {
            0 => Err("expected a non-zero number".to_owned()),
            n => Ok(n),
        }
    }

    /// `quoted`, RFC 9051 §9: no NUL, CR or LF; `\` only before `"` or `\`; 8-bit only
    /// as UTF-8 (RFC 9051 §9 `QUOTED-CHAR`).
    pub fn quoted(&mut self) -> PResult<Vec<u8>> {
        self.expect(b'"', "a quoted string")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated quoted string".to_owned()),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    let next = self.peek_at(1);
                    match next {
                        Some(c @ (b'"' | b'\\')) => out.push(c),
                        _ => return Err("bad escape in quoted string".to_owned()),
                    }
                    self.pos += 2;
                }
                Some(0 | b'\r' | b'\n') => {
                    return Err("NUL, CR or LF in quoted string".to_owned());
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        if !out.is_ascii() && std::str::from_utf8(&out).is_err() {
            return Err("8-bit quoted string is not UTF-8".to_owned());
        }
        Ok(out)
    }

    /// `literal` or, with `allow_binary`, `literal8` (RFC 3516 §4.4). The framer has
    /// checked the sizes; this only finds the bytes. Returns the bytes and whether the
    /// literal was `literal8`.
    pub fn literal(&mut self, allow_binary: bool) -> PResult<(&'a [u8], bool)> {
        let binary = self.eat(b'~');
        if binary && !allow_binary {
            return Err("literal8 is only allowed in APPEND".to_owned());
        }
        self.expect(b'{', "a literal")?;
        let n = self.number64()?;
        self.eat(b'+');
        self.expect(b'}', "'}' after the literal size")?;
        self.expect(b'\r', "CRLF after the literal size")?;
        self.expect(b'\n', "CRLF after the literal size")?;
        let len = usize::try_from(n).map_err(|_| "literal too large".to_owned())?;
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| "literal too large".to_owned())?;
        let data = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| "literal shorter than announced".to_owned())?;
        if !binary && data.contains(&0) {
            return Err("NUL in literal (use literal8)".to_owned());
        }
        self.pos = end;
        Ok((data, binary))
    }

    /// `string = quoted / literal`.
    pub fn string(&mut self) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{') => Ok(self.literal(false)?.0.to_vec()),
            _ => Err("expected a string".to_owned()),
        }
    }

    /// `astring = 1*ASTRING-CHAR / string`.
    pub fn astring(&mut self) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(),
            _ => {
                let raw = self.take_while(is_astring_char);
                if raw.is_empty() {
                    Err("expected an astring".to_owned())
                } else {
                    Ok(raw.to_vec())
                }
            }
        }
    }

    /// An astring that must be UTF-8 text.
    pub fn astring_utf8(&mut self) -> PResult<String> {
        utf8(self.astring()?)
    }

    /// `nstring = string / NIL`.
    pub fn nstring(&mut self) -> PResult<Option<Vec<u8>>> {
        if self.eat_keyword("NIL") {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    /// `mailbox = "INBOX" / astring`, INBOX normalised.
    pub fn mailbox(&mut self) -> PResult<Mailbox> {
        Ok(Mailbox::new(&self.astring_utf8()?))
    }

    /// `list-mailbox = 1*list-char / string`.
    pub fn list_mailbox(&mut self) -> PResult<String> {
        match self.peek() {
            Some(b'"' | b'{') => utf8(self.string()?),
            _ => {
                let raw = self.take_while(is_list_char);
                if raw.is_empty() {
                    Err("expected a mailbox pattern".to_owned())
                } else {
                    utf8(raw.to_vec())
                }
            }
        }
    }

    fn seq_num(&mut self) -> PResult<SeqNum> {
        if self.eat(b'*') {
            Ok(SeqNum::Star)
        } else {
            self.nz_number()
                .map(SeqNum::Value)
                .map_err(|_| "bad sequence number (must be 1 or more, or *)".to_owned())
        }
    }

    /// `sequence-set`, RFC 9051 §9, including `$` (RFC 5182 §2.1).
    pub fn sequence_set(&mut self) -> PResult<SequenceSet> {
        if self.eat(b'$') {
            return Ok(SequenceSet::Saved);
        }
        let mut ranges = Vec::new();
        loop {
            let start = self.seq_num()?;
            let end = if self.eat(b':') {
                self.seq_num()?
            } else {
                start
            };
            ranges.push(SeqRange { start, end });
            if !self.eat(b',') {
                break;
            }
        }
        Ok(SequenceSet::Ranges(ranges))
    }

    fn two_digits(&mut self) -> PResult<u8> {
        let (Some(a), Some(b)) = (self.peek(), self.peek_at(1)) else {
            return Err("expected two digits".to_owned());
        };
        if !a.is_ascii_digit() || !b.is_ascii_digit() {
            return Err("expected two digits".to_owned());
        }
        self.pos += 2;
        Ok((a - b'0') * 10 + (b - b'0'))
    }

    fn month(&mut self) -> PResult<u8> {
        let raw = self.buf.get(self.pos..self.pos + 3).unwrap_or_default();
        let idx = MONTHS
            .iter()
            .position(|m| m.as_bytes().eq_ignore_ascii_case(raw))
            .ok_or_else(|| "bad month".to_owned())?;
        self.pos += 3;
        Ok(idx as u8 + 1)
    }

    fn year(&mut self) -> PResult<u16> {
        let hi = self.two_digits()?;
        let lo = self.two_digits()?;
        Ok(u16::from(hi) * 100 + u16::from(lo))
    }

    fn date_text(&mut self) -> PResult<Date> {
        let d1 = self.digits()?;
        let day = Self::parse_digits(d1, 31)
            .ok()
            .filter(|&d| d1.len() <= 2 && d >= 1)
            .ok_or_else(|| "bad day".to_owned())? as u8;
        self.expect(b'-', "'-' in date")?;
        let month = self.month()?;
        self.expect(b'-', "'-' in date")?;
        let year = self.year()?;
        valid_date(Date { year, month, day })
    }

    /// `date = date-text / DQUOTE date-text DQUOTE`, RFC 9051 §9.
    pub fn date(&mut self) -> PResult<Date> {
        if self.eat(b'"') {
            let d = self.date_text()?;
            self.expect(b'"', "closing quote of the date")?;
            Ok(d)
        } else {
            self.date_text()
        }
    }

    /// `date-time`, RFC 9051 §9: `"dd-Mon-yyyy hh:mm:ss +zzzz"`, day space-padded.
    pub fn date_time(&mut self) -> PResult<DateTime> {
        self.expect(b'"', "a date-time")?;
        let day = if self.eat(b' ') {
            let d = self.peek().filter(u8::is_ascii_digit);
            let d = d.ok_or_else(|| "bad day".to_owned())?;
            self.pos += 1;
            d - b'0'
        } else {
            self.two_digits()?
        };
        if !(1..=31).contains(&day) {
            return Err("bad day".to_owned());
        }
        self.expect(b'-', "'-' in date-time")?;
        let month = self.month()?;
        self.expect(b'-', "'-' in date-time")?;
        let year = self.year()?;
        self.sp()?;
        let hour = self.two_digits()?;
        self.expect(b':', "':' in time")?;
        let minute = self.two_digits()?;
        self.expect(b':', "':' in time")?;
        let second = self.two_digits()?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err("bad time".to_owned());
        }
        self.sp()?;
        let sign: i16 = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return Err("bad zone".to_owned());
        };
        let zh = self.two_digits()?;
        let zm = self.two_digits()?;
        if zm > 59 {
            return Err("bad zone".to_owned());
        }
        self.expect(b'"', "closing quote of the date-time")?;
        Ok(DateTime {
            date: valid_date(Date { year, month, day })?,
            hour,
            minute,
            second,
            zone_minutes: sign * (i16::from(zh) * 60 + i16::from(zm)),
        })
    }

    /// `flag`: `\`-atom or keyword atom. `\*` (`flag-perm`) is refused.
    pub fn flag(&mut self) -> PResult<Flag> {
        let backslash = self.eat(b'\\');
        let name = self.atom()?;
        let text = if backslash {
            format!("\\{name}")
        } else {
            name.to_owned()
        };
        Flag::parse(&text).ok_or_else(|| "bad flag".to_owned())
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    pub fn flag_list(&mut self) -> PResult<Vec<Flag>> {
        self.expect(b'(', "'(' of a flag list")?;
        let mut flags = Vec::new();
        if !self.eat(b')') {
            loop {
                flags.push(self.flag()?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        Ok(flags)
    }

    /// A parenthesised, space-separated list of at least `min` items.
    pub fn paren_list<T>(
        &mut self,
        min: usize,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        self.expect(b'(', "'('")?;
        self.enter()?;
        let mut out = Vec::new();
        if !self.eat(b')') {
            loop {
                out.push(item(self)?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        self.leave();
        if out.len() < min {
            return Err("list is empty".to_owned());
        }
        Ok(out)
    }
}

/// Refuses days that the month does not have (`30-Feb`, `29-Feb` outside leap years).
fn valid_date(d: Date) -> PResult<Date> {
    let leap =
        d.year.is_multiple_of(4) && (!d.year.is_multiple_of(100) || d.year.is_multiple_of(400));
    let days = match d.month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d.day > days {
        return Err("bad day for the month".to_owned());
    }
    Ok(d)
}

pub(crate) fn utf8(raw: Vec<u8>) -> PResult<String> {
    String::from_utf8(raw).map_err(|_| "string is not UTF-8".to_owned())
}
