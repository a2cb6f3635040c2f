//! Compiled text comparisons: one [`TextTest`] turned, once, into what matching needs
//! (the lowercase needle, a substring finder, a size-limited regex).
//!
//! This module owns the regex limits and the wildcard syntax; it does not know which part
//! of the message a comparison looks at (that is [`crate::engine`]).

use std::cell::Cell;

use memchr::memmem::Finder;
use regex::{Regex, RegexBuilder};

use crate::model::{Operator, TextTest};

/// The longest regular expression or wildcard pattern accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 1024;
/// The most memory a compiled regular expression may use (`RegexBuilder::size_limit`).
pub const REGEX_SIZE_LIMIT: usize = 256 * 1024;
/// The most memory a regular expression's lazy DFA may use (`dfa_size_limit`).
pub const REGEX_DFA_SIZE_LIMIT: usize = 1024 * 1024;
/// How many bytes the regular expressions of one evaluation may scan in all. Past it, a
/// rule with a regular expression errors and is skipped.
pub const REGEX_SCAN_BUDGET: usize = 64 * 1024 * 1024;

/// Builds a regular expression with the limits above.
pub fn build_regex(pattern: &str, case_sensitive: bool) -> Result<Regex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "the pattern is {} bytes long; at most {MAX_PATTERN_LEN} are allowed",
            pattern.len()
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(!case_sensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// The regular expression, anchored at both ends, of a wildcard pattern: `*` any run of
/// characters, `?` one character, `\` makes the next character literal (RFC 5228 §2.7.1).
pub fn wildcard_to_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    out.push_str(r"(?s)\A(?:");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push_str(&regex::escape(next.encode_utf8(&mut [0; 4])));
                }
            }
            other => out.push_str(&regex::escape(other.encode_utf8(&mut [0; 4]))),
        }
    }
    out.push_str(r")\z");
    out
}

/// A value of the message to compare: as written and in lower case.
#[derive(Debug, Clone, Copy)]
pub struct Value<'v> {
    /// As written (decoded).
    pub text: &'v str,
    /// In lower case.
    pub lower: &'v str,
}

/// What a comparison failed on at match time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchError {
    /// The regular expressions of this evaluation scanned more than [`REGEX_SCAN_BUDGET`].
    RegexBudget,
}

/// The regex bytes one evaluation has scanned so far.
#[derive(Debug, Default)]
pub struct Budget {
    scanned: Cell<usize>,
}

impl Budget {
    fn spend(&self, bytes: usize) -> Result<(), MatchError> {
        let total = self.scanned.get().saturating_add(bytes);
        if total > REGEX_SCAN_BUDGET {
            return Err(MatchError::RegexBudget);
        }
        self.scanned.set(total);
        Ok(())
    }
}

#[derive(Debug)]
enum Needle {
    Contains(Box<Finder<'static>>),
    Is(String),
    StartsWith(String),
    EndsWith(String),
    Regex(Regex),
    Exists,
}

/// A [`TextTest`] ready to match.
#[derive(Debug)]
pub struct CompiledTest {
    needle: Needle,
    negate: bool,
    case_sensitive: bool,
}

impl CompiledTest {
    /// Compiles a test; the error is the reason a regex or wildcard pattern is refused.
    pub fn compile(test: &TextTest) -> Result<Self, String> {
        let (op, negate) = test.op.positive();
        let case_sensitive = test.case_sensitive;
        let folded = if case_sensitive {
            test.value.clone()
        } else {
            test.value.to_lowercase()
        };
        let needle = match op {
            Operator::Contains => {
                Needle::Contains(Box::new(Finder::new(folded.as_bytes()).into_owned()))
            }
            Operator::Is => Needle::Is(folded),
            Operator::StartsWith => Needle::StartsWith(folded),
            Operator::EndsWith => Needle::EndsWith(folded),
            Operator::Wildcard => {
                if test.value.len() > MAX_PATTERN_LEN {
                    return Err(format!(
                        "the pattern is {} bytes long; at most {MAX_PATTERN_LEN} are allowed",
                        test.value.len()
                    ));
                }
                Needle::Regex(build_regex(
                    &wildcard_to_regex(&test.value),
                    case_sensitive,
                )?)
            }
            Operator::Regex => Needle::Regex(build_regex(&test.value, case_sensitive)?),
            Operator::Exists => Needle::Exists,
            // `positive` only returns the operators above.
            _ => Needle::Exists,
        };
        Ok(Self {
            needle,
            negate,
            case_sensitive,
        })
    }

    /// Whether the values satisfy the test: for a positive operator, whether one of them
    /// matches; for a negative one, whether none does.
    pub fn matches<'v>(
        &self,
        values: impl IntoIterator<Item = Value<'v>>,
        budget: &Budget,
    ) -> Result<bool, MatchError> {
        let mut any = false;
        for value in values {
            if self.matches_one(value, budget)? {
                any = true;
                break;
            }
        }
        Ok(any != self.negate)
    }

    fn matches_one(&self, value: Value<'_>, budget: &Budget) -> Result<bool, MatchError> {
        let hay = if self.case_sensitive {
            value.text
        } else {
            value.lower
        };
        Ok(match &self.needle {
            Needle::Contains(finder) => finder.find(hay.as_bytes()).is_some(),
            Needle::Is(s) => hay == s,
            Needle::StartsWith(s) => hay.starts_with(s.as_str()),
            Needle::EndsWith(s) => hay.ends_with(s.as_str()),
            Needle::Regex(re) => {
                budget.spend(value.text.len())?;
                re.is_match(value.text)
            }
            Needle::Exists => true,
        })
    }

    /// Whether this test needs the values in lower case.
    pub fn needs_lower(&self) -> bool {
        !self.case_sensitive && !matches!(self.needle, Needle::Regex(_) | Needle::Exists)
    }
}
