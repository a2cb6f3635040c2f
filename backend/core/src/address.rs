//! Mail addresses as Osprey stores them: `local@domain`, domain in lower case.

use std::fmt;

use crate::domain::{DomainError, DomainName};

/// A mail address with a dot-atom local part (RFC 5322 §3.4.1) and a valid domain.
///
/// The local part keeps its case for display but compares case-insensitively through
/// [`Address::key`], which is what the store indexes: mail systems in practice treat
/// `John@x` and `john@x` as one mailbox. Quoted local parts are not accepted for accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    local: String,
    domain: DomainName,
}

/// Why a string is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("the address has no '@'")]
    MissingAt,
    #[error("the part before '@' is empty")]
    EmptyLocal,
    #[error("the part before '@' is longer than 64 characters")]
    LocalTooLong,
    #[error(
        "the part before '@' may hold letters, digits and !#$%&'*+-/=?^_`{{|}}~ separated by single dots"
    )]
    BadLocal,
    #[error("the domain: {0}")]
    Domain(#[from] DomainError),
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

impl Address {
    /// Parses `local@domain`; surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let input = input.trim();
        let (local, domain) = input.rsplit_once('@').ok_or(AddressError::MissingAt)?;
        Self::parse_local(local)?;
        Ok(Self {
            local: local.to_owned(),
            domain: DomainName::parse(domain)?,
        })
    }

    /// Checks that `local` is a dot-atom local part.
    pub fn parse_local(local: &str) -> Result<(), AddressError> {
        if local.is_empty() {
            return Err(AddressError::EmptyLocal);
        }
        if local.len() > 64 {
            return Err(AddressError::LocalTooLong);
        }
        if !local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
        {
            return Err(AddressError::BadLocal);
        }
        Ok(())
    }

    /// Builds an address from parts that are already valid.
    pub fn from_parts(local: &str, domain: &DomainName) -> Result<Self, AddressError> {
        Self::parse_local(local)?;
        Ok(Self {
            local: local.to_owned(),
            domain: domain.clone(),
        })
    }

    /// The local part as given.
    pub fn local(&self) -> &str {
        &self.local
    }

    /// The domain.
    pub fn domain(&self) -> &DomainName {
        &self.domain
    }

    /// Returns `true` if and only if this is the postmaster's address of its domain.
    pub fn is_postmaster(&self) -> bool {
        // RFC 5321 §4.5.1: "Postmaster" is case-insensitive, at every domain.
        self.local().eq_ignore_ascii_case("postmaster")
    }

    /// The case-folded form that identifies the mailbox: unique in the store.
    pub fn key(&self) -> String {
        format!("{}@{}", self.local.to_ascii_lowercase(), self.domain)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_folds() {
        let a = Address::parse(" John.Smith+tag@Example.COM ").unwrap();
        assert_eq!(a.local(), "John.Smith+tag");
        assert_eq!(a.domain().as_str(), "example.com");
        assert_eq!(a.to_string(), "John.Smith+tag@example.com");
        assert_eq!(a.key(), "john.smith+tag@example.com");
        assert!(Address::parse("admin@localhost").is_ok());
    }

    #[test]
    fn rejects_with_reason() {
        for (input, want) in [
            ("nobody", AddressError::MissingAt),
            ("@example.com", AddressError::EmptyLocal),
            ("a..b@example.com", AddressError::BadLocal),
            (".a@example.com", AddressError::BadLocal),
            ("a b@example.com", AddressError::BadLocal),
            ("\"q\"@example.com", AddressError::BadLocal),
        ] {
            assert_eq!(Address::parse(input), Err(want), "{input}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Address::parse(&long), Err(AddressError::LocalTooLong));
        assert!(matches!(
            Address::parse("a@-x.com"),
            Err(AddressError::Domain(_))
        ));
    }
}
