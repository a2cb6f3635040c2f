//! The administration commands: domains, users and aliases, on the same database as the
//! server (also while it runs).

use std::io::BufRead;

use anyhow::{Context, bail};
use osprey_api::domain_dns;
use osprey_core::{Address, Role};
use osprey_directory::{
    AccountUpdate, Actor, Directory, DirectoryError, NewAccountRequest, NewDomainRequest,
};
use osprey_store::{AccountRecord, ListQuery, Store};

use crate::{
    cli::{AliasCmd, DomainCmd, PasswordArgs, UserCmd},
    config::Config,
    serve::{directory, open_store},
};

/// `--sort newest` or the listing's own order.
pub(crate) fn list_order(sort: &str) -> osprey_store::ListOrder {
    if sort == "newest" {
        osprey_store::ListOrder::Newest
    } else {
        osprey_store::ListOrder::Key
    }
}

/// `items` as a JSON array on standard output (`[]` when there are none).
pub(crate) fn print_json<T: serde::Serialize>(
    items: impl Iterator<Item = T>,
) -> anyhow::Result<()> {
    let items: Vec<T> = items.collect();
    println!("{}", serde_json::to_string_pretty(&items)?);
    Ok(())
}

/// A domain's records as zone-file lines, each checked one under its status.
fn print_dns(report: &osprey_api_types::DomainDns) {
    for r in &report.records {
        match &r.status {
            None => println!("{}", r.zone_line),
            Some(status) => {
                let status = serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                println!("{status:<9} {}", r.zone_line);
                for found in &r.found {
                    println!("          published: {found}");
                }
                if let Some(advice) = &r.advice {
                    println!("          {advice}");
                }
            }
        }
    }
}

/// The TXT record that publishes a domain's DKIM key.
fn print_dkim(domain: &str, key: &osprey_store::DkimKeyRecord) {
    println!(
        "DKIM: {}._domainkey.{domain} TXT \"{}\"",
        key.selector,
        osprey_mail::auth::dns_record(&key.public_key)
    );
}

/// Every page of a listing.
pub(crate) async fn all<T, F, Fut>(
    mut page: F,
    domain_ids: Option<Vec<String>>,
) -> anyhow::Result<Vec<T>>
where
    F: FnMut(ListQuery) -> Fut,
    Fut: std::future::Future<Output = Result<osprey_store::PageOf<T>, osprey_store::StoreError>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(ListQuery {
            limit: 500,
            cursor,
            domain_ids: domain_ids.clone(),
            ..Default::default()
        })
        .await?;
        out.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

pub(crate) async fn domain_filter(
    store: &Store,
    domain: Option<&str>,
) -> anyhow::Result<Option<Vec<String>>> {
    match domain {
        Some(name) => Ok(Some(vec![
            store
                .domains()
                .domain_by_name(name)
                .await
                .with_context(|| format!("no domain {name}"))?
                .id,
        ])),
        None => Ok(None),
    }
}

/// The password to set: given, read from stdin, or generated (then printed). The
/// directory checks it against the password policy.
fn password(args: PasswordArgs, login: &str) -> anyhow::Result<(String, bool)> {
    let (pw, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else if let Some(p) = args.password {
        (p, false)
    } else {
        (
            osprey_directory::generate_password(login, &osprey_core::PasswordPolicy::default()),
            true,
        )
    };
    Ok((pw, generated))
}

/// The account with the login `address`.
pub(crate) async fn account(directory: &Directory, address: &str) -> anyhow::Result<AccountRecord> {
    directory
        .account_by_address(address)
        .await
        .map_err(|e| match e {
            DirectoryError::NotFound => anyhow::anyhow!("no account {address}"),
            other => other.into(),
        })
}

/// `osprey domain ...`
pub async fn domain(config: &Config, cmd: DomainCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    match cmd {
        DomainCmd::Add {
            name,
            aliases,
            max_accounts,
            max_aliases,
            max_quota,
        } => {
            let d = directory
                .create_domain(
                    &Actor::Operator,
                    NewDomainRequest {
                        name,
                        aliases,
                        enabled: true,
                        settings: osprey_directory::DomainSettings {
                            max_accounts,
                            max_aliases,
                            max_quota_bytes: max_quota,
                            ..Default::default()
                        },
                    },
                )
                .await?;
            let key = osprey_mail::auth::ensure_dkim_key(&store, &d.id).await?;
            println!("added domain {} ({})", d.name, d.id);
            print_dkim(&d.name, &key);
        }
        DomainCmd::Dkim { name, rotate } => {
            let d = store
                .domains()
                .domain_by_name(&name)
                .await
                .with_context(|| format!("no domain {name}"))?;
            let key = if rotate {
                osprey_mail::auth::rotate_dkim_key_by(&store, &Actor::Operator, &d).await?
            } else {
                osprey_mail::auth::ensure_dkim_key(&store, &d.id).await?
            };
            print_dkim(&d.name, &key);
        }
        DomainCmd::Dns { name, check, json } => {
            let d = store
                .domains()
                .domain_by_name(&name)
                .await
                .with_context(|| format!("no domain {name}"))?;
            let key = osprey_mail::auth::ensure_dkim_key(&store, &d.id).await?;
            let services = config.listen.services();
            directory.reload_settings().await?;
            let mta_sts = directory.mta_sts_mode();
            let expected = domain_dns::expected(&d, &key, &config.hostname, &services, mta_sts);
            let resolver = match check {
                true => Some(crate::outbound::check_resolver(config)?),
                false => None,
            };
            let report = domain_dns::report(&d.name, &config.hostname, expected, resolver).await;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_dns(&report);
            }
        }
        DomainCmd::Admins {
            name,
            add,
            remove,
            json,
        } => {
            let d = store
                .domains()
                .domain_by_name(&name.to_ascii_lowercase())
                .await
                .with_context(|| format!("no domain {name}"))?;
            for address in &add {
                let a = directory
                    .add_domain_admin(&Actor::Operator, &d.id, address)
                    .await?;
                eprintln!("{} administers {} now", a.address(), d.name);
            }
            for address in &remove {
                let a = account(&directory, address).await?;
                match directory
                    .remove_domain_admin(&Actor::Operator, &d.id, &a.id)
                    .await
                {
                    Err(DirectoryError::NotFound) => {
                        bail!("{} does not administer {}", a.address(), d.name)
                    }
                    other => other?,
                };
                eprintln!("{} no longer administers {}", a.address(), d.name);
            }
            let admins = directory.domain_admins(&Actor::Operator, &d.id).await?;
            if json {
                return print_json(admins.into_iter().map(osprey_api::dto::account));
            }
            for a in listed(admins, "domain administrators") {
                println!("{}	{}", a.address(), a.display_name);
            }
        }
        DomainCmd::List { sort, json } => {
            let order = list_order(&sort);
            let domains = all(
                |q| {
                    let s = store.clone();
                    async move { s.domains().list_domains_in(&q, order).await }
                },
                None,
            )
            .await?;
            if json {
                return print_json(domains.into_iter().map(osprey_api::dto::domain));
            }
            for d in listed(domains, "domains") {
                let aliases = if d.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" aliases: {}", d.aliases.join(", "))
                };
                let state = if d.enabled { "" } else { " (disabled)" };
                println!("{}\t{} account(s){aliases}{state}", d.name, d.account_count);
            }
        }
        DomainCmd::Remove { name } => {
            let d = store
                .domains()
                .domain_by_name(&name)
                .await
                .with_context(|| format!("no domain {name}"))?;
            if d.name != name.to_ascii_lowercase() {
                bail!(
                    "{name} is an alias of {}; remove the alias with the API or web app",
                    d.name
                );
            }
            directory.delete_domain(&Actor::Operator, &d.id).await?;
            println!("removed domain {}", d.name);
        }
    }
    Ok(())
}

/// `osprey user ...`
pub async fn user(config: &Config, cmd: UserCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    match cmd {
        UserCmd::Add {
            address,
            password: pw,
            role,
            display_name,
            quota,
            manages,
            must_change_password,
        } => {
            let role: Role = role.parse()?;
            let (pw, generated) = password(pw, &address)?;
            let a = directory
                .create_account(
                    &Actor::Operator,
                    NewAccountRequest {
                        address,
                        password: pw.clone(),
                        role,
                        display_name: Some(display_name),
                        quota_bytes: quota,
                        admin_domains: manages,
                        enabled: true,
                        must_change_password,
                    },
                )
                .await?;
            println!("added {} {} ({})", a.role, a.address(), a.id);
            if generated {
                println!("password: {pw}");
            }
        }
        UserCmd::Import {
            file,
            dry_run,
            skip_invalid,
        } => crate::account_import::import(&directory, &file, dry_run, skip_invalid).await?,
        UserCmd::Stats { address, json } => {
            let a = account(&directory, &address).await?;
            let s = directory.account_stats(&Actor::Operator, &a.id).await?;
            if json {
                let view = osprey_api::dto::account_stats(s);
                println!("{}", serde_json::to_string_pretty(&view)?);
                return Ok(());
            }
            for f in &s.folders {
                println!(
                    "{}	{} messages	{} unread	{} bytes",
                    f.name, f.messages, f.unread, f.bytes
                );
            }
            let quota = s
                .quota_bytes
                .map_or("no quota".to_owned(), |q| format!("of {q} bytes"));
            println!(
                "total	{} messages	{} unread	{} bytes {quota}
arrived	{} in a day	{} in a week	{} in 30 days",
                s.messages, s.unread, s.used_bytes, s.arrived_day, s.arrived_week, s.arrived_month
            );
        }
        UserCmd::Export { domain } => {
            crate::account_import::export(&directory, domain.as_deref()).await?
        }
        UserCmd::List { domain, sort, json } => {
            let filter = domain_filter(&store, domain.as_deref()).await?;
            let order = match sort.as_str() {
                "newest" => osprey_store::AccountOrder::Newest,
                "largest" => osprey_store::AccountOrder::Largest,
                _ => osprey_store::AccountOrder::Address,
            };
            let accounts = all(
                |q| {
                    let s = store.clone();
                    async move { s.accounts().list_accounts_in(&q, order).await }
                },
                filter,
            )
            .await?;
            if json {
                return print_json(accounts.into_iter().map(osprey_api::dto::account));
            }
            for a in listed(accounts, "accounts") {
                let state = if a.enabled { "" } else { " (disabled)" };
                println!("{}\t{}\t{}{state}", a.address(), a.role, a.display_name);
            }
        }
        UserCmd::Passwd {
            address,
            password: pw,
            must_change_password,
        } => {
            let a = account(&directory, &address).await?;
            let (pw, generated) = password(pw, &address)?;
            directory
                .update_account(
                    &Actor::Operator,
                    &a.id,
                    AccountUpdate {
                        password: Some(pw.clone()),
                        must_change_password: must_change_password.then_some(true),
                        ..Default::default()
                    },
                )
                .await?;
            println!("changed the password of {}", a.address());
            if generated {
                println!("password: {pw}");
            }
        }
        UserCmd::Pop3 {
            address,
            mode,
            retention_days,
        } => {
            let mut a = account(&directory, &address).await?;
            let mode = mode
                .map(|m| m.parse::<osprey_core::Pop3Mode>())
                .transpose()
                .context("--mode")?;
            let retention = match retention_days.as_deref() {
                None => None,
                Some("none") => Some(None),
                Some(d) => match d.parse::<u32>() {
                    Ok(d) => Some(Some(d)),
                    _ => bail!("--retention-days: '{d}' must be a number of days, or none"),
                },
            };
            if mode.is_some() || retention.is_some() {
                a = directory
                    .update_account(
                        &Actor::Operator,
                        &a.id,
                        AccountUpdate {
                            pop3_mode: mode,
                            pop3_retention_days: retention,
                            ..Default::default()
                        },
                    )
                    .await?;
            }
            let days = a
                .pop3
                .retention_days
                .map_or("none".to_owned(), |d| d.to_string());
            println!(
                "{}\tpop3 mode {}\tretention days {days}",
                a.address(),
                a.pop3.mode
            );
        }
        UserCmd::Remove { address } => {
            let a = account(&directory, &address).await?;
            directory.delete_account(&Actor::Operator, &a.id).await?;
            println!("removed {}", a.address());
        }
        UserCmd::SendAs {
            address,
            grant,
            revoke,
        } => crate::senders::send_as(config, &address, &grant, &revoke).await?,
    }
    Ok(())
}

/// `osprey alias ...`
pub async fn alias(config: &Config, cmd: AliasCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    match cmd {
        AliasCmd::Add { address, targets } => {
            let a = directory
                .create_alias(&Actor::Operator, &address, &targets)
                .await?;
            println!("added alias {} -> {}", a.address, a.targets.join(", "));
        }
        AliasCmd::List { domain, sort, json } => {
            let order = list_order(&sort);
            let filter = domain_filter(&store, domain.as_deref()).await?;
            let aliases = all(
                |q| {
                    let s = store.clone();
                    async move { s.aliases().list_aliases_in(&q, order).await }
                },
                filter,
            )
            .await?;
            if json {
                return print_json(aliases.into_iter().map(osprey_api::dto::alias));
            }
            for a in listed(aliases, "aliases") {
                println!("{}\t{}", a.address, a.targets.join(", "));
            }
        }
        AliasCmd::Remove { address } => {
            let a = store
                .aliases()
                .alias_by_address(&address)
                .await?
                .with_context(|| format!("no alias {address}"))?;
            directory.delete_alias(&Actor::Operator, &a.id).await?;
            println!("removed alias {}", a.address);
        }
    }
    Ok(())
}

/// `osprey deliver --to ADDRESS... [--max-size BYTES] < message`: a message of at most
/// `max_size` bytes from standard input.
pub async fn deliver(
    config: &Config,
    to: &[String],
    mailbox: &str,
    max_size: u64,
) -> anyhow::Result<()> {
    use std::io::Read;
    let store = open_store(config).await?;
    let mut ids = Vec::new();
    for address in to {
        let parsed = Address::parse(address).with_context(|| format!("'{address}'"))?;
        let a = store
            .accounts()
            .account_by_address(&parsed)
            .await
            .with_context(|| format!("no account {address}"))?;
        ids.push(a.id);
    }
    let mut message = Vec::new();
    std::io::stdin()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut message)
        .context("reading the message from standard input")?;
    if message.len() as u64 > max_size {
        bail!("the message is larger than {max_size} bytes (--max-size)");
    }
    if message.is_empty() {
        bail!("the message on standard input is empty");
    }
    let delivery = osprey_mail::LocalDelivery::new(store, crate::serve::open_blobs(config)?);
    let landed = delivery
        .deliver(&ids, mailbox, &message, 0)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (address, a) in to.iter().zip(landed) {
        println!("delivered to {address} {mailbox} uid {}", a.uid);
    }
    Ok(())
}

/// `osprey access ...`
pub async fn access(config: &Config, cmd: crate::cli::AccessCmd) -> anyhow::Result<()> {
    use crate::cli::{AccessCmd, IpCmd, KillCmd};
    use osprey_directory::access::{IpRuleRequest, KillEntryRequest};
    let store = open_store(config).await?;
    let directory = directory(&store);
    match cmd {
        AccessCmd::Ip(IpCmd::Add {
            action,
            network,
            listener,
            note,
        }) => {
            let r = directory
                .create_ip_rule(
                    &Actor::Operator,
                    IpRuleRequest {
                        action,
                        network,
                        listener,
                        expires_at: None,
                        note: Some(note),
                    },
                )
                .await?;
            println!("added rule {} at position {}", r.id, r.position);
        }
        AccessCmd::Ip(IpCmd::List { json }) => {
            let rules = store.access().ip_rules().await?;
            if json {
                return print_json(rules.into_iter().map(osprey_api::dto::ip_rule));
            }
            for r in listed(rules, "IP rules") {
                println!(
                    "{}\t{}\t{}\t{}\t{}\thits {}\t{}",
                    r.position,
                    r.id,
                    r.action,
                    r.network,
                    r.listener.as_deref().unwrap_or("all"),
                    r.hits,
                    r.note
                );
            }
        }
        AccessCmd::Ip(IpCmd::Move { id, position }) => {
            let rules = match directory
                .move_ip_rule(&Actor::Operator, &id, position)
                .await
            {
                Err(DirectoryError::NotFound) => bail!("no rule {id}"),
                other => other?,
            };
            let at = rules.iter().find(|r| r.id == id).map_or(0, |r| r.position);
            println!("moved rule {id} to position {at}");
        }
        AccessCmd::Ip(IpCmd::Remove { id }) => {
            directory
                .delete_ip_rule(&Actor::Operator, &id)
                .await
                .with_context(|| format!("no rule {id}"))?;
            println!("removed rule {id}");
        }
        AccessCmd::Kill(KillCmd::Add {
            kind,
            value,
            domain,
            note,
        }) => {
            let (e, domain) = directory
                .create_kill_entry(
                    &Actor::Operator,
                    KillEntryRequest {
                        kind,
                        value,
                        domain,
                        note: Some(note),
                    },
                )
                .await?;
            match domain {
                Some(d) => println!("added {} {} for {d} ({})", e.kind, e.value, e.id),
                None => println!("added {} {} ({})", e.kind, e.value, e.id),
            }
        }
        AccessCmd::Kill(KillCmd::List { json }) => {
            let mut entries = Vec::new();
            for e in store.access().kill_entries().await? {
                let domain = match &e.domain_id {
                    Some(id) => Some(store.domains().domain(id).await?.name),
                    None => None,
                };
                entries.push((e, domain));
            }
            if json {
                return print_json(
                    entries
                        .into_iter()
                        .map(|(e, d)| osprey_api::dto::kill_entry(e, d)),
                );
            }
            for (e, domain) in listed(entries, "kill file entries") {
                let scope = domain.unwrap_or_else(|| "all".to_owned());
                println!(
                    "{}\t{}\t{}\thits {}\t{scope}\t{}",
                    e.id, e.kind, e.value, e.hits, e.note
                );
            }
        }
        AccessCmd::Kill(KillCmd::Remove { id }) => {
            directory
                .delete_kill_entry(&Actor::Operator, &id)
                .await
                .with_context(|| format!("no entry {id}"))?;
            println!("removed entry {id}");
        }
    }
    Ok(())
}

/// The items of a list command; when there are none, says so on standard error (standard
/// output stays empty for scripts), as every list command does.
pub(crate) fn listed<T>(items: Vec<T>, what: &str) -> Vec<T> {
    if items.is_empty() {
        eprintln!("no {what}");
    }
    items
}
