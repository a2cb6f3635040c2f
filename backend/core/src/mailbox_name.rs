//! Mailbox names as every part of Osprey sees them: `/` between levels, UTF-8, and the one
//! rule of what a name may be — the same for IMAP's CREATE and RENAME, the REST API and a
//! delivery rule's folder (a rule must never make a mailbox IMAP could not).

/// The hierarchy delimiter.
pub const DELIMITER: char = '/';

/// The longest name, in bytes.
pub const MAX_LEN: usize = 512;

/// Why a name cannot be a mailbox's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MailboxNameError {
    #[error("a mailbox name cannot be empty")]
    Empty,
    #[error("a mailbox name has at most 512 bytes")]
    TooLong,
    /// RFC 6855 §3: no controls (C0, DEL, C1), no line or paragraph separator; `*` and
    /// `%` are IMAP's LIST wildcards (RFC 9051 §6.3.9).
    #[error("a mailbox name cannot contain *, % or control characters")]
    Character,
    #[error("a mailbox name cannot have an empty level (leading, trailing or double '/')")]
    EmptyLevel,
}

/// Checks a name for a new or renamed mailbox.
pub fn check(name: &str) -> Result<(), MailboxNameError> {
    if name.is_empty() {
        return Err(MailboxNameError::Empty);
    }
    if name.len() > MAX_LEN {
        return Err(MailboxNameError::TooLong);
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '*' | '%' | '\u{2028}' | '\u{2029}'))
    {
        return Err(MailboxNameError::Character);
    }
    if name.split(DELIMITER).any(str::is_empty) {
        return Err(MailboxNameError::EmptyLevel);
    }
    Ok(())
}

/// The ancestors of `name`, outermost first: `a/b/c` gives `a`, `a/b`.
pub fn parents(name: &str) -> Vec<String> {
    name.match_indices(DELIMITER)
        .map(|(i, _)| name[..i].to_owned())
        .collect()
}

/// Returns `true` if and only if `name` has a mailbox below it among `all`.
pub fn has_children<'a>(name: &str, mut all: impl Iterator<Item = &'a str>) -> bool {
    let prefix = format!("{name}{DELIMITER}");
    all.any(|n| n.starts_with(&prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(check("Archive/2026/März"), Ok(()));
        assert_eq!(check(""), Err(MailboxNameError::Empty));
        assert_eq!(check(&"x".repeat(513)), Err(MailboxNameError::TooLong));
        assert_eq!(check(&"x".repeat(512)), Ok(()));
        for bad in ["a*b", "a%", "a\u{7}b", "a\u{2028}b", "a\u{85}b"] {
            assert_eq!(check(bad), Err(MailboxNameError::Character), "{bad:?}");
        }
        for bad in ["a//b", "/a", "a/"] {
            assert_eq!(check(bad), Err(MailboxNameError::EmptyLevel), "{bad:?}");
        }
        assert_eq!(parents("a/b/c"), ["a", "a/b"]);
        assert!(has_children("a", ["a", "a/b"].into_iter()));
        assert!(!has_children("a", ["ab", "a"].into_iter()));
    }
}
