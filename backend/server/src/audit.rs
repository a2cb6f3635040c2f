//! `osprey audit ...`: the audit log from the command line. The rules (who reads what,
//! the retention's bounds) are the directory's.

use osprey_directory::{Actor, AuditFilter, field_changes};
use serde_json::json;

use crate::{
    cli::AuditCmd,
    config::Config,
    serve::{directory, open_store},
};

/// Runs `osprey audit show|retention`.
pub async fn run(config: &Config, cmd: AuditCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    match cmd {
        AuditCmd::Show {
            search,
            action,
            limit,
            json,
        } => {
            if !(1..=500).contains(&limit) {
                anyhow::bail!("--limit must be between 1 and 500");
            }
            let page = directory
                .audit_log(
                    &Actor::Operator,
                    AuditFilter {
                        q: search,
                        action,
                        limit: limit.into(),
                        ..Default::default()
                    },
                )
                .await?;
            if page.items.is_empty() && !json {
                eprintln!("no changes recorded");
            }
            for entry in &page.items {
                let changes = field_changes(entry);
                if json {
                    let fields: Vec<_> = changes
                        .iter()
                        .map(|c| json!({ "field": c.field, "before": c.before, "after": c.after }))
                        .collect();
                    println!(
                        "{}",
                        json!({
                            "id": entry.id,
                            "at": entry.at,
                            "actor": entry.actor,
                            "ip": entry.ip,
                            "via": entry.via,
                            "action": entry.action,
                            "target": entry.target,
                            "domain_id": entry.domain_id,
                            "changes": fields,
                        })
                    );
                    continue;
                }
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    entry.at.format("%Y-%m-%d %H:%M:%SZ"),
                    entry.actor,
                    entry.ip.as_deref().unwrap_or("-"),
                    entry.via,
                    entry.action,
                    entry.target
                );
                for c in changes {
                    println!(
                        "\t{}: {} -> {}",
                        c.field,
                        c.before.as_deref().unwrap_or("(none)"),
                        c.after.as_deref().unwrap_or("(none)")
                    );
                }
            }
        }
        AuditCmd::Retention { days } => {
            let days = match days {
                Some(d) => {
                    directory
                        .set_audit_retention_days(&Actor::Operator, d)
                        .await?
                }
                None => directory.audit_retention_days(&Actor::Operator).await?,
            };
            println!("the audit log keeps {days} days");
        }
    }
    Ok(())
}
