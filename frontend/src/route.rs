//! Every path of the app, and the page each one shows.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::shell::Shell;
use crate::pages::admin::{AccountsPage, AdminIndex, AliasesPage, DomainsPage};
use crate::pages::rules::{DomainRulesPage, RulesPage};
use crate::pages::{CalendarPage, ContactsPage, LoginPage, MailPage, NotFoundPage, SettingsPage};

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
    #[at("/admin")]
    Admin,
    #[at("/admin/domains")]
    AdminDomains,
    #[at("/admin/domains/:id/rules")]
    AdminDomainRules { id: String },
    #[at("/admin/accounts")]
    AdminAccounts,
    #[at("/admin/aliases")]
    AdminAliases,
    #[at("/settings")]
    Settings,
    #[at("/settings/rules")]
    SettingsRules,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Pages behind the sign-in render inside the [`Shell`], which sends visitors to the login.
pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Mail} /> },
        Route::Login => html! { <LoginPage /> },
        Route::Mail => html! { <Shell><MailPage /></Shell> },
        Route::Contacts => html! { <Shell><ContactsPage /></Shell> },
        Route::Calendar => html! { <Shell><CalendarPage /></Shell> },
        Route::Admin => html! { <Shell><AdminIndex /></Shell> },
        Route::AdminDomains => html! { <Shell><DomainsPage /></Shell> },
        Route::AdminAccounts => html! { <Shell><AccountsPage /></Shell> },
        Route::AdminAliases => html! { <Shell><AliasesPage /></Shell> },
        Route::AdminDomainRules { id } => html! { <Shell><DomainRulesPage id={id} /></Shell> },
        Route::Settings => html! { <Shell><SettingsPage /></Shell> },
        Route::SettingsRules => html! { <Shell><RulesPage /></Shell> },
        Route::NotFound => html! { <Shell><NotFoundPage /></Shell> },
    }
}
