//! Server settings (server administrators): the limits, sign-in, POP3, queue and policy
//! settings that apply at once, each with the configuration file's default and a way
//! back to it; then what the configuration file keeps, which needs a restart.

use std::collections::BTreeMap;

use osprey_api_types::{ServerSetting, ServerSettings, SettingKind, UpdateServerSettings};
use serde_json::Value;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, Tone};
use crate::components::field::{Checkbox, Select, TextField};
use crate::format;

/// A value as its input shows it: lists comma-separated.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// What an input holds, as the setting's value; a message for the field if it is not one.
fn parse(s: &ServerSetting, text: &str) -> Result<Value, String> {
    let number = |t: &str| {
        t.trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| format!("“{}” is not a whole number.", t.trim()))
    };
    match s.kind {
        SettingKind::Integer => number(text),
        SettingKind::Boolean => Ok(Value::Bool(text == "true")),
        SettingKind::Choice => Ok(Value::from(text)),
        SettingKind::IntegerList => text
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(number)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::from),
    }
}

/// The default in words, for the hint under an input.
fn default_words(s: &ServerSetting) -> String {
    let value = match s.kind {
        SettingKind::Boolean if s.default == Value::Bool(true) => "on".to_owned(),
        SettingKind::Boolean => "off".to_owned(),
        _ => as_text(&s.default),
    };
    match (s.unit.as_deref(), s.default.as_u64()) {
        (Some("bytes"), Some(n)) => format!("Default: {value} bytes ({}).", format::bytes(n)),
        (Some(unit), _) if s.kind != SettingKind::Boolean => format!("Default: {value} {unit}."),
        _ => format!("Default: {value}."),
    }
}

/// The inputs' texts, by setting name.
fn drafts(settings: &ServerSettings) -> BTreeMap<String, String> {
    settings
        .settings
        .iter()
        .map(|s| (s.name.clone(), as_text(&s.value)))
        .collect()
}

#[function_component]
pub fn ServerSettingsPage() -> Html {
    let api = use_api();
    let loaded = use_state(|| None::<ServerSettings>);
    let draft = use_state(BTreeMap::<String, String>::new);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<String>);
    let saving = use_state(|| false);
    {
        let (api, loaded, draft, error) =
            (api.clone(), loaded.clone(), draft.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api.get_server_settings().await {
                    Ok(s) => {
                        draft.set(drafts(&s));
                        loaded.set(Some(s));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    // Sends `changes`; shows the settings as the server then has them.
    let send = {
        let (api, loaded, draft, error, note, saving) = (
            api.clone(),
            loaded.clone(),
            draft.clone(),
            error.clone(),
            note.clone(),
            saving.clone(),
        );
        Callback::from(move |(changes, done): (BTreeMap<String, Value>, String)| {
            let (api, loaded, draft, error, note, saving) = (
                api.clone(),
                loaded.clone(),
                draft.clone(),
                error.clone(),
                note.clone(),
                saving.clone(),
            );
            saving.set(true);
            note.set(None);
            spawn_local(async move {
                match api
                    .update_server_settings(&UpdateServerSettings(changes))
                    .await
                {
                    Ok(s) => {
                        error.set(None);
                        draft.set(drafts(&s));
                        loaded.set(Some(s));
                        note.set(Some(done));
                    }
                    Err(e) => error.set(Some(e)),
                }
                saving.set(false);
            });
        })
    };
    let Some(current) = (*loaded).clone() else {
        return html! {
            <AdminLayout title="Server settings" server_admin_only=true>
                if let Some(e) = &*error {
                    <Banner>{ e.banner(&[]) }</Banner>
                } else {
                    <p class="muted" aria-busy="true">{ "Loading settings…" }</p>
                }
            </AdminLayout>
        };
    };
    let onsubmit = {
        let (current, draft, error, send) =
            (current.clone(), draft.clone(), error.clone(), send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut changes = BTreeMap::new();
            for s in &current.settings {
                let text = draft.get(&s.name).cloned().unwrap_or_default();
                match parse(s, &text) {
                    Ok(v) if v != s.value => {
                        changes.insert(s.name.clone(), v);
                    }
                    Ok(_) => {}
                    Err(why) => {
                        error.set(Some(ApiError::local(&s.name, why)));
                        return;
                    }
                }
            }
            if changes.is_empty() {
                error.set(None);
                return;
            }
            let n = changes.len();
            send.emit((
                changes,
                format!(
                    "Saved {n} setting{}. New connections and deliveries use them now.",
                    if n == 1 { "" } else { "s" }
                ),
            ));
        })
    };
    let names: Vec<&str> = current.settings.iter().map(|s| s.name.as_str()).collect();
    let mut groups: Vec<(&str, Vec<&ServerSetting>)> = Vec::new();
    for s in &current.settings {
        match groups.iter_mut().find(|(g, _)| *g == s.group) {
            Some((_, list)) => list.push(s),
            None => groups.push((&s.group, vec![s])),
        }
    }
    let input = |s: &ServerSetting| {
        let id = format!("setting-{}", s.name);
        let text = draft.get(&s.name).cloned().unwrap_or_default();
        let set = {
            let (draft, name) = (draft.clone(), s.name.clone());
            Callback::from(move |v: String| {
                let mut d = (*draft).clone();
                d.insert(name.clone(), v);
                draft.set(d);
            })
        };
        let field_error = error.as_ref().and_then(|e| e.field(&s.name));
        let hint = AttrValue::from(format!("{} {}", s.description, default_words(s)));
        let reset = s.overridden.then(|| {
            let (send, name, label) = (send.clone(), s.name.clone(), s.label.clone());
            let onclick = Callback::from(move |_: MouseEvent| {
                send.emit((
                    BTreeMap::from([(name.clone(), Value::Null)]),
                    format!("{label} is back to the configuration file's value."),
                ));
            });
            html! {
                <button type="button" class="button subtle" id={format!("{id}-reset")} {onclick}>
                    { "Use default" }
                </button>
            }
        });
        let control = match s.kind {
            SettingKind::Boolean => {
                let set = set.clone();
                html! {
                    <>
                        <Checkbox id={id.clone()} label={s.label.clone()} checked={text == "true"}
                            onchange={Callback::from(move |on: bool| set.emit(on.to_string()))}
                            error={field_error} />
                        <p class="hint">{ hint }</p>
                    </>
                }
            }
            SettingKind::Choice => {
                let options: Vec<(AttrValue, AttrValue)> = s
                    .choices
                    .iter()
                    .map(|c| (AttrValue::from(c.clone()), AttrValue::from(c.clone())))
                    .collect();
                html! {
                    <>
                        <Select id={id.clone()} label={s.label.clone()} value={text} {options}
                            onchange={set} error={field_error} />
                        <p class="hint">{ hint }</p>
                    </>
                }
            }
            SettingKind::Integer => {
                let label = match &s.unit {
                    Some(unit) => format!("{} ({unit})", s.label),
                    None => s.label.clone(),
                };
                html! {
                    <TextField id={id.clone()} {label} kind="number" inputmode="numeric" required=true
                        value={text} oninput={set} error={field_error} hint={hint} />
                }
            }
            SettingKind::IntegerList => {
                let label = format!(
                    "{} ({}, comma-separated)",
                    s.label,
                    s.unit.clone().unwrap_or_default()
                );
                html! {
                    <TextField id={id.clone()} {label} inputmode="numeric" required=true
                        value={text} oninput={set} error={field_error} hint={hint} />
                }
            }
        };
        html! {
            <div class={classes!("setting", s.overridden.then_some("changed"))} key={s.name.clone()}>
                { control }
                if s.overridden {
                    <p class="setting-source">{ "Changed from the default. " }{ for reset }</p>
                }
            </div>
        }
    };
    html! {
        <AdminLayout title="Server settings" server_admin_only=true
            intro="These apply at once to new connections, sign-ins and deliveries, on every server node within a minute.">
            if let Some(e) = &*error {
                <Banner id="settings-error">{ e.banner(&names) }</Banner>
            }
            if let Some(n) = &*note {
                <Banner tone={Tone::Success} id="settings-saved">{ n.clone() }</Banner>
            }
            <form id="server-settings" {onsubmit} aria-label="Server settings" novalidate=true>
                { for groups.iter().map(|(group, list)| html! {
                    <fieldset class="card settings-group">
                        <legend>{ *group }</legend>
                        { for list.iter().map(|s| input(s)) }
                    </fieldset>
                }) }
                <div class="actions">
                    <button type="submit" class="button primary" id="settings-save" disabled={*saving}>
                        { if *saving { "Saving…" } else { "Save changes" } }
                    </button>
                </div>
            </form>
            <section class="card" aria-labelledby="restart-title" id="restart-settings">
                <h2 id="restart-title">{ "In the configuration file" }</h2>
                <p class="muted">{ "A change to these needs the server to be restarted." }</p>
                <dl class="facts">
                    { for current.restart_required.iter().map(|r| html! {
                        <>
                            <dt title={r.key.clone()}>{ r.label.clone() }</dt>
                            <dd><code>{ if r.value.is_empty() { "—".to_owned() } else { r.value.clone() } }</code></dd>
                        </>
                    }) }
                </dl>
            </section>
        </AdminLayout>
    }
}
