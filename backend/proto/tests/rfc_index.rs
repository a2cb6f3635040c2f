//! Every RFC cited in the backend's sources has a row in `backend/proto/RFC.md`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            // Build output and fuzz corpora are not sources.
            if name != "target" && name != "corpus" && name != "artifacts" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every number `N` in "RFC N" (one space, then digits).
fn citations(text: &str) -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("RFC ") {
        let digits: String = text[i + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            found.insert(n);
        }
    }
    found
}

/// The RFC numbers of the table rows, in file order.
fn index_rows(index: &str) -> Vec<u32> {
    index
        .lines()
        .filter_map(|line| {
            let cell = line.strip_prefix('|')?.split('|').next()?.trim();
            cell.parse().ok()
        })
        .collect()
}

#[test]
fn every_cited_rfc_is_indexed() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = fs::read_to_string(manifest.join("RFC.md")).expect("RFC.md");
    let rows = index_rows(&index);
    assert!(rows.len() >= 20, "RFC.md has only {} rows", rows.len());
    assert!(
        rows.windows(2).all(|w| w[0] < w[1]),
        "RFC.md rows are not in number order (or repeat): {rows:?}"
    );

    let mut files = Vec::new();
    rust_files(&manifest.join(".."), &mut files);
    assert!(files.len() > 10, "found only {} Rust files", files.len());
    let mut missing = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap_or_default();
        for rfc in citations(&text) {
            if !rows.contains(&rfc) {
                missing.push(format!("RFC {rfc} in {}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited but without a row in backend/proto/RFC.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn citation_scanner() {
    let found = citations("see RFC 1939 §5 and RFC 5034, not RFC, not RFC5322 nor RFC x");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec![1939, 5034]);
    assert_eq!(
        index_rows("| RFC | T |\n| --- | - |\n| 1939 | POP3 |\n"),
        vec![1939]
    );
}
