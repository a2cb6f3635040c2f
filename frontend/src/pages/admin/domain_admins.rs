//! The "Administrators" part of a domain's form (server administrators): the accounts
//! that manage the domain, one more made an administrator by its address, and the
//! domain withdrawn from one (a confirmation first). The server holds the rules.

use osprey_api_types::{Account, AddDomainAdmin};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::TextField;

#[derive(Properties, PartialEq)]
pub struct DomainAdminsProps {
    pub domain_id: AttrValue,
}

#[function_component]
pub fn DomainAdmins(props: &DomainAdminsProps) -> Html {
    let api = use_api();
    let admins = use_state(|| None::<Vec<Account>>);
    let error = use_state(|| None::<ApiError>);
    let address = use_state(String::new);
    let busy = use_state(|| false);
    // Counts changes, so that the list is read again after each.
    let version = use_state(|| 0u32);

    {
        let (api, admins, error) = (api.clone(), admins.clone(), error.clone());
        use_effect_with((props.domain_id.clone(), *version), move |(id, _)| {
            let id = id.to_string();
            spawn_local(async move {
                match api.list_domain_admins(&id).await {
                    Ok(list) => admins.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }

    let add = {
        let (api, error, address, busy, version) = (
            api.clone(),
            error.clone(),
            address.clone(),
            busy.clone(),
            version.clone(),
        );
        let id = props.domain_id.to_string();
        Callback::from(move |_: ()| {
            if address.trim().is_empty() {
                return;
            }
            busy.set(true);
            let body = AddDomainAdmin {
                address: address.trim().to_owned(),
            };
            let (api, error, address, busy, version, id) = (
                api.clone(),
                error.clone(),
                address.clone(),
                busy.clone(),
                version.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match api.add_domain_admin(&id, &body).await {
                    Ok(_) => {
                        address.set(String::new());
                        error.set(None);
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let onclick = add.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        // Enter adds here instead of submitting the domain's form.
        if e.key() == "Enter" {
            e.prevent_default();
            add.emit(());
        }
    });
    let field_error = error.as_ref().and_then(|e| e.field("address"));
    let other_error = (*error).clone().filter(|e| e.field("address").is_none());
    let withdraw = |a: &Account| {
        let (api, error, version) = (api.clone(), error.clone(), version.clone());
        let (domain, account) = (props.domain_id.to_string(), a.id.clone());
        Callback::from(move |()| {
            let (api, error, version, domain, account) = (
                api.clone(),
                error.clone(),
                version.clone(),
                domain.clone(),
                account.clone(),
            );
            spawn_local(async move {
                match api.remove_domain_admin(&domain, &account).await {
                    Ok(()) => version.set(*version + 1),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    html! {
        <fieldset class="send-as domain-admins" aria-labelledby="domain-admins-title">
            <legend id="domain-admins-title">{ "Administrators" }</legend>
            <p class="muted">{ "Accounts that manage this domain's accounts, aliases and lists. Server administrators manage every domain." }</p>
            <ProblemBanner error={other_error} />
            <ul class="rows" id="domain-admin-list" aria-busy={admins.is_none().then_some("true")}>
                { for admins.iter().flatten().map(|a| html! {
                    <li class="row" key={a.id.clone()}>
                        <div class="row-main">
                            <span class="row-title">{ a.address.clone() }</span>
                            if !a.display_name.is_empty() {
                                <div class="row-meta">{ a.display_name.clone() }</div>
                            }
                        </div>
                        <div class="row-actions">
                            <ConfirmButton label="Withdraw" subject={a.address.clone()} onconfirm={withdraw(a)} />
                        </div>
                    </li>
                }) }
            </ul>
            if admins.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty">{ "Only server administrators." }</p>
            }
            <div class="inline-add" {onkeydown}>
                <TextField id="domain-admin-address" label="Make an administrator" placeholder="name@example.com"
                    value={(*address).clone()} error={field_error}
                    oninput={let a = address.clone(); Callback::from(move |v| a.set(v))} />
                <button type="button" class="button" id="domain-admin-add" {onclick} disabled={*busy}>{ "Add" }</button>
            </div>
        </fieldset>
    }
}
