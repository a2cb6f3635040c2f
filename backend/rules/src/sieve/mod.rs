//! Sieve (RFC 5228) as an exchange format for the rule model: [`to_sieve`] writes a rule
//! set as a script, [`from_sieve`] reads the same subset back, so that ManageSieve
//! clients (Thunderbird, Roundcube) can edit the rules the web app edits.
//!
//! Osprey does not run Sieve: scripts are translated into the typed model, and a script
//! outside the subset is refused with the line and column of the first thing not
//! understood. `lex` and `parse` are the generic grammar; `export` and `import` the
//! mapping.

use std::fmt;

mod conditions;
pub mod export;
pub mod import;
pub mod lex;
pub mod parse;

pub use export::to_sieve;
pub use import::{SUPPORTED_EXTENSIONS, from_sieve};

/// A script that could not be read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SieveError {
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column, in characters.
    pub column: u32,
    /// What is wrong, naming the command, test, tag or extension.
    pub message: String,
}

impl SieveError {
    /// An error at a position.
    pub fn new(line: u32, column: u32, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for SieveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SieveError {}
