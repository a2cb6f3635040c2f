//! The signed-in account's own settings: profile, password and API keys (the rules have
//! their own tab, `rules/`).

use osprey_api_types::{ApiKey, CreateApiKey, CreatedApiKey, Scope, UpdateMe};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::dictionary::PersonalDictionary;
use super::my_lists::MyLists;
use super::preferences::PreferencesCard;

use super::login_failures::LoginFailures;
use super::password::PasswordForm;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::confirm::ConfirmButton;
use crate::components::field::{Checkbox, TextField};
use crate::components::shell::NavLink;
use crate::format;
use crate::hooks::{PagedAction, use_paged};
use crate::route::Route;
use crate::state::{Action, use_session};

#[function_component]
pub fn SettingsPage() -> Html {
    html! {
        <section class="page" aria-labelledby="settings-title">
            <h1 id="settings-title">{ "Settings" }</h1>
            <SettingsTabs />
            <Profile />
            <PreferencesCard />
            <PasswordForm />
            <PersonalDictionary />
            <MyLists />
            <LoginFailures />
            <ApiKeys />
        </section>
    }
}

/// The tabs of the settings area.
#[function_component]
pub fn SettingsTabs() -> Html {
    html! {
        <nav class="tabs" aria-label="Settings">
            <NavLink to={Route::Settings} id="tab-account">{ "Account" }</NavLink>
            <NavLink to={Route::SettingsRules} id="tab-rules">{ "Rules and out of office" }</NavLink>
        </nav>
    }
}

#[function_component]
fn Profile() -> Html {
    let session = use_session();
    let api = use_api();
    let account = session.account.clone();
    let display_name = use_state(|| {
        account
            .as_ref()
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    });
    let time_zone = use_state(|| {
        account
            .as_ref()
            .and_then(|a| a.time_zone.clone())
            .unwrap_or_default()
    });
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let Some(account) = account else {
        return html! {};
    };

    let onsubmit = {
        let session = session.dispatcher();
        let (display_name, time_zone, error, saved, busy) = (
            display_name.clone(),
            time_zone.clone(),
            error.clone(),
            saved.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            saved.set(false);
            let body = UpdateMe {
                display_name: Some(display_name.trim().to_owned()),
                time_zone: Some(time_zone.trim().to_owned()),
            };
            let (api, session, error, saved, busy) = (
                api.clone(),
                session.clone(),
                error.clone(),
                saved.clone(),
                busy.clone(),
            );
            spawn_local(async move {
                match api.update_me(&body).await {
                    Ok(account) => {
                        session.dispatch(Action::AccountLoaded(account));
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));

    html! {
        <div class="card" aria-labelledby="profile-title" role="region">
            <h2 id="profile-title">{ "Profile" }</h2>
            <dl class="facts">
                <dt>{ "Address" }</dt>
                <dd id="settings-address">{ account.address.clone() }</dd>
                <dt>{ "Role" }</dt>
                <dd id="settings-role">{ format::role(account.role) }</dd>
                <dt>{ "Storage" }</dt>
                <dd>
                    { format::bytes(account.used_bytes) }
                    { account.quota_bytes.map(|q| format!(" of {}", format::bytes(q))).unwrap_or_else(|| " (no quota)".to_owned()) }
                </dd>
            </dl>
            <ProblemBanner error={(*error).clone()} fields={&["display_name", "time_zone"][..]} />
            if *saved {
                <Banner tone={Tone::Success}>{ "Profile saved." }</Banner>
            }
            <form {onsubmit}>
                <TextField
                    id="settings-display-name"
                    label="Display name"
                    autocomplete="name"
                    hint="Shown to the people you write to."
                    value={(*display_name).clone()}
                    oninput={{ let s = display_name.clone(); Callback::from(move |v| s.set(v)) }}
                    error={field_error("display_name")}
                />
                <TextField
                    id="settings-time-zone"
                    label="Time zone"
                    placeholder="Europe/Berlin"
                    hint="A time zone name such as Europe/Berlin or America/New_York; empty for UTC. Your out-of-office days are days in it."
                    value={(*time_zone).clone()}
                    oninput={{ let s = time_zone.clone(); Callback::from(move |v| s.set(v)) }}
                    error={field_error("time_zone")}
                />
                <div class="actions">
                    <button type="submit" class="button primary" disabled={*busy}>{ "Save profile" }</button>
                </div>
            </form>
        </div>
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::AccountRead => "Read my account",
        Scope::AccountWrite => "Change my account",
        Scope::AdminRead => "Read what I administer",
        Scope::AdminWrite => "Change what I administer",
    }
}

fn scope_id(scope: Scope) -> String {
    format!("scope-{}", scope.as_str().replace(':', "-"))
}

#[function_component]
fn ApiKeys() -> Html {
    let api = use_api();
    let session = use_session();
    let list = {
        let api = api.clone();
        // One page: the server lists every key at once.
        use_paged((), move |(), _cursor| {
            let api = api.clone();
            async move { api.list_api_keys().await }
        })
    };
    let created = use_state(|| None::<CreatedApiKey>);

    let oncreated = {
        let (created, state) = (created.clone(), list.state.clone());
        Callback::from(move |key: CreatedApiKey| {
            state.dispatch(PagedAction::Upsert(key.key.clone()));
            created.set(Some(key));
        })
    };
    let dismiss = {
        let created = created.clone();
        Callback::from(move |_: MouseEvent| created.set(None))
    };
    let scopes: Vec<Scope> = Scope::ALL
        .into_iter()
        .filter(|s| {
            session.can_administer() || matches!(s, Scope::AccountRead | Scope::AccountWrite)
        })
        .collect();
    let state = list.state.clone();

    html! {
        <div class="card" aria-labelledby="keys-title" role="region">
            <h2 id="keys-title">{ "API keys" }</h2>
            <p class="muted">{ "Keys let scripts and apps use the API on your behalf. A key never grants more than your own role." }</p>
            if let Some(key) = &*created {
                <div class="secret" role="status">
                    <p><strong>{ format!("Key “{}” created.", key.key.name) }</strong>
                    { " Copy it now: it will not be shown again." }</p>
                    <code id="api-key-secret" class="secret-value">{ key.secret.clone() }</code>
                    <div class="actions">
                        <button type="button" class="button" onclick={dismiss}>{ "I have copied it" }</button>
                    </div>
                </div>
            }
            <ProblemBanner error={state.error.clone()} />
            <ul class="rows" id="api-key-list" aria-busy={state.loading.then_some("true")}>
                { for state.items.iter().map(|key| html! {
                    <ApiKeyRow key={key.id.clone()} api_key={key.clone()} onrevoked={{
                        let state = state.clone();
                        Callback::from(move |id| state.dispatch(PagedAction::Remove(id)))
                    }} />
                }) }
            </ul>
            if !state.loading && state.items.is_empty() && state.error.is_none() {
                <p class="empty">{ "No API keys yet." }</p>
            }
            if state.next_cursor.is_some() {
                <button type="button" class="button" onclick={list.load_more.reform(|_: MouseEvent| ())} disabled={state.loading}>{ "Load more" }</button>
            }
            <CreateKeyForm {scopes} {oncreated} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ApiKeyRowProps {
    api_key: ApiKey,
    onrevoked: Callback<String>,
}

#[function_component]
fn ApiKeyRow(props: &ApiKeyRowProps) -> Html {
    let api = use_api();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let key = &props.api_key;
    let onconfirm = {
        let (id, error, busy, onrevoked) = (
            key.id.clone(),
            error.clone(),
            busy.clone(),
            props.onrevoked.clone(),
        );
        Callback::from(move |()| {
            busy.set(true);
            let (api, id, error, busy, onrevoked) = (
                api.clone(),
                id.clone(),
                error.clone(),
                busy.clone(),
                onrevoked.clone(),
            );
            spawn_local(async move {
                match api.delete_api_key(&id).await {
                    Ok(()) => onrevoked.emit(id),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <li class="row">
            <div class="row-main">
                <span class="row-title">{ key.name.clone() }</span>
                <code class="tag">{ format!("{}…", key.prefix) }</code>
                <div class="row-meta">
                    { key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") }
                    { format!(" · created {}", format::date(&key.created_at)) }
                    { key.last_used_at.as_ref().map(|t| format!(" · last used {}", format::date(t))).unwrap_or_else(|| " · never used".to_owned()) }
                    { key.expires_at.as_ref().map(|t| format!(" · expires {}", format::date(t))).unwrap_or_default() }
                </div>
                <ProblemBanner error={(*error).clone()} />
            </div>
            <div class="row-actions">
                <ConfirmButton label="Revoke" subject={key.name.clone()} {onconfirm} busy={*busy} />
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct CreateKeyFormProps {
    scopes: Vec<Scope>,
    oncreated: Callback<CreatedApiKey>,
}

#[function_component]
fn CreateKeyForm(props: &CreateKeyFormProps) -> Html {
    let api = use_api();
    let name = use_state(String::new);
    let chosen = use_state(|| vec![Scope::AccountRead]);
    let expires = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (name, chosen, expires, error, busy) = (
            name.clone(),
            chosen.clone(),
            expires.clone(),
            error.clone(),
            busy.clone(),
        );
        let oncreated = props.oncreated.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let expires_in_days = match format::parse_count(&expires) {
                Ok(days) => days,
                Err(message) => {
                    error.set(Some(ApiError::local("expires_in_days", message)));
                    return;
                }
            };
            let body = CreateApiKey {
                name: name.trim().to_owned(),
                scopes: (*chosen).clone(),
                expires_in_days,
            };
            busy.set(true);
            let (api, name, expires, error, busy, oncreated) = (
                api.clone(),
                name.clone(),
                expires.clone(),
                error.clone(),
                busy.clone(),
                oncreated.clone(),
            );
            spawn_local(async move {
                match api.create_api_key(&body).await {
                    Ok(created) => {
                        error.set(None);
                        name.set(String::new());
                        expires.set(String::new());
                        oncreated.emit(created);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));

    html! {
        <form class="subform" {onsubmit} aria-labelledby="new-key-title">
            <h3 id="new-key-title">{ "New API key" }</h3>
            <ProblemBanner error={(*error).clone()} fields={&["name", "scopes", "expires_in_days"][..]} />
            <TextField
                id="api-key-name"
                label="Name"
                required=true
                hint="What the key is for, e.g. “backup script”."
                value={(*name).clone()}
                oninput={{ let s = name.clone(); Callback::from(move |v| s.set(v)) }}
                error={field_error("name")}
            />
            <fieldset class={classes!("field", field_error("scopes").is_some().then_some("invalid"))}>
                <legend>{ "Scopes" }</legend>
                { for props.scopes.iter().map(|&scope| {
                    let checked = chosen.contains(&scope);
                    let chosen = chosen.clone();
                    html! {
                        <Checkbox
                            id={scope_id(scope)}
                            label={format!("{} ({})", scope_label(scope), scope.as_str())}
                            {checked}
                            onchange={Callback::from(move |on: bool| {
                                let mut next: Vec<Scope> = (*chosen).iter().copied().filter(|s| *s != scope).collect();
                                if on { next.push(scope); }
                                next.sort_by_key(|s| Scope::ALL.iter().position(|x| x == s));
                                chosen.set(next);
                            })}
                        />
                    }
                }) }
                if let Some(e) = field_error("scopes") {
                    <p class="field-error" id="api-key-scopes-error">{ e }</p>
                }
            </fieldset>
            <TextField
                id="api-key-expires"
                label="Expires after (days)"
                inputmode="numeric"
                hint="Leave empty for a key that does not expire."
                value={(*expires).clone()}
                oninput={{ let s = expires.clone(); Callback::from(move |v| s.set(v)) }}
                error={field_error("expires_in_days")}
            />
            <div class="actions">
                <button type="submit" class="button primary" disabled={*busy}>{ "Create key" }</button>
            </div>
        </form>
    }
}
