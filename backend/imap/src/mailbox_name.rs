//! Mailbox names between the wire and the store: modified UTF-7 for clients that have
//! not enabled UTF-8 (RFC 9051 §5.1.3), the hierarchy delimiter `/`, what a new name may
//! be, and LIST patterns (RFC 9051 §6.3.9).
//!
//! The store keeps names in UTF-8 exactly as shown to UTF-8 clients.

use osprey_proto::imap::{Mailbox, utf7};

/// The hierarchy delimiter (RFC 9051 §5.1.1).
pub(crate) const DELIMITER: char = osprey_core::mailbox_name::DELIMITER;

/// The store's name for a name the client sent; `None` if it is not valid modified
/// UTF-7 for a client that has not enabled UTF-8.
pub(crate) fn from_wire(m: &Mailbox, utf8: bool) -> Option<String> {
    if m.is_inbox() {
        return Some("INBOX".into());
    }
    if utf8 {
        Some(m.as_str().to_owned())
    } else {
        utf7::decode(m.as_str())
    }
}

/// A LIST pattern or reference from the wire, decoded like a name.
pub(crate) fn pattern_from_wire(p: &str, utf8: bool) -> Option<String> {
    if utf8 {
        Some(p.to_owned())
    } else {
        utf7::decode(p)
    }
}

/// A name as the client must see it.
pub(crate) fn to_wire(name: &str, utf8: bool) -> String {
    if utf8 {
        name.to_owned()
    } else {
        utf7::encode(name)
    }
}

pub(crate) use osprey_core::mailbox_name::parents;

/// Returns `true` if and only if `name` matches the LIST pattern: `*` matches
/// anything, `%` anything but the delimiter (RFC 9051 §6.3.9). INBOX matches
/// case-insensitively.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    if name == "INBOX" && pattern.eq_ignore_ascii_case("INBOX") {
        return true;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob(&p, &n)
}

/// Wildcard matching by dynamic programming: linear in pattern × name, whatever the
/// pattern (a backtracking match could be made to take exponential time).
fn glob(p: &[char], n: &[char]) -> bool {
    // next[j]: whether p[i + 1..] matches n[j..]; cur[j]: whether p[i..] does.
    let mut next = vec![false; n.len() + 1];
    next[n.len()] = true;
    for i in (0..p.len()).rev() {
        let mut cur = vec![false; n.len() + 1];
        for j in (0..=n.len()).rev() {
            cur[j] = match p[i] {
                '*' => next[j] || (j < n.len() && cur[j + 1]),
                '%' => next[j] || (j < n.len() && n[j] != DELIMITER && cur[j + 1]),
                c => j < n.len() && n[j] == c && next[j + 1],
            };
        }
        next = cur;
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("*", "a/b"));
        assert!(matches("%", "a"));
        assert!(!matches("%", "a/b"));
        assert!(matches("a/%", "a/b"));
        assert!(matches("inbox", "INBOX"));
        assert!(!matches("a", "ab"));
    }

    #[test]
    fn parents_of_a_name() {
        assert_eq!(parents("a/b/c"), vec!["a", "a/b"]);
    }
}
