//! Stale references: every repository path that `ARCHITECTURE.md` and `README.md` name
//! in backticks (outside code blocks) and that starts with one of [`PREFIXES`] exists.
//! Paths with placeholders or globs (`<...>`, `*`, ...) are skipped, and so are paths that
//! git ignores: those are output, made by builds and tests (`e2e/output/`).

use std::{path::Path, process::Command};

use crate::tidy::Finding;

const RULE: &str = "doc-paths";
/// The documents whose paths are checked.
pub const DOCS: &[&str] = &["ARCHITECTURE.md", "README.md"];
/// What a path into the repository starts with.
pub const PREFIXES: &[&str] = &[
    "backend/",
    "frontend/",
    "xtask/",
    "e2e/",
    "migrations/",
    "openapi/",
];

/// The backticked repository paths of a Markdown text, with their line numbers.
fn paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        for span in line.split('`').skip(1).step_by(2) {
            let is_path = PREFIXES.iter().any(|p| span.starts_with(p))
                && !span.contains(|c: char| c.is_whitespace() || "<>*?[]{}".contains(c));
            if is_path {
                found.push((i + 1, span.to_owned()));
            }
        }
    }
    found
}

/// The findings of one document; `keep(path)` says whether a path is fine (it exists, or
/// it is output).
fn findings(doc: &str, text: &str, keep: impl Fn(&str) -> bool) -> Vec<Finding> {
    paths(text)
        .into_iter()
        .filter(|(_, path)| !keep(path))
        .map(|(line, path)| {
            Finding::new(
                RULE,
                format!("{doc}:{line} names `{path}`, which does not exist"),
                "update the text to the code as it is now, or the path if the file moved",
            )
        })
        .collect()
}

fn git_ignores(root: &Path, path: &str) -> bool {
    Command::new("git")
        .args(["check-ignore", "-q", "--no-index", path])
        .current_dir(root)
        .status()
        .is_ok_and(|s| s.success())
}

/// Every finding about the documents of the repository at `root`.
pub fn check(root: &Path) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for doc in DOCS {
        let text = std::fs::read_to_string(root.join(doc))
            .map_err(|e| format!("cannot read {doc}: {e}"))?;
        out.extend(findings(doc, &text, |p| {
            root.join(p).exists() || git_ignores(root, p)
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "See `backend/core` and `backend/gone.rs`; `cargo xtask run`.\n\
        ```sh\n`backend/in-a-fence.rs`\n```\n\
        `data/tls/cert.pem`, `frontend/<page>.rs`, `e2e/*.rs`, `backend/a b`, `e2e/output/`\n";

    #[test]
    fn finds_the_repository_paths_outside_code_blocks() {
        assert_eq!(
            paths(TEXT),
            [
                (1, "backend/core".to_owned()),
                (1, "backend/gone.rs".to_owned()),
                (5, "e2e/output/".to_owned())
            ]
        );
    }

    #[test]
    fn a_missing_path_fails_and_kept_ones_pass() {
        let found = findings("README.md", TEXT, |p| p != "backend/gone.rs");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "tidy: doc-paths: README.md:1 names `backend/gone.rs`, which does not exist \
             (update the text to the code as it is now, or the path if the file moved)"
        );
    }

    #[test]
    fn ignored_output_is_kept() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert!(git_ignores(root, "e2e/output/"));
        assert!(!git_ignores(root, "backend/core/src/lib.rs"));
    }
}
