//! Accounts: list, search, filter by domain, create, edit (including a password reset),
//! delete. Domain admins see the accounts of their domains only.

use osprey_api_types::{Account, CreateAccount, Pop3Mode, Pop3Settings, Role, UpdateAccount};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{AdminLayout, FilterBar, ListFooter, names};
use crate::api::{ApiError, ListQuery, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::{Checkbox, Select, TextField};
use crate::format;
use crate::hooks::{PagedAction, use_paged};
use crate::state::use_session;

const FIELDS: &[&str] = &[
    "address",
    "password",
    "display_name",
    "role",
    "admin_domains",
    "quota_bytes",
    "enabled",
    "pop3",
    "pop3.retention_days",
];

fn pop3_mode_value(m: Pop3Mode) -> &'static str {
    match m {
        Pop3Mode::Offline => "offline",
        Pop3Mode::Keep => "keep",
        Pop3Mode::Trash => "trash",
    }
}

fn parse_pop3_mode(v: &str) -> Pop3Mode {
    match v {
        "keep" => Pop3Mode::Keep,
        "trash" => Pop3Mode::Trash,
        _ => Pop3Mode::Offline,
    }
}

/// How the account row describes non-default POP3 settings.
fn pop3_summary(p: &Pop3Settings) -> String {
    let mode = match p.mode {
        Pop3Mode::Offline => "",
        Pop3Mode::Keep => " · POP3 keeps mail",
        Pop3Mode::Trash => " · POP3 moves deleted mail to Trash",
    };
    match p.retention_days {
        Some(d) => format!("{mode} · downloaded mail removed after {d} days"),
        None => mode.to_owned(),
    }
}

/// The retention field: empty keeps mail for ever.
fn parse_retention(v: &str) -> Result<Option<u32>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<u32>() {
        Ok(d) if (1..=3650).contains(&d) => Ok(Some(d)),
        _ => Err("Enter a number of days from 1 to 3650, or leave it empty.".into()),
    }
}

#[derive(Clone, PartialEq)]
struct Draft {
    address: String,
    password: String,
    display_name: String,
    role: Role,
    admin_domains: String,
    quota: String,
    enabled: bool,
    pop3_mode: Pop3Mode,
    retention: String,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            address: String::new(),
            password: String::new(),
            display_name: String::new(),
            role: Role::User,
            admin_domains: String::new(),
            quota: String::new(),
            enabled: true,
            pop3_mode: Pop3Mode::Offline,
            retention: String::new(),
        }
    }

    fn of(a: &Account) -> Draft {
        Draft {
            address: a.address.clone(),
            password: String::new(),
            display_name: a.display_name.clone(),
            role: a.role,
            admin_domains: a.admin_domains.join(", "),
            quota: format::mib_input(a.quota_bytes),
            enabled: a.enabled,
            pop3_mode: a.pop3.mode,
            retention: a
                .pop3
                .retention_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}

#[function_component]
pub fn AccountsPage() -> Html {
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
                api.list_accounts(limit, cursor, query.q(), query.domain())
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
        Callback::from(move |a: Account| state.dispatch(PagedAction::Upsert(a)))
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
        <AdminLayout title="Accounts" intro="Mailboxes people sign in to. The login is the full address.">
            <div class="card">
                <h2>{ "New account" }</h2>
                <AccountForm account={None::<Account>} onsaved={onsaved.clone()} oncancel={None::<Callback<()>>} />
            </div>
            <div class="card">
                <div class="list-head">
                    <h2>{ "All accounts" }</h2>
                    <FilterBar prefix="account" what="accounts" domains={my_domains} {onsearch} />
                </div>
                <ProblemBanner error={state.error.clone()} />
                <ul class="rows" id="account-list" aria-busy={state.loading.then_some("true")}>
                    { for state.items.iter().map(|a| html! {
                        <AccountRow key={a.id.clone()} account={a.clone()} onsaved={onsaved.clone()} ondeleted={ondeleted.clone()} />
                    }) }
                </ul>
                <ListFooter loading={state.loading} empty={state.items.is_empty() && state.error.is_none()}
                    more={state.next_cursor.is_some()} onmore={list.load_more.clone()}
                    empty_text={if filtered { "No accounts match." } else { "No accounts yet." }} />
            </div>
        </AdminLayout>
    }
}

#[derive(Properties, PartialEq)]
struct AccountRowProps {
    account: Account,
    onsaved: Callback<Account>,
    ondeleted: Callback<String>,
}

#[function_component]
fn AccountRow(props: &AccountRowProps) -> Html {
    let api = use_api();
    let editing = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let a = &props.account;

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
                match api.delete_account(&id).await {
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
        Callback::from(move |a: Account| {
            editing.set(false);
            onsaved.emit(a);
        })
    };
    let usage = match a.quota_bytes {
        Some(q) => format!("{} of {}", format::bytes(a.used_bytes), format::bytes(q)),
        None => format!("{} used", format::bytes(a.used_bytes)),
    };

    html! {
        <li class={classes!("row", (*editing).then_some("editing"))}>
            <div class="row-main">
                <span class="row-title">{ a.address.clone() }</span>
                if a.role != Role::User { <span class="tag">{ format::role(a.role) }</span> }
                if !a.enabled { <span class="tag warn">{ "disabled" }</span> }
                <div class="row-meta">
                    { if a.display_name.is_empty() { "no display name".to_owned() } else { a.display_name.clone() } }
                    { format!(" · {usage}") }
                    if a.role == Role::DomainAdmin {
                        { format!(" · manages {}", names(&a.admin_domains)) }
                    }
                    { pop3_summary(&a.pop3) }
                </div>
                <ProblemBanner error={(*error).clone()} />
            </div>
            if *editing {
                <div class="row-editor">
                    <h3>{ format!("Edit {}", a.address) }</h3>
                    <AccountForm account={Some(a.clone())} {onsaved} oncancel={Some(close)} />
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
struct AccountFormProps {
    /// `None` creates an account.
    account: Option<Account>,
    onsaved: Callback<Account>,
    oncancel: Option<Callback<()>>,
}

#[function_component]
fn AccountForm(props: &AccountFormProps) -> Html {
    let api = use_api();
    let session = use_session();
    let draft = use_state(|| {
        props
            .account
            .as_ref()
            .map(Draft::of)
            .unwrap_or_else(Draft::new)
    });
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let editing = props.account.clone();
    let p = if editing.is_some() {
        "edit-account"
    } else {
        "account"
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
            let quota = match format::parse_mib(&draft.quota) {
                Ok(q) => q,
                Err(m) => {
                    error.set(Some(ApiError::local("quota_bytes", m)));
                    return;
                }
            };
            let retention = match parse_retention(&draft.retention) {
                Ok(r) => r,
                Err(m) => {
                    error.set(Some(ApiError::local("pop3.retention_days", &m)));
                    return;
                }
            };
            let admin_domains = if draft.role == Role::DomainAdmin {
                format::split_list(&draft.admin_domains)
            } else {
                Vec::new()
            };
            busy.set(true);
            let (api, draft, error, busy, onsaved, editing) = (
                api.clone(),
                draft.clone(),
                error.clone(),
                busy.clone(),
                onsaved.clone(),
                editing.clone(),
            );
            spawn_local(async move {
                let display_name = draft.display_name.trim().to_owned();
                let result = match &editing {
                    Some(account) => {
                        let body = UpdateAccount {
                            display_name: Some(display_name),
                            role: (draft.role != account.role).then_some(draft.role),
                            quota_bytes: (quota != account.quota_bytes).then_some(quota),
                            admin_domains: (admin_domains != account.admin_domains)
                                .then_some(admin_domains),
                            enabled: Some(draft.enabled),
                            password: (!draft.password.is_empty()).then(|| draft.password.clone()),
                            pop3: Some(Pop3Settings {
                                mode: draft.pop3_mode,
                                retention_days: retention,
                            })
                            .filter(|p| *p != account.pop3),
                        };
                        api.update_account(&account.id, &body).await
                    }
                    None => {
                        let body = CreateAccount {
                            address: draft.address.trim().to_owned(),
                            password: draft.password.clone(),
                            role: Some(draft.role),
                            display_name: (!display_name.is_empty()).then_some(display_name),
                            quota_bytes: quota,
                            admin_domains,
                            enabled: Some(draft.enabled),
                        };
                        api.create_account(&body).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(account) => {
                        error.set(None);
                        if editing.is_none() {
                            draft.set(Draft::new());
                        }
                        onsaved.emit(account);
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
    let mut roles = vec![Role::User, Role::DomainAdmin];
    if session.is_server_admin() {
        roles.push(Role::Admin);
    }
    let role_options: Vec<(AttrValue, AttrValue)> = roles
        .iter()
        .map(|&r| (format::role_value(r).into(), format::role(r).into()))
        .collect();
    let cancel = props.oncancel.clone().map(|c| c.reform(|_: MouseEvent| ()));
    let pop3_options: Vec<(AttrValue, AttrValue)> = [
        (
            Pop3Mode::Offline,
            "Off-line: the client's deletions remove mail",
        ),
        (Pop3Mode::Keep, "Online: keep mail on the server"),
        (Pop3Mode::Trash, "Online: move deleted mail to Trash"),
    ]
    .into_iter()
    .map(|(m, label)| (pop3_mode_value(m).into(), label.into()))
    .collect();

    html! {
        <form class="form-grid" {onsubmit} novalidate=true>
            <ProblemBanner error={(*error).clone()} fields={FIELDS} id={format!("{p}-form-error")} />
            if editing.is_none() {
                <TextField id={format!("{p}-address")} label="Address" kind="email" required=true
                    placeholder="name@example.com" autocomplete="off" value={draft.address.clone()}
                    oninput={set(|d, v| d.address = v)} error={field_error("address")} />
            }
            <TextField id={format!("{p}-password")}
                label={if editing.is_some() { "New password" } else { "Password" }}
                kind="password" required={editing.is_none()} autocomplete="new-password"
                hint={if editing.is_some() { "Leave empty to keep the current password." } else { "A long passphrase; share it with the person safely." }}
                value={draft.password.clone()} oninput={set(|d, v| d.password = v)}
                error={field_error("password")} />
            <TextField id={format!("{p}-display-name")} label="Display name" autocomplete="off"
                value={draft.display_name.clone()} oninput={set(|d, v| d.display_name = v)}
                error={field_error("display_name")} />
            if session.is_server_admin() {
                <Select id={format!("{p}-role")} label="Role" value={format::role_value(draft.role)}
                    options={role_options} onchange={set(|d, v| d.role = format::parse_role(&v))}
                    error={field_error("role")} />
            }
            if draft.role == Role::DomainAdmin {
                <TextField id={format!("{p}-admin-domains")} label="Manages domains" required=true
                    hint="Domain names, separated by commas."
                    value={draft.admin_domains.clone()} oninput={set(|d, v| d.admin_domains = v)}
                    error={field_error("admin_domains")} />
            }
            <TextField id={format!("{p}-quota")} label="Quota (MiB)" inputmode="numeric"
                hint="Empty: the domain's default, else unlimited."
                value={draft.quota.clone()} oninput={set(|d, v| d.quota = v)}
                error={field_error("quota_bytes")} />
            <Checkbox id={format!("{p}-enabled")} label="Enabled (may sign in and receive mail)"
                checked={draft.enabled} onchange={set_enabled} error={field_error("enabled")} />
            if editing.is_some() {
                <Select id={format!("{p}-pop3-mode")} label="POP3 downloads"
                    value={pop3_mode_value(draft.pop3_mode)} options={pop3_options}
                    onchange={set(|d, v| d.pop3_mode = parse_pop3_mode(&v))}
                    error={field_error("pop3")} />
                <TextField id={format!("{p}-pop3-retention")} label="Remove downloaded mail after (days)"
                    inputmode="numeric" hint="Empty: keep downloaded mail until the client deletes it."
                    value={draft.retention.clone()} oninput={set(|d, v| d.retention = v)}
                    error={field_error("pop3.retention_days")} />
            }
            <div class="actions">
                <button type="submit" class="button primary" disabled={*busy}>
                    { if editing.is_some() { "Save changes" } else { "Create account" } }
                </button>
                if let Some(cancel) = cancel {
                    <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                }
            </div>
        </form>
    }
}
