//! Domains: list, search, create, edit, delete. Server admins only.

use osprey_api_types::{CreateDomain, Domain, DomainSettings, UpdateDomain};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{AdminLayout, ListFooter, names};
use crate::api::{ApiError, ListQuery, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::{Checkbox, TextArea, TextField};
use crate::components::search::SearchBox;
use crate::format;
use crate::hooks::{PagedAction, use_paged};

const FIELDS: &[&str] = &["name", "aliases", "settings", "enabled"];

/// What the domain form edits, as typed.
#[derive(Clone, PartialEq)]
struct Draft {
    name: String,
    aliases: String,
    description: String,
    max_accounts: String,
    default_quota: String,
    max_message: String,
    enabled: bool,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            name: String::new(),
            aliases: String::new(),
            description: String::new(),
            max_accounts: String::new(),
            default_quota: String::new(),
            max_message: String::new(),
            enabled: true,
        }
    }

    fn of(domain: &Domain) -> Draft {
        Draft {
            name: domain.name.clone(),
            aliases: domain.aliases.join(", "),
            description: domain.settings.description.clone().unwrap_or_default(),
            max_accounts: domain
                .settings
                .max_accounts
                .map(|n| n.to_string())
                .unwrap_or_default(),
            default_quota: format::mib_input(domain.settings.default_quota_bytes),
            max_message: format::mib_input(domain.settings.max_message_bytes),
            enabled: domain.enabled,
        }
    }

    fn settings(&self) -> Result<DomainSettings, ApiError> {
        let description = self.description.trim();
        Ok(DomainSettings {
            description: (!description.is_empty()).then(|| description.to_owned()),
            max_accounts: format::parse_count(&self.max_accounts)
                .map_err(|m| ApiError::local("settings.max_accounts", m))?,
            default_quota_bytes: format::parse_mib(&self.default_quota)
                .map_err(|m| ApiError::local("settings.default_quota_bytes", m))?,
            max_message_bytes: format::parse_mib(&self.max_message)
                .map_err(|m| ApiError::local("settings.max_message_bytes", m))?,
        })
    }
}

#[function_component]
pub fn DomainsPage() -> Html {
    let api = use_api();
    let q = use_state(String::new);
    let list = {
        let api = api.clone();
        use_paged((*q).clone(), move |q, cursor| {
            let api = api.clone();
            async move {
                let query = ListQuery {
                    q,
                    cursor,
                    ..ListQuery::default()
                };
                api.list_domains(Some(ListQuery::LIMIT), query.cursor(), query.q(), None)
                    .await
            }
        })
    };
    let state = list.state.clone();
    let onsearch = {
        let q = q.clone();
        Callback::from(move |text: String| q.set(text))
    };
    let onsaved = {
        let state = state.clone();
        Callback::from(move |d: Domain| state.dispatch(PagedAction::Upsert(d)))
    };
    let ondeleted = {
        let state = state.clone();
        Callback::from(move |id: String| state.dispatch(PagedAction::Remove(id)))
    };

    html! {
        <AdminLayout title="Domains" server_admin_only=true
            intro="The domains Osprey receives mail for. Accounts and aliases belong to a domain.">
            <div class="card">
                <h2>{ "New domain" }</h2>
                <DomainForm domain={None::<Domain>} onsaved={onsaved.clone()} oncancel={None::<Callback<()>>} />
            </div>
            <div class="card">
                <div class="list-head">
                    <h2>{ "All domains" }</h2>
                    <SearchBox id="domain-search" label="Search domains" placeholder="Search domains" {onsearch} />
                </div>
                <ProblemBanner error={state.error.clone()} />
                <ul class="rows" id="domain-list" aria-busy={state.loading.then_some("true")}>
                    { for state.items.iter().map(|d| html! {
                        <DomainRow key={d.id.clone()} domain={d.clone()} onsaved={onsaved.clone()} ondeleted={ondeleted.clone()} />
                    }) }
                </ul>
                <ListFooter loading={state.loading} empty={state.items.is_empty() && state.error.is_none()}
                    more={state.next_cursor.is_some()} onmore={list.load_more.clone()}
                    empty_text={if q.is_empty() { "No domains yet." } else { "No domains match." }} />
            </div>
        </AdminLayout>
    }
}

#[derive(Properties, PartialEq)]
struct DomainRowProps {
    domain: Domain,
    onsaved: Callback<Domain>,
    ondeleted: Callback<String>,
}

#[function_component]
fn DomainRow(props: &DomainRowProps) -> Html {
    let api = use_api();
    let editing = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let d = &props.domain;

    let ondelete = {
        let (id, error, busy, ondeleted) = (
            d.id.clone(),
            error.clone(),
            busy.clone(),
            props.ondeleted.clone(),
        );
        Callback::from(move |()| {
            busy.set(true);
            let (api, id, error, busy, ondeleted) = (
                api.clone(),
                id.clone(),
                error.clone(),
                busy.clone(),
                ondeleted.clone(),
            );
            spawn_local(async move {
                match api.delete_domain(&id).await {
                    Ok(()) => ondeleted.emit(id),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let edit = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let close = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(false))
    };
    let onsaved = {
        let (editing, onsaved) = (editing.clone(), props.onsaved.clone());
        Callback::from(move |d: Domain| {
            editing.set(false);
            onsaved.emit(d);
        })
    };

    html! {
        <li class={classes!("row", (*editing).then_some("editing"))}>
            <div class="row-main">
                <span class="row-title">{ d.name.clone() }</span>
                if !d.enabled { <span class="tag warn">{ "disabled" }</span> }
                <div class="row-meta">
                    { format!("{} account{}", d.account_count, if d.account_count == 1 { "" } else { "s" }) }
                    { format!(" · also receives for: {}", names(&d.aliases)) }
                    { d.settings.description.as_ref().map(|s| format!(" · {s}")).unwrap_or_default() }
                </div>
                <ProblemBanner error={(*error).clone()} />
            </div>
            if *editing {
                <div class="row-editor">
                    <h3>{ format!("Edit {}", d.name) }</h3>
                    <DomainForm domain={Some(d.clone())} {onsaved} oncancel={Some(close)} />
                </div>
            } else {
                <div class="row-actions">
                    <button type="button" class="button" onclick={edit} aria-label={format!("Edit {}", d.name)}>{ "Edit" }</button>
                    <ConfirmButton label="Delete" subject={d.name.clone()} onconfirm={ondelete} busy={*busy} />
                </div>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct DomainFormProps {
    /// `None` creates a domain.
    domain: Option<Domain>,
    onsaved: Callback<Domain>,
    oncancel: Option<Callback<()>>,
}

#[function_component]
fn DomainForm(props: &DomainFormProps) -> Html {
    let api = use_api();
    let draft = use_state(|| {
        props
            .domain
            .as_ref()
            .map(Draft::of)
            .unwrap_or_else(Draft::new)
    });
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let editing = props.domain.clone();
    // Ids differ between the create form and the one open editor.
    let p = if editing.is_some() {
        "edit-domain"
    } else {
        "domain"
    };

    let onsubmit = {
        let (draft, error, busy, onsaved) = (
            draft.clone(),
            error.clone(),
            busy.clone(),
            props.onsaved.clone(),
        );
        let editing = editing.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let settings = match draft.settings() {
                Ok(s) => s,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            busy.set(true);
            let aliases = format::split_list(&draft.aliases);
            let (api, draft, error, busy, onsaved, editing) = (
                api.clone(),
                draft.clone(),
                error.clone(),
                busy.clone(),
                onsaved.clone(),
                editing.clone(),
            );
            spawn_local(async move {
                let result = match &editing {
                    Some(domain) => {
                        let body = UpdateDomain {
                            aliases: Some(aliases),
                            settings: Some(settings),
                            enabled: Some(draft.enabled),
                        };
                        api.update_domain(&domain.id, &body).await
                    }
                    None => {
                        let body = CreateDomain {
                            name: draft.name.trim().to_lowercase(),
                            aliases,
                            settings: Some(settings),
                            enabled: Some(draft.enabled),
                        };
                        api.create_domain(&body).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(domain) => {
                        error.set(None);
                        if editing.is_none() {
                            draft.set(Draft::new());
                        }
                        onsaved.emit(domain);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut next = (*draft).clone();
            f(&mut next, v);
            draft.set(next);
        })
    };
    let set_enabled = {
        let draft = draft.clone();
        Callback::from(move |on: bool| {
            let mut next = (*draft).clone();
            next.enabled = on;
            draft.set(next);
        })
    };
    let cancel = props.oncancel.clone().map(|c| c.reform(|_: MouseEvent| ()));

    html! {
        <form class="form-grid" {onsubmit} novalidate=true>
            <ProblemBanner error={(*error).clone()} fields={FIELDS} id={format!("{p}-form-error")} />
            if editing.is_none() {
                <TextField id={format!("{p}-name")} label="Domain name" required=true
                    placeholder="example.com" value={draft.name.clone()}
                    oninput={set(|d, v| d.name = v)} error={field_error("name")} />
            }
            <TextField id={format!("{p}-aliases")} label="Alias domains"
                hint="Other names that deliver to the same accounts, separated by commas."
                value={draft.aliases.clone()} oninput={set(|d, v| d.aliases = v)}
                error={field_error("aliases")} />
            <TextArea id={format!("{p}-description")} label="Description" rows={2}
                value={draft.description.clone()} oninput={set(|d, v| d.description = v)}
                error={field_error("settings.description")} />
            <TextField id={format!("{p}-max-accounts")} label="Most accounts" inputmode="numeric"
                value={draft.max_accounts.clone()} oninput={set(|d, v| d.max_accounts = v)}
                error={field_error("settings.max_accounts")} />
            <TextField id={format!("{p}-default-quota")} label="Default quota (MiB)" inputmode="numeric"
                hint="For new accounts that do not name one. Empty: unlimited."
                value={draft.default_quota.clone()} oninput={set(|d, v| d.default_quota = v)}
                error={field_error("settings.default_quota_bytes")} />
            <TextField id={format!("{p}-max-message")} label="Largest message (MiB)" inputmode="numeric"
                value={draft.max_message.clone()} oninput={set(|d, v| d.max_message = v)}
                error={field_error("settings.max_message_bytes")} />
            <Checkbox id={format!("{p}-enabled")} label="Enabled (receives mail)" checked={draft.enabled}
                onchange={set_enabled} error={field_error("enabled")} />
            <div class="actions">
                <button type="submit" class="button primary" disabled={*busy}>
                    { if editing.is_some() { "Save changes" } else { "Create domain" } }
                </button>
                if let Some(cancel) = cancel {
                    <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                }
            </div>
        </form>
    }
}
