//! The sign-in form.

use osprey_api_types::LoginRequest;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::components::banner::ProblemBanner;
use crate::components::brand::{self, Brand, Footer};
use crate::components::field::TextField;
use crate::route::Route;
use crate::state::{Action, Tokens, use_session};

const FIELDS: &[&str] = &["username", "password"];

#[function_component]
pub fn LoginPage() -> Html {
    let session = use_session();
    let username = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    if session.signed_in() {
        return html! { <Redirect<Route> to={Route::Mail} /> };
    }

    let onsubmit = {
        let (username, password, error, busy) = (
            username.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        let session = session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let request = LoginRequest {
                username: username.trim().to_owned(),
                password: (*password).clone(),
            };
            let (error, busy, session, password) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                password.clone(),
            );
            spawn_local(async move {
                match api::login(&request).await {
                    Ok(tokens) => {
                        error.set(None);
                        session.dispatch(Action::SignedIn(Tokens::from(tokens)));
                    }
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };

    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    html! {
        <div class="center-page login-page">
            <main class="card narrow login-card" id="main">
                <Brand big=true />
                <h1>{ brand::login_title().unwrap_or_else(|| "Sign in".to_owned()) }</h1>
                if let Some(text) = brand::login_text() {
                    <p class="login-text" id="login-text">{ text }</p>
                }
                <ProblemBanner error={(*error).clone()} fields={FIELDS} id="login-error" />
                <form {onsubmit} novalidate=true>
                    <TextField
                        id="login-username"
                        label="Email address"
                        kind="email"
                        required=true
                        autocomplete="username"
                        value={(*username).clone()}
                        oninput={{ let s = username.clone(); Callback::from(move |v| s.set(v)) }}
                        error={field_error("username")}
                    />
                    <TextField
                        id="login-password"
                        label="Password"
                        kind="password"
                        required=true
                        autocomplete="current-password"
                        value={(*password).clone()}
                        oninput={{ let s = password.clone(); Callback::from(move |v| s.set(v)) }}
                        error={field_error("password")}
                    />
                    <button type="submit" class="button primary wide" disabled={*busy}>
                        { if *busy { "Signing in…" } else { "Sign in" } }
                    </button>
                </form>
            </main>
            <crate::components::ad_slot::AdSlot target="login" />
            <Footer />
        </div>
    }
}
