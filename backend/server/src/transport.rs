//! `osprey relay ...` and `osprey queue ...`: the relay policy and the outbound queue,
//! on the same database as the server (also while it runs; a running server picks up a
//! retried message within its next queue round).

use anyhow::{Context, bail};
use osprey_core::{Address, RelayMode};
use osprey_directory::Actor;
use osprey_store::{DELIVERED, FAILED, PENDING, QueueEntry, QueueFilter};

use crate::{
    cli::{QueueCmd, RelayCmd},
    config::Config,
    serve::{directory, open_store},
};

/// `osprey relay ...`
pub async fn relay(config: &Config, cmd: RelayCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    match cmd {
        RelayCmd::Show { json } => {
            let p = store.settings().relay_policy().await?;
            if json {
                let view = osprey_api::dto::relay_policy(p);
                println!("{}", serde_json::to_string_pretty(&view)?);
                return Ok(());
            }
            println!("mode\t{}", p.mode);
            for n in &p.networks {
                println!("network\t{n}");
            }
            for d in &p.destinations {
                println!("destination\t{d}");
            }
        }
        RelayCmd::Set {
            mode,
            networks,
            destinations,
        } => {
            let policy = directory(&store)
                .set_relay_policy(
                    &Actor::Operator,
                    mode.parse::<RelayMode>()?,
                    &networks,
                    &destinations,
                )
                .await?;
            println!("relay mode is now {}", policy.mode);
        }
        RelayCmd::Check {
            ip,
            authenticated,
            recipient,
        } => {
            let client_ip = ip
                .parse()
                .with_context(|| format!("--ip: '{ip}' is not an IP address"))?;
            let recipient = Address::parse(&recipient)?;
            if store
                .domains()
                .canonical_domain(recipient.domain().as_str())
                .await?
                .is_some()
            {
                println!("local\t{recipient} is in a local domain: delivered here, no relaying");
                return Ok(());
            }
            let d = osprey_mail::Policy::new(store.clone())
                .relay(Some(client_ip), authenticated, &recipient)
                .await?;
            println!("{}\t{}", if d.allowed { "relay" } else { "refuse" }, d.rule);
        }
    }
    Ok(())
}

fn print_entry(e: &QueueEntry, detail: bool) {
    let m = &e.message;
    let sender = if m.sender.is_empty() { "<>" } else { &m.sender };
    println!(
        "{}\t{}\t{sender}\t{} bytes\t{}",
        m.id,
        m.created_at.format("%Y-%m-%d %H:%M:%S"),
        m.size,
        m.subject
    );
    for r in &e.recipients {
        if detail {
            println!(
                "  {}\t{}\tattempts {}\tnext {}\t{}",
                r.address,
                r.status,
                r.attempts,
                r.next_attempt_at.format("%Y-%m-%d %H:%M:%S"),
                r.last_error.as_deref().unwrap_or("")
            );
        } else {
            println!("  {}\t{}", r.address, r.status);
        }
    }
}

/// `osprey queue ...`
pub async fn queue(config: &Config, cmd: QueueCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    match cmd {
        QueueCmd::List {
            state,
            domain,
            sender,
            json,
        } => {
            if let Some(s) = &state
                && ![PENDING, DELIVERED, FAILED].contains(&s.as_str())
            {
                bail!("--state: '{s}' must be pending, delivered or failed");
            }
            let filter = QueueFilter {
                status: state,
                domain,
                sender,
                account_id: None,
                message_id: None,
                limit: 500,
            };
            let entries = store.queue().queue_entries(&filter).await?;
            if json {
                return crate::commands::print_json(
                    entries.into_iter().map(osprey_api::dto::queued_message),
                );
            }
            let entries = crate::commands::listed(entries, "queued messages");
            for e in &entries {
                print_entry(e, false);
            }
        }
        QueueCmd::Show { id, json } => {
            let e = store
                .queue()
                .queue_entry(&id)
                .await
                .with_context(|| format!("no queued message {id}"))?;
            if json {
                let view = osprey_api::dto::queued_message(e);
                println!("{}", serde_json::to_string_pretty(&view)?);
                return Ok(());
            }
            print_entry(&e, true);
        }
        QueueCmd::Retry { id } => {
            let n = directory(&store)
                .retry_queued(&Actor::Operator, &id)
                .await
                .with_context(|| format!("no queued message {id}"))?;
            println!("{n} recipient(s) due now");
        }
        QueueCmd::Bounce { id } => {
            let n = directory(&store)
                .bounce_queued(&Actor::Operator, &id)
                .await
                .with_context(|| format!("no queued message {id}"))?;
            println!(
                "{n} recipient(s) returned to the sender (the running server sends the reports)"
            );
        }
        QueueCmd::Delete { id } => {
            directory(&store)
                .delete_queued(&Actor::Operator, &id)
                .await
                .with_context(|| format!("no queued message {id}"))?;
            println!("removed {id}");
        }
    }
    Ok(())
}
