//! `osprey user import` and `osprey user export`: accounts in bulk as CSV, with a
//! progress bar on a terminal. The rules (each line as one new account, the domains'
//! limits) are the directory's.

use std::io::Read;

use indicatif::{ProgressBar, ProgressStyle};
use osprey_directory::{
    Actor, Directory, DirectoryError,
    account_import::{ImportOptions, LineOutcome},
};

/// A bar for `total` steps on standard error; drawn only on a terminal.
fn bar(total: usize, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

/// Runs `osprey user import FILE`.
pub async fn import(
    directory: &Directory,
    file: &str,
    dry_run: bool,
    skip_invalid: bool,
) -> anyhow::Result<()> {
    let csv = if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?
    };
    let progress = bar(0, if dry_run { "checking" } else { "creating" });
    let report = directory
        .import_accounts(
            &Actor::Operator,
            &csv,
            ImportOptions {
                dry_run,
                skip_invalid,
            },
            &|done, total| {
                progress.set_length(total as u64);
                progress.set_position(done as u64);
            },
        )
        .await;
    progress.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(DirectoryError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{}", p.message);
            }
            anyhow::bail!(
                "nothing was imported: {} bad line(s) (--dry-run checks a file, --skip-invalid imports the good lines only)",
                problems.len()
            );
        }
        Err(e) => return Err(e.into()),
    };
    for line in &report.lines {
        match &line.outcome {
            LineOutcome::Problem(why) => eprintln!("line {}: {}: {why}", line.line, line.address),
            LineOutcome::Added {
                generated_password: Some(pw),
            } if !dry_run => println!("{}\t{pw}", line.address),
            LineOutcome::Added { .. } => {}
        }
    }
    println!(
        "{} {} account(s); {} line(s) not taken",
        if dry_run { "would create" } else { "created" },
        report.added(),
        report.problems()
    );
    Ok(())
}

/// Runs `osprey user export`.
pub async fn export(directory: &Directory, domain: Option<&str>) -> anyhow::Result<()> {
    let progress = ProgressBar::new_spinner();
    progress.set_message("exporting");
    let csv = directory
        .export_accounts(&Actor::Operator, domain, &|n| {
            progress.set_message(format!("exported {n} account(s)"));
        })
        .await;
    progress.finish_and_clear();
    print!("{}", csv?);
    Ok(())
}
