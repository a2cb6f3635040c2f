//! `backend/proto/RFC.md`, the index of the RFCs the code cites: every `RFC <number>` in
//! the backend's Rust sources has a row, the rows are in number order, and each row's
//! status is one of the words its legend defines (`Status: **Yes** (...), ...`).

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use crate::tidy::Finding;

const RULE: &str = "rfc-index";
const INDEX: &str = "backend/proto/RFC.md";
/// Where the cited RFCs are looked for.
const SOURCES: &str = "backend";

/// A table row: the RFC's number and its status cell.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    line: usize,
    rfc: u32,
    status: String,
}

/// The index as written: the legend's status words and the table's rows.
#[derive(Debug, PartialEq, Eq)]
struct Index {
    statuses: Vec<String>,
    rows: Vec<Row>,
}

/// The bold words of the paragraph that starts with `Status:`, and every table row whose
/// first cell is a number, with the cell under the `Status` header.
fn parse(text: &str) -> Result<Index, String> {
    let legend: String = text
        .split("\n\n")
        .find_map(|para| para.find("Status:").map(|at| para[at..].to_owned()))
        .ok_or_else(|| format!("{INDEX} has no legend (a paragraph with `Status:`)"))?;
    let statuses: Vec<String> = legend
        .split("**")
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    if statuses.is_empty() {
        return Err(format!("{INDEX}: the legend names no **status**"));
    }
    let cells = |line: &str| -> Option<Vec<String>> {
        let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
        Some(inner.split('|').map(|c| c.trim().to_owned()).collect())
    };
    let column = text
        .lines()
        .filter_map(cells)
        .find_map(|c| c.iter().position(|h| h == "Status"))
        .ok_or_else(|| format!("{INDEX}: no table with a `Status` column"))?;
    let rows = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let c = cells(line)?;
            let rfc = c.first()?.parse().ok()?;
            Some(Row {
                line: i + 1,
                rfc,
                status: c.get(column).cloned().unwrap_or_default(),
            })
        })
        .collect();
    Ok(Index { statuses, rows })
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

/// The findings about `index` given the citations of each source file.
fn findings(index: &Index, cited: &[(String, BTreeSet<u32>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in index.rows.windows(2) {
        if w[0].rfc >= w[1].rfc {
            out.push(Finding::new(
                RULE,
                format!(
                    "{INDEX}:{}: RFC {} comes after RFC {}",
                    w[1].line, w[1].rfc, w[0].rfc
                ),
                "keep one row per RFC, in number order",
            ));
        }
    }
    for row in &index.rows {
        if !index.statuses.contains(&row.status) {
            out.push(Finding::new(
                RULE,
                format!(
                    "{INDEX}:{}: RFC {} has the status `{}`, not a word of the legend ({})",
                    row.line,
                    row.rfc,
                    row.status,
                    index.statuses.join(", ")
                ),
                "use one of the legend's words, or add a new status to the legend",
            ));
        }
    }
    for (file, rfcs) in cited {
        for rfc in rfcs {
            if !index.rows.iter().any(|r| r.rfc == *rfc) {
                out.push(Finding::new(
                    RULE,
                    format!("{file} cites RFC {rfc}, which has no row in {INDEX}"),
                    "add the row, in number order, with its status and what Osprey does of it",
                ));
            }
        }
    }
    out
}

/// Every finding about the RFC index of the repository at `root`.
pub fn check(root: &Path) -> Result<Vec<Finding>, String> {
    let text =
        fs::read_to_string(root.join(INDEX)).map_err(|e| format!("cannot read {INDEX}: {e}"))?;
    let index = parse(&text)?;
    let mut files = Vec::new();
    rust_files(&root.join(SOURCES), &mut files);
    files.sort();
    // A scanner that finds (almost) nothing is broken, not happy.
    if index.rows.len() < 20 || files.len() < 10 {
        return Err(format!(
            "{INDEX}: only {} rows, {} Rust files under {SOURCES}: is the repository there?",
            index.rows.len(),
            files.len()
        ));
    }
    let cited: Vec<(String, BTreeSet<u32>)> = files
        .iter()
        .map(|f| {
            let name = f.strip_prefix(root).unwrap_or(f).display().to_string();
            (name, citations(&fs::read_to_string(f).unwrap_or_default()))
        })
        .collect();
    Ok(findings(&index, &cited))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# RFC index\n\nIntro.\n\nRows. Status: **Yes** (all), **Partial** \
        (some),\n**No** (none).\nMore words.\n\n| RFC | Title | Status | Notes |\n| --- | --- | \
        --- | --- |\n| 1939 | POP3 | Yes | all |\n| 2449 | POP3 ext | Partial | some |\n";

    #[test]
    fn reads_the_legend_and_the_rows() {
        let index = parse(SAMPLE).unwrap();
        assert_eq!(index.statuses, ["Yes", "Partial", "No"]);
        assert_eq!(
            index.rows,
            [
                Row {
                    line: 11,
                    rfc: 1939,
                    status: "Yes".into()
                },
                Row {
                    line: 12,
                    rfc: 2449,
                    status: "Partial".into()
                }
            ]
        );
        assert!(
            parse("| RFC | Status |\n| 1 | Yes |\n").is_err(),
            "no legend"
        );
    }

    #[test]
    fn citation_scanner() {
        let found = citations("see RFC 1939 §5 and RFC 5034, not RFC, not RFC5322 nor RFC x");
        assert_eq!(found.into_iter().collect::<Vec<_>>(), vec![1939, 5034]);
    }

    #[test]
    fn a_complete_index_has_no_findings() {
        let index = parse(SAMPLE).unwrap();
        let cited = vec![("a.rs".to_owned(), citations("RFC 1939 and RFC 2449"))];
        assert_eq!(findings(&index, &cited), []);
    }

    #[test]
    fn a_status_outside_the_legend_fails() {
        let index = parse(&SAMPLE.replace("| Partial | some", "| Full | some")).unwrap();
        let found = findings(&index, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "tidy: rfc-index: backend/proto/RFC.md:12: RFC 2449 has the status `Full`, not a \
             word of the legend (Yes, Partial, No) (use one of the legend's words, or add a new \
             status to the legend)"
        );
    }

    #[test]
    fn a_missing_row_and_rows_out_of_order_fail() {
        let index = parse(&SAMPLE.replace("| 2449 |", "| 1000 |")).unwrap();
        let cited = vec![("x/y.rs".to_owned(), citations("// RFC 9051 §6"))];
        let found = findings(&index, &cited);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].what.contains("RFC 1000 comes after RFC 1939"));
        assert_eq!(
            found[1].what,
            "x/y.rs cites RFC 9051, which has no row in backend/proto/RFC.md"
        );
    }
}
