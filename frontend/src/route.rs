//! Every path of the app, and the page each one shows.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::shell::Shell;
#[cfg(feature = "full")]
use crate::pages::SettingsPage;
#[cfg(feature = "full")]
use crate::pages::admin::{
    AccessPage, AccountsPage, AdminGate, AdminIndex, AdsPage, AliasesPage, AuditPage, BrandingPage,
    DashboardPage, DomainDnsPage, DomainRulesPage, DomainsPage, ListsPage, QueuePage,
    ServerSettingsPage,
};
#[cfg(feature = "full")]
use crate::pages::archive::{ArchivePage, ArchiveThreadPage};
#[cfg(feature = "full")]
use crate::pages::calendar::{CalendarPage, NotesPage, TasksPage};
#[cfg(feature = "full")]
use crate::pages::rules::RulesPage;
use crate::pages::{ContactsPage, LoginPage, MailPage, NotFoundPage};

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[at("/mail")]
    Mail,
    #[at("/contacts")]
    Contacts,
    #[at("/calendar")]
    Calendar,
    #[at("/calendar/tasks")]
    CalendarTasks,
    #[at("/calendar/notes")]
    CalendarNotes,
    #[at("/admin")]
    Admin,
    #[at("/admin/dashboard")]
    AdminDashboard,
    #[at("/admin/domains")]
    AdminDomains,
    #[at("/admin/domains/:id/rules")]
    AdminDomainRules { id: String },
    #[at("/admin/domains/:id/dns")]
    AdminDomainDns { id: String },
    #[at("/admin/accounts")]
    AdminAccounts,
    #[at("/admin/aliases")]
    AdminAliases,
    #[at("/admin/lists")]
    AdminLists,
    #[at("/admin/audit")]
    AdminAudit,
    #[at("/admin/ads")]
    AdminAds,
    #[at("/admin/look")]
    AdminLook,
    #[at("/admin/access")]
    AdminAccess,
    #[at("/admin/queue")]
    AdminQueue,
    #[at("/admin/settings")]
    AdminSettings,
    #[at("/archive/:id")]
    Archive { id: String },
    #[at("/archive/:id/:thread")]
    ArchiveThread { id: String, thread: String },
    #[at("/settings")]
    Settings,
    #[at("/settings/rules")]
    SettingsRules,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// A domain's custom CSS (the page's `#look-custom`) is off on the administration pages,
/// on elsewhere: the look of a domain's pages may not restyle the console that manages
/// it. The server writes the page that way; this follows the app's own moves.
#[cfg(feature = "full")]
fn custom_css_for(route: &Route) {
    let admin = route.to_path().starts_with("/admin");
    if let Some(link) = gloo::utils::document().get_element_by_id("look-custom") {
        let _ = link.set_attribute("media", if admin { "not all" } else { "all" });
    }
}

/// Pages behind the sign-in render inside the [`Shell`], which sends visitors to the login.
pub fn switch(route: Route) -> Html {
    #[cfg(feature = "full")]
    custom_css_for(&route);
    match route {
        #[cfg(not(feature = "full"))]
        Route::Admin
        | Route::AdminDashboard
        | Route::AdminDomains
        | Route::AdminAccounts
        | Route::AdminAliases
        | Route::AdminLists
        | Route::AdminAudit
        | Route::AdminAds
        | Route::AdminLook
        | Route::AdminAccess
        | Route::AdminQueue
        | Route::AdminSettings
        | Route::AdminDomainRules { .. }
        | Route::AdminDomainDns { .. }
        | Route::Archive { .. }
        | Route::ArchiveThread { .. }
        | Route::Calendar
        | Route::CalendarTasks
        | Route::CalendarNotes
        | Route::Settings
        | Route::SettingsRules => html! { <LoadFull /> },
        Route::Home => html! { <Redirect<Route> to={Route::Mail} /> },
        Route::Login => html! { <LoginPage /> },
        Route::Mail => html! { <Shell><MailPage /></Shell> },
        Route::Contacts => html! { <Shell><ContactsPage /></Shell> },
        #[cfg(feature = "full")]
        Route::Calendar => html! { <Shell><CalendarPage /></Shell> },
        #[cfg(feature = "full")]
        Route::CalendarTasks => html! { <Shell><TasksPage /></Shell> },
        #[cfg(feature = "full")]
        Route::CalendarNotes => html! { <Shell><NotesPage /></Shell> },
        #[cfg(feature = "full")]
        Route::Admin => html! { <Shell><AdminIndex /></Shell> },
        #[cfg(feature = "full")]
        Route::AdminDashboard => {
            html! { <Shell><AdminGate title="Dashboard" server_admin_only=true><DashboardPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminDomains => {
            html! { <Shell><AdminGate title="Domains" server_admin_only=true><DomainsPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminAccounts => {
            html! { <Shell><AdminGate title="Accounts"><AccountsPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminAliases => {
            html! { <Shell><AdminGate title="Aliases"><AliasesPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminLists => {
            html! { <Shell><AdminGate title="Mailing lists"><ListsPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminAudit => {
            html! { <Shell><AdminGate title="Audit log"><AuditPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminAds => {
            html! { <Shell><AdminGate title="Banner ads"><AdsPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminLook => {
            html! { <Shell><AdminGate title="Look"><BrandingPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminAccess => {
            html! { <Shell><AdminGate title="Access" server_admin_only=true><AccessPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminQueue => {
            html! { <Shell><AdminGate title="Queue" server_admin_only=true><QueuePage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminSettings => {
            html! { <Shell><AdminGate title="Server settings" server_admin_only=true><ServerSettingsPage /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminDomainRules { id } => {
            html! { <Shell><AdminGate title="Domain rules"><DomainRulesPage id={id} /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::AdminDomainDns { id } => {
            html! { <Shell><AdminGate title="DNS"><DomainDnsPage id={id} /></AdminGate></Shell> }
        }
        #[cfg(feature = "full")]
        Route::Archive { id } => html! { <Shell><ArchivePage id={id} /></Shell> },
        #[cfg(feature = "full")]
        Route::ArchiveThread { id, thread } => {
            html! { <Shell><ArchiveThreadPage id={id} thread={thread} /></Shell> }
        }
        #[cfg(feature = "full")]
        Route::Settings => html! { <Shell><SettingsPage /></Shell> },
        #[cfg(feature = "full")]
        Route::SettingsRules => html! { <Shell><RulesPage /></Shell> },
        Route::NotFound => html! { <Shell><NotFoundPage /></Shell> },
    }
}

/// A page of the full app (settings, administration, calendar) reached from the app: the page loads
/// again, and `boot.js` starts the full app for its path.
#[cfg(not(feature = "full"))]
#[function_component]
fn LoadFull() -> Html {
    use_effect_with((), |_| {
        let _ = gloo::utils::window().location().reload();
    });
    html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> }
}
