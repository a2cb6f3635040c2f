//! A list's members as CSV (RFC 4180): pasted or uploaded by an owner, checked line by
//! line with a dry run that changes nothing, and exported. A line is
//! `address[,display name[,delivery mode]]`; a first line naming the columns
//! (`address,...` or `email,...`) is skipped; fields may be quoted (`"Doe, Jane"`).

use osprey_core::csv::{field as csv_field, parse as parse_csv};
use osprey_directory::{Actor, DirectoryError};
use osprey_store::{ListQuery, StoreError};

use crate::admin::{ListAdmin, NewMemberRequest};

/// The most lines one import takes.
pub const MAX_IMPORT_LINES: usize = 10_000;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Addresses added (would be added).
    pub added: Vec<String>,
    /// Addresses that are members already (left as they are).
    pub already_members: Vec<String>,
    /// Lines not taken, each with its number (from 1) and why.
    pub problems: Vec<(usize, String)>,
}

impl ListAdmin {
    /// Adds the members `csv` lists to the list `id`; with `dry_run`, only says what it
    /// would do. Bad lines are reported and skipped; with `notify`, each added member
    /// gets the welcome. `Invalid` (field `csv`) for more than [`MAX_IMPORT_LINES`] lines.
    pub async fn import_members(
        &self,
        actor: &Actor,
        id: &str,
        csv: &str,
        dry_run: bool,
        notify: bool,
    ) -> Result<ImportReport, DirectoryError> {
        let list = self.get(actor, id).await?;
        let mut rows = parse_csv(csv);
        if rows.len() > MAX_IMPORT_LINES {
            return Err(DirectoryError::field(
                "csv",
                format!("at most {MAX_IMPORT_LINES} lines at a time"),
            ));
        }
        if rows.first().is_some_and(|(_, f)| {
            f.first().is_some_and(|c| {
                c.eq_ignore_ascii_case("address") || c.eq_ignore_ascii_case("email")
            })
        }) {
            rows.remove(0);
        }
        let mut report = ImportReport::default();
        let mut seen = std::collections::HashSet::new();
        for (line, fields) in rows {
            let req = NewMemberRequest {
                address: fields.first().cloned().unwrap_or_default(),
                display_name: fields.get(1).filter(|n| !n.is_empty()).cloned(),
                delivery_mode: fields.get(2).filter(|m| !m.is_empty()).cloned(),
            };
            let new = match self.checked_member(&list, req).await {
                Ok(new) => new,
                Err(DirectoryError::Invalid(problems)) => {
                    let text = problems
                        .iter()
                        .map(|p| format!("{}: {}", p.field.replace('_', " "), p.message))
                        .collect::<Vec<_>>()
                        .join("; ");
                    report.problems.push((line, text));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let address = new.address.clone();
            if !seen.insert(address.to_ascii_lowercase()) {
                report
                    .problems
                    .push((line, format!("{address} is on an earlier line")));
                continue;
            }
            if dry_run {
                match self.store.lists().member(id, &address).await? {
                    Some(_) => report.already_members.push(address),
                    None => report.added.push(address),
                }
                continue;
            }
            match self.store.lists().add_member(id, new).await {
                Ok(added) => {
                    if notify {
                        self.welcome(&list, &added.address).await;
                    }
                    report.added.push(added.address);
                }
                Err(StoreError::Conflict(_)) => report.already_members.push(address),
                Err(e) => return Err(e.into()),
            }
        }
        if !dry_run && !report.added.is_empty() {
            tracing::info!(list = %list.address(), added = report.added.len(), "members imported");
            osprey_directory::audit::record(
                &self.store,
                actor,
                crate::admin::list_change("list.import", &list, list.address()).after(
                    serde_json::json!({
                        "added": report.added.len(),
                        "already_members": report.already_members.len(),
                        "problems": report.problems.len(),
                    }),
                ),
            )
            .await;
        }
        Ok(report)
    }

    /// The list's members as CSV: `address,name,mode,status,bounces,joined`, a line
    /// each, in address order.
    pub async fn export_members(&self, actor: &Actor, id: &str) -> Result<String, DirectoryError> {
        self.get(actor, id).await?;
        let mut out = String::from("address,name,mode,status,bounces,joined\r\n");
        let mut query = ListQuery {
            limit: 500,
            ..Default::default()
        };
        loop {
            let page = self.store.lists().members(id, &query).await?;
            for m in &page.items {
                out.push_str(&format!(
                    "{},{},{},{},{},{}\r\n",
                    csv_field(&m.address),
                    csv_field(m.display_name.as_deref().unwrap_or("")),
                    m.delivery_mode,
                    m.status,
                    m.bounce_score,
                    m.joined_at.to_rfc3339(),
                ));
            }
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_commas_and_quotes_and_empty_lines_are_skipped() {
        // RFC 4180 §2: "Fields containing line breaks (CRLF), double quotes, and commas
        // should be enclosed in double-quotes"; "a double-quote appearing inside a field
        // must be escaped by preceding it with another double quote".
        let rows = parse_csv(
            "address,name\r\n\r\nann@x.example, \"Doe, Ann\" ,nomail\r\n\"b@x.example\",\"Say \"\"hi\"\"\"\r\n",
        );
        assert_eq!(
            rows,
            [
                (1, vec!["address".to_owned(), "name".into()]),
                (
                    3,
                    vec!["ann@x.example".into(), "Doe, Ann".into(), "nomail".into()]
                ),
                (4, vec!["b@x.example".into(), "Say \"hi\"".into()]),
            ]
        );
        assert_eq!(csv_field("Doe, Ann"), "\"Doe, Ann\"");
        assert_eq!(csv_field("Say \"hi\""), "\"Say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
