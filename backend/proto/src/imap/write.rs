//! Low-level writers shared by the response writer and the command encoder: strings
//! (atom, quoted or literal, chosen automatically), numbers, flags, sequence sets and
//! dates in their RFC 9051 §9 forms.
//!
//! Owns the rule that output always re-parses: a string is quoted only when every byte
//! is printable ASCII (or UTF-8 where the peer accepts it), else it is a literal.

use super::types::{Date, DateTime, Flag, SeqNum, SequenceSet, is_astring_char};

/// Longest string written quoted; longer ones become literals.
const MAX_QUOTED: usize = 1024;

/// Returns `true` if and only if `s` may be written as a quoted string: no CR, LF, NUL
/// or other control, and 8-bit bytes only as UTF-8 when `utf8` (RFC 9051 §9
/// `QUOTED-CHAR`; RFC 3501 forbids 8-bit in quoted strings).
pub(crate) fn quotable(s: &[u8], utf8: bool) -> bool {
    s.len() <= MAX_QUOTED
        && s.iter()
            .all(|&b| (0x20..0x7f).contains(&b) || (utf8 && b >= 0x80))
        && (s.is_ascii() || std::str::from_utf8(s).is_ok())
}

/// `quoted`, unconditionally: for the places where the grammar allows no literal
/// (`charset`, `entry-name`). The caller's value came from a quoted string, so it
/// holds no CR, LF or NUL.
pub(crate) fn quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// `literal`: `{n}` CRLF and the bytes. NUL cannot appear in a literal (`CHAR8`,
/// RFC 9051 §9): it is replaced by a space so sizes stay true; BINARY (RFC 3516) is the
/// way to fetch such data unchanged.
pub(crate) fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
    out.extend(s.iter().map(|&b| if b == 0 { b' ' } else { b }));
}

/// `literal8`: `~{n}` CRLF and the bytes unchanged, RFC 3516 §4.4.
pub(crate) fn literal8(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("~{{{}}}\r\n", s.len()).as_bytes());
    out.extend_from_slice(s);
}

/// `string`: quoted if safe, else a literal.
pub(crate) fn string(out: &mut Vec<u8>, s: &[u8], utf8: bool) {
    if quotable(s, utf8) {
        quoted(out, s);
    } else {
        literal(out, s);
    }
}

/// `astring`: an atom when every byte is an ASTRING-CHAR, else a string.
pub(crate) fn astring(out: &mut Vec<u8>, s: &[u8], utf8: bool) {
    if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) {
        out.extend_from_slice(s);
    } else {
        string(out, s, utf8);
    }
}

/// `nstring`: NIL for `None`.
pub(crate) fn nstring(out: &mut Vec<u8>, s: Option<&[u8]>, utf8: bool) {
    match s {
        Some(s) => string(out, s, utf8),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// `list-mailbox`: an atom of list-chars, else a string.
pub(crate) fn list_mailbox(out: &mut Vec<u8>, s: &[u8], utf8: bool) {
    if !s.is_empty() && s.iter().all(|&b| super::types::is_list_char(b)) {
        out.extend_from_slice(s);
    } else {
        string(out, s, utf8);
    }
}

/// `flag-list`; flags whose names are not atoms are left out.
pub(crate) fn flag_list(out: &mut Vec<u8>, flags: &[Flag]) {
    out.push(b'(');
    for (i, f) in flags.iter().filter(|f| f.is_valid()).enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(f.to_string().as_bytes());
    }
    out.push(b')');
}

fn seq_num(out: &mut Vec<u8>, n: SeqNum) {
    match n {
        SeqNum::Value(v) => out.extend_from_slice(v.to_string().as_bytes()),
        SeqNum::Star => out.push(b'*'),
    }
}

pub(crate) fn sequence_set(out: &mut Vec<u8>, set: &SequenceSet) {
    match set {
        SequenceSet::Saved => out.push(b'$'),
        SequenceSet::Ranges(ranges) => {
            for (i, r) in ranges.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                seq_num(out, r.start);
                if r.end != r.start {
                    out.push(b':');
                    seq_num(out, r.end);
                }
            }
        }
    }
}

pub(crate) fn date(out: &mut Vec<u8>, d: &Date) {
    out.extend_from_slice(d.to_string().as_bytes());
}

pub(crate) fn date_time(out: &mut Vec<u8>, d: &DateTime) {
    out.extend_from_slice(format!("\"{d}\"").as_bytes());
}
