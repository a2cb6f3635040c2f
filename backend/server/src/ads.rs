//! `osprey ad ...`: banner ad campaigns, their images and counts, the accounts that see
//! none, and a domain's "no ads", from the command line. The rules are the directory's.

use chrono::NaiveDate;
use osprey_directory::{
    Actor, DomainSettings, DomainUpdate,
    ads::{AdCampaignRequest, MAX_IMAGE_BYTES},
};

use crate::{
    cli::AdCmd,
    commands::print_json,
    config::Config,
    serve::{directory, open_store},
};

fn day(flag: &str, s: Option<String>) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    s.map(|s| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            .map_err(|_| anyhow::anyhow!("{flag} takes a date like 2026-12-31, not {s:?}"))
    })
    .transpose()
}

/// Runs `osprey ad add|list|remove|image|stats|exempt|domain`.
pub async fn run(config: &Config, cmd: AdCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    let actor = Actor::Operator;
    match cmd {
        AdCmd::Add {
            name,
            text,
            link,
            targets,
            domain,
            weight,
            starts,
            ends,
        } => {
            let c = directory
                .create_ad_campaign(
                    &actor,
                    AdCampaignRequest {
                        domain,
                        name,
                        text,
                        link_url: link,
                        targets,
                        weight,
                        starts_at: day("--starts", starts)?,
                        // The last day it shows, whole: it ends at the next midnight.
                        ends_at: day("--ends", ends)?.map(|e| e + chrono::Duration::days(1)),
                        enabled: true,
                    },
                )
                .await?;
            println!("{}", c.id);
        }
        AdCmd::List { json } => {
            let list = directory.ad_campaigns(&actor).await?;
            let mut named = Vec::new();
            for c in list {
                let domain = match &c.row.domain_id {
                    Some(id) => Some(store.domains().domain(id).await?.name),
                    None => None,
                };
                named.push((c, domain));
            }
            if json {
                return print_json(
                    named
                        .into_iter()
                        .map(|(c, d)| osprey_api::dto::ad_campaign(c, d)),
                );
            }
            if named.is_empty() {
                eprintln!("no ad campaigns");
            }
            for (c, domain) in named {
                println!(
                    "{}\t{}\t{}\t{}\tweight {}\t{} shown\t{} clicks{}",
                    c.id,
                    c.row.name,
                    domain.as_deref().unwrap_or("every domain"),
                    c.row.targets.join(","),
                    c.row.weight,
                    c.impressions,
                    c.clicks,
                    if c.row.enabled { "" } else { "\t(stopped)" }
                );
            }
        }
        AdCmd::Remove { id } => directory.delete_ad_campaign(&actor, &id).await?,
        AdCmd::Image { id, file, remove } => {
            let image = match (file, remove) {
                (Some(path), false) => {
                    let bytes = std::fs::read(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                    if bytes.len() > MAX_IMAGE_BYTES {
                        anyhow::bail!(
                            "{} is larger than {} KiB",
                            path.display(),
                            MAX_IMAGE_BYTES / 1024
                        );
                    }
                    Some(bytes)
                }
                (None, true) => None,
                _ => anyhow::bail!("name an image file, or --remove"),
            };
            directory.set_ad_image(&actor, &id, image).await?;
        }
        AdCmd::Stats { id, days } => {
            for d in directory.ad_campaign_days(&actor, &id, days).await? {
                println!("{}\t{} shown\t{} clicks", d.day, d.impressions, d.clicks);
            }
        }
        AdCmd::Exempt { address, remove } => {
            if remove {
                let key = osprey_core::Address::parse(address.trim())
                    .map_err(|e| anyhow::anyhow!("{address}: {e}"))?;
                let account = store.accounts().account_by_address(&key).await?;
                directory.remove_ad_exemption(&actor, &account.id).await?;
            } else {
                directory.exempt_from_ads(&actor, &address).await?;
            }
        }
        AdCmd::Domain { name, off } => {
            let domain = store.domains().domain_by_name(&name).await?;
            let mut settings = DomainSettings::of(&domain);
            settings.no_ads = off;
            directory
                .update_domain(
                    &actor,
                    &domain.id,
                    DomainUpdate {
                        settings: Some(settings),
                        ..Default::default()
                    },
                )
                .await?;
        }
    }
    Ok(())
}
