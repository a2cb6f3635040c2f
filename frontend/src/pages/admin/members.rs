//! The members part of a list's form: search, add (each post or no mail), remove. People
//! also join and leave by mail; the server holds every rule.

use osprey_api_types::{AddListMember, DeliveryMode, ListMember, UpdateListMember};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::member_import::MemberImport;
use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::field::{Checkbox, TextField};

/// The most members shown at once; a search narrows them.
const SHOWN: u32 = 100;

#[derive(Properties, PartialEq)]
pub struct ListMembersProps {
    pub list_id: AttrValue,
}

#[function_component]
pub fn ListMembers(props: &ListMembersProps) -> Html {
    let api = use_api();
    let members = use_state(|| None::<Vec<ListMember>>);
    let more = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let search = use_state(String::new);
    let address = use_state(String::new);
    let nomail = use_state(|| false);
    let busy = use_state(|| false);
    // Bumped after an import or an addition, to read the roster again.
    let reload = use_state(|| 0u32);
    // The latest read asked for: an answer to an earlier one (sent before an addition
    // committed, say) is dropped instead of putting back a roster already outdated.
    let latest = use_mut_ref(|| 0u32);

    {
        let (api, members, more, error, latest) = (
            api.clone(),
            members.clone(),
            more.clone(),
            error.clone(),
            latest.clone(),
        );
        use_effect_with(
            (props.list_id.clone(), (*search).clone(), *reload),
            move |(id, q, _)| {
                let (id, q) = (id.to_string(), q.trim().to_owned());
                let mine = {
                    let mut latest = latest.borrow_mut();
                    *latest += 1;
                    *latest
                };
                spawn_local(async move {
                    let q = (!q.is_empty()).then_some(q);
                    let read = api.list_members(&id, Some(SHOWN), None, q.as_deref()).await;
                    if *latest.borrow() != mine {
                        return;
                    }
                    match read {
                        Ok(page) => {
                            more.set(page.next_cursor.is_some());
                            members.set(Some(page.items));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            },
        );
    }

    let add = {
        let (api, reload, error, address, nomail, busy) = (
            api.clone(),
            reload.clone(),
            error.clone(),
            address.clone(),
            nomail.clone(),
            busy.clone(),
        );
        let id = props.list_id.to_string();
        Callback::from(move |_: ()| {
            if address.trim().is_empty() {
                return;
            }
            busy.set(true);
            let body = AddListMember {
                address: address.trim().to_owned(),
                display_name: None,
                delivery_mode: if *nomail {
                    DeliveryMode::Nomail
                } else {
                    DeliveryMode::Each
                },
            };
            let (api, reload, error, address, nomail, busy, id) = (
                api.clone(),
                reload.clone(),
                error.clone(),
                address.clone(),
                nomail.clone(),
                busy.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match api.add_member(&id, &body).await {
                    Ok(_) => {
                        // Read the roster again (in its order, within the search); a
                        // read still on its way from before is dropped.
                        reload.set(*reload + 1);
                        address.set(String::new());
                        nomail.set(false);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let onclick = add.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        // Enter adds here instead of submitting the list's form.
        if e.key() == "Enter" {
            e.prevent_default();
            add.emit(());
        }
    });
    let field_error = error.as_ref().and_then(|e| e.field("address"));
    let other_error = (*error).clone().filter(|e| e.field("address").is_none());
    let searching = !search.trim().is_empty();

    html! {
        <fieldset class="list-members" aria-labelledby="members-title">
            <legend id="members-title">{ "Members" }</legend>
            <ProblemBanner error={other_error} />
            <TextField id="members-search" label="Search members" kind="search" autocomplete="off"
                value={(*search).clone()} oninput={let s = search.clone(); Callback::from(move |v| s.set(v))} />
            <ul class="rows" id="members-list" aria-busy={members.is_none().then_some("true")}>
                { for members.iter().flatten().map(|m| html! {
                    <MemberRow key={m.address.clone()} list_id={props.list_id.clone()} member={m.clone()}
                        onremoved={{
                            let members = members.clone();
                            Callback::from(move |address: String| {
                                let list = (*members).clone().unwrap_or_default();
                                members.set(Some(list.into_iter().filter(|m| m.address != address).collect()));
                            })
                        }}
                        onchanged={{
                            let members = members.clone();
                            Callback::from(move |changed: ListMember| {
                                let list = (*members).clone().unwrap_or_default();
                                members.set(Some(list.into_iter().map(|m| if m.address == changed.address { changed.clone() } else { m }).collect()));
                            })
                        }} />
                }) }
            </ul>
            if members.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty">{ if searching { "No member matches." } else { "No members yet." } }</p>
            }
            if *more {
                <p class="muted">{ format!("The first {SHOWN} are shown; search to find others.") }</p>
            }
            <div class="inline-add" {onkeydown}>
                <TextField id="member-address" label="Add a member" kind="email" placeholder="name@example.com"
                    value={(*address).clone()} error={field_error}
                    oninput={let a = address.clone(); Callback::from(move |v| a.set(v))} />
                <Checkbox id="member-nomail" label="No mail" checked={*nomail}
                    onchange={let n = nomail.clone(); Callback::from(move |on| n.set(on))} />
                <button type="button" class="button" id="member-add" {onclick} disabled={*busy}>{ "Add" }</button>
            </div>
            <MemberImport list_id={props.list_id.clone()}
                onimported={let r = reload.clone(); Callback::from(move |_| r.set(*r + 1))} />
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct MemberRowProps {
    list_id: AttrValue,
    member: ListMember,
    onremoved: Callback<String>,
    onchanged: Callback<ListMember>,
}

#[function_component]
fn MemberRow(props: &MemberRowProps) -> Html {
    let api = use_api();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onconfirm = {
        let (list, address) = (props.list_id.to_string(), props.member.address.clone());
        let (error, busy, onremoved) = (error.clone(), busy.clone(), props.onremoved.clone());
        Callback::from(move |()| {
            busy.set(true);
            let (api, list, address, error, busy, onremoved) = (
                api.clone(),
                list.clone(),
                address.clone(),
                error.clone(),
                busy.clone(),
                onremoved.clone(),
            );
            spawn_local(async move {
                match api.remove_member(&list, &address).await {
                    Ok(()) => onremoved.emit(address),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let change = {
        let (list, address) = (props.list_id.to_string(), props.member.address.clone());
        let (api, error, busy, onchanged) = (
            use_api(),
            error.clone(),
            busy.clone(),
            props.onchanged.clone(),
        );
        Callback::from(move |body: UpdateListMember| {
            busy.set(true);
            let (api, list, address, error, busy, onchanged) = (
                api.clone(),
                list.clone(),
                address.clone(),
                error.clone(),
                busy.clone(),
                onchanged.clone(),
            );
            spawn_local(async move {
                match api.update_member(&list, &address, &body).await {
                    Ok(m) => {
                        error.set(None);
                        onchanged.emit(m);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let m = &props.member;
    let toggle_mail = {
        let next = match m.delivery_mode {
            DeliveryMode::Each => DeliveryMode::Nomail,
            _ => DeliveryMode::Each,
        };
        change.reform(move |_: MouseEvent| UpdateListMember {
            delivery_mode: Some(next),
            resume: false,
        })
    };
    let resume = change.reform(|_: MouseEvent| UpdateListMember {
        delivery_mode: None,
        resume: true,
    });
    html! {
        <li class="row">
            <div class="row-main">
                <span class="row-title">{ m.address.clone() }</span>
                { match m.delivery_mode {
                    DeliveryMode::Each => Html::default(),
                    DeliveryMode::Nomail => html! { <span class="tag">{ "no mail" }</span> },
                    DeliveryMode::Digest => html! { <span class="tag">{ "digest" }</span> },
                    DeliveryMode::DigestPlain => html! { <span class="tag">{ "plain digest" }</span> },
                } }
                if m.status == "disabled" {
                    <span class="tag warn" title="Its mail bounced; it gets no posts until it answers the notice it was sent.">{ "paused: bounces" }</span>
                } else if m.status != "active" {
                    <span class="tag">{ m.status.clone() }</span>
                }
                if m.bounce_score > 0 {
                    <span class="row-meta">{ match m.bounce_score { 1 => "1 bounce".to_owned(), n => format!("{n} bounces") } }</span>
                }
                <ProblemBanner error={(*error).clone()} />
            </div>
            <div class="row-actions">
                if m.status == "disabled" {
                    <button type="button" class="button" onclick={resume} disabled={*busy}>{ "Resume" }</button>
                }
                <button type="button" class="button subtle" onclick={toggle_mail} disabled={*busy}
                    aria-label={format!("{} for {}", if m.delivery_mode == DeliveryMode::Each { "No mail" } else { "Each post" }, m.address)}>
                    { if m.delivery_mode == DeliveryMode::Each { "No mail" } else { "Each post" } }
                </button>
                <ConfirmButton label="Remove" subject={m.address.clone()} {onconfirm} busy={*busy} />
            </div>
        </li>
    }
}
