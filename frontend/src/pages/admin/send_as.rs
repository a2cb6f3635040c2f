//! The "Send as" part of an account's form: the addresses (or whole domains) an
//! administrator lets the account send as, besides its own address and the aliases that
//! deliver to it. The server decides who may grant what.

use osprey_api_types::{CreateSendAsGrant, SendAsGrant};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::TextField;

#[derive(Properties, PartialEq)]
pub struct SendAsProps {
    pub account_id: AttrValue,
}

#[function_component]
pub fn SendAsGrants(props: &SendAsProps) -> Html {
    let api = use_api();
    let grants = use_state(|| None::<Vec<SendAsGrant>>);
    let error = use_state(|| None::<ApiError>);
    let address = use_state(String::new);
    let busy = use_state(|| false);

    {
        let (api, grants, error) = (api.clone(), grants.clone(), error.clone());
        use_effect_with(props.account_id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                match api.list_send_as(&id).await {
                    Ok(list) => grants.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }

    let grant = {
        let (api, grants, error, address, busy) = (
            api.clone(),
            grants.clone(),
            error.clone(),
            address.clone(),
            busy.clone(),
        );
        let id = props.account_id.to_string();
        Callback::from(move |_: ()| {
            if address.trim().is_empty() {
                return;
            }
            busy.set(true);
            let body = CreateSendAsGrant {
                address: address.trim().to_owned(),
            };
            let (api, grants, error, address, busy, id) = (
                api.clone(),
                grants.clone(),
                error.clone(),
                address.clone(),
                busy.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match api.grant_send_as(&id, &body).await {
                    Ok(g) => {
                        let mut list = (*grants).clone().unwrap_or_default();
                        list.push(g);
                        list.sort_by(|a, b| a.address.cmp(&b.address));
                        grants.set(Some(list));
                        address.set(String::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let onclick = grant.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        // Enter grants here instead of submitting the account's form.
        if e.key() == "Enter" {
            e.prevent_default();
            grant.emit(());
        }
    });
    let field_error = error.as_ref().and_then(|e| e.field("address"));
    let other_error = (*error).clone().filter(|e| e.field("address").is_none());

    html! {
        <fieldset class="send-as" aria-labelledby="send-as-title">
            <legend id="send-as-title">{ "Send as" }</legend>
            <p class="muted">{ "Besides its own address and the aliases that deliver to it, the account may send as these addresses. “@example.com” allows every address of that domain." }</p>
            <ProblemBanner error={other_error} />
            <ul class="rows" id="send-as-list" aria-busy={grants.is_none().then_some("true")}>
                { for grants.iter().flatten().map(|g| html! {
                    <SendAsRow key={g.id.clone()} account_id={props.account_id.clone()} grant={g.clone()}
                        onrevoked={{
                            let grants = grants.clone();
                            Callback::from(move |id: String| {
                                let list = (*grants).clone().unwrap_or_default();
                                grants.set(Some(list.into_iter().filter(|g| g.id != id).collect()));
                            })
                        }} />
                }) }
            </ul>
            if grants.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty">{ "No other addresses." }</p>
            }
            <div class="inline-add" {onkeydown}>
                <TextField id="send-as-address" label="Address to allow" placeholder="sales@example.com"
                    value={(*address).clone()} error={field_error}
                    oninput={let a = address.clone(); Callback::from(move |v| a.set(v))} />
                <button type="button" class="button" id="send-as-grant" {onclick} disabled={*busy}>{ "Allow" }</button>
            </div>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct SendAsRowProps {
    account_id: AttrValue,
    grant: SendAsGrant,
    onrevoked: Callback<String>,
}

#[function_component]
fn SendAsRow(props: &SendAsRowProps) -> Html {
    let api = use_api();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onconfirm = {
        let (account, id) = (props.account_id.to_string(), props.grant.id.clone());
        let (error, busy, onrevoked) = (error.clone(), busy.clone(), props.onrevoked.clone());
        Callback::from(move |()| {
            busy.set(true);
            let (api, account, id, error, busy, onrevoked) = (
                api.clone(),
                account.clone(),
                id.clone(),
                error.clone(),
                busy.clone(),
                onrevoked.clone(),
            );
            spawn_local(async move {
                match api.revoke_send_as(&account, &id).await {
                    Ok(()) => onrevoked.emit(id),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <li class="row">
            <div class="row-main">
                <span class="row-title">{ props.grant.address.clone() }</span>
                <ProblemBanner error={(*error).clone()} />
            </div>
            <div class="row-actions">
                <ConfirmButton label="Withdraw" subject={props.grant.address.clone()} {onconfirm} busy={*busy} />
            </div>
        </li>
    }
}
