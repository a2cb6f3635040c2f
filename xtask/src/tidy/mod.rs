//! `cargo xtask tidy`: checks of the repository that no compiler or test makes, each
//! printed as `tidy: <rule>: <what> (<how to fix>)`.
//!
//! - `layers.rs`: crates depend only on lower layers (the table is there), and only the
//!   store and the migrations use the database crates; `metadata.rs` reads the graph.
//! - `migrations.rs`: landed migrations are unchanged (`migrations/landed.sha256`);
//!   `--bless-migration <file>` lists a new one.
//! - `rfc_index.rs`: `backend/proto/RFC.md` has a row for every RFC the backend cites,
//!   in number order, each with a status word of its legend.
//! - `doc_paths.rs`: the repository paths that `ARCHITECTURE.md` and `README.md` name
//!   exist.

mod doc_paths;
mod layers;
mod metadata;
mod migrations;
mod rfc_index;

use std::{fmt, path::Path};

/// One problem found, with the rule that found it and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub what: String,
    pub fix: String,
}

impl Finding {
    pub fn new(rule: &'static str, what: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding {
            rule,
            what: what.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tidy: {}: {} ({})", self.rule, self.what, self.fix)
    }
}

/// `cargo xtask tidy [--bless-migration <file>]`.
pub fn tidy(root: &Path, args: &[String]) -> crate::Result {
    match args {
        [] => {}
        [flag, file] if flag == "--bless-migration" => {
            let line = migrations::bless(root, file)?;
            println!("xtask: tidy: added to {}: {line}", migrations::LEDGER);
        }
        _ => return Err("usage: cargo xtask tidy [--bless-migration <file>]".into()),
    }
    let findings = check(root)?;
    for finding in &findings {
        println!("{finding}");
    }
    if findings.is_empty() {
        println!("xtask: tidy: no findings");
        Ok(())
    } else {
        Err(format!("tidy: {} finding(s)", findings.len()))
    }
}

/// Every check, in order; an error only when a check cannot run at all.
fn check(root: &Path) -> Result<Vec<Finding>, String> {
    let mut findings = layers::check(&metadata::workspace(root)?);
    findings.extend(migrations::check(root)?);
    findings.extend(rfc_index::check(root)?);
    findings.extend(doc_paths::check(root)?);
    Ok(findings)
}
