//! The posts of a moderated list that wait for a decision, in the list's form: approve
//! (the members get it), reject with a reason (the sender is told), or discard.

use osprey_api_types::{HeldPost, ModerationAction, ModerationDecision};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::format;

#[derive(Properties, PartialEq)]
pub struct HeldPostsProps {
    pub list_id: AttrValue,
}

#[function_component]
pub fn HeldPosts(props: &HeldPostsProps) -> Html {
    let api = use_api();
    let held = use_state(|| None::<Vec<HeldPost>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, held, error) = (api.clone(), held.clone(), error.clone());
        use_effect_with(props.list_id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                match api.list_held(&id).await {
                    Ok(list) => held.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let decide = {
        let (api, held, error) = (api.clone(), held.clone(), error.clone());
        let list = props.list_id.to_string();
        Callback::from(move |(post, action): (String, ModerationAction)| {
            let reason = (action == ModerationAction::Reject).then(|| {
                gloo::utils::window()
                    .prompt_with_message("The reason, for the sender:")
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            });
            let body = ModerationDecision { action, reason };
            let (api, held, error, list) = (api.clone(), held.clone(), error.clone(), list.clone());
            spawn_local(async move {
                match api.moderate(&list, &post, &body).await {
                    Ok(()) => {
                        let rest = (*held).clone().unwrap_or_default();
                        held.set(Some(rest.into_iter().filter(|h| h.id != post).collect()));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <fieldset class="list-members" aria-labelledby="held-title">
            <legend id="held-title">{ "Posts waiting for a moderator" }</legend>
            <ProblemBanner error={(*error).clone()} />
            <ul class="rows" id="held-list" aria-busy={held.is_none().then_some("true")}>
                { for held.iter().flatten().map(|h| {
                    let on = |action: ModerationAction| {
                        let (decide, id) = (decide.clone(), h.id.clone());
                        Callback::from(move |_: MouseEvent| decide.emit((id.clone(), action)))
                    };
                    html! {
                        <li class="row" key={h.id.clone()}>
                            <div class="row-main">
                                <span class="row-title">{ if h.subject.is_empty() { "(no subject)".to_owned() } else { h.subject.clone() } }</span>
                                <div class="row-meta">{ format!("{} · {} · {}", h.sender, format::bytes(h.size), format::date(&h.received_at)) }</div>
                            </div>
                            <div class="row-actions">
                                <button type="button" class="button" onclick={on(ModerationAction::Approve)}>{ "Approve" }</button>
                                <button type="button" class="button" title="Approve, and take this sender's posts without moderation from now on" onclick={on(ModerationAction::ApproveAndAccept)}>{ "Approve and always accept" }</button>
                                <button type="button" class="button" onclick={on(ModerationAction::Reject)}>{ "Reject" }</button>
                                <button type="button" class="button danger-outline" onclick={on(ModerationAction::Discard)}>{ "Discard" }</button>
                            </div>
                        </li>
                    }
                }) }
            </ul>
            if held.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty">{ "No posts wait." }</p>
            }
        </fieldset>
    }
}
