//! A directory on a fresh database with one domain and its server administrator.

use osprey_core::Role;
use osprey_directory::{
    Actor, Directory, DirectoryError, DomainSettings, NewAccountRequest, NewDomainRequest,
};
use osprey_store::{AccountRecord, DomainRecord, Store, testing::TestDb};

pub const PASSWORD: &str = "Vivid-Harbor-42x";

pub struct Fixture {
    pub directory: Directory,
    pub store: Store,
    pub domain: DomainRecord,
    pub admin: AccountRecord,
    _db: TestDb,
}

impl Fixture {
    pub async fn new() -> Fixture {
        let db = TestDb::new().await;
        let store = db.store().await;
        let directory = Directory::new(store.clone());
        let domain = directory
            .create_domain(&Actor::Operator, domain_request("example.com"))
            .await
            .unwrap();
        let admin = directory
            .create_account(&Actor::Operator, account("root@example.com", Role::Admin))
            .await
            .unwrap();
        Fixture {
            directory,
            store,
            domain,
            admin,
            _db: db,
        }
    }

    /// Adds an account as the operator.
    pub async fn add(&self, address: &str, role: Role, manages: &[&str]) -> AccountRecord {
        let mut req = account(address, role);
        req.admin_domains = manages.iter().map(|s| s.to_string()).collect();
        self.directory
            .create_account(&Actor::Operator, req)
            .await
            .unwrap()
    }

    /// Adds a domain as the operator.
    pub async fn add_domain(&self, name: &str, settings: DomainSettings) -> DomainRecord {
        let mut req = domain_request(name);
        req.settings = settings;
        self.directory
            .create_domain(&Actor::Operator, req)
            .await
            .unwrap()
    }
}

pub fn domain_request(name: &str) -> NewDomainRequest {
    NewDomainRequest {
        name: name.into(),
        enabled: true,
        ..Default::default()
    }
}

pub fn account(address: &str, role: Role) -> NewAccountRequest {
    NewAccountRequest {
        address: address.into(),
        password: PASSWORD.into(),
        role,
        display_name: None,
        quota_bytes: None,
        admin_domains: vec![],
        enabled: true,
        must_change_password: false,
    }
}

/// The fields an `Invalid` error names; panics on any other outcome.
pub fn invalid_fields<T: std::fmt::Debug>(r: Result<T, DirectoryError>) -> Vec<String> {
    match r {
        Err(DirectoryError::Invalid(problems)) => problems.into_iter().map(|p| p.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}
