//! Settings → Account: the mailing lists this account's address belongs to, and leaving
//! one. Joining is by mail (`<list>-subscribe@`) or by the list's owners.

use osprey_api_types::{DeliveryMode, MyList};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;

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
                                    if list.delivery_mode == DeliveryMode::Nomail {
                                        <span class="tag">{ "no mail" }</span>
                                    }
                                    <div class="row-meta">{ list.address.clone() }</div>
                                </div>
                                <div class="row-actions">
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
