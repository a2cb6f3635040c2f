//! Who acts on the directory, and which domains that actor may administer.

use std::net::IpAddr;

use osprey_core::Role;
use osprey_store::AccountRecord;

use crate::DirectoryError;

/// The one who asks for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The operator at the server's command line: may do all a server administrator may.
    Operator,
    /// A signed-in account (or one of its API keys, once the key's scopes allowed it).
    Account {
        id: String,
        role: Role,
        /// Ids of the domains a domain administrator manages.
        domain_ids: Vec<String>,
        /// Its address, as the audit log names it.
        address: String,
        /// Where the request came from, for the audit log.
        origin: Origin,
    },
}

/// Through which door an account acts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Via {
    /// A signed-in session (the web app).
    #[default]
    Web,
    /// An API key.
    Api,
}

/// Where an account's request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client's address, when the listener knows it.
    pub ip: Option<IpAddr>,
    pub via: Via,
}

impl Actor {
    /// The actor for a signed-in account (through the web app, from an unknown address).
    pub fn account(a: &AccountRecord) -> Actor {
        Actor::account_from(a, Origin::default())
    }

    /// The actor for an account whose request came from `origin`.
    pub fn account_from(a: &AccountRecord, origin: Origin) -> Actor {
        Actor::Account {
            id: a.id.clone(),
            role: a.role,
            domain_ids: a.admin_domains.iter().map(|(id, _)| id.clone()).collect(),
            address: a.address(),
            origin,
        }
    }

    /// The account id of the actor, if it is an account.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            Actor::Operator => None,
            Actor::Account { id, .. } => Some(id),
        }
    }

    /// The domains this actor administers; users are refused.
    pub fn admin_scope(&self) -> Result<AdminScope, DirectoryError> {
        match self {
            Actor::Operator => Ok(AdminScope::All),
            Actor::Account {
                role, domain_ids, ..
            } => match role {
                Role::Admin => Ok(AdminScope::All),
                Role::DomainAdmin => Ok(AdminScope::Domains(domain_ids.clone())),
                Role::User => Err(DirectoryError::forbidden("this needs an administrator")),
            },
        }
    }

    /// Refuses anyone but a server administrator (or the operator).
    pub fn server_admin(&self) -> Result<(), DirectoryError> {
        match self.admin_scope()? {
            AdminScope::All => Ok(()),
            AdminScope::Domains(_) => Err(DirectoryError::forbidden(
                "this needs a server administrator",
            )),
        }
    }
}

/// Which domains an administrator may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminScope {
    /// Every domain (server admin).
    All,
    /// These domain ids (domain admin).
    Domains(Vec<String>),
}

impl AdminScope {
    /// Returns `true` if and only if the scope includes the domain `domain_id`.
    pub fn includes(&self, domain_id: &str) -> bool {
        match self {
            AdminScope::All => true,
            AdminScope::Domains(ids) => ids.iter().any(|i| i == domain_id),
        }
    }

    /// The restriction to pass to a store listing: `None` for every domain.
    pub fn restriction(&self) -> Option<Vec<String>> {
        match self {
            AdminScope::All => None,
            AdminScope::Domains(ids) => Some(ids.clone()),
        }
    }

    /// Refuses the domain `name` (of id `domain_id`) outside the scope.
    pub fn check_domain(&self, domain_id: &str, name: &str) -> Result<(), DirectoryError> {
        if self.includes(domain_id) {
            Ok(())
        } else {
            Err(DirectoryError::forbidden(format!(
                "the domain {name} is not one you administer"
            )))
        }
    }

    /// Refuses a thing of a domain outside the scope.
    pub fn check(&self, domain_id: &str, what: &str) -> Result<(), DirectoryError> {
        if self.includes(domain_id) {
            Ok(())
        } else {
            Err(DirectoryError::forbidden(format!(
                "{what} not in a domain you administer"
            )))
        }
    }
}
