//! The audit log: every administrative change, newest first — who, when, from where,
//! what it changed — searchable and filtered by kind; server administrators set how
//! long it is kept. A domain administrator sees its domains' changes only (the server
//! decides).

use osprey_api_types::{AuditEntry, AuditField, AuditSettings, AuditVia, UpdateAuditSettings};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, ListQuery, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Select, TextField};
use crate::components::resource::ListFooter;
use crate::components::search::SearchBox;
use crate::format;
use crate::hooks::{Keyed, use_paged};
use crate::state::use_session;

impl Keyed for AuditEntry {
    fn key(&self) -> &str {
        &self.id
    }
}

/// The kinds of change the filter offers: an action prefix and its label.
const KINDS: [(&str, &str); 13] = [
    ("", "All changes"),
    ("domain.", "Domains"),
    ("account.", "Accounts"),
    ("alias.", "Aliases"),
    ("send_as.", "Send-as grants"),
    ("list", "Mailing lists"),
    ("ip_rule.", "IP rules"),
    ("kill_entry.", "Kill file"),
    ("relay.", "Relay policy"),
    ("queue.", "Outbound queue"),
    ("dkim.", "DKIM keys"),
    ("settings.", "Server settings"),
    ("audit.", "Audit log"),
];

/// An action in words: `account.update` → "Account changed".
fn action_label(action: &str) -> String {
    let (thing, verb) = action.split_once('.').unwrap_or((action, ""));
    let thing = match thing {
        "domain" => "Domain",
        "account" => "Account",
        "alias" => "Alias",
        "send_as" => "Send-as grant",
        "list" => "Mailing list",
        "list_member" => "List member",
        "ip_rule" => "IP rule",
        "kill_entry" => "Kill-file entry",
        "relay" => "Relay policy",
        "queue" => "Queued message",
        "dkim" => "DKIM key",
        "settings" => "Server settings",
        "audit" => "Audit log",
        "postmaster" => "Postmaster",
        other => other,
    };
    let verb = match verb {
        "create" | "add" => "added",
        "update" | "set" => "changed",
        "delete" | "remove" => "removed",
        "grant" => "given",
        "revoke" => "withdrawn",
        "retry" => "retried",
        "bounce" => "returned to the sender",
        "rotate" => "rotated",
        "moderate" => "post moderated",
        "import" => "members imported",
        "retention" => "retention changed",
        other => other,
    };
    format!("{thing} {verb}")
}

fn via(v: AuditVia) -> &'static str {
    match v {
        AuditVia::Web => "web app",
        AuditVia::Api => "API key",
        AuditVia::Cli => "command line",
    }
}

#[function_component]
pub fn AuditPage() -> Html {
    html! {
        <AdminLayout title="Audit log" intro="Every change made by administrators, through the web app, the API or the command line.">
            <Retention />
            <AuditList />
        </AdminLayout>
    }
}

#[function_component]
fn AuditList() -> Html {
    let api = use_api();
    let filter = use_state(|| (String::new(), String::new()));
    let list = {
        let api = api.clone();
        use_paged(
            (*filter).clone(),
            move |(q, kind): (String, String), cursor| {
                let api = api.clone();
                async move {
                    let q = (!q.is_empty()).then_some(q);
                    let kind = (!kind.is_empty()).then_some(kind);
                    api.list_audit(
                        Some(ListQuery::LIMIT),
                        cursor.as_deref(),
                        q.as_deref(),
                        kind.as_deref(),
                        None,
                        None,
                    )
                    .await
                }
            },
        )
    };
    let onsearch = {
        let filter = filter.clone();
        Callback::from(move |q: String| filter.set((q.trim().to_owned(), filter.1.clone())))
    };
    let onkind = {
        let filter = filter.clone();
        Callback::from(move |kind: String| filter.set((filter.0.clone(), kind)))
    };
    let state = list.state.clone();
    let filtered = !filter.0.is_empty() || !filter.1.is_empty();
    html! {
        <div class="card" role="region" aria-label="Changes">
            <div class="audit-filters">
                <SearchBox id="audit-search" label="Search the audit log" placeholder="Who, address, IP or thing changed" onsearch={onsearch} />
                <Select id="audit-kind" label="Kind" value={filter.1.clone()}
                    options={KINDS.iter().map(|(v, l)| (AttrValue::from(*v), AttrValue::from(*l))).collect::<Vec<_>>()}
                    onchange={onkind} />
            </div>
            <ProblemBanner error={state.error.clone()} />
            <ul class="rows audit" id="audit-list" aria-busy={state.loading.then_some("true")}>
                { for state.items.iter().map(|e| html! { <AuditRow key={e.id.clone()} entry={e.clone()} /> }) }
            </ul>
            <ListFooter loading={state.loading} empty={!state.loading && state.items.is_empty() && state.error.is_none()}
                more={state.next_cursor.is_some()} onmore={list.load_more.clone()}
                empty_text={if filtered { "No changes match." } else { "No changes recorded yet." }} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AuditRowProps {
    entry: AuditEntry,
}

#[function_component]
fn AuditRow(props: &AuditRowProps) -> Html {
    let e = &props.entry;
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    html! {
        <li class="row audit-entry">
            <div class="row-main">
                <span class="row-title">
                    { action_label(&e.action) }{ " · " }<strong>{ e.target.clone() }</strong>
                </span>
                <div class="row-meta">
                    <time datetime={e.at.to_rfc3339()}>{ format::date(&e.at) }</time>
                    { format!(" · {} · {}", e.actor, via(e.via)) }
                    { e.ip.as_ref().map(|ip| format!(" · from {ip}")).unwrap_or_default() }
                </div>
                if !e.changes.is_empty() {
                    <table class="changes">
                        <caption class="visually-hidden">{ "Fields changed" }</caption>
                        <thead><tr><th scope="col">{ "Field" }</th><th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th></tr></thead>
                        <tbody>
                            { for e.changes.iter().map(|c: &AuditField| html! {
                                <tr>
                                    <th scope="row">{ c.field.replace('_', " ") }</th>
                                    <td class="before">{ show(&c.before) }</td>
                                    <td class="after">{ show(&c.after) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </div>
        </li>
    }
}

/// How long the log keeps entries; server administrators change it.
#[function_component]
fn Retention() -> Html {
    let api = use_api();
    let session = use_session();
    let settings = use_state(|| None::<AuditSettings>);
    let draft = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    {
        let (api, settings, draft, error) =
            (api.clone(), settings.clone(), draft.clone(), error.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                match api.get_audit_settings().await {
                    Ok(s) => {
                        draft.set(s.retention_days.to_string());
                        settings.set(Some(s));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (api, settings, draft, error, saved) = (
            api.clone(),
            settings.clone(),
            draft.clone(),
            error.clone(),
            saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved.set(false);
            let days = match draft.trim().parse::<u32>() {
                Ok(d) => d,
                Err(_) => {
                    error.set(Some(ApiError::local(
                        "retention_days",
                        "Enter a whole number of days.",
                    )));
                    return;
                }
            };
            let (api, settings, error, saved) =
                (api.clone(), settings.clone(), error.clone(), saved.clone());
            spawn_local(async move {
                let body = UpdateAuditSettings {
                    retention_days: days,
                };
                match api.set_audit_settings(&body).await {
                    Ok(s) => {
                        settings.set(Some(s));
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let Some(current) = (*settings).clone() else {
        return html! { <ProblemBanner error={(*error).clone()} /> };
    };
    if !session.is_server_admin() {
        return html! {
            <p class="muted" id="audit-retention">{ format!("Changes are kept for {} days.", current.retention_days) }</p>
        };
    }
    let field_error = error.as_ref().and_then(|e| e.field("retention_days"));
    html! {
        <form class="card inline-form" id="audit-retention" {onsubmit} aria-label="Retention">
            <ProblemBanner error={(*error).clone()} fields={&["retention_days"][..]} />
            <TextField id="retention-days" label="Keep changes for (days)" kind="number" inputmode="numeric"
                required=true value={(*draft).clone()} oninput={{
                    let draft = draft.clone();
                    Callback::from(move |v| draft.set(v))
                }}
                hint="From 1 to 3650 days; older changes are removed." error={field_error} />
            <div class="actions">
                <button type="submit" class="button primary">{ "Save" }</button>
                if *saved { <Banner tone={Tone::Success}>{ "Saved." }</Banner> }
            </div>
        </form>
    }
}
