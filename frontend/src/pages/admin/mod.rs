//! Administration: the dashboard and domains (server admins), accounts, aliases and mailing lists (server
//! and domain admins). The server enforces who may see what; these pages only hide what a role cannot use.

mod access;
mod account_import;
mod account_stats;
mod accounts;
mod ads;
mod aliases;
mod audit;
mod branding;
mod chart;
mod dashboard;
mod domain_admins;
mod domain_dns;
mod domain_rules;
mod domains;
mod held;
mod list_stats;
mod lists;
mod member_import;
mod members;
mod queue;
mod send_as;
mod settings;

pub use access::AccessPage;
pub use accounts::AccountsPage;
pub use ads::AdsPage;
pub use aliases::AliasesPage;
pub use audit::AuditPage;
pub use branding::BrandingPage;
pub use dashboard::DashboardPage;
pub use domain_dns::DomainDnsPage;
pub use domain_rules::DomainRulesPage;
pub use domains::DomainsPage;
pub use lists::ListsPage;
pub use queue::QueuePage;
pub use settings::ServerSettingsPage;

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
        html! { <Redirect<Route> to={Route::AdminDashboard} /> }
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

/// Whether the session's role may use an admin page (some are for server admins only).
fn may_use(session: &crate::state::Session, server_admin_only: bool) -> bool {
    if server_admin_only {
        session.is_server_admin()
    } else {
        session.can_administer()
    }
}

/// The admin area's heading and tabs; refuses roles that may not be here.
#[function_component]
pub fn AdminLayout(props: &AdminLayoutProps) -> Html {
    let session = use_session();
    let allowed = may_use(&session, props.server_admin_only);
    html! {
        <section class="page" aria-labelledby="admin-title">
            <h1 id="admin-title">{ props.title.clone() }</h1>
            if session.can_administer() {
                <nav class="tabs" aria-label="Administration">
                    if session.is_server_admin() {
                        <NavLink to={Route::AdminDashboard} id="tab-dashboard">{ "Dashboard" }</NavLink>
                        <NavLink to={Route::AdminDomains} id="tab-domains">{ "Domains" }</NavLink>
                    }
                    <NavLink to={Route::AdminAccounts} id="tab-accounts">{ "Accounts" }</NavLink>
                    <NavLink to={Route::AdminAliases} id="tab-aliases">{ "Aliases" }</NavLink>
                    <NavLink to={Route::AdminLists} id="tab-lists">{ "Lists" }</NavLink>
                    <NavLink to={Route::AdminAds} id="tab-ads">{ "Ads" }</NavLink>
                    <NavLink to={Route::AdminLook} id="tab-look">{ "Look" }</NavLink>
                    if session.is_server_admin() {
                        <NavLink to={Route::AdminAccess} id="tab-access">{ "Access" }</NavLink>
                        <NavLink to={Route::AdminQueue} id="tab-queue">{ "Queue" }</NavLink>
                        <NavLink to={Route::AdminSettings} id="tab-settings">{ "Settings" }</NavLink>
                    }
                    <NavLink to={Route::AdminAudit} id="tab-audit">{ "Audit log" }</NavLink>
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

#[derive(Properties, PartialEq)]
pub struct AdminGateProps {
    /// The page's title, for the refusal.
    pub title: AttrValue,
    #[prop_or_default]
    pub server_admin_only: bool,
    /// The page: mounted only for a role that may use it, so that it asks the server
    /// for nothing the role would be refused.
    pub children: Html,
}

/// Decides from the role the session already has whether the page is shown or refused.
#[function_component]
pub fn AdminGate(props: &AdminGateProps) -> Html {
    if may_use(&use_session(), props.server_admin_only) {
        props.children.clone()
    } else {
        html! {
            <AdminLayout title={props.title.clone()} server_admin_only={props.server_admin_only}>
                { Html::default() }
            </AdminLayout>
        }
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
