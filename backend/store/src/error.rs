//! The store's error type.

use sea_orm::{DbErr, SqlErr};

/// What went wrong in the store. `NotFound`, `Conflict` and `Invalid` are the caller's to
/// report to the user; `Database` and `Io` are ours and carry details for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No row with that id or name.
    #[error("not found")]
    NotFound,
    /// A unique value is taken, or a row is still referenced; the text says which.
    #[error("{0}")]
    Conflict(String),
    /// The request contradicts the data (for example, a domain that does not exist).
    #[error("{0}")]
    Invalid(String),
    /// The account's quota would be exceeded.
    #[error("over quota")]
    OverQuota,
    /// The database failed.
    #[error("database error: {0}")]
    Database(DbErr),
    /// The file system failed (blob store).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        StoreError::Database(e)
    }
}

/// Maps a unique-constraint violation to `Conflict(what)`, anything else to `Database`.
pub(crate) fn conflict_on_unique(what: impl Into<String>) -> impl FnOnce(DbErr) -> StoreError {
    let what = what.into();
    move |e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict(what),
        _ => StoreError::Database(e),
    }
}
