//! `DirectoryError`: why the directory refused or failed a change, for every front end
//! to render its own way (a problem+json body, a CLI message).

use std::fmt;

use osprey_store::StoreError;

/// One invalid input, named by the request field it is about (`address`, `targets[2]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A refused or failed directory operation. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Inputs are invalid; each one is named.
    #[error("{}", Problems(.0))]
    Invalid(Vec<FieldProblem>),
    /// The actor may not do this; the text says why.
    #[error("{0}")]
    Forbidden(String),
    /// No such account, domain or alias.
    #[error("not found")]
    NotFound,
    /// The change conflicts with existing data (a taken address, a full domain, the last
    /// server administrator); the text says which.
    #[error("{0}")]
    Conflict(String),
    /// The store failed; the details are for the log.
    #[error(transparent)]
    Store(StoreError),
    /// A worker task failed (password hashing); the details are for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DirectoryError {
    /// Invalid input in one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        DirectoryError::Invalid(vec![FieldProblem {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub(crate) fn forbidden(why: impl Into<String>) -> Self {
        DirectoryError::Forbidden(why.into())
    }
}

impl From<StoreError> for DirectoryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => DirectoryError::NotFound,
            StoreError::Conflict(what) => DirectoryError::Conflict(what),
            other => DirectoryError::Store(other),
        }
    }
}

/// Maps the store's `Invalid` (a name that does not exist) to a problem of `field`.
pub(crate) fn invalid_as_field(field: &'static str) -> impl FnOnce(StoreError) -> DirectoryError {
    move |e| match e {
        StoreError::Invalid(why) => DirectoryError::field(field, why),
        other => other.into(),
    }
}

struct Problems<'a>(&'a [FieldProblem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}
