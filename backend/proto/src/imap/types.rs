//! IMAP value types shared by commands and responses: tags, sequence sets, flags,
//! mailbox names and dates.
//!
//! Owns their validation rules (RFC 9051 §9 ABNF) and small helpers; it does not own
//! their wire syntax in context, which lives in `parse` (reading) and `write` (writing).

use std::fmt;

/// A command tag: `1*<any ASTRING-CHAR except "+">`, RFC 9051 §9. Case is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// Returns the tag if and only if `s` is a valid tag.
    pub fn new(s: &str) -> Option<Tag> {
        if !s.is_empty() && s.bytes().all(|b| is_astring_char(b) && b != b'+') {
            Some(Tag(s.to_owned()))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `ATOM-CHAR`, RFC 9051 §9: any CHAR except atom-specials.
pub fn is_atom_char(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
        && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// `ASTRING-CHAR = ATOM-CHAR / resp-specials`, RFC 9051 §9.
pub fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// `list-char = ATOM-CHAR / list-wildcards / resp-specials`, RFC 9051 §9.
pub fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

/// One end of a sequence range: a number (never 0) or `*`, the largest in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqNum {
    Value(u32),
    Star,
}

impl SeqNum {
    /// The number this end stands for when the largest number in use is `max`.
    pub fn resolve(self, max: u32) -> u32 {
        match self {
            SeqNum::Value(n) => n,
            SeqNum::Star => max,
        }
    }
}

/// `seq-number / seq-range`, RFC 9051 §9. `start` may be above `end`: `4:2` is `2:4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeqRange {
    pub start: SeqNum,
    pub end: SeqNum,
}

impl SeqRange {
    pub fn single(n: SeqNum) -> SeqRange {
        SeqRange { start: n, end: n }
    }

    /// The inclusive bounds, low first, when the largest number in use is `max`.
    pub fn bounds(&self, max: u32) -> (u32, u32) {
        let a = self.start.resolve(max);
        let b = self.end.resolve(max);
        (a.min(b), a.max(b))
    }
}

/// `sequence-set`, RFC 9051 §9: ranges, or `$`, the result saved by `SEARCH RETURN
/// (SAVE)` (RFC 5182 §2.1). The session replaces `$` before resolving.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SequenceSet {
    /// One or more ranges, in the order the client sent them.
    Ranges(Vec<SeqRange>),
    /// `$`, RFC 5182.
    Saved,
}

impl SequenceSet {
    /// A set of one number.
    pub fn single(n: u32) -> SequenceSet {
        SequenceSet::Ranges(vec![SeqRange::single(SeqNum::Value(n))])
    }

    /// The set of the given numbers, in the given order, consecutive runs joined into
    /// ranges (`1:3,7`). Zeros are skipped: they are not sequence numbers.
    pub fn from_numbers(numbers: &[u32]) -> SequenceSet {
        let mut ranges: Vec<SeqRange> = Vec::new();
        for &n in numbers.iter().filter(|&&n| n > 0) {
            if let Some(last) = ranges.last_mut()
                && let SeqNum::Value(end) = last.end
                && end.checked_add(1) == Some(n)
                && last.start != SeqNum::Star
                && matches!(last.start, SeqNum::Value(s) if s <= end)
            {
                last.end = SeqNum::Value(n);
                continue;
            }
            ranges.push(SeqRange::single(SeqNum::Value(n)));
        }
        SequenceSet::Ranges(ranges)
    }

    /// Returns `true` if and only if the set holds no range (and is not `$`).
    pub fn is_empty(&self) -> bool {
        matches!(self, SequenceSet::Ranges(r) if r.is_empty())
    }

    /// Returns `true` if and only if `n` is in the set when the largest number in use is
    /// `max` (RFC 9051 §9: `*` stands for `max`). `$` contains nothing.
    pub fn contains(&self, n: u32, max: u32) -> bool {
        match self {
            SequenceSet::Ranges(ranges) => ranges.iter().any(|r| {
                let (lo, hi) = r.bounds(max);
                (lo..=hi).contains(&n)
            }),
            SequenceSet::Saved => false,
        }
    }

    /// The set as sorted, disjoint, non-adjacent inclusive ranges, clipped to `1..=max`.
    /// `*` is `max`, and a range is the same either way round (RFC 9051 §9
    /// `seq-range`), so `7:*` with `max` 5 is `5:7` and contains 5; a range entirely
    /// above `max` is dropped.
    pub fn normalized(&self, max: u32) -> Vec<(u32, u32)> {
        let SequenceSet::Ranges(ranges) = self else {
            return Vec::new();
        };
        let mut out: Vec<(u32, u32)> = ranges
            .iter()
            .map(|r| r.bounds(max))
            .filter(|&(lo, _)| lo <= max && max > 0)
            .map(|(lo, hi)| (lo.max(1), hi.min(max)))
            .collect();
        out.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(out.len());
        for (lo, hi) in out {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        merged
    }

    /// Every number of the set in ascending order, once, within `1..=max`.
    pub fn iter(&self, max: u32) -> impl Iterator<Item = u32> {
        self.normalized(max)
            .into_iter()
            .flat_map(|(lo, hi)| lo..=hi)
    }
}

/// A message flag, RFC 9051 §2.3.2. System flags are recognised case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    Answered,
    Flagged,
    Deleted,
    Seen,
    Draft,
    /// `\Recent`: rev1 only (RFC 3501 §2.3.2); accepted in commands, the session may
    /// ignore it.
    Recent,
    /// Another `\atom` (`flag-extension`), without the backslash.
    Extension(String),
    /// A keyword (`flag-keyword = atom`), e.g. `$Forwarded`; case kept.
    Keyword(String),
}

impl Flag {
    /// Parses a flag as written on the wire: `\Seen`, `$Junk`. Returns `None` unless the
    /// text is `"\" atom` or an atom.
    pub fn parse(s: &str) -> Option<Flag> {
        let (system, name) = match s.strip_prefix('\\') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if name.is_empty() || !name.bytes().all(is_atom_char) {
            return None;
        }
        if !system {
            return Some(Flag::Keyword(name.to_owned()));
        }
        Some(match name.to_ascii_lowercase().as_str() {
            "answered" => Flag::Answered,
            "flagged" => Flag::Flagged,
            "deleted" => Flag::Deleted,
            "seen" => Flag::Seen,
            "draft" => Flag::Draft,
            "recent" => Flag::Recent,
            _ => Flag::Extension(name.to_owned()),
        })
    }
}

impl Flag {
    /// Returns `true` if and only if the flag can be written: its name is an atom.
    pub fn is_valid(&self) -> bool {
        match self {
            Flag::Extension(a) | Flag::Keyword(a) => !a.is_empty() && a.bytes().all(is_atom_char),
            _ => true,
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flag::Answered => f.write_str("\\Answered"),
            Flag::Flagged => f.write_str("\\Flagged"),
            Flag::Deleted => f.write_str("\\Deleted"),
            Flag::Seen => f.write_str("\\Seen"),
            Flag::Draft => f.write_str("\\Draft"),
            Flag::Recent => f.write_str("\\Recent"),
            Flag::Extension(a) => write!(f, "\\{a}"),
            Flag::Keyword(a) => f.write_str(a),
        }
    }
}

/// A mailbox name as the client sent it, except that any case of `INBOX` becomes
/// `INBOX` (RFC 9051 §5.1). Not decoded: in rev1 and without UTF8=ACCEPT the name is
/// modified UTF-7 (see [`super::utf7`]); with it, UTF-8 (RFC 6855 §3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mailbox(String);

impl Mailbox {
    pub fn new(name: &str) -> Mailbox {
        if name.eq_ignore_ascii_case("INBOX") {
            Mailbox("INBOX".to_owned())
        } else {
            Mailbox(name.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns `true` if and only if this is the INBOX.
    pub fn is_inbox(&self) -> bool {
        self.0 == "INBOX"
    }
}

/// `date`, RFC 9051 §9: `1-Feb-1994`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31 (not checked against the month).
    pub day: u8,
}

/// `date-time`, RFC 9051 §9: `"17-Jul-1996 02:44:25 -0700"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from UTC in minutes, -1439 to 1439.
    pub zone_minutes: i16,
}

pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl fmt::Display for Date {
    /// `d-Mon-yyyy`, the form of `date` in commands.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .unwrap_or(&"Jan");
        write!(f, "{}-{month}-{:04}", self.day, self.year)
    }
}

impl fmt::Display for DateTime {
    /// `dd-Mon-yyyy hh:mm:ss +zzzz`, without quotes; the day is space-padded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.date;
        let month = MONTHS
            .get(usize::from(d.month).wrapping_sub(1))
            .unwrap_or(&"Jan");
        let sign = if self.zone_minutes < 0 { '-' } else { '+' };
        let z = self.zone_minutes.unsigned_abs();
        write!(
            f,
            "{:>2}-{month}-{:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
            d.day,
            d.year,
            self.hour,
            self.minute,
            self.second,
            z / 60,
            z % 60
        )
    }
}
