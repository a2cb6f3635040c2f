//! The calendar service's errors.

use osprey_store::StoreError;

/// What went wrong; all but `Store` are the caller's to see.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// A field is wrong; `field` names it as the API does (`recurrence.count`).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// No such calendar, event or occurrence that the account can see.
    #[error("not found")]
    NotFound,
    /// The account sees the calendar but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// A UID is taken.
    #[error("{0}")]
    Conflict(String),
    /// The file is larger than an import reads.
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    /// A mail the service sends (a reminder) could not be delivered.
    #[error("the mail was not delivered: {0}")]
    Delivery(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl CalendarError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for CalendarError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CalendarError::NotFound,
            StoreError::Conflict(c) => CalendarError::Conflict(c),
            other => CalendarError::Store(other),
        }
    }
}
