//! Input validation shared by handlers: each check names the request field it is about.

use osprey_api_types::FieldError;
use osprey_core::{Address, DomainName, PasswordPolicy, password_problems};

use crate::error::ApiError;

/// Collects field errors; [`finish`](Self::finish) turns any into one 422.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn domain(&mut self, field: &str, value: &str) -> Option<DomainName> {
        DomainName::parse(value)
            .map_err(|e| self.fail(field, e.to_string()))
            .ok()
    }

    pub fn address(&mut self, field: &str, value: &str) -> Option<Address> {
        Address::parse(value)
            .map_err(|e| self.fail(field, e.to_string()))
            .ok()
    }

    pub fn password(&mut self, field: &str, value: &str, login: &str, policy: &PasswordPolicy) {
        for p in password_problems(value, login, policy) {
            self.fail(field, format!("the password {p}"));
        }
    }

    pub fn display_name(&mut self, field: &str, value: &str) {
        if value.chars().count() > 200 {
            self.fail(field, "must be at most 200 characters long");
        }
        if value.chars().any(char::is_control) {
            self.fail(field, "must not contain control characters");
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// Derives the stored credentials (argon2 and SCRAM) off the async runtime.
pub async fn hash_password(password: String) -> Result<osprey_core::StoredCredentials, ApiError> {
    tokio::task::spawn_blocking(move || osprey_core::hash_credentials(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Verifies a password off the async runtime.
pub async fn verify_password(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || osprey_core::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}
