//! Write transactions: `BEGIN IMMEDIATE` on SQLite, so that a writer takes the lock at
//! the start and waits on `busy_timeout` instead of failing on upgrade half-way through.

use sea_orm::{DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait};

use crate::{Backend, Store, StoreError};

impl Store {
    /// Begins a transaction that will write.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }
}
