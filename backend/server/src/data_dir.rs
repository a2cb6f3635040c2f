//! The data directory and the database a command works on. `osprey serve` creates them
//! when they are missing, and so does any command given `--init`; the other commands
//! refuse to start without them, naming what they looked for, so that one run from the
//! wrong directory does not leave a new, empty server behind.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Config;

/// How to point a command at the server's data, for the refusals.
const HOW: &str = "run the command where the server keeps its data, name it with --config, \
                   OSPREY_DATA_DIR or OSPREY_DATABASE_URL, or pass --init to create a new, \
                   empty one";

/// Creates the data directory, readable by the server only, if it is missing.
pub fn create(config: &Config) -> anyhow::Result<()> {
    let dir = &config.data_dir;
    if !dir.exists() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        // Mail, the database and the keys are for the server's eyes only.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Fails unless the SQLite database exists (a PostgreSQL database is the server's to
/// have), and, when the command keeps files there (`uses_files`), the data directory.
pub fn require(config: &Config, uses_files: bool) -> anyhow::Result<()> {
    let dir = absolute(&config.data_dir);
    if let Some(file) = osprey_store::sqlite_file(&config.database_url())? {
        let file = absolute(&file);
        if !file.is_file() {
            bail!(
                "there is no Osprey database at {} (data directory {}); nothing was created: \
                 {HOW}",
                file.display(),
                dir.display()
            );
        }
    }
    if uses_files && !dir.is_dir() {
        bail!(
            "there is no Osprey data directory at {}; nothing was created: {HOW}",
            dir.display()
        );
    }
    Ok(())
}

/// `path` from the root, for messages that must not depend on where they are read.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("osprey-data-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn config(data_dir: PathBuf, database_url: &str) -> Config {
        Config {
            data_dir,
            database_url: database_url.into(),
            ..Config::default()
        }
    }

    #[test]
    fn a_missing_sqlite_database_is_refused_and_named() {
        let root = scratch("sqlite");
        let c = config(root.join("data"), "");
        let err = require(&c, false).unwrap_err().to_string();
        assert!(
            err.contains(&root.join("data/osprey.db").display().to_string()),
            "{err}"
        );
        assert!(err.contains("--init"), "{err}");
        assert!(!root.join("data").exists(), "nothing is created");
        create(&c).unwrap();
        std::fs::write(root.join("data/osprey.db"), b"").unwrap();
        require(&c, true).unwrap();
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn postgres_needs_the_data_directory_only_for_files() {
        let root = scratch("postgres");
        let c = config(root.join("data"), "postgres://u@127.0.0.1/osprey");
        require(&c, false).unwrap();
        let err = require(&c, true).unwrap_err().to_string();
        assert!(err.contains("no Osprey data directory"), "{err}");
        create(&c).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join("data"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        require(&c, true).unwrap();
        let _ = std::fs::remove_dir_all(root);
    }
}
