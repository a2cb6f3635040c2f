//! Statements sent to the database together.
//!
//! A SQLite connection runs its statements on a thread of its own: each one sent alone
//! is a round trip from the writer to that thread and back, two thread switches that
//! the write transaction holds the database through. A [`Batch`] on SQLite goes as ONE
//! command: its statements joined by `;`, their arguments in order (the driver binds a
//! `?` of each statement to the next argument), run one after the other on the
//! connection's thread. On PostgreSQL, whose protocol takes one statement with
//! arguments at a time, the statements run one after the other.
//!
//! On the writer thread, the first batch of a write in a group also carries the write's
//! savepoint ([`crate::savepoint`]).
//!
//! Either way they run in order, in the caller's transaction, and the first that fails
//! stops the rest: the caller's transaction then rolls back. The rows of every
//! statement that returns rows come back in statement order; a caller that mixes
//! statements tells their rows apart by their columns ([`has_column`]).

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult, Statement, StatementBuilder,
    Values,
};

use crate::StoreError;

/// Statements to run together in a transaction (see the module's documentation).
#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
}

impl Batch {
    pub(crate) fn new() -> Batch {
        Batch::default()
    }

    /// Adds a statement built by sea-query for `backend`.
    pub(crate) fn push<S: StatementBuilder>(&mut self, backend: DbBackend, statement: &S) {
        self.statements.push(backend.build(statement));
    }

    /// Adds a statement already built. On SQLite its parameters must be plain `?` (as
    /// sea-query writes them): a numbered `?N` would name the batch's Nth argument.
    pub(crate) fn push_statement(&mut self, statement: Statement) {
        self.statements.push(statement);
    }

    /// Runs the statements; returns the rows of those that return rows, in order.
    pub(crate) async fn rows(
        self,
        txn: &DatabaseTransaction,
    ) -> Result<Vec<QueryResult>, StoreError> {
        if self.statements.is_empty() {
            return Ok(Vec::new());
        }
        match txn.get_database_backend() {
            DbBackend::Sqlite => {
                let mut statements = self.statements;
                // The first batch of a write in a group carries its savepoint.
                let savepoint = crate::savepoint::send_now();
                if savepoint {
                    let sql = crate::savepoint::STATEMENT;
                    statements.insert(0, Statement::from_string(DbBackend::Sqlite, sql));
                }
                let rows = txn.query_all_raw(joined(statements)).await;
                if savepoint && rows.is_err() {
                    crate::savepoint::failed();
                }
                Ok(rows?)
            }
            _ => {
                let mut rows = Vec::new();
                for statement in self.statements {
                    rows.extend(txn.query_all_raw(statement).await?);
                }
                Ok(rows)
            }
        }
    }

    /// Runs the statements (any rows they return are dropped).
    pub(crate) async fn run(self, txn: &DatabaseTransaction) -> Result<(), StoreError> {
        self.rows(txn).await.map(drop)
    }
}

/// One statement of SQLite's made of `statements`, their arguments in order.
fn joined(statements: Vec<Statement>) -> Statement {
    let mut sql = String::new();
    let mut values = Vec::new();
    for s in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&s.sql);
        values.extend(s.values.map(|v| v.0).unwrap_or_default());
    }
    Statement {
        sql,
        values: Some(Values(values)),
        db_backend: DbBackend::Sqlite,
    }
}

/// Whether `row` has a column of this name: which statement of a batch it came from.
pub(crate) fn has_column(row: &QueryResult, name: &str) -> bool {
    row.column_names().iter().any(|c| c == name)
}
