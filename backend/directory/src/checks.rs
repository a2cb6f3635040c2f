//! Input checks that collect every problem of a request, each named by its field.

use osprey_core::{Address, DomainName, PasswordPolicy, password_problems};

use crate::{DirectoryError, FieldProblem};

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 200;

/// Collects field problems; [`finish`](Self::finish) turns any into one error.
#[derive(Default)]
pub struct Checks(Vec<FieldProblem>);

impl Checks {
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldProblem {
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

    /// A display name goes into `From:` fields of mail the account sends: no line
    /// breaks or other control characters (they would inject header fields).
    pub fn display_name(&mut self, field: &str, value: &str) {
        if value.chars().count() > MAX_DISPLAY_NAME {
            self.fail(
                field,
                format!("must be at most {MAX_DISPLAY_NAME} characters long"),
            );
        }
        if value.chars().any(char::is_control) {
            self.fail(field, "must not contain control characters");
        }
    }

    pub fn finish(self) -> Result<(), DirectoryError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DirectoryError::Invalid(self.0))
        }
    }
}
