//! Landed migrations are never edited: `migrations/landed.sha256` holds the SHA-256 of
//! every migration module under `migrations/src` (all but `lib.rs`), one
//! `<sha256>  <path>` line each, as `sha256sum` writes them. A listed file that changed
//! or vanished is a finding, and so is a migration not listed yet; `cargo xtask tidy
//! --bless-migration <file>` appends the new one's line and never rewrites another.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

use crate::tidy::Finding;

const RULE: &str = "migrations";
/// The ledger, relative to the repository root.
pub const LEDGER: &str = "migrations/landed.sha256";
const SOURCES: &str = "migrations/src";

/// One ledger line: the hash and the path relative to the root.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    sha256: String,
    path: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_ledger(text: &str) -> Result<Vec<Entry>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let (sha256, path) = line
                .split_once("  ")
                .filter(|(h, p)| {
                    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) && !p.is_empty()
                })
                .ok_or_else(|| format!("{LEDGER}:{}: not `<sha256>  <path>`: {line}", i + 1))?;
            Ok(Entry {
                sha256: sha256.to_owned(),
                path: path.to_owned(),
            })
        })
        .collect()
}

/// The migration modules under `migrations/src`, relative to the root, sorted.
fn migration_files(root: &Path) -> Result<Vec<String>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries =
            fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut found = Vec::new();
    walk(&root.join(SOURCES), &mut found)?;
    let mut files: Vec<String> = found
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p != &format!("{SOURCES}/lib.rs"))
        .collect();
    files.sort();
    Ok(files)
}

fn read_ledger(root: &Path) -> Result<Vec<Entry>, String> {
    match fs::read_to_string(root.join(LEDGER)) {
        Ok(text) => parse_ledger(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {LEDGER}: {e}")),
    }
}

/// Every finding about the migrations of the repository at `root`.
pub fn check(root: &Path) -> Result<Vec<Finding>, String> {
    let ledger = read_ledger(root)?;
    let mut findings = Vec::new();
    for entry in &ledger {
        match fs::read(root.join(&entry.path)) {
            Ok(bytes) if sha256_hex(&bytes) == entry.sha256 => {}
            Ok(_) => findings.push(Finding::new(
                RULE,
                format!("{} changed after it landed", entry.path),
                "a landed migration is never edited: restore it (git checkout) and put the \
                 change in a new migration",
            )),
            Err(_) => findings.push(Finding::new(
                RULE,
                format!("{} is listed in {LEDGER} but missing", entry.path),
                "a landed migration stays: restore the file",
            )),
        }
    }
    for file in migration_files(root)? {
        if !ledger.iter().any(|e| e.path == file) {
            findings.push(Finding::new(
                RULE,
                format!("{file} is not listed in {LEDGER}"),
                format!(
                    "once the migration is final, run `cargo xtask tidy --bless-migration {file}`"
                ),
            ));
        }
    }
    Ok(findings)
}

/// Appends `file`'s line to the ledger; refuses a file that is listed already or is not
/// a migration module. Returns the line.
pub fn bless(root: &Path, file: &str) -> Result<String, String> {
    let path = file.trim_start_matches("./").replace('\\', "/");
    if !migration_files(root)?.contains(&path) {
        return Err(format!(
            "{file} is not a migration module under {SOURCES} (give its path from the \
             repository root, e.g. {SOURCES}/mYYYYMMDD_NNNNNN_verb_noun.rs)"
        ));
    }
    if read_ledger(root)?.iter().any(|e| e.path == path) {
        return Err(format!(
            "{path} is listed in {LEDGER} already: a landed migration is never blessed again"
        ));
    }
    let bytes = fs::read(root.join(&path)).map_err(|e| format!("cannot read {path}: {e}"))?;
    let line = format!("{}  {path}", sha256_hex(&bytes));
    let ledger = root.join(LEDGER);
    let existing = fs::read_to_string(&ledger).unwrap_or_default();
    // A ledger edited by hand may lack its last newline; never join two lines.
    let separator = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let mut out = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&ledger)
        .map_err(|e| format!("cannot open {LEDGER}: {e}"))?;
    writeln!(out, "{separator}{line}").map_err(|e| format!("cannot write {LEDGER}: {e}"))?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch repository with two migrations, both blessed.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let root =
                std::env::temp_dir().join(format!("xtask-tidy-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(root.join(SOURCES)).unwrap();
            fs::write(root.join(SOURCES).join("lib.rs"), "mod m1; mod m2;").unwrap();
            fs::write(root.join(SOURCES).join("m1.rs"), "// one").unwrap();
            fs::write(root.join(SOURCES).join("m2.rs"), "// two").unwrap();
            let s = Scratch(root);
            bless(&s.0, "migrations/src/m1.rs").unwrap();
            bless(&s.0, "./migrations/src/m2.rs").unwrap();
            s
        }

        fn ledger(&self) -> String {
            fs::read_to_string(self.0.join(LEDGER)).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn blessed_migrations_pass() {
        let s = Scratch::new("pass");
        assert_eq!(check(&s.0).unwrap(), []);
        assert_eq!(
            s.ledger(),
            format!(
                "{}  migrations/src/m1.rs\n{}  migrations/src/m2.rs\n",
                sha256_hex(b"// one"),
                sha256_hex(b"// two")
            )
        );
    }

    #[test]
    fn an_edited_migration_fails() {
        let s = Scratch::new("edited");
        fs::write(s.0.join(SOURCES).join("m1.rs"), "// one, edited").unwrap();
        let findings = check(&s.0).unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].what,
            "migrations/src/m1.rs changed after it landed"
        );
    }

    #[test]
    fn a_vanished_migration_fails() {
        let s = Scratch::new("vanished");
        fs::remove_file(s.0.join(SOURCES).join("m2.rs")).unwrap();
        let findings = check(&s.0).unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].what.contains("m2.rs is listed"));
    }

    #[test]
    fn a_new_migration_fails_until_blessed_and_blessing_only_appends() {
        let s = Scratch::new("new");
        fs::write(s.0.join(SOURCES).join("m3.rs"), "// three").unwrap();
        let findings = check(&s.0).unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].to_string(),
            "tidy: migrations: migrations/src/m3.rs is not listed in migrations/landed.sha256 \
             (once the migration is final, run `cargo xtask tidy --bless-migration \
             migrations/src/m3.rs`)"
        );
        let before = s.ledger();
        bless(&s.0, "migrations/src/m3.rs").unwrap();
        let after = s.ledger();
        assert!(
            after.starts_with(&before),
            "existing lines are kept as they were"
        );
        assert_eq!(after.lines().count(), 3);
        assert_eq!(check(&s.0).unwrap(), []);
    }

    #[test]
    fn blessing_refuses_landed_and_foreign_files() {
        let s = Scratch::new("refuse");
        fs::write(s.0.join(SOURCES).join("m1.rs"), "// one, edited").unwrap();
        let err = bless(&s.0, "migrations/src/m1.rs").unwrap_err();
        assert!(err.contains("never blessed again"), "{err}");
        assert!(bless(&s.0, "migrations/src/lib.rs").is_err());
        assert!(bless(&s.0, "migrations/src/missing.rs").is_err());
        assert!(bless(&s.0, "README.md").is_err());
        assert_eq!(check(&s.0).unwrap().len(), 1, "the edit is still found");
    }

    #[test]
    fn a_malformed_ledger_is_an_error() {
        assert!(parse_ledger("abc  migrations/src/m1.rs\n").is_err());
        assert!(parse_ledger(&format!("{} migrations/src/m1.rs\n", "0".repeat(64))).is_err());
        assert_eq!(parse_ledger("\n").unwrap(), []);
    }
}
