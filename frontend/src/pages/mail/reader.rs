//! One open message: who, when, the text, the attachments, and the actions on it.

use osprey_api_types::{
    ContactFields, DeliveryState, DraftMessage, LabeledValue, Mailbox, MessageDetail, MessageIds,
    MessagesTo, NamedAddress, QueueRecipient,
};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::format;
use crate::route::Route;

/// `Name <address>`, or whichever there is.
fn show(a: &NamedAddress) -> String {
    match (&a.name, &a.address) {
        (Some(n), Some(ad)) if !n.is_empty() => format!("{n} <{ad}>"),
        (_, Some(ad)) => ad.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => String::new(),
    }
}

fn list(addresses: &[NamedAddress]) -> String {
    addresses.iter().map(show).collect::<Vec<_>>().join(", ")
}

/// What "Filter messages like this" carries to the rule editor.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, Default)]
pub struct RuleFromMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct ReaderProps {
    pub message: MessageDetail,
    /// The folders it can be moved to.
    pub folders: Vec<Mailbox>,
    pub onclose: Callback<()>,
    /// Told the message's id when it left its folder (moved or deleted).
    pub onremoved: Callback<String>,
    /// A reply or forward to write.
    pub oncompose: Callback<DraftMessage>,
}

/// The document of the reader's frame: the sanitised HTML with a policy of its own (no
/// script, no fetch, images and inline styles only) and the reader's typography.
fn frame_document(html: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'\">\
         <style>body{{font:15px/1.5 system-ui,sans-serif;color:#1b1f24;margin:0;padding:12px;overflow-wrap:anywhere}}img{{max-width:100%;height:auto}}table{{max-width:100%}}</style>\
         </head><body>{html}</body></html>"
    )
}

#[function_component]
pub fn Reader(props: &ReaderProps) -> Html {
    let navigator = use_navigator();
    let api = use_api();
    let error = use_state(|| None::<ApiError>);
    let m = &props.message;
    let delete = {
        let (api, error, id, onremoved) = (
            api.clone(),
            error.clone(),
            m.id.clone(),
            props.onremoved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, error, id, onremoved) =
                (api.clone(), error.clone(), id.clone(), onremoved.clone());
            spawn_local(async move {
                let body = MessageIds {
                    ids: vec![id.clone()],
                };
                match api.delete_messages(&body).await {
                    Ok(_) => onremoved.emit(id),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let move_to = {
        let (api, error, id, onremoved) = (
            api.clone(),
            error.clone(),
            m.id.clone(),
            props.onremoved.clone(),
        );
        Callback::from(move |e: Event| {
            let to = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if to.is_empty() {
                return;
            }
            let (api, error, id, onremoved) =
                (api.clone(), error.clone(), id.clone(), onremoved.clone());
            spawn_local(async move {
                let body = MessagesTo {
                    ids: vec![id.clone()],
                    mailbox_id: to,
                };
                match api.move_messages(&body).await {
                    Ok(_) => onremoved.emit(id),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    // The HTML body as the server made it safe; with remote images once asked for.
    let shown_html = use_state(|| None::<String>);
    {
        let shown_html = shown_html.clone();
        use_effect_with(m.id.clone(), move |_| shown_html.set(None));
    }
    let show_images = {
        let (api, error, shown_html, id) =
            (api.clone(), error.clone(), shown_html.clone(), m.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, shown_html, id) =
                (api.clone(), error.clone(), shown_html.clone(), id.clone());
            spawn_local(async move {
                match api.get_message(&id, None, Some(true), Some(true)).await {
                    Ok(full) => shown_html.set(full.html),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let html = (*shown_html).clone().or_else(|| m.html.clone());
    // "Add to contacts": the sender, by name and address.
    let added = use_state(|| false);
    let sender = m.from.first().cloned().filter(|a| a.address.is_some());
    let add_contact = {
        let (api, error, added, sender) =
            (api.clone(), error.clone(), added.clone(), sender.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(a) = sender.clone() else { return };
            let (api, error, added) = (api.clone(), error.clone(), added.clone());
            spawn_local(async move {
                let body = ContactFields {
                    full_name: a.name.clone().unwrap_or_default(),
                    emails: vec![LabeledValue {
                        label: String::new(),
                        value: a.address.clone().unwrap_or_default(),
                    }],
                    ..ContactFields::default()
                };
                match api.create_contact(&body).await {
                    Ok(_) => added.set(true),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    // "Junk" in any folder but Junk, "Not junk" in Junk: the message moves.
    let in_junk = props
        .folders
        .iter()
        .any(|f| f.id == m.mailbox_id && f.special_use.as_deref() == Some("\\Junk"));
    let junk = {
        let (api, error, id, onremoved) = (
            api.clone(),
            error.clone(),
            m.id.clone(),
            props.onremoved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, error, id, onremoved) =
                (api.clone(), error.clone(), id.clone(), onremoved.clone());
            spawn_local(async move {
                let body = MessageIds {
                    ids: vec![id.clone()],
                };
                let done = if in_junk {
                    api.report_not_junk(&body).await
                } else {
                    api.report_junk(&body).await
                };
                match done {
                    Ok(_) => onremoved.emit(id),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let filter = {
        let query = RuleFromMessage {
            from: m.from.first().and_then(|a| a.address.clone()),
            subject: m.subject.clone(),
            list_id: m.list_id.clone(),
        };
        Callback::from(move |_: MouseEvent| {
            if let Some(nav) = &navigator {
                let _ = nav.push_with_query(&Route::SettingsRules, &query);
            }
        })
    };
    // In Sent: where each recipient on another server stands (the outbound queue).
    let in_sent = props
        .folders
        .iter()
        .any(|f| f.id == m.mailbox_id && f.special_use.as_deref() == Some("\\Sent"));
    let delivery = use_state(Vec::<QueueRecipient>::new);
    {
        let (api, delivery) = (api.clone(), delivery.clone());
        let wanted = m.message_id.clone().filter(|_| in_sent);
        use_effect_with(wanted, move |wanted| {
            delivery.set(Vec::new());
            if let Some(id) = wanted.clone() {
                spawn_local(async move {
                    if let Ok(list) = api.list_outbound(Some(&id)).await {
                        delivery.set(list.into_iter().flat_map(|q| q.recipients).collect());
                    }
                });
            }
        });
    }
    // Reply, reply to all, forward: the server fills the composer in.
    let start = |mode: &'static str| {
        let (api, error, id, oncompose) = (
            api.clone(),
            error.clone(),
            m.id.clone(),
            props.oncompose.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, error, id, oncompose) =
                (api.clone(), error.clone(), id.clone(), oncompose.clone());
            spawn_local(async move {
                match api.start_reply(&id, mode).await {
                    Ok(d) => oncompose.emit(d),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let subject = m
        .subject
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(no subject)".to_owned());
    html! {
        <article class="reader" aria-labelledby="reader-subject">
            <div class="reader-actions">
                <button type="button" class="button subtle back" onclick={props.onclose.reform(|_: MouseEvent| ())}>{ "← Back" }</button>
                <button type="button" class="button" id="reader-reply" onclick={start("reply")}>{ "Reply" }</button>
                <button type="button" class="button" id="reader-reply-all" onclick={start("reply_all")}>{ "Reply all" }</button>
                <button type="button" class="button" id="reader-forward" onclick={start("forward")}>{ "Forward" }</button>
                <label for="reader-move" class="visually-hidden">{ "Move to folder" }</label>
                <select id="reader-move" class="move-select" onchange={move_to}>
                    <option value="" selected=true>{ "Move to…" }</option>
                    { for props.folders.iter().filter(|f| f.id != m.mailbox_id).map(|f| html! {
                        <option value={f.id.clone()}>{ f.name.clone() }</option>
                    }) }
                </select>
                <button type="button" class="button danger-outline" id="reader-delete" onclick={delete}>{ "Delete" }</button>
                <button type="button" class="button" id="reader-junk" onclick={junk}>{ if in_junk { "Not junk" } else { "Junk" } }</button>
                <button type="button" class="button" id="reader-filter" onclick={filter}>{ "Filter messages like this" }</button>
                if sender.is_some() {
                    <button type="button" class="button" id="reader-add-contact" onclick={add_contact} disabled={*added}>
                        { if *added { "Added to contacts" } else { "Add sender to contacts" } }
                    </button>
                }
            </div>
            <ProblemBanner error={(*error).clone()} />
            <h2 id="reader-subject">{ subject }</h2>
            <dl class="facts reader-head">
                <dt>{ "From" }</dt><dd id="reader-from">{ list(&m.from) }</dd>
                if !m.to.is_empty() { <dt>{ "To" }</dt><dd>{ list(&m.to) }</dd> }
                if !m.cc.is_empty() { <dt>{ "Cc" }</dt><dd>{ list(&m.cc) }</dd> }
                <dt>{ "Date" }</dt><dd>{ format::date(m.sent_at.as_ref().unwrap_or(&m.received_at)) }</dd>
                if let Some(l) = &m.list_id { <dt>{ "List" }</dt><dd>{ l.clone() }</dd> }
            </dl>
            if m.has_invitation {
                <super::invitation::InvitationCard id={m.id.clone()} />
            }
            if let Some(html) = html {
                if m.blocked_images > 0 && shown_html.is_none() {
                    <div class="images-blocked" id="reader-images-blocked">
                        <span>{ format!("{} remote image{} not shown, so the sender cannot tell you opened this.", m.blocked_images, if m.blocked_images == 1 { " was" } else { "s were" }) }</span>
                        <button type="button" class="button subtle" id="reader-show-images" onclick={show_images}>{ "Show images" }</button>
                    </div>
                }
                // No script runs in it (no allow-scripts), nothing in it reaches this page
                // (no allow-same-origin); links open in a new tab.
                <iframe id="reader-html" class="mail-html" title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox"
                    referrerpolicy="no-referrer" srcdoc={frame_document(&html)} />
            } else {
                if m.has_html && m.text.trim().is_empty() {
                    <p class="muted">{ "This message has only an HTML part; its text could not be shown." }</p>
                }
                <pre class="mail-text" id="reader-text">{ m.text.clone() }</pre>
            }
            if !delivery.is_empty() {
                <h3>{ "Delivery" }</h3>
                <ul class="delivery" id="reader-delivery">
                    { for delivery.iter().map(|r| html! {
                        <li>
                            <span>{ r.address.clone() }</span>{ " — " }
                            { match r.state {
                                DeliveryState::Delivered => "delivered".to_owned(),
                                DeliveryState::Failed => format!("failed: {}", r.last_error.clone().unwrap_or_default()),
                                DeliveryState::Pending => match &r.last_error {
                                    Some(e) => format!("waiting, next try {} ({e})", format::date(&r.next_attempt_at)),
                                    None => "on its way".to_owned(),
                                },
                            } }
                        </li>
                    }) }
                </ul>
            }
            if m.truncated {
                <p class="muted">{ "The text is long; only its first megabyte is shown." }</p>
            }
            if !m.attachments.is_empty() {
                <h3>{ "Attachments" }</h3>
                <ul class="attachments">
                    { for m.attachments.iter().map(|a| html! {
                        <li class="tag">{ format!("{} · {} · {}", a.name.clone().unwrap_or_else(|| "(unnamed)".to_owned()), a.content_type, format::bytes(a.size)) }</li>
                    }) }
                </ul>
            }
        </article>
    }
}
