//! Test support: a fresh, empty database for each test, on the engine named by
//! `OSPREY_TEST_BACKEND` (`sqlite`, the default, or `postgres`). PostgreSQL databases are
//! created on the server at `OSPREY_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped when the guard is dropped.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

use crate::{ConnectSettings, Store};

/// The engine the tests of this run use.
pub fn backend_name() -> String {
    std::env::var("OSPREY_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

fn admin_url() -> String {
    std::env::var("OSPREY_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that exists for one test; dropping it removes it.
pub struct TestDb {
    /// The URL to connect to.
    pub url: String,
    /// A scratch directory for files (SQLite database, blobs).
    pub dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    /// Creates a fresh database on this run's engine.
    pub async fn new() -> TestDb {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let dir = std::env::temp_dir().join(format!("osprey-test-{id}"));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        match backend_name().as_str() {
            "sqlite" => TestDb {
                url: format!("sqlite://{}", dir.join("osprey.db").display()),
                dir,
                pg_name: None,
            },
            "postgres" => {
                let admin = admin_url();
                let name = format!("osprey_t_{id}");
                let db = Database::connect(admin.as_str()).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL at {} is unreachable: {e}",
                        crate::redact(&admin)
                    )
                });
                db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                let _ = db.close().await;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    dir,
                    pg_name: Some(name),
                }
            }
            other => panic!("OSPREY_TEST_BACKEND must be sqlite or postgres, not {other}"),
        }
    }

    /// Runs `sql` on this database over a connection of its own: for tests that change
    /// the schema under a running store (a trigger that makes a write fail, say).
    pub async fn execute(&self, sql: &str) {
        let db = Database::connect(self.url.as_str())
            .await
            .expect("connect to the test database");
        db.execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = db.close().await;
    }

    /// Connects a store to this database (running the migrations).
    pub async fn store(&self) -> Store {
        Store::connect(&self.url, &ConnectSettings::default())
            .await
            .expect("connect the test store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_name.take() {
            let admin = admin_url();
            // Dropping runs outside any async context: use a small runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let db = Database::connect(admin.as_str()).await.ok()?;
                    let _ = db
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = db.close().await;
                    Some(())
                })
            })
            .join();
        }
    }
}

/// An enabled plain user at `address` (its domain made first when the store has none of
/// that name), whose password is `Plain-Ribbon-77z`: the account most tests start from.
pub async fn user(store: &Store, address: &str) -> crate::AccountRecord {
    let address = osprey_core::Address::parse(address).expect("a valid address");
    let domain = address.domain().to_string();
    if store
        .domains()
        .domain_ids_by_names(std::slice::from_ref(&domain))
        .await
        .is_err()
    {
        store
            .domains()
            .create_domain(crate::NewDomain {
                name: osprey_core::DomainName::parse(&domain).expect("a valid domain"),
                aliases: vec![],
                settings: Default::default(),
                enabled: true,
            })
            .await
            .expect("the domain");
    }
    store
        .accounts()
        .create_account(crate::NewAccount {
            address,
            credentials: osprey_core::hash_credentials("Plain-Ribbon-77z"),
            role: osprey_core::Role::User,
            display_name: String::new(),
            quota_bytes: None,
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .expect("the account")
}

/// On PostgreSQL, gathers the query planner's statistics of every table, as autovacuum
/// keeps them on a running server: a bench calls it after filling its tables, so that it
/// measures the plans a server would use, not those of tables filled a moment ago. (The
/// server runs no ANALYZE on SQLite, so neither does this.)
pub async fn analyze(store: &Store) {
    if store.backend == crate::Backend::Postgres {
        store
            .db
            .execute_unprepared("ANALYZE")
            .await
            .expect("ANALYZE runs");
    }
}
