//! `osprey list ...`: mailing lists and their members from the command line, through the
//! list service (the same rules as the REST API), as the operator.

use std::io::Write;

use anyhow::Context;
use osprey_core::Address;
use osprey_directory::Actor;
use osprey_lists::{
    ArchivePolicy, ListAdmin, ListArchive, ListSettings, NewListRequest, NewMemberRequest,
    PostingPolicy, Reader,
};
use osprey_store::{ListQuery, ListRecord, Store};

use crate::{
    cli::ListCmd,
    commands::{all, domain_filter},
    config::Config,
    serve::{open_blobs, open_store},
};

/// The list at `address`.
async fn by_address(store: &Store, address: &str) -> anyhow::Result<ListRecord> {
    let key = Address::parse(address)
        .with_context(|| format!("{address} is not an address"))?
        .key();
    match store.lists().list_by_address(&key).await? {
        Some((list, role)) if role == "post" => Ok(list),
        _ => anyhow::bail!("no list {address}"),
    }
}

pub async fn run(config: &Config, cmd: ListCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let admin = ListAdmin::new(store.clone());
    match cmd {
        ListCmd::Add {
            address,
            name,
            posting,
            owners,
            bounce_threshold,
            archive,
            digest_posts,
        } => {
            let archive = match archive.as_str() {
                "members" => ArchivePolicy::Members,
                "public" => ArchivePolicy::Public,
                "off" => ArchivePolicy::Off,
                other => anyhow::bail!("--archive {other}: members, public or off"),
            };
            let posting = match posting.as_str() {
                "anyone" => PostingPolicy::Anyone,
                "members" => PostingPolicy::Members,
                "announce" => PostingPolicy::Announce,
                other => anyhow::bail!("--posting {other}: anyone, members or announce"),
            };
            let local = address.split('@').next().unwrap_or_default().to_lowercase();
            let list = admin
                .create(
                    &Actor::Operator,
                    NewListRequest {
                        address,
                        name,
                        description: String::new(),
                        settings: Some(ListSettings {
                            posting,
                            owners,
                            bounce_threshold,
                            archive,
                            digest_max_posts: digest_posts,
                            ..ListSettings::for_list(&local)
                        }),
                    },
                )
                .await?;
            println!("added list {}", list.address());
        }
        ListCmd::Ls { domain, sort, json } => {
            let order = crate::commands::list_order(&sort);
            let filter = domain_filter(&store, domain.as_deref()).await?;
            let lists = all(
                |q: ListQuery| {
                    let s = store.clone();
                    async move { s.lists().lists_in(&q, order).await }
                },
                filter,
            )
            .await?;
            if json {
                return crate::commands::print_json(
                    lists.into_iter().map(osprey_api::dto::mailing_list),
                );
            }
            for l in crate::commands::listed(lists, "lists") {
                println!("{}\t{}\t{} members", l.address(), l.name, l.member_count);
            }
        }
        ListCmd::Remove { address } => {
            let list = by_address(&store, &address).await?;
            admin.delete(&Actor::Operator, &list.id).await?;
            println!("removed list {}", list.address());
        }
        ListCmd::Members { address, json } => {
            let list = by_address(&store, &address).await?;
            let members = all(
                |q: ListQuery| {
                    let s = store.clone();
                    let id = list.id.clone();
                    async move { s.lists().members(&id, &q).await }
                },
                None,
            )
            .await?;
            if json {
                return crate::commands::print_json(
                    members.into_iter().map(osprey_api::dto::list_member),
                );
            }
            for m in members {
                println!(
                    "{}\t{}\t{}\t{} bounces",
                    m.address, m.delivery_mode, m.status, m.bounce_score
                );
            }
        }
        ListCmd::Subscribe {
            address,
            member,
            nomail,
            mode,
        } => {
            let list = by_address(&store, &address).await?;
            let mode = match (mode, nomail) {
                (Some(m), false) => m,
                (None, true) => "nomail".into(),
                (None, false) => "each".into(),
                (Some(_), true) => anyhow::bail!("give --nomail or --mode, not both"),
            };
            let m = admin
                .add_member(
                    &Actor::Operator,
                    &list.id,
                    NewMemberRequest {
                        address: member,
                        display_name: None,
                        delivery_mode: Some(mode),
                    },
                )
                .await?;
            println!("{} is a member of {}", m.address, list.address());
        }
        ListCmd::Unsubscribe { address, member } => {
            let list = by_address(&store, &address).await?;
            admin
                .remove_member(&Actor::Operator, &list.id, &member)
                .await?;
            println!("{member} is no longer a member of {}", list.address());
        }
        ListCmd::Import {
            address,
            file,
            dry_run,
        } => {
            let list = by_address(&store, &address).await?;
            let csv = if file == "-" {
                std::io::read_to_string(std::io::stdin()).context("reading standard input")?
            } else {
                std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?
            };
            let report = admin
                .import_members(&Actor::Operator, &list.id, &csv, dry_run, false)
                .await?;
            for (line, problem) in &report.problems {
                eprintln!("{file}:{line}: {problem}");
            }
            println!(
                "{}: {} {}, {} already members, {} lines not taken",
                list.address(),
                report.added.len(),
                if dry_run { "to add" } else { "added" },
                report.already_members.len(),
                report.problems.len()
            );
        }
        ListCmd::Export { address } => {
            let list = by_address(&store, &address).await?;
            print!(
                "{}",
                admin.export_members(&Actor::Operator, &list.id).await?
            );
        }
        ListCmd::Archive { address } => {
            let list = by_address(&store, &address).await?;
            let archive = ListArchive::new(store.clone(), open_blobs(config)?);
            let reader = Reader::Account {
                actor: &Actor::Operator,
                address: "",
            };
            let (_, mbox) = archive.mbox(reader, &list.id).await?;
            std::io::stdout()
                .write_all(&mbox)
                .context("writing standard output")?;
        }
        ListCmd::Stats { address, days } => {
            let list = by_address(&store, &address).await?;
            println!("day\tposts\tjoined\tleft\tbounces\tmembers");
            for d in admin.statistics(&Actor::Operator, &list.id, days).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    d.day, d.posts, d.joined, d.left, d.bounces, d.members
                );
            }
        }
    }
    Ok(())
}
