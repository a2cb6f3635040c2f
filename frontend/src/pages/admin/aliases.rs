//! Aliases: list, search, filter by domain, create, edit targets, delete. `@domain` is the
//! domain's catch-all.

use osprey_api_types::{Alias, CreateAlias, UpdateAlias};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{AdminLayout, FilterBar, ListFooter};
use crate::api::{ApiError, ListQuery, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::{TextArea, TextField};
use crate::format;
use crate::hooks::{PagedAction, use_paged};
use crate::state::use_session;

const FIELDS: &[&str] = &["address", "targets"];

#[function_component]
pub fn AliasesPage() -> Html {
    let api = use_api();
    let session = use_session();
    let filter = use_state(|| (String::new(), String::new()));
    let list = {
        let api = api.clone();
        use_paged((*filter).clone(), move |(q, domain), cursor| {
            let api = api.clone();
            async move {
                let query = ListQuery { q, domain, cursor };
                let (limit, cursor) = (Some(ListQuery::LIMIT), query.cursor());
                api.list_aliases(limit, cursor, query.q(), query.domain())
                    .await
            }
        })
    };
    let state = list.state.clone();
    let onsearch = {
        let filter = filter.clone();
        Callback::from(move |f: (String, String)| filter.set(f))
    };
    let onsaved = {
        let state = state.clone();
        Callback::from(move |a: Alias| state.dispatch(PagedAction::Upsert(a)))
    };
    let ondeleted = {
        let state = state.clone();
        Callback::from(move |id: String| state.dispatch(PagedAction::Remove(id)))
    };
    let my_domains = session
        .account
        .as_ref()
        .map(|a| a.admin_domains.clone())
        .unwrap_or_default();
    let filtered = !filter.0.is_empty() || !filter.1.is_empty();

    html! {
        <AdminLayout title="Aliases" intro="Addresses that forward to accounts, other aliases or outside addresses.">
            <div class="card">
                <h2>{ "New alias" }</h2>
                <AliasForm alias={None::<Alias>} onsaved={onsaved.clone()} oncancel={None::<Callback<()>>} />
            </div>
            <div class="card">
                <div class="list-head">
                    <h2>{ "All aliases" }</h2>
                    <FilterBar prefix="alias" what="aliases" domains={my_domains} {onsearch} />
                </div>
                <ProblemBanner error={state.error.clone()} />
                <ul class="rows" id="alias-list" aria-busy={state.loading.then_some("true")}>
                    { for state.items.iter().map(|a| html! {
                        <AliasRow key={a.id.clone()} alias={a.clone()} onsaved={onsaved.clone()} ondeleted={ondeleted.clone()} />
                    }) }
                </ul>
                <ListFooter loading={state.loading} empty={state.items.is_empty() && state.error.is_none()}
                    more={state.next_cursor.is_some()} onmore={list.load_more.clone()}
                    empty_text={if filtered { "No aliases match." } else { "No aliases yet." }} />
            </div>
        </AdminLayout>
    }
}

#[derive(Properties, PartialEq)]
struct AliasRowProps {
    alias: Alias,
    onsaved: Callback<Alias>,
    ondeleted: Callback<String>,
}

#[function_component]
fn AliasRow(props: &AliasRowProps) -> Html {
    let api = use_api();
    let editing = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let a = &props.alias;

    let ondelete = {
        let (id, error, busy, ondeleted) = (
            a.id.clone(),
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
                match api.delete_alias(&id).await {
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
        Callback::from(move |a: Alias| {
            editing.set(false);
            onsaved.emit(a);
        })
    };

    html! {
        <li class={classes!("row", (*editing).then_some("editing"))}>
            <div class="row-main">
                <span class="row-title">{ a.address.clone() }</span>
                if a.catch_all { <span class="tag">{ "catch-all" }</span> }
                <div class="row-meta">{ format!("→ {}", a.targets.join(", ")) }</div>
                <ProblemBanner error={(*error).clone()} />
            </div>
            if *editing {
                <div class="row-editor">
                    <h3>{ format!("Edit {}", a.address) }</h3>
                    <AliasForm alias={Some(a.clone())} {onsaved} oncancel={Some(close)} />
                </div>
            } else {
                <div class="row-actions">
                    <button type="button" class="button" onclick={edit} aria-label={format!("Edit {}", a.address)}>{ "Edit" }</button>
                    <ConfirmButton label="Delete" subject={a.address.clone()} onconfirm={ondelete} busy={*busy} />
                </div>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct AliasFormProps {
    /// `None` creates an alias.
    alias: Option<Alias>,
    onsaved: Callback<Alias>,
    oncancel: Option<Callback<()>>,
}

#[function_component]
fn AliasForm(props: &AliasFormProps) -> Html {
    let api = use_api();
    let address = use_state(String::new);
    let targets = use_state(|| {
        props
            .alias
            .as_ref()
            .map(|a| a.targets.join("\n"))
            .unwrap_or_default()
    });
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let editing = props.alias.clone();
    let p = if editing.is_some() {
        "edit-alias"
    } else {
        "alias"
    };

    let onsubmit = {
        let (address, targets, error, busy, onsaved) = (
            address.clone(),
            targets.clone(),
            error.clone(),
            busy.clone(),
            props.onsaved.clone(),
        );
        let editing = editing.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            let list = format::split_list(&targets);
            let (api, address, targets, error, busy, onsaved, editing) = (
                api.clone(),
                address.clone(),
                targets.clone(),
                error.clone(),
                busy.clone(),
                onsaved.clone(),
                editing.clone(),
            );
            spawn_local(async move {
                let result = match &editing {
                    Some(alias) => {
                        let body = UpdateAlias {
                            targets: Some(list),
                        };
                        api.update_alias(&alias.id, &body).await
                    }
                    None => {
                        let body = CreateAlias {
                            address: address.trim().to_owned(),
                            targets: list,
                        };
                        api.create_alias(&body).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(alias) => {
                        error.set(None);
                        if editing.is_none() {
                            address.set(String::new());
                            targets.set(String::new());
                        }
                        onsaved.emit(alias);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let cancel = props.oncancel.clone().map(|c| c.reform(|_: MouseEvent| ()));

    html! {
        <form class="form-grid" {onsubmit} novalidate=true>
            <ProblemBanner error={(*error).clone()} fields={FIELDS} id={format!("{p}-form-error")} />
            if editing.is_none() {
                <TextField id={format!("{p}-address")} label="Address" required=true
                    placeholder="sales@example.com" autocomplete="off"
                    hint="name@domain, or @domain to catch every address of the domain that has no account."
                    value={(*address).clone()}
                    oninput={{ let s = address.clone(); Callback::from(move |v| s.set(v)) }}
                    error={field_error("address")} />
            }
            <TextArea id={format!("{p}-targets")} label="Deliver to" required=true rows={3}
                hint="One address per line (or separated by commas)."
                value={(*targets).clone()}
                oninput={{ let s = targets.clone(); Callback::from(move |v| s.set(v)) }}
                error={field_error("targets")} />
            <div class="actions">
                <button type="submit" class="button primary" disabled={*busy}>
                    { if editing.is_some() { "Save changes" } else { "Create alias" } }
                </button>
                if let Some(cancel) = cancel {
                    <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                }
            </div>
        </form>
    }
}
