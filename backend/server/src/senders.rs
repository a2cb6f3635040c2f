//! `osprey user send-as ...` and `osprey postmaster ...`: who may send as whom, and who
//! receives postmaster mail. The rules are the directory's.

use osprey_directory::Actor;

use crate::{
    commands::account,
    config::Config,
    serve::{directory, open_store},
};

/// `osprey user send-as ADDRESS [--grant A]... [--revoke A]...`: changes, then lists, the
/// addresses the account may send as besides its own and its aliases.
pub async fn send_as(
    config: &Config,
    address: &str,
    grant: &[String],
    revoke: &[String],
) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    let a = account(&directory, address).await?;
    for g in grant {
        directory.grant_send_as(&Actor::Operator, &a.id, g).await?;
    }
    if !revoke.is_empty() {
        let grants = directory.send_as_grants(&Actor::Operator, &a.id).await?;
        for r in revoke {
            let key = r.trim().to_lowercase();
            let Some(g) = grants.iter().find(|g| g.address == key) else {
                anyhow::bail!("{address} has no grant for {r}");
            };
            directory
                .revoke_send_as(&Actor::Operator, &a.id, &g.id)
                .await?;
        }
    }
    for g in directory.send_as_grants(&Actor::Operator, &a.id).await? {
        println!("{}", g.address);
    }
    Ok(())
}

/// `osprey postmaster [ADDRESS]`: shows, or names, the account that receives postmaster
/// mail.
pub async fn postmaster(config: &Config, address: Option<&str>) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    if let Some(address) = address {
        directory.set_postmaster(&Actor::Operator, address).await?;
    }
    match directory.postmaster().await? {
        Some(a) => println!("{}", a.address()),
        None => println!("no postmaster: the server has no enabled administrator"),
    }
    Ok(())
}
