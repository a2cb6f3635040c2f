//! The address book's errors.

use osprey_store::StoreError;

/// What went wrong; `Invalid`, `NotFound` and `Conflict` are the user's to see.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    /// A field is wrong; `field` names it as the API does (`emails[1]`).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// No such contact or group of the account.
    #[error("not found")]
    NotFound,
    /// A UID or group name is taken.
    #[error("{0}")]
    Conflict(String),
    /// The file is larger than the import reads.
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ContactsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ContactsError::NotFound,
            StoreError::Conflict(c) => ContactsError::Conflict(c),
            // The only invalid input the address book's store calls see besides group
            // members (mapped where groups are written) is a listing's cursor.
            StoreError::Invalid(m) => ContactsError::Invalid {
                field: "cursor".into(),
                message: m,
            },
            other => ContactsError::Store(other),
        }
    }
}
