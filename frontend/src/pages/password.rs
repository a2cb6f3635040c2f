//! The form that changes the signed-in account's password: on the settings page, and in
//! the shell when an administrator asks for a new password at the next sign-in (so it is
//! in the app people read mail with, not only in the full one).

use osprey_api_types::{ChangePassword, LoginRequest};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::TextField;
use crate::state::{Action, Tokens, use_session};

#[derive(Properties, PartialEq)]
pub struct PasswordFormProps {
    /// Called once the new password is set and this session signed in with it.
    #[prop_or_default]
    pub onchanged: Callback<()>,
}

/// The form that changes the signed-in account's password.
#[function_component]
pub fn PasswordForm(props: &PasswordFormProps) -> Html {
    let api = use_api();
    let session = use_session();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);
    let busy = use_state(|| false);

    let onsubmit = {
        let (current, new, error, done, busy) = (
            current.clone(),
            new.clone(),
            error.clone(),
            done.clone(),
            busy.clone(),
        );
        let onchanged = props.onchanged.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            done.set(false);
            let body = ChangePassword {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
            };
            let (api, session, current, new, error, done, busy, onchanged) = (
                api.clone(),
                session.clone(),
                current.clone(),
                new.clone(),
                error.clone(),
                done.clone(),
                busy.clone(),
                onchanged.clone(),
            );
            spawn_local(async move {
                match api.change_password(&body).await {
                    Ok(()) => {
                        // The change signs out every session, this one too: sign in
                        // again with the new password.
                        let again = session.account.as_ref().map(|a| LoginRequest {
                            username: a.address.clone(),
                            password: body.new_password.clone(),
                        });
                        if let Some(request) = again
                            && let Ok(tokens) = crate::api::login(&request).await
                        {
                            session.dispatch(Action::TokensRefreshed(Tokens::from(tokens)));
                        }
                        error.set(None);
                        done.set(true);
                        current.set(String::new());
                        new.set(String::new());
                        onchanged.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));

    html! {
        <div class="card" aria-labelledby="password-title" role="region">
            <h2 id="password-title">{ "Password" }</h2>
            <ProblemBanner error={(*error).clone()} fields={&["current_password", "new_password"][..]} />
            if *done {
                <Banner tone={Tone::Success}>{ "Password changed." }</Banner>
            }
            <form {onsubmit}>
                <TextField
                    id="current-password"
                    label="Current password"
                    kind="password"
                    required=true
                    autocomplete="current-password"
                    value={(*current).clone()}
                    oninput={{ let s = current.clone(); Callback::from(move |v| s.set(v)) }}
                    error={field_error("current_password")}
                />
                <TextField
                    id="new-password"
                    label="New password"
                    kind="password"
                    required=true
                    autocomplete="new-password"
                    hint="Use a long passphrase you do not use anywhere else."
                    value={(*new).clone()}
                    oninput={{ let s = new.clone(); Callback::from(move |v| s.set(v)) }}
                    error={field_error("new_password")}
                />
                <div class="actions">
                    <button type="submit" class="button primary" disabled={*busy}>{ "Change password" }</button>
                </div>
            </form>
        </div>
    }
}
