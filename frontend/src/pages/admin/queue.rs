//! The outbound queue (server administrators): messages waiting to leave the server or
//! done with, filtered by state, recipient domain and sender; each recipient's state,
//! attempts, next try and last error; retry now, bounce now (confirmed) and delete.

use osprey_api_types::{DeliveryState, QueuedMessage};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Select, TextField};
use crate::format;

fn state_word(s: DeliveryState) -> &'static str {
    match s {
        DeliveryState::Pending => "Waiting",
        DeliveryState::Delivered => "Delivered",
        DeliveryState::Failed => "Failed",
    }
}

#[function_component]
pub fn QueuePage() -> Html {
    let api = use_api();
    let (state, domain, sender) = (
        use_state(|| "pending".to_owned()),
        use_state(String::new),
        use_state(String::new),
    );
    // What the list shows: the filter as last submitted, and a counter to reload it.
    let shown = use_state(|| ("pending".to_owned(), String::new(), String::new(), 0u32));
    let messages = use_state(|| None::<Vec<QueuedMessage>>);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<String>);
    // The message whose "Bounce now" waits for a confirmation.
    let confirm = use_state(|| None::<String>);
    {
        let (api, messages, error) = (api.clone(), messages.clone(), error.clone());
        use_effect_with((*shown).clone(), move |(s, d, f, _)| {
            let (s, d, f) = (s.clone(), d.clone(), f.clone());
            messages.set(None);
            spawn_local(async move {
                let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
                let (s, d, f) = (opt(&s), opt(&d), opt(&f));
                match api
                    .list_queue(s.as_deref(), d.as_deref(), f.as_deref(), Some(200))
                    .await
                {
                    Ok(list) => {
                        error.set(None);
                        messages.set(Some(list));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (state, domain, sender, shown) =
            (state.clone(), domain.clone(), sender.clone(), shown.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            shown.set((
                (*state).clone(),
                (*domain).clone(),
                (*sender).clone(),
                shown.3 + 1,
            ));
        })
    };
    let reload = {
        let shown = shown.clone();
        Callback::from(move |()| {
            let mut s = (*shown).clone();
            s.3 += 1;
            shown.set(s);
        })
    };
    let set = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v| h.set(v))
    };
    let options: Vec<(AttrValue, AttrValue)> = [
        ("pending", "Waiting"),
        ("failed", "Failed"),
        ("delivered", "Delivered"),
        ("", "All"),
    ]
    .iter()
    .map(|(v, l)| (AttrValue::from(*v), AttrValue::from(*l)))
    .collect();
    html! {
        <AdminLayout title="Queue" server_admin_only=true
            intro="Mail leaving this server: each recipient is tried until its server accepts it, or it fails and the sender gets a bounce.">
            <form class="form-grid card" {onsubmit} aria-label="Filter the queue">
                <Select id="queue-state" label="State" value={(*state).clone()} {options} onchange={set(&state)} />
                <TextField id="queue-domain" label="Recipient domain" value={(*domain).clone()} placeholder="elsewhere.example" oninput={set(&domain)} />
                <TextField id="queue-sender" label="Sender" value={(*sender).clone()} oninput={set(&sender)} />
                <div class="actions"><button type="submit" class="button primary" id="queue-filter">{ "Show" }</button></div>
            </form>
            <ProblemBanner error={(*error).clone()} />
            if let Some(n) = &*note { <Banner tone={Tone::Success}>{ n.clone() }</Banner> }
            <ul class="rows" id="queue-list" aria-busy={messages.is_none().then_some("true")}>
                { for messages.iter().flatten().map(|m| {
                    let retry = {
                        let (api, id, error, note, reload) = (api.clone(), m.id.clone(), error.clone(), note.clone(), reload.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, id, error, note, reload) = (api.clone(), id.clone(), error.clone(), note.clone(), reload.clone());
                            spawn_local(async move {
                                match api.retry_queued(&id).await {
                                    Ok(r) => {
                                        note.set(Some(format!("{} recipient(s) will be tried again now.", r.recipients)));
                                        reload.emit(());
                                    }
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let bounce = {
                        let (api, id, error, note, reload, confirm) = (api.clone(), m.id.clone(), error.clone(), note.clone(), reload.clone(), confirm.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, id, error, note, reload, confirm) = (api.clone(), id.clone(), error.clone(), note.clone(), reload.clone(), confirm.clone());
                            spawn_local(async move {
                                confirm.set(None);
                                match api.bounce_queued(&id).await {
                                    Ok(r) => {
                                        note.set(Some(format!("{} recipient(s) are being returned to the sender, undelivered.", r.recipients)));
                                        reload.emit(());
                                    }
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let ask = {
                        let (confirm, id) = (confirm.clone(), m.id.clone());
                        Callback::from(move |_: MouseEvent| confirm.set(Some(id.clone())))
                    };
                    let cancel = {
                        let confirm = confirm.clone();
                        Callback::from(move |_: MouseEvent| confirm.set(None))
                    };
                    let remove = {
                        let (api, id, error, note, reload) = (api.clone(), m.id.clone(), error.clone(), note.clone(), reload.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, id, error, note, reload) = (api.clone(), id.clone(), error.clone(), note.clone(), reload.clone());
                            spawn_local(async move {
                                match api.delete_queued(&id).await {
                                    Ok(()) => {
                                        note.set(Some("Deleted: it will not be tried again.".into()));
                                        reload.emit(());
                                    }
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let open = m.recipients.iter().any(|r| r.state != DeliveryState::Delivered);
                    html! {
                        <li class="row queue-message" key={m.id.clone()}>
                            <div class="row-main">
                                <span class="row-title">{ if m.subject.is_empty() { "(no subject)".to_owned() } else { m.subject.clone() } }</span>
                                if m.bounce { <span class="tag warn">{ "Bounce" }</span> }
                                <span class="row-meta">{ format!("from {} · {} bytes · queued {}", if m.sender.is_empty() { "<>" } else { m.sender.as_str() }, m.size, format::date(&m.created_at)) }</span>
                                <ul class="queue-recipients">
                                    { for m.recipients.iter().map(|r| html! {
                                        <li>
                                            <strong>{ r.address.clone() }</strong>
                                            <span class={classes!("tag", (r.state == DeliveryState::Failed).then_some("warn"))}>{ state_word(r.state) }</span>
                                            <span class="muted">{ format!("{} attempt(s){}", r.attempts,
                                                if r.state == DeliveryState::Pending { format!(" · next {}", format::date(&r.next_attempt_at)) } else { String::new() }) }</span>
                                            if let Some(e) = &r.last_error { <span class="queue-error">{ e.clone() }</span> }
                                        </li>
                                    }) }
                                </ul>
                            </div>
                            if open {
                                <button type="button" class="button subtle" aria-label={format!("Retry now: {}", m.subject)} onclick={retry}>{ "Retry now" }</button>
                                if confirm.as_deref() == Some(m.id.as_str()) {
                                    <span class="confirm" role="group" aria-label={format!("Bounce now: {}", m.subject)}>
                                        <span class="confirm-question">{ "Return it to the sender undelivered?" }</span>
                                        <button type="button" class="button danger" onclick={bounce}>{ "Yes, bounce" }</button>
                                        <button type="button" class="button subtle" onclick={cancel}>{ "Cancel" }</button>
                                    </span>
                                } else {
                                    <button type="button" class="button subtle" aria-label={format!("Bounce now: {}", m.subject)} onclick={ask}>{ "Bounce now" }</button>
                                }
                            }
                            <button type="button" class="button subtle" aria-label={format!("Delete: {}", m.subject)} onclick={remove}>{ "Delete" }</button>
                        </li>
                    }
                }) }
            </ul>
            if messages.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty" id="queue-empty">{ "Nothing in the queue matches." }</p>
            }
        </AdminLayout>
    }
}
