//! Domain names (virtual hosts), stored and compared in lower-case ASCII.

use std::fmt;

/// A syntactically valid domain name in lower case, without a trailing dot.
///
/// Accepts letters, digits and hyphens in labels of 1 to 63 octets, at most 253 octets in
/// all (RFC 1035 §2.3.4, RFC 1123 §2.1). A single label such as `localhost` is allowed so
/// that a server can run without DNS. Internationalised names must arrive as A-labels
/// (`xn--...`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

/// Why a string is not a domain name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the domain name is empty")]
    Empty,
    #[error("the domain name is longer than 253 characters")]
    TooLong,
    #[error("a label of the domain name is empty (two dots in a row, or a leading dot)")]
    EmptyLabel,
    #[error("the label '{0}' is longer than 63 characters")]
    LabelTooLong(String),
    #[error("the label '{0}' may only hold letters, digits and hyphens")]
    BadCharacter(String),
    #[error("the label '{0}' begins or ends with a hyphen")]
    Hyphen(String),
    #[error("the last label '{0}' is all digits, which no top-level domain is")]
    NumericTld(String),
}

impl DomainName {
    /// Parses and normalises a domain name; a single trailing dot is accepted and dropped.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        let name = trimmed
            .strip_suffix('.')
            .unwrap_or(trimmed)
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(DomainError::Empty);
        }
        if name.len() > 253 {
            return Err(DomainError::TooLong);
        }
        let labels: Vec<&str> = name.split('.').collect();
        for label in &labels {
            if label.is_empty() {
                return Err(DomainError::EmptyLabel);
            }
            if label.len() > 63 {
                return Err(DomainError::LabelTooLong((*label).to_owned()));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(DomainError::BadCharacter((*label).to_owned()));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(DomainError::Hyphen((*label).to_owned()));
            }
        }
        let last = labels[labels.len() - 1];
        if labels.len() > 1 && last.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::NumericTld(last.to_owned()));
        }
        Ok(Self(name))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        for (input, want) in [
            ("Example.COM", "example.com"),
            ("mail.example.org.", "mail.example.org"),
            ("localhost", "localhost"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("a-b.c1", "a-b.c1"),
        ] {
            assert_eq!(DomainName::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn rejects_with_reason() {
        let long_label = "a".repeat(64);
        let long_name = format!("{}.com", ["abcdefghij"; 25].join("."));
        for (input, want) in [
            ("", DomainError::Empty),
            ("   ", DomainError::Empty),
            ("a..b", DomainError::EmptyLabel),
            (".a.b", DomainError::EmptyLabel),
            (&long_label, DomainError::LabelTooLong(long_label.clone())),
            (&long_name, DomainError::TooLong),
            ("exa_mple.com", DomainError::BadCharacter("exa_mple".into())),
            ("bü.com", DomainError::BadCharacter("bü".into())),
            ("-a.com", DomainError::Hyphen("-a".into())),
            ("1.2.3.4", DomainError::NumericTld("4".into())),
        ] {
            assert_eq!(DomainName::parse(input), Err(want), "{input}");
        }
    }
}
