//! Opening the database and bringing its schema up to date.

use std::{path::PathBuf, str::FromStr, sync::Arc, time::Duration};

use osprey_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

use crate::{Store, StoreError, tx::SqliteWriter};

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a PostgreSQL connection may sit idle in the pool before it is checked.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// Pool settings; the defaults suit one node on a small machine.
#[derive(Debug, Clone)]
pub struct ConnectSettings {
    /// Most connections in the pool. Set explicitly for SQLite too, where sea-orm would
    /// otherwise use a single connection.
    pub max_connections: u32,
    /// How long a writer waits for SQLite's lock before failing.
    pub busy_timeout: Duration,
    /// How long to wait for a connection from the pool or the server.
    pub connect_timeout: Duration,
}

impl Default for ConnectSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`) and runs pending migrations.
    ///
    /// SQLite files are created when missing and opened in WAL mode with foreign keys on
    /// and a busy timeout, so that the CLI can work on the database while the server
    /// runs. Either way a commit is on disk when it returns: plain statements run with
    /// `synchronous=FULL`, write transactions as [`crate::tx`] describes.
    pub async fn connect(url: &str, settings: &ConnectSettings) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL '{}': expected sqlite:// or postgres://",
                redact(url)
            )));
        };
        if backend == Backend::Sqlite {
            // Fail early, with the URL's own words, on a malformed SQLite URL.
            SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?;
        }
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(settings.max_connections)
            .min_connections(1)
            .connect_timeout(settings.connect_timeout)
            .acquire_timeout(settings.connect_timeout)
            .sqlx_logging(false);
        // No ping before every use of a pooled connection: on SQLite the connection is
        // a thread of this process that cannot go away, and under load the pings made
        // the pool open and close some 400 connections a second (each a thread, three
        // file opens and a schema read; the IMAP bench runs 30 % more commands a second
        // without them). A PostgreSQL connection is checked only after it sat idle, when the server may
        // have dropped it.
        match backend {
            Backend::Sqlite => opts.test_before_acquire(false),
            Backend::Postgres => opts.test_before_acquire_if_idle_for(IDLE_BEFORE_PING),
        };
        let writes = opts.clone();
        let db = Database::connect(sqlite_options(opts, settings, SqliteSynchronous::Full)).await?;
        Migrator::up(&db, None).await?;
        let writer = match backend {
            Backend::Sqlite => Some(Arc::new(sqlite_writer(url, writes, settings).await?)),
            Backend::Postgres => None,
        };
        let store = Store {
            db,
            backend,
            bus: crate::changes::channel(),
            account_bus: crate::account_events::channel(),
            writer,
            text_queue: Default::default(),
        };
        let filled = crate::repo::message_sort::fill_sort_subjects(&store).await?;
        if filled > 0 {
            tracing::info!(messages = filled, "sort subjects written");
        }
        Ok(store)
    }
}

/// WAL mode, foreign keys, the busy timeout and `sync` on every SQLite connection of
/// the pool (ignored for PostgreSQL).
fn sqlite_options(
    mut opts: ConnectOptions,
    settings: &ConnectSettings,
    sync: SqliteSynchronous,
) -> ConnectOptions {
    let busy = settings.busy_timeout;
    opts.map_sqlx_sqlite_opts(move |o| {
        o.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .foreign_keys(true)
            .busy_timeout(busy)
    });
    opts
}

/// The write path of a SQLite store (see [`crate::tx`]): two connections with
/// `synchronous=NORMAL`, since writers take turns anyway, and the WAL file to sync.
async fn sqlite_writer(
    url: &str,
    mut opts: ConnectOptions,
    settings: &ConnectSettings,
) -> Result<SqliteWriter, StoreError> {
    let file = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?
        .get_filename()
        .to_path_buf();
    let mut wal = file.into_os_string();
    wal.push("-wal");
    opts.max_connections(2).min_connections(1);
    let mut pool =
        Database::connect(sqlite_options(opts, settings, SqliteSynchronous::Normal)).await?;
    // The writer thread checks that a write's first change comes with its savepoint.
    pool.set_metric_callback(crate::savepoint::ran);
    let runtime = tokio::runtime::Handle::current();
    Ok(SqliteWriter::new(
        pool,
        settings.busy_timeout,
        wal.into(),
        runtime,
    )?)
}

/// The file a `sqlite:` URL names, as SQLite will open it; `None` for other engines and
/// for in-memory databases.
pub fn sqlite_file(url: &str) -> Result<Option<PathBuf>, StoreError> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?;
    Ok(Some(opts.get_filename().to_path_buf()))
}

/// The URL with any password replaced by `***`, safe to log or show.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn sqlite_urls_name_their_file() {
        let file = |url| super::sqlite_file(url).unwrap();
        assert_eq!(
            file("sqlite://data/osprey.db").as_deref(),
            Some(Path::new("data/osprey.db"))
        );
        assert_eq!(
            file("sqlite:///var/lib/osprey/osprey.db?mode=rwc").as_deref(),
            Some(Path::new("/var/lib/osprey/osprey.db"))
        );
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("postgres://u@h/db"), None);
    }

    /// `.cargo/config.toml` builds SQLite with `SQLITE_ENABLE_QPSG` (without it every
    /// `LIMIT ?` statement is prepared anew at each run), without the memory statistics'
    /// mutex and with a page cache of 128 pages per connection (see there).
    #[tokio::test]
    async fn sqlite_is_built_with_the_options_the_store_counts_on() {
        use sea_orm::{ConnectionTrait, Database, Statement};
        let db = Database::connect("sqlite::memory:").await.unwrap();
        for option in [
            "ENABLE_QPSG",
            "DEFAULT_MEMSTATUS=0",
            "DEFAULT_PCACHE_INITSZ=128",
        ] {
            let on = db
                .query_one_raw(Statement::from_sql_and_values(
                    db.get_database_backend(),
                    "SELECT 1 FROM pragma_compile_options WHERE compile_options = ?",
                    [option.into()],
                ))
                .await
                .unwrap();
            assert!(on.is_some(), "SQLite was built without SQLITE_{option}");
        }
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            super::redact("sqlite://data/osprey.db"),
            "sqlite://data/osprey.db"
        );
    }
}
