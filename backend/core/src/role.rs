//! Account roles: who may administer what.

use std::{fmt, str::FromStr};

/// What an account may administer.
///
/// A server `Admin` manages everything; a `DomainAdmin` manages the accounts and aliases of
/// the domains listed for it (and nothing server-wide); a `User` manages only itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    DomainAdmin,
    User,
}

/// An unknown role name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}': expected admin, domain_admin or user")]
pub struct RoleError(pub String);

impl Role {
    /// The stable name used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::DomainAdmin => "domain_admin",
            Role::User => "user",
        }
    }
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, RoleError> {
        match s {
            "admin" => Ok(Role::Admin),
            "domain_admin" => Ok(Role::DomainAdmin),
            "user" => Ok(Role::User),
            other => Err(RoleError(other.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for r in [Role::Admin, Role::DomainAdmin, Role::User] {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert_eq!("root".parse::<Role>(), Err(RoleError("root".into())));
    }
}
