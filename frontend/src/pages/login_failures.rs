//! "Recent failed sign-ins": the signed-in account's last failed logins on any protocol
//! (the server keeps the last 20, in memory), so a person sees someone trying.

use osprey_api_types::{LoginFailure, LoginProtocol};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::format;

fn protocol(p: LoginProtocol) -> &'static str {
    match p {
        LoginProtocol::Imap => "IMAP",
        LoginProtocol::Pop3 => "POP3",
        LoginProtocol::Smtp => "SMTP",
        LoginProtocol::ManageSieve => "ManageSieve",
        LoginProtocol::Web => "web",
    }
}

#[function_component]
pub fn LoginFailures() -> Html {
    let api = use_api();
    let failures = use_state(|| None::<Vec<LoginFailure>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (failures, error) = (failures.clone(), error.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                match api.list_my_login_failures().await {
                    Ok(page) => failures.set(Some(page.items)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    html! {
        <div class="card" aria-labelledby="failures-title" role="region">
            <h2 id="failures-title">{ "Recent failed sign-ins" }</h2>
            <p class="muted">{ "Wrong passwords given for your address, on any protocol. Someone else's attempts slow down only them; if you see many, choose a stronger password." }</p>
            <ProblemBanner error={(*error).clone()} />
            <ul class="rows" id="login-failure-list" aria-busy={failures.is_none().then_some("true")}>
                { for failures.iter().flatten().map(|f| html! {
                    <li class="row">
                        <div class="row-main">
                            <span class="row-title">{ format::date(&f.at) }</span>
                            <div class="row-meta">
                                { protocol(f.protocol) }
                                { f.ip.as_ref().map(|ip| format!(" · from {ip}")).unwrap_or_default() }
                            </div>
                        </div>
                    </li>
                }) }
            </ul>
            if failures.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty">{ "No failed sign-ins." }</p>
            }
        </div>
    }
}
