//! The composer: To, Cc and Bcc with the address book's suggestions, subject, text with
//! the spell checker, attachments (picked or dropped, uploaded at once), a draft saved
//! a few seconds after each change ("Saved"), and Send with a few seconds to undo.
//! Replies, forwards and drafts open it filled in by the server.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use osprey_api_types::{DraftAttachment, DraftMessage, Identity, SendMessage, Upload};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::rich_text::{RichText, focus_at_start, text_to_html};
use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::recipients::Recipients;
use crate::components::spell_check::SpellCheck;
use crate::format;

/// Seconds after the last change before the draft is saved.
const SAVE_AFTER_MS: u32 = 2_000;
/// Seconds to undo a send.
const UNDO_SECS: u32 = 5;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// What to start from: empty, a reply, a forward or a saved draft.
    pub start: Rc<DraftMessage>,
    /// The addresses the account sends as, the first the default.
    #[prop_or_default]
    pub identities: Rc<Vec<Identity>>,
    /// Closed without sending (the draft stays in Drafts when it was saved).
    pub onclose: Callback<()>,
    /// Sent; the text says to whom.
    pub onsent: Callback<String>,
}

/// Where the draft stands.
#[derive(Clone, PartialEq)]
enum DraftState {
    Unchanged,
    Pending,
    InFlight,
    Saved,
    Failed(ApiError),
}

/// A file being uploaded or uploaded.
#[derive(Clone, PartialEq)]
struct Pending {
    name: String,
    size: u64,
    /// Percent sent, while it uploads.
    sent: u8,
    done: Option<Upload>,
}

/// The indexes of the recipients of `field` the server refused (`to[2]`).
fn refused(error: &Option<ApiError>, field: &str) -> Vec<usize> {
    let Some(ApiError::Problem { problem, .. }) = error else {
        return Vec::new();
    };
    problem
        .errors
        .iter()
        .filter_map(|e| {
            e.field
                .strip_prefix(field)?
                .strip_prefix('[')?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect()
}

type Fields = Rc<RefCell<DraftMessage>>;

/// A new message (not a saved draft) from the default identity, with its signature
/// (`-- ` and the signature, RFC 3676 §4.3) above any quoted or forwarded text.
fn from_identity(mut d: DraftMessage, identities: &[Identity]) -> DraftMessage {
    let Some(first) = identities.first() else {
        return d;
    };
    if d.id.is_some() {
        return d;
    }
    if d.message.from.is_none() {
        d.message.from = Some(first.address.clone());
    }
    if !first.signature.trim().is_empty() {
        d.message.text = format!("\n\n-- \n{}{}", first.signature.trim_end(), d.message.text);
    }
    d
}
type Uploads = Rc<RefCell<Vec<Pending>>>;

/// The message as the fields hold it now.
fn message(fields: &Fields, uploads: &Uploads) -> SendMessage {
    let f = fields.borrow();
    SendMessage {
        uploads: uploads
            .borrow()
            .iter()
            .filter_map(|p| p.done.as_ref().map(|u| u.id.clone()))
            .collect(),
        attached: f.attachments.iter().map(|a| a.at.clone()).collect(),
        ..f.message.clone()
    }
}

#[function_component]
pub fn Composer(props: &ComposerProps) -> Html {
    let api = use_api();
    // The fields, read when saving and sending; the view is redrawn after each change.
    let fields: Fields = use_mut_ref(|| from_identity((*props.start).clone(), &props.identities));
    let uploads: Uploads = use_mut_ref(Vec::new);
    let redraw = use_force_update();
    let start = &props.start.message;
    let show_copies = use_state(|| !start.cc.is_empty() || !start.bcc.is_empty());
    let saving = use_state(|| DraftState::Unchanged);
    let error = use_state(|| None::<ApiError>);
    // The send waiting for its undo time, and the save waiting for quiet.
    let undo = use_mut_ref(|| None::<Timeout>);
    let sending = use_state(|| false);
    let save_timer = use_mut_ref(|| None::<Timeout>);
    let generation = use_mut_ref(|| 0u32);
    // Identities that arrive after the composer opened (the page was still reading the
    // preferences) give a new message its sender and signature, unless it was changed.
    {
        let (fields, redraw, start) = (fields.clone(), redraw.clone(), props.start.clone());
        use_effect_with(props.identities.clone(), move |ids| {
            if !ids.is_empty() && *fields.borrow() == *start {
                *fields.borrow_mut() = from_identity((*start).clone(), ids);
                redraw.force_update();
            }
        });
    }

    // Saves the draft a moment after the last change.
    let touch = {
        let (api, fields, uploads, saving, save_timer, generation, redraw) = (
            api.clone(),
            fields.clone(),
            uploads.clone(),
            saving.clone(),
            save_timer.clone(),
            generation.clone(),
            redraw.clone(),
        );
        Rc::new(move || {
            saving.set(DraftState::Pending);
            let ticket = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let (api, fields, uploads, saving, generation, redraw) = (
                api.clone(),
                fields.clone(),
                uploads.clone(),
                saving.clone(),
                generation.clone(),
                redraw.clone(),
            );
            *save_timer.borrow_mut() = Some(Timeout::new(SAVE_AFTER_MS, move || {
                let body = message(&fields, &uploads);
                saving.set(DraftState::InFlight);
                spawn_local(async move {
                    match api.save_draft(&body).await {
                        Ok(saved) => {
                            {
                                let mut f = fields.borrow_mut();
                                f.id = Some(saved.id);
                                f.message.draft = Some(saved.draft);
                                f.attachments = saved.attachments;
                            }
                            // The uploads this save used are parts of the draft now.
                            uploads.borrow_mut().retain(|p| {
                                p.done
                                    .as_ref()
                                    .is_none_or(|u| !body.uploads.contains(&u.id))
                            });
                            if *generation.borrow() == ticket {
                                saving.set(DraftState::Saved);
                            }
                            redraw.force_update();
                        }
                        Err(e) => saving.set(DraftState::Failed(e)),
                    }
                });
            }));
        })
    };
    // A field changed: `set` writes it into the message.
    let changed = |set: fn(&mut SendMessage, String)| {
        let (fields, touch, redraw) = (fields.clone(), touch.clone(), redraw.clone());
        Callback::from(move |v: String| {
            set(&mut fields.borrow_mut().message, v);
            redraw.force_update();
            touch();
        })
    };
    // Rich text: the editor's HTML and text, and what it started with.
    let rich = use_state(|| start.html.is_some());
    // Switched to rich text by the user: the editor opens focused.
    let switched = use_state(|| false);
    let rich_start = use_mut_ref(|| start.html.clone().unwrap_or_default());
    let rich_changed = {
        let (fields, touch, redraw) = (fields.clone(), touch.clone(), redraw.clone());
        Callback::from(move |(html, text): (String, String)| {
            {
                let mut f = fields.borrow_mut();
                f.message.html = Some(html);
                f.message.text = text;
            }
            redraw.force_update();
            touch();
        })
    };
    let switch_format = {
        let (fields, touch, rich, rich_start, switched) = (
            fields.clone(),
            touch.clone(),
            rich.clone(),
            rich_start.clone(),
            switched.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            {
                let mut f = fields.borrow_mut();
                if *rich {
                    // Plain again: the text the editor held.
                    f.message.html = None;
                } else {
                    let html = text_to_html(&f.message.text);
                    *rich_start.borrow_mut() = html.clone();
                    f.message.html = Some(html);
                }
            }
            rich.set(!*rich);
            switched.set(true);
            touch();
        })
    };
    let typed = |set: fn(&mut SendMessage, String)| {
        let cb = changed(set);
        Callback::from(move |e: InputEvent| {
            let target = e.target().expect("an input");
            cb.emit(match target.dyn_ref::<HtmlTextAreaElement>() {
                Some(area) => area.value(),
                None => target.unchecked_into::<HtmlInputElement>().value(),
            });
        })
    };
    // Where typing starts: the text's first line for a reply or forward (above the
    // signature and the quote), else the To field.
    {
        let to_text =
            !props.start.message.to.is_empty() || props.start.message.forward_of.is_some();
        let rich_at_start = start.html.is_some();
        use_effect_with((), move |_| {
            let id = if !to_text {
                "compose-to"
            } else if rich_at_start {
                "compose-html"
            } else {
                "compose-text"
            };
            if let Some(e) = gloo::utils::document().get_element_by_id(id)
                && let Some(e) = e.dyn_ref::<web_sys::HtmlElement>()
            {
                focus_at_start(e);
            }
        });
    }
    let f = fields.borrow().clone();
    // A recipient field's chips changed: `set` writes them into the message.
    let listed = |set: fn(&mut SendMessage, Vec<String>)| {
        let (fields, touch, redraw) = (fields.clone(), touch.clone(), redraw.clone());
        Callback::from(move |v: Vec<String>| {
            set(&mut fields.borrow_mut().message, v);
            redraw.force_update();
            touch();
        })
    };

    // Files picked or dropped: each uploaded at once, listed while it goes.
    let add_files = {
        let (api, uploads, error, touch, redraw) = (
            api.clone(),
            uploads.clone(),
            error.clone(),
            touch.clone(),
            redraw.clone(),
        );
        Callback::from(move |files: web_sys::FileList| {
            for i in 0..files.length() {
                let Some(file) = files.get(i) else { continue };
                let Ok(form) = web_sys::FormData::new() else {
                    continue;
                };
                if form
                    .append_with_blob_and_filename("file", &file, &file.name())
                    .is_err()
                {
                    continue;
                }
                let name = file.name();
                uploads.borrow_mut().push(Pending {
                    name: name.clone(),
                    size: file.size() as u64,
                    sent: 0,
                    done: None,
                });
                redraw.force_update();
                let (api, uploads, error, touch, redraw) = (
                    api.clone(),
                    uploads.clone(),
                    error.clone(),
                    touch.clone(),
                    redraw.clone(),
                );
                // The upload's progress shown on its chip, a percent at a time.
                let progress: Rc<dyn Fn(f64, f64)> = {
                    let (uploads, redraw, name) = (uploads.clone(), redraw.clone(), name.clone());
                    Rc::new(move |sent: f64, total: f64| {
                        let percent = (sent * 100.0 / total.max(1.0)).min(100.0) as u8;
                        let mut list = uploads.borrow_mut();
                        if let Some(p) = list
                            .iter_mut()
                            .find(|p| p.done.is_none() && p.name == name && p.sent != percent)
                        {
                            p.sent = percent;
                            drop(list);
                            redraw.force_update();
                        }
                    })
                };
                spawn_local(async move {
                    let result = api.upload_with_progress(&form, progress).await;
                    {
                        let mut list = uploads.borrow_mut();
                        let at = list.iter().position(|p| p.done.is_none() && p.name == name);
                        match (result, at) {
                            (Ok(u), Some(at)) => list[at].done = Some(u),
                            (Err(e), Some(at)) => {
                                list.remove(at);
                                error.set(Some(e));
                            }
                            _ => {}
                        }
                    }
                    redraw.force_update();
                    touch();
                });
            }
        })
    };
    let on_pick = {
        let add = add_files.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(files) = input.files() {
                add.emit(files);
            }
            input.set_value("");
        })
    };
    let dragging = use_state(|| false);
    let on_drop = {
        let (add, dragging) = (add_files.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                add.emit(files);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };

    // Send: after the undo time, unless undone.
    let send_now = {
        let (api, fields, uploads, error, sending, onsent, save_timer) = (
            api.clone(),
            fields.clone(),
            uploads.clone(),
            error.clone(),
            sending.clone(),
            props.onsent.clone(),
            save_timer.clone(),
        );
        Rc::new(move || {
            save_timer.borrow_mut().take();
            let body = message(&fields, &uploads);
            let (api, error, sending, onsent) =
                (api.clone(), error.clone(), sending.clone(), onsent.clone());
            spawn_local(async move {
                match api.send_message(&body).await {
                    Ok(sent) => {
                        onsent.emit(format!("Message sent to {}.", sent.delivered.join(", ")))
                    }
                    Err(e) => {
                        sending.set(false);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let send = {
        let (undo, sending, send_now, error) = (
            undo.clone(),
            sending.clone(),
            send_now.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending {
                return;
            }
            error.set(None);
            sending.set(true);
            let send_now = send_now.clone();
            *undo.borrow_mut() = Some(Timeout::new(UNDO_SECS * 1000, move || send_now()));
        })
    };
    let cancel_send = {
        let (undo, sending) = (undo.clone(), sending.clone());
        Callback::from(move |_: MouseEvent| {
            undo.borrow_mut().take();
            sending.set(false);
        })
    };
    let onkeydown = {
        let (undo, sending, send_now) = (undo.clone(), sending.clone(), send_now.clone());
        Callback::from(move |e: KeyboardEvent| {
            // Ctrl+Enter (Cmd+Enter) sends at once.
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) && !*sending {
                e.prevent_default();
                undo.borrow_mut().take();
                sending.set(true);
                send_now();
            }
        })
    };
    let remove_attached = |a: &DraftAttachment| {
        let (fields, touch, redraw, at) =
            (fields.clone(), touch.clone(), redraw.clone(), a.at.clone());
        Callback::from(move |_: MouseEvent| {
            fields.borrow_mut().attachments.retain(|x| x.at != at);
            redraw.force_update();
            touch();
        })
    };
    let remove_upload = |i: usize| {
        let (uploads, touch, redraw) = (uploads.clone(), touch.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let mut list = uploads.borrow_mut();
            if i < list.len() {
                list.remove(i);
            }
            drop(list);
            redraw.force_update();
            touch();
        })
    };
    let status = match &*saving {
        DraftState::Unchanged => String::new(),
        DraftState::Pending => "Unsaved changes".into(),
        DraftState::InFlight => "Saving…".into(),
        DraftState::Saved => "Draft saved".into(),
        DraftState::Failed(e) => format!("Draft not saved: {}", e.banner(&[])),
    };
    let title = if start.in_reply_to.is_some() {
        "Reply"
    } else if start.forward_of.is_some() {
        "Forward"
    } else {
        "New message"
    };
    let pending = uploads.borrow().clone();
    let uploading = pending.iter().any(|p| p.done.is_none());
    html! {
        <form class={classes!("composer", dragging.then_some("dropping"))} id="composer" onsubmit={send}
            ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop} {onkeydown}
            aria-labelledby="composer-title" novalidate=true>
            <div class="composer-head">
                <h2 id="composer-title">{ title }</h2>
                <span class="muted" id="composer-status" role="status">{ status }</span>
                <button type="button" class="button subtle" id="composer-close"
                    onclick={props.onclose.reform(|_: MouseEvent| ())}>{ "Close" }</button>
            </div>
            <ProblemBanner error={(*error).clone()} fields={&["to", "cc", "bcc", "subject"][..]} />
            if props.identities.len() > 1 {
                <div class="field">
                    <label for="compose-from">{ "From" }</label>
                    <select id="compose-from" onchange={{
                        let cb = changed(|m, v| m.from = Some(v));
                        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
                    }}>
                        { for props.identities.iter().map(|i| html! {
                            <option value={i.address.clone()} selected={f.message.from.as_deref() == Some(i.address.as_str())}>
                                { if i.name.is_empty() { i.address.clone() } else { format!("{} <{}>", i.name, i.address) } }
                            </option>
                        }) }
                    </select>
                </div>
            }
            <div class="field">
                <label for="compose-to">{ "To" }</label>
                <Recipients id="compose-to" values={f.message.to.clone()}
                        refused={refused(&error, "to")} onchange={listed(|m, v| m.to = v)} />
                if let Some(e) = error.as_ref().and_then(|e| e.field("to")) { <p class="field-error">{ e }</p> }
            </div>
            if *show_copies {
                <div class="field">
                    <label for="compose-cc">{ "Cc" }</label>
                    <Recipients id="compose-cc" values={f.message.cc.clone()}
                        refused={refused(&error, "cc")} onchange={listed(|m, v| m.cc = v)} />
                    if let Some(e) = error.as_ref().and_then(|e| e.field("cc")) { <p class="field-error">{ e }</p> }
                </div>
                <div class="field">
                    <label for="compose-bcc">{ "Bcc" }</label>
                    <Recipients id="compose-bcc" values={f.message.bcc.clone()}
                        refused={refused(&error, "bcc")} onchange={listed(|m, v| m.bcc = v)} />
                    if let Some(e) = error.as_ref().and_then(|e| e.field("bcc")) { <p class="field-error">{ e }</p> }
                </div>
            } else {
                <button type="button" class="button subtle" id="compose-show-copies"
                    onclick={{ let s = show_copies.clone(); Callback::from(move |_: MouseEvent| s.set(true)) }}>
                    { "Cc and Bcc" }
                </button>
            }
            <div class="field">
                <label for="compose-subject">{ "Subject" }</label>
                <input id="compose-subject" type="text" value={f.message.subject.clone()} oninput={typed(|m, v| m.subject = v)} />
                if let Some(e) = error.as_ref().and_then(|e| e.field("subject")) { <p class="field-error">{ e }</p> }
            </div>
            <div class="compose-format">
                <button type="button" class="button subtle" id="compose-format" aria-pressed={rich.to_string()} onclick={switch_format}>
                    { if *rich { "Plain text" } else { "Rich text" } }
                </button>
            </div>
            if *rich {
                <RichText initial={rich_start.borrow().clone()} oninput={rich_changed} autofocus={*switched} />
            } else {
                <div class="field">
                    <label for="compose-text" class="visually-hidden">{ "Message" }</label>
                    <textarea id="compose-text" rows="14" spellcheck="false" value={f.message.text.clone()} oninput={typed(|m, v| m.text = v)} />
                </div>
                <SpellCheck id="compose-text" text={f.message.text.clone()} onreplace={changed(|m, v| m.text = v)} />
            }
            <div class="composer-files">
                <label class="button subtle" for="compose-files">{ "Attach files" }</label>
                <input id="compose-files" class="visually-hidden" type="file" multiple=true onchange={on_pick} />
                <span class="muted">{ "or drop them here" }</span>
                <ul class="attachments" id="compose-attachments">
                    { for f.attachments.iter().map(|a| html! {
                        <li class="tag">
                            { format!("{} · {}", a.name.clone().unwrap_or_else(|| "(unnamed)".to_owned()), format::bytes(a.size)) }
                            <button type="button" class="chip-remove" aria-label={format!("Remove {}", a.name.clone().unwrap_or_default())}
                                onclick={remove_attached(a)}>{ "×" }</button>
                        </li>
                    }) }
                    { for pending.iter().enumerate().map(|(i, p)| html! {
                        <li class={classes!("tag", p.done.is_none().then_some("uploading"))}>
                            { format!("{} · {}", p.name, format::bytes(p.size)) }
                            if p.done.is_none() {
                                <span class="upload-progress">{ format!(" · uploading {}%", p.sent) }</span>
                                <progress max="100" value={p.sent.to_string()} aria-label={format!("Uploading {}", p.name)}></progress>
                            }
                            if p.done.is_some() {
                                <button type="button" class="chip-remove" aria-label={format!("Remove {}", p.name)}
                                    onclick={remove_upload(i)}>{ "×" }</button>
                            }
                        </li>
                    }) }
                </ul>
            </div>
            <div class="composer-actions">
                if *sending {
                    <span id="compose-sending" role="status">{ "Sending…" }</span>
                    <button type="button" class="button" id="compose-undo" onclick={cancel_send}>{ "Undo" }</button>
                } else {
                    <button type="submit" class="button primary" id="compose-send" disabled={uploading}>{ "Send" }</button>
                    <span class="muted">{ "Ctrl+Enter sends at once" }</span>
                }
            </div>
        </form>
    }
}
