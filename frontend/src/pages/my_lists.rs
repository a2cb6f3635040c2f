//! Settings → Account: the mailing lists this account's address belongs to, how each
//! one's mail comes (each post, digests, none), its archive, and leaving one. Joining is
//! by mail (`<list>-subscribe@`), on the list's page or by the list's owners.

use osprey_api_types::{ArchivePolicy, DeliveryMode, MyList, UpdateMyList};
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::route::Route;

const MODES: [(DeliveryMode, &str, &str); 4] = [
    (DeliveryMode::Each, "each", "Each post"),
    (DeliveryMode::Digest, "digest", "Digest"),
    (
        DeliveryMode::DigestPlain,
        "digest_plain",
        "Digest, plain text",
    ),
    (DeliveryMode::Nomail, "nomail", "No mail"),
];

#[function_component]
pub fn MyLists() -> Html {
    let api = use_api();
    let lists = use_state(|| None::<Vec<MyList>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, lists, error) = (api.clone(), lists.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api.my_lists().await {
                    Ok(l) => lists.set(Some(l)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let leave = |id: String| {
        let (api, lists, error) = (api.clone(), lists.clone(), error.clone());
        Callback::from(move |()| {
            let (api, lists, error, id) = (api.clone(), lists.clone(), error.clone(), id.clone());
            spawn_local(async move {
                match api.leave_list(&id).await {
                    Ok(()) => lists.set(Some(
                        (*lists)
                            .clone()
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|l| l.id != id)
                            .collect(),
                    )),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let set_mode = |id: String| {
        let (api, lists, error) = (api.clone(), lists.clone(), error.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Some((mode, _, _)) = MODES.iter().find(|(_, v, _)| *v == value) else {
                return;
            };
            let body = UpdateMyList {
                delivery_mode: *mode,
            };
            let (api, lists, error, id) = (api.clone(), lists.clone(), error.clone(), id.clone());
            spawn_local(async move {
                match api.update_my_list(&id, &body).await {
                    Ok(changed) => {
                        lists.set(Some(
                            (*lists)
                                .clone()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|l| {
                                    if l.id == changed.id {
                                        changed.clone()
                                    } else {
                                        l
                                    }
                                })
                                .collect(),
                        ));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <div class="card" aria-labelledby="my-lists-title" role="region">
            <h2 id="my-lists-title">{ "Mailing lists" }</h2>
            <ProblemBanner error={(*error).clone()} />
            { match &*lists {
                None => html! { <p class="muted">{ "Loading…" }</p> },
                Some(l) if l.is_empty() => html! { <p class="muted" id="my-lists-empty">{ "You belong to no mailing list here." }</p> },
                Some(l) => html! {
                    <ul class="rows" id="my-lists">
                        { for l.iter().map(|list| html! {
                            <li class="row" key={list.id.clone()}>
                                <div class="row-main">
                                    <span class="row-title">{ list.name.clone() }</span>
                                    <div class="row-meta">{ list.address.clone() }</div>
                                </div>
                                <div class="row-actions">
                                    <label class="visually-hidden" for={format!("mode-{}", list.id)}>{ format!("How {} comes", list.address) }</label>
                                    <select id={format!("mode-{}", list.id)} class="mode" onchange={set_mode(list.id.clone())}>
                                        { for MODES.iter().filter(|(mode, _, _)| list.digest || *mode == list.delivery_mode || !matches!(mode, DeliveryMode::Digest | DeliveryMode::DigestPlain)).map(|(mode, value, label)| html! {
                                            <option value={*value} selected={*mode == list.delivery_mode}>{ *label }</option>
                                        }) }
                                    </select>
                                    if list.archive != ArchivePolicy::Off {
                                        <Link<Route> to={Route::Archive { id: list.id.clone() }} classes="button">{ "Archive" }</Link<Route>>
                                    }
                                    <ConfirmButton label="Leave" subject={list.address.clone()} onconfirm={leave(list.id.clone())} />
                                </div>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </div>
    }
}
