//! Administration: domains (server admins), accounts and aliases (server and domain
//! admins). The server enforces who may see what; these pages only hide what a role cannot use.

mod accounts;
mod aliases;
mod domains;

pub use accounts::AccountsPage;
pub use aliases::AliasesPage;
pub use domains::DomainsPage;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::shell::NavLink;
use crate::route::Route;
use crate::state::use_session;

/// `/admin`: the first admin page this role may use.
#[function_component]
pub fn AdminIndex() -> Html {
    let session = use_session();
    if session.is_server_admin() {
        html! { <Redirect<Route> to={Route::AdminDomains} /> }
    } else if session.can_administer() {
        html! { <Redirect<Route> to={Route::AdminAccounts} /> }
    } else {
        html! { <AdminLayout title="Administration">{ Html::default() }</AdminLayout> }
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminLayoutProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub intro: Option<AttrValue>,
    /// Only server admins may see this page.
    #[prop_or_default]
    pub server_admin_only: bool,
    pub children: Html,
}

/// The admin area's heading and tabs; refuses roles that may not be here.
#[function_component]
pub fn AdminLayout(props: &AdminLayoutProps) -> Html {
    let session = use_session();
    let allowed = if props.server_admin_only {
        session.is_server_admin()
    } else {
        session.can_administer()
    };
    html! {
        <section class="page" aria-labelledby="admin-title">
            <h1 id="admin-title">{ props.title.clone() }</h1>
            if session.can_administer() {
                <nav class="tabs" aria-label="Administration">
                    if session.is_server_admin() {
                        <NavLink to={Route::AdminDomains} id="tab-domains">{ "Domains" }</NavLink>
                    }
                    <NavLink to={Route::AdminAccounts} id="tab-accounts">{ "Accounts" }</NavLink>
                    <NavLink to={Route::AdminAliases} id="tab-aliases">{ "Aliases" }</NavLink>
                </nav>
            }
            if allowed {
                if let Some(intro) = &props.intro {
                    <p class="muted">{ intro.clone() }</p>
                }
                { props.children.clone() }
            } else {
                <div class="card">
                    <p class="lead">{ "This page is for administrators." }</p>
                    <p>{ "Your account cannot manage domains, accounts or aliases. Ask your administrator if you need a change." }</p>
                </div>
            }
        </section>
    }
}

/// The list's footer: an empty note, or the button that loads the next page.
#[derive(Properties, PartialEq)]
pub struct ListFooterProps {
    pub loading: bool,
    pub empty: bool,
    pub more: bool,
    pub onmore: Callback<()>,
    /// `No domains match.`
    pub empty_text: AttrValue,
}

#[function_component]
pub fn ListFooter(props: &ListFooterProps) -> Html {
    html! {
        <div class="list-footer">
            if props.loading {
                <p class="loading" role="status">{ "Loading…" }</p>
            } else if props.empty {
                <p class="empty">{ props.empty_text.clone() }</p>
            }
            if props.more {
                <button type="button" class="button" onclick={props.onmore.reform(|_: MouseEvent| ())} disabled={props.loading}>
                    { "Load more" }
                </button>
            }
        </div>
    }
}

/// `a, b` for a list of names; `—` for none.
pub fn names(list: &[String]) -> String {
    if list.is_empty() {
        "—".to_owned()
    } else {
        list.join(", ")
    }
}

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// `account` gives inputs `account-search` and `account-domain-filter`.
    pub prefix: AttrValue,
    /// What the search looks in, for its label.
    pub what: AttrValue,
    /// Domain names to suggest in the filter.
    #[prop_or_default]
    pub domains: Vec<String>,
    /// `(search text, domain name)`.
    pub onsearch: Callback<(String, String)>,
}

/// Search text and a domain filter over a list; applies on submit.
#[function_component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    use web_sys::HtmlInputElement;

    let q = use_state(String::new);
    let domain = use_state(String::new);
    let search_id = format!("{}-search", props.prefix);
    let domain_id = format!("{}-domain-filter", props.prefix);
    let list_id = format!("{}-domain-options", props.prefix);
    let onsubmit = {
        let (q, domain, onsearch) = (q.clone(), domain.clone(), props.onsearch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onsearch.emit(((*q).clone(), (*domain).clone()));
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form class="search filters" role="search" {onsubmit}>
            <div class="filter">
                <label for={search_id.clone()}>{ format!("Search {}", props.what) }</label>
                <input id={search_id} type="search" value={(*q).clone()} oninput={input(&q)} />
            </div>
            <div class="filter">
                <label for={domain_id.clone()}>{ "Domain" }</label>
                <input id={domain_id} type="text" list={list_id.clone()} placeholder="All domains"
                    value={(*domain).clone()} oninput={input(&domain)} />
                <datalist id={list_id}>
                    { for props.domains.iter().map(|d| html! { <option value={d.clone()} /> }) }
                </datalist>
            </div>
            <button type="submit" class="button">{ "Search" }</button>
        </form>
    }
}
