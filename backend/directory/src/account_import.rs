//! Accounts in bulk, as CSV (RFC 4180): an import that checks every line by the rules of
//! one new account (a dry run says line by line what it would do, changing nothing), and
//! an export of the accounts an administrator manages.
//!
//! An import line is `address[,display name[,password[,quota in MiB]]]`, or a first line
//! names the columns (`address,name,password,quota_mib`, in any order, others ignored:
//! an export imports again). A line without a password gets one
//! drawn by the server, reported once in the answer. The real run takes nothing when a
//! line is bad, unless asked to import the good lines only (`skip_invalid`).

use std::collections::{HashMap, HashSet};

use osprey_core::{
    Role,
    csv::{field, parse},
};
use osprey_store::{ListQuery, StoreError};

use crate::{
    Actor, Directory, DirectoryError, FieldProblem, NewAccountRequest,
    accounts::check_account_limit, generate_password,
};

/// The most lines one import takes.
pub const MAX_ACCOUNT_IMPORT_LINES: usize = 5_000;

/// How to run an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check every line and say what would happen; change nothing.
    pub dry_run: bool,
    /// Import the good lines even when others are bad (else a bad line stops it all).
    pub skip_invalid: bool,
}

/// What became of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// Created (in a dry run: would be); with the password the server drew, if it did.
    Added { generated_password: Option<String> },
    /// Not taken, and why.
    Problem(String),
}

/// One line of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    /// Its number in the text, from 1.
    pub line: usize,
    pub address: String,
    pub outcome: LineOutcome,
}

/// What an import did, or in a dry run would do, line by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountImportReport {
    pub dry_run: bool,
    pub lines: Vec<ImportLine>,
}

impl AccountImportReport {
    pub fn added(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, LineOutcome::Added { .. }))
            .count()
    }

    pub fn problems(&self) -> usize {
        self.lines.len() - self.added()
    }
}

/// Where each field is in a line: by the header's names (`address` or `email`, `name`
/// or `display_name`, `password`, `quota_mib`; other columns are ignored, so an export
/// imports again), else `address,name,password,quota_mib` in that order.
#[derive(Debug, Clone, Copy)]
struct Columns {
    address: Option<usize>,
    name: Option<usize>,
    password: Option<usize>,
    quota_mib: Option<usize>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            address: Some(0),
            name: Some(1),
            password: Some(2),
            quota_mib: Some(3),
        }
    }
}

impl Columns {
    fn is_header(first: &[String]) -> bool {
        first
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case("address") || c.eq_ignore_ascii_case("email"))
    }

    fn named(header: &[String]) -> Columns {
        let find = |names: &[&str]| {
            header
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        Columns {
            address: find(&["address", "email"]),
            name: find(&["name", "display_name"]),
            password: find(&["password"]),
            quota_mib: find(&["quota_mib"]),
        }
    }
}

/// The problems of a refused change, in one sentence.
fn sentence(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field.replace('_', " "), p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A line's quota, in MiB, as bytes; `None` when empty.
fn quota(text: Option<&String>) -> Result<Option<u64>, String> {
    match text.map(|t| t.trim()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<u64>()
            .ok()
            .and_then(|mib| mib.checked_mul(1024 * 1024))
            .map(Some)
            .ok_or_else(|| format!("quota: '{t}' is not a whole number of MiB")),
    }
}

impl Directory {
    /// Creates the accounts `csv` lists (users of domains `actor` manages), each by the
    /// rules of [`create_account`](Self::create_account). `progress` hears of each line
    /// done, with the number of lines. `Invalid` (field `csv`) for more than
    /// [`MAX_ACCOUNT_IMPORT_LINES`] lines, and, unless `skip_invalid`, for a real run
    /// with a bad line: one problem per bad line, and nothing created.
    pub async fn import_accounts(
        &self,
        actor: &Actor,
        csv: &str,
        options: ImportOptions,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<AccountImportReport, DirectoryError> {
        actor.admin_scope()?;
        let mut rows = parse(csv);
        let columns = match rows.first() {
            Some((_, first)) if Columns::is_header(first) => {
                let columns = Columns::named(first);
                rows.remove(0);
                columns
            }
            _ => Columns::default(),
        };
        if rows.len() > MAX_ACCOUNT_IMPORT_LINES {
            return Err(DirectoryError::field(
                "csv",
                format!("at most {MAX_ACCOUNT_IMPORT_LINES} lines at a time"),
            ));
        }
        if rows.is_empty() {
            return Err(DirectoryError::field("csv", "holds no account"));
        }
        let total = rows.len();
        let policy = self.password_policy().await?;
        // Once for all the lines: the settings new accounts start with.
        self.reload_settings().await?;
        // Checked first, all of them: a real run creates nothing when a line is bad.
        let mut checked = Vec::with_capacity(total);
        let mut seen = HashSet::new();
        // Accounts each domain takes in this import, against its limit.
        let mut planned: HashMap<String, u64> = HashMap::new();
        for (line, fields) in rows {
            let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).filter(|v| !v.is_empty());
            let address = get(columns.address).cloned().unwrap_or_default();
            let (password, generated) = match get(columns.password) {
                Some(p) => (p.clone(), false),
                None => (generate_password(&address, &policy), true),
            };
            let outcome = match quota(get(columns.quota_mib)) {
                Err(why) => Err(why),
                Ok(quota_bytes) => {
                    let req = NewAccountRequest {
                        address: address.clone(),
                        password,
                        role: Role::User,
                        display_name: get(columns.name).cloned(),
                        quota_bytes,
                        admin_domains: vec![],
                        enabled: true,
                        must_change_password: false,
                    };
                    self.check_import_line(actor, &req, &mut seen, &mut planned)
                        .await?
                }
            };
            checked.push((line, address, outcome.map(|p| (p, generated))));
        }
        let bad: Vec<FieldProblem> = checked
            .iter()
            .filter_map(|(line, _, o)| {
                o.as_ref().err().map(|why| FieldProblem {
                    field: "csv".into(),
                    message: format!("line {line}: {why}"),
                })
            })
            .collect();
        if !options.dry_run && !options.skip_invalid && !bad.is_empty() {
            return Err(DirectoryError::Invalid(bad));
        }
        let mut report = AccountImportReport {
            dry_run: options.dry_run,
            lines: Vec::with_capacity(total),
        };
        for (done, (line, address, outcome)) in checked.into_iter().enumerate() {
            let outcome = match outcome {
                Err(why) => LineOutcome::Problem(why),
                Ok((prepared, generated)) if options.dry_run => LineOutcome::Added {
                    generated_password: generated.then(|| prepared.password.clone()),
                },
                Ok((prepared, generated)) => {
                    let password = generated.then(|| prepared.password.clone());
                    match self.insert_account(actor, prepared).await {
                        Ok(_) => LineOutcome::Added {
                            generated_password: password,
                        },
                        Err(DirectoryError::Conflict(why)) => LineOutcome::Problem(why),
                        Err(e) => return Err(e),
                    }
                }
            };
            report.lines.push(ImportLine {
                line,
                address,
                outcome,
            });
            progress(done + 1, total);
        }
        Ok(report)
    }

    /// One line checked as a new account, and against the lines before it.
    async fn check_import_line(
        &self,
        actor: &Actor,
        req: &NewAccountRequest,
        seen: &mut HashSet<String>,
        planned: &mut HashMap<String, u64>,
    ) -> Result<Result<crate::accounts::PreparedAccount, String>, DirectoryError> {
        let prepared = match self.prepare_account(actor, req).await {
            Ok(p) => p,
            Err(DirectoryError::Invalid(problems)) => return Ok(Err(sentence(&problems))),
            Err(DirectoryError::Forbidden(why) | DirectoryError::Conflict(why)) => {
                return Ok(Err(why));
            }
            Err(DirectoryError::NotFound) => return Ok(Err("not found".into())),
            Err(e) => return Err(e),
        };
        let key = prepared.address.key();
        if !seen.insert(key.clone()) {
            return Ok(Err(format!("{} is on an earlier line", prepared.address)));
        }
        match self
            .store
            .accounts()
            .account_by_address(&prepared.address)
            .await
        {
            Ok(_) => return Ok(Err(format!("the account {key} already exists"))),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        if self.store.aliases().alias_by_address(&key).await?.is_some() {
            return Ok(Err(format!("{key} is already an alias")));
        }
        let taken = planned.entry(prepared.domain_id.clone()).or_default();
        if let Some(max) = prepared.max_accounts
            && let Err(DirectoryError::Invalid(p)) = check_account_limit(
                prepared.address.domain().as_str(),
                max,
                prepared.account_count + *taken,
            )
        {
            return Ok(Err(sentence(&p)));
        }
        *taken += 1;
        Ok(Ok(prepared))
    }

    /// The accounts `actor` manages (of the domain `domain`, if given) as CSV:
    /// `address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created`, in address
    /// order. Its first two columns import again as they are. `progress` hears of the
    /// accounts written so far, after each page.
    pub async fn export_accounts(
        &self,
        actor: &Actor,
        domain: Option<&str>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<String, DirectoryError> {
        let scope = actor.admin_scope()?;
        let domain_id = match domain.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(name) => {
                let d = self
                    .store
                    .domains()
                    .domain_by_name(&name.to_ascii_lowercase())
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => {
                            DirectoryError::field("domain", format!("no domain {name}"))
                        }
                        other => other.into(),
                    })?;
                scope.check_domain(&d.id, &d.name)?;
                Some(d.id)
            }
        };
        let mut out =
            String::from("address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created\r\n");
        let mut query = ListQuery {
            domain_ids: domain_id.map(|id| vec![id]).or_else(|| scope.restriction()),
            limit: 500,
            ..Default::default()
        };
        let mut written = 0;
        loop {
            let page = self.store.accounts().list_accounts(&query).await?;
            written += page.items.len();
            for a in &page.items {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{}\r\n",
                    field(&a.address()),
                    field(&a.display_name),
                    a.role.as_str(),
                    a.quota_bytes
                        .map(|q| (q / (1024 * 1024)).to_string())
                        .unwrap_or_default(),
                    a.used_bytes,
                    a.enabled,
                    a.pop3.mode.as_str(),
                    a.created_at.to_rfc3339(),
                ));
            }
            progress(written);
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        Ok(out)
    }
}
