//! `osprey settings ...`: the server settings from the command line. The rules (names,
//! ranges, who may) are the directory's; this parses the words and prints the answer.

use anyhow::bail;
use osprey_directory::{Actor, server_settings::SETTINGS, server_settings::SettingKind};
use serde_json::{Map, Value};

use crate::{
    cli::SettingsCmd,
    config::Config,
    live_settings,
    serve::{directory, open_store},
};

/// `text` as a value of the setting `name`, by its kind; the directory checks the range.
fn parse_value(name: &str, text: &str) -> anyhow::Result<Value> {
    let Some(info) = SETTINGS.iter().find(|s| s.name == name) else {
        let names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
        bail!(
            "{name} is not a server setting; the settings are {}",
            names.join(", ")
        );
    };
    let number = |t: &str| {
        t.trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| anyhow::anyhow!("{name}: '{}' is not a whole number", t.trim()))
    };
    Ok(match info.kind {
        SettingKind::Integer { .. } => number(text)?,
        SettingKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" => Value::Bool(true),
            "false" | "off" | "no" => Value::Bool(false),
            other => bail!("{name}: '{other}' is not true or false"),
        },
        SettingKind::Choice(_) => Value::from(text.trim()),
        SettingKind::IntegerList { .. } => Value::Array(
            text.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(number)
                .collect::<anyhow::Result<_>>()?,
        ),
    })
}

/// A value as the text prints it: lists comma-separated, strings bare.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Runs `osprey settings show|set|reset`.
pub async fn run(config: &Config, cmd: SettingsCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store).with_settings(live_settings::base(config));
    let (values, json) = match cmd {
        SettingsCmd::Show { json } => (directory.server_settings(&Actor::Operator).await?, json),
        SettingsCmd::Set { name, value } => {
            let mut changes = Map::new();
            changes.insert(name.clone(), parse_value(&name, &value)?);
            let values = directory
                .update_server_settings(&Actor::Operator, &changes)
                .await?;
            println!("set {name}; a running server applies it within 30 seconds");
            (values, false)
        }
        SettingsCmd::Reset { names } => {
            let changes: Map<String, Value> =
                names.iter().map(|n| (n.clone(), Value::Null)).collect();
            let values = directory
                .update_server_settings(&Actor::Operator, &changes)
                .await?;
            println!(
                "reset {}; a running server applies it within 30 seconds",
                names.join(", ")
            );
            (values, false)
        }
    };
    let restart = live_settings::restart_required(config);
    if json {
        let view = osprey_api::dto::settings_view(values, restart);
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    for v in &values {
        let source = if v.overridden { "set" } else { "default" };
        println!("{}\t{}\t{source}", v.info.name, shown(&v.value));
    }
    println!("# in the configuration file (a change needs a restart):");
    for r in restart {
        println!("{}\t{}", r.key, r.value);
    }
    Ok(())
}
