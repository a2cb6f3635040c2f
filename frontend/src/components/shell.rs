//! The frame of every signed-in page: header, navigation, and the page inside.
//! Sends visitors without a session to the login, and loads the account once.

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::Banner;
use crate::route::Route;
use crate::state::{Action, use_session};

#[derive(Properties, PartialEq)]
pub struct NavLinkProps {
    pub to: Route,
    /// Routes that mark this link current too (an area's sub-pages).
    #[prop_or_default]
    pub also: Vec<Route>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    pub children: Html,
}

/// A link that marks itself `aria-current="page"` and navigates without a reload.
#[function_component]
pub fn NavLink(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let route = use_route::<Route>();
    let current = route
        .as_ref()
        .is_some_and(|r| *r == props.to || props.also.contains(r));
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0 {
                return;
            }
            if let Some(navigator) = &navigator {
                e.prevent_default();
                navigator.push(&to);
            }
        })
    };
    html! {
        <a
            id={props.id.clone()}
            href={props.to.to_path()}
            {onclick}
            aria-current={current.then_some("page")}
        >
            { props.children.clone() }
        </a>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub children: Html,
}

#[function_component]
pub fn Shell(props: &ShellProps) -> Html {
    let session = use_session();
    let api = use_api();
    let load_error = use_state(|| None::<ApiError>);
    let attempt = use_state(|| 0u32);

    {
        let session = session.clone();
        let api = api.clone();
        let load_error = load_error.clone();
        let needs_account = session.signed_in() && session.account.is_none();
        use_effect_with((needs_account, *attempt), move |(needs, _)| {
            if *needs {
                spawn_local(async move {
                    match api.get_me().await {
                        Ok(account) => {
                            load_error.set(None);
                            session.dispatch(Action::AccountLoaded(account));
                        }
                        Err(ApiError::SessionExpired) => {}
                        Err(e) => load_error.set(Some(e)),
                    }
                });
            }
        });
    }

    if !session.signed_in() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }

    let signout = {
        let api = api.clone();
        Callback::from(move |_: MouseEvent| {
            let api = api.clone();
            spawn_local(async move { api.sign_out().await });
        })
    };

    let Some(account) = session.account.clone() else {
        let retry = {
            let attempt = attempt.clone();
            Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
        };
        return html! {
            <div class="center-page">
                if let Some(e) = &*load_error {
                    <div class="card narrow">
                        <Banner>{ e.banner(&[]) }</Banner>
                        <div class="actions">
                            <button type="button" class="button primary" onclick={retry}>{ "Try again" }</button>
                            <button type="button" class="button" onclick={signout}>{ "Sign out" }</button>
                        </div>
                    </div>
                } else {
                    <p class="loading" role="status">{ "Loading…" }</p>
                }
            </div>
        };
    };

    // An administrator asks for a new password: nothing else until it is chosen (the
    // server refuses the rest); then the account is read again.
    if account.must_change_password {
        let onchanged = {
            let (api, session) = (api.clone(), session.clone());
            Callback::from(move |()| {
                let (api, session) = (api.clone(), session.clone());
                spawn_local(async move {
                    if let Ok(account) = api.get_me().await {
                        session.dispatch(Action::AccountLoaded(account));
                    }
                });
            })
        };
        return html! {
            <main id="main" class="center-page">
                <div class="narrow-column" id="password-required">
                    <h1>{ "Choose a new password" }</h1>
                    <p class="muted">
                        { format!("Your administrator asks {} for a new password before you go on. Mail apps can sign in again once it is set.", account.address) }
                    </p>
                    <crate::pages::PasswordForm {onchanged} />
                    <div class="actions">
                        <button type="button" class="button subtle" id="sign-out" onclick={signout}>{ "Sign out" }</button>
                    </div>
                </div>
            </main>
        };
    }

    let admin_routes = vec![
        Route::Admin,
        Route::AdminDashboard,
        Route::AdminDomains,
        Route::AdminAccounts,
        Route::AdminAliases,
    ];
    html! {
        <div class="app">
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <header class="app-header">
                <a class="brand-link" href="/mail" aria-label={format!("{}, home", crate::components::brand::product_name())}>
                    <crate::components::brand::Brand />
                </a>
                <nav class="main-nav" aria-label="Main" id="main-nav">
                    <NavLink to={Route::Mail} id="nav-mail">{ "Mail" }</NavLink>
                    <NavLink to={Route::Contacts} id="nav-contacts">{ "Contacts" }</NavLink>
                    <NavLink to={Route::Calendar} also={vec![Route::CalendarTasks, Route::CalendarNotes]} id="nav-calendar">{ "Calendar" }</NavLink>
                    if session.can_administer() {
                        <NavLink to={Route::Admin} also={admin_routes} id="nav-admin">{ "Admin" }</NavLink>
                    }
                    <NavLink to={Route::Settings} also={vec![Route::SettingsRules]} id="nav-settings">{ "Settings" }</NavLink>
                </nav>
                <div class="user-box">
                    <span class="signed-in-as" id="signed-in-as" title="Signed in as">{ account.address.clone() }</span>
                    <button type="button" class="button subtle" id="sign-out" onclick={signout}>{ "Sign out" }</button>
                </div>
            </header>
            <main id="main" class="app-main" tabindex="-1">
                { props.children.clone() }
            </main>
            <crate::components::brand::Footer />
            <crate::components::reminders::ReminderAlerts />
        </div>
    }
}
