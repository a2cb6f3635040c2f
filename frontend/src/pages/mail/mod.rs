//! Mail: the folders with their unread counts, a folder's messages (newest first, as many
//! as the account's preferences say) and the reader — three panes on a desktop, one at a
//! time at phone width. An opened message is marked read at once, after the delay the
//! preferences give, or never.

mod bulk;
pub mod compose;
mod conversation;
mod folders;
mod invitation;
mod keys;
mod live;
pub mod reader;
mod rich_text;

use std::rc::Rc;

use osprey_api_types::{
    DraftMessage, Mailbox, MessageDetail, MessageItem, Preferences, UpdateFlags,
};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::banner::{Banner, Tone};
use crate::components::confirm::ConfirmButton;
use crate::format;
use bulk::BulkBar;
use compose::Composer;
use conversation::Conversation;
use reader::Reader;

/// Grows when the folders' counts may have changed, so that they load again.
#[derive(Default, PartialEq)]
struct Generation(u32);

impl Reducible for Generation {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Generation(self.0 + 1))
    }
}

/// INBOX first, then the special-use folders in the usual order, then the others.
fn folder_rank(m: &Mailbox) -> usize {
    if m.name == "INBOX" {
        return 0;
    }
    const ORDER: [&str; 5] = ["\\Drafts", "\\Sent", "\\Archive", "\\Junk", "\\Trash"];
    m.special_use
        .as_deref()
        .and_then(|u| ORDER.iter().position(|o| *o == u))
        .map_or(ORDER.len() + 1, |i| i + 1)
}

/// The list's orders: the server's sort key, descending, and the menu's label.
const SORTS: [(&str, bool, &str); 8] = [
    ("received", true, "Newest first"),
    ("received", false, "Oldest first"),
    ("from", false, "Sender A–Z"),
    ("subject", false, "Subject A–Z"),
    ("size", true, "Largest first"),
    ("flagged", true, "Flagged first"),
    ("sent", true, "Date sent"),
    ("to", false, "Recipient A–Z"),
];

fn unread(m: &MessageItem) -> bool {
    !m.flags.iter().any(|f| f == "\\Seen")
}

/// Which list: the folder, the order (key, descending), by conversation.
type ListKey = (Option<String>, (&'static str, bool), bool);

/// The first page of a folder in the list's order; by conversation (newest or oldest
/// first by arrival) when `threads`.
async fn first_page(
    api: &Api,
    id: &str,
    size: u32,
    (key, desc): (&'static str, bool),
    threads: bool,
) -> Result<Vec<MessageItem>, ApiError> {
    let (key, desc) = if threads && key != "received" {
        ("received", true)
    } else {
        (key, desc)
    };
    let threads = threads.then_some(true);
    api.list_messages(id, None, Some(size), None, Some(key), Some(desc), threads)
        .await
        .map(|p| p.items)
}

#[function_component]
pub fn MailPage() -> Html {
    let api = use_api();
    let mailboxes = use_state(|| None::<Vec<Mailbox>>);
    let current = use_state(|| None::<String>);
    let messages = use_state(|| None::<Vec<MessageItem>>);
    let open = use_state(|| None::<MessageDetail>);
    let error = use_state(|| None::<ApiError>);
    let generation = use_reducer(Generation::default);
    let prefs = use_state(|| None::<Preferences>);
    // A search across every folder replaces the folder's list while it is shown.
    let searched = use_state(|| None::<String>);
    let help = use_state(|| false);
    keys::use_mail_keys({
        let help = help.clone();
        Callback::from(move |()| help.set(!*help))
    });
    // The list's order: a key of the server's sorts, and whether descending.
    let sort = use_state(|| ("received", true));
    // One row per conversation, and the conversation of the message open now.
    let threads = use_state(|| false);
    let conversation = use_state(|| None::<Rc<Vec<MessageItem>>>);
    // The messages ticked in the list, and the row last clicked (for Shift ranges).
    let selected = use_state(|| Rc::new(Vec::<String>::new()));
    let anchor = use_mut_ref(|| None::<usize>);
    // The list the page shows now (folder, order, by conversation): a list that arrives
    // for another (a slow answer after the user moved on) is dropped.
    let shown = use_mut_ref(ListKey::default);
    *shown.borrow_mut() = ((*current).clone(), *sort, *threads);
    // The message being written, and what the last send said.
    let composing = use_state(|| None::<Rc<DraftMessage>>);
    let notice = use_state(|| None::<String>);
    // The message open now, for a delayed "mark as read" to check it still is.
    let opened = use_mut_ref(|| None::<String>);
    {
        let (api, prefs, threads) = (api.clone(), prefs.clone(), threads.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let p = api.get_preferences().await.unwrap_or_default();
                threads.set(p.conversation_view);
                prefs.set(Some(p));
            });
        });
    }
    let page_size = prefs.as_ref().map(|p| p.messages_per_page);
    let mark_delay = prefs.as_ref().and_then(|p| p.mark_read_delay_secs);

    {
        let (api, mailboxes, current, error) = (
            api.clone(),
            mailboxes.clone(),
            current.clone(),
            error.clone(),
        );
        use_effect_with(generation.0, move |_| {
            spawn_local(async move {
                match api.list_mailboxes().await {
                    Ok(mut list) => {
                        list.sort_by_key(|m| (folder_rank(m), m.name.clone()));
                        if current.is_none() {
                            current.set(
                                list.iter()
                                    .find(|m| m.name == "INBOX")
                                    .map(|m| m.id.clone()),
                            );
                        }
                        mailboxes.set(Some(list));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    {
        let (api, messages, error, open, conversation, selected, shown) = (
            api.clone(),
            messages.clone(),
            error.clone(),
            open.clone(),
            conversation.clone(),
            selected.clone(),
            shown.clone(),
        );
        use_effect_with(
            ((*current).clone(), page_size, *sort, *threads),
            move |(id, size, sort, threads)| {
                messages.set(None);
                open.set(None);
                conversation.set(None);
                selected.set(Rc::default());
                if let (Some(id), Some(size)) = (id.clone(), *size) {
                    let (sort, threads) = (*sort, *threads);
                    spawn_local(async move {
                        let answer = first_page(&api, &id, size, sort, threads).await;
                        if *shown.borrow() != (Some(id), sort, threads) {
                            return;
                        }
                        match answer {
                            Ok(items) => messages.set(Some(items)),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                }
            },
        );
    }

    let select_mailbox = {
        let (current, searched) = (current.clone(), searched.clone());
        Callback::from(move |id: String| {
            searched.set(None);
            current.set(Some(id));
        })
    };
    let search = {
        let (api, messages, error, searched, open) = (
            api.clone(),
            messages.clone(),
            error.clone(),
            searched.clone(),
            open.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let q = gloo::utils::document()
                .get_element_by_id("mail-search")
                .map(|i| i.unchecked_into::<web_sys::HtmlInputElement>().value())
                .unwrap_or_default();
            let (api, messages, error, searched, open) = (
                api.clone(),
                messages.clone(),
                error.clone(),
                searched.clone(),
                open.clone(),
            );
            spawn_local(async move {
                let q = q.trim().to_owned();
                if q.is_empty() {
                    searched.set(None);
                    return;
                }
                match api.search_messages(&q, None, Some(100)).await {
                    Ok(page) => {
                        error.set(None);
                        open.set(None);
                        messages.set(Some(page.items));
                        searched.set(Some(q));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    // The current folder's messages again (after a change to many of them).
    let reload = {
        let (api, messages, error, current) = (
            api.clone(),
            messages.clone(),
            error.clone(),
            current.clone(),
        );
        let (sort, threads, shown) = (*sort, *threads, shown.clone());
        Callback::from(move |()| {
            let (api, messages, error, shown) =
                (api.clone(), messages.clone(), error.clone(), shown.clone());
            let (Some(id), Some(size)) = ((*current).clone(), page_size) else {
                return;
            };
            spawn_local(async move {
                let answer = first_page(&api, &id, size, sort, threads).await;
                if *shown.borrow() != (Some(id), sort, threads) {
                    return;
                }
                match answer {
                    Ok(items) => messages.set(Some(items)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let in_drafts = mailboxes
        .iter()
        .flatten()
        .find(|m| Some(&m.id) == current.as_ref())
        .is_some_and(|m| m.special_use.as_deref() == Some("\\Drafts"));
    let compose = {
        let (composing, notice) = (composing.clone(), notice.clone());
        Callback::from(move |d: DraftMessage| {
            notice.set(None);
            composing.set(Some(Rc::new(d)));
        })
    };
    let open_message = {
        let (compose, composing) = (compose.clone(), composing.clone());
        let (api, open, messages, error, generation, opened, reload) = (
            api.clone(),
            open.clone(),
            messages.clone(),
            error.clone(),
            generation.clone(),
            opened.clone(),
            reload.clone(),
        );
        Callback::from(move |id: String| {
            let compose = compose.clone();
            // An opened message takes the composer's place (its draft is saved).
            composing.set(None);
            let (api, open, messages, error, generation, opened, reload) = (
                api.clone(),
                open.clone(),
                messages.clone(),
                error.clone(),
                generation.clone(),
                opened.clone(),
                reload.clone(),
            );
            *opened.borrow_mut() = Some(id.clone());
            if in_drafts {
                let (api, compose, error) = (api.clone(), compose.clone(), error.clone());
                spawn_local(async move {
                    match api.get_draft(&id).await {
                        Ok(d) => compose.emit(d),
                        Err(e) => error.set(Some(e)),
                    }
                });
                return;
            }
            spawn_local(async move {
                let at_once = mark_delay == Some(0);
                match api.get_message(&id, Some(at_once), Some(true), None).await {
                    Ok(m) => {
                        if let Some(list) = (*messages).clone() {
                            let was_unread = list.iter().any(|x| x.id == m.id && unread(x));
                            let list = list
                                .into_iter()
                                .map(|mut x| {
                                    if x.id == m.id {
                                        x.flags = m.flags.clone();
                                    }
                                    x
                                })
                                .collect();
                            messages.set(Some(list));
                            if was_unread && at_once {
                                // The folder's unread count changed.
                                generation.dispatch(());
                            }
                        }
                        let later = mark_delay
                            .filter(|d| *d > 0)
                            .filter(|_| !m.flags.iter().any(|f| f == "\\Seen"));
                        open.set(Some(m));
                        if let Some(secs) = later {
                            gloo::timers::future::TimeoutFuture::new(secs * 1000).await;
                            if opened.borrow().as_deref() != Some(id.as_str()) {
                                return;
                            }
                            let seen = UpdateFlags {
                                add: vec!["\\Seen".to_owned()],
                                remove: Vec::new(),
                            };
                            if api.update_flags(&id, &seen).await.is_ok() {
                                reload.emit(());
                                generation.dispatch(());
                            }
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let emptiable = mailboxes
        .iter()
        .flatten()
        .find(|m| Some(&m.id) == current.as_ref())
        .is_some_and(|m| matches!(m.special_use.as_deref(), Some("\\Trash" | "\\Junk")));
    let close = {
        let (open, opened, conversation) = (open.clone(), opened.clone(), conversation.clone());
        Callback::from(move |()| {
            *opened.borrow_mut() = None;
            conversation.set(None);
            open.set(None);
        })
    };
    // A row: a message, or a conversation of several (its messages load to be shown
    // above the reader, which opens the newest).
    let open_row = {
        let (api, conversation, open_message, error) = (
            api.clone(),
            conversation.clone(),
            open_message.clone(),
            error.clone(),
        );
        Callback::from(move |m: MessageItem| {
            conversation.set(None);
            open_message.emit(m.id.clone());
            let Some(thread) = m
                .thread_id
                .filter(|_| m.thread_count.is_some_and(|n| n > 1))
            else {
                return;
            };
            let (api, conversation, error) = (api.clone(), conversation.clone(), error.clone());
            spawn_local(async move {
                match api.get_thread(&thread).await {
                    Ok(list) => conversation.set(Some(Rc::new(list))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let removed = {
        let (open, messages, generation, opened, conversation) = (
            open.clone(),
            messages.clone(),
            generation.clone(),
            opened.clone(),
            conversation.clone(),
        );
        Callback::from(move |id: String| {
            *opened.borrow_mut() = None;
            conversation.set(None);
            if let Some(list) = (*messages).clone() {
                messages.set(Some(list.into_iter().filter(|m| m.id != id).collect()));
            }
            open.set(None);
            // The folders' counts changed.
            generation.dispatch(());
        })
    };

    let close_composer = {
        let (composing, reload, generation) =
            (composing.clone(), reload.clone(), generation.clone());
        Callback::from(move |()| {
            composing.set(None);
            // A saved draft changed Drafts.
            reload.emit(());
            generation.dispatch(());
        })
    };
    let sent = {
        let (composing, notice, reload, generation) = (
            composing.clone(),
            notice.clone(),
            reload.clone(),
            generation.clone(),
        );
        Callback::from(move |what: String| {
            composing.set(None);
            notice.set(Some(what));
            reload.emit(());
            generation.dispatch(());
        })
    };
    let new_message = {
        let compose = compose.clone();
        Callback::from(move |_: MouseEvent| {
            compose.emit(DraftMessage {
                id: None,
                message: Default::default(),
                attachments: Vec::new(),
            })
        })
    };

    // New mail and changes made elsewhere (IMAP, another window) show without reloading.
    {
        let (generation, reload) = (generation.clone(), reload.clone());
        // Search results stay as they are; the folders' counts still follow.
        let searching = searched.is_some();
        let live = use_reducer(Generation::default);
        live::use_live_updates({
            let live = live.dispatcher();
            Callback::from(move |()| live.dispatch(()))
        });
        use_effect_with(live.0, move |n| {
            if *n > 0 {
                if !searching {
                    reload.emit(());
                }
                generation.dispatch(());
            }
        });
    }
    // The unread mail of INBOX in the tab's title.
    {
        let unread = mailboxes
            .iter()
            .flatten()
            .find(|m| m.name == "INBOX")
            .map_or(0, |m| m.unread);
        use_effect_with(unread, |n| {
            let product = crate::components::brand::product_name();
            let title = match n {
                0 => format!("Mail · {product}"),
                n => format!("({n}) Mail · {product}"),
            };
            gloo::utils::document().set_title(&title);
            move || gloo::utils::document().set_title(&product)
        });
    }

    let folders_changed = {
        let (current, generation) = (current.clone(), generation.clone());
        Callback::from(move |select: Option<String>| {
            current.set(select);
            generation.dispatch(());
        })
    };
    let show_error = {
        let error = error.clone();
        Callback::from(move |e: ApiError| error.set(Some(e)))
    };
    // A message dropped on a folder moves there; the list and counts load again.
    let moved = {
        let (reload, generation, open) = (reload.clone(), generation.clone(), open.clone());
        Callback::from(move |()| {
            open.set(None);
            reload.emit(());
            generation.dispatch(());
        })
    };
    // Ticking: in lists of messages (not of conversations).
    let selectable = !*threads || searched.is_some();
    let rows: Vec<String> = messages.iter().flatten().map(|m| m.id.clone()).collect();
    let ticked: Rc<Vec<String>> = Rc::new(
        selected
            .iter()
            .filter(|id| rows.contains(id))
            .cloned()
            .collect(),
    );
    let tick = {
        let (selected, anchor, rows) = (selected.clone(), anchor.clone(), rows.clone());
        Callback::from(move |(index, shift): (usize, bool)| {
            let last = *anchor.borrow();
            selected.set(Rc::new(bulk::toggle(&rows, &selected, index, last, shift)));
            *anchor.borrow_mut() = Some(index);
        })
    };
    let bulk_done = {
        let (selected, reload, generation, open) = (
            selected.clone(),
            reload.clone(),
            generation.clone(),
            open.clone(),
        );
        Callback::from(move |()| {
            selected.set(Rc::default());
            open.set(None);
            reload.emit(());
            generation.dispatch(());
        })
    };
    let current_folder = mailboxes
        .iter()
        .flatten()
        .find(|m| Some(&m.id) == current.as_ref())
        .cloned();

    let folder_name = mailboxes
        .as_ref()
        .and_then(|l| l.iter().find(|m| Some(&m.id) == current.as_ref()))
        .map(|m| m.name.clone())
        .unwrap_or_default();
    html! {
        <section class="page mail-page" aria-labelledby="mail-title">
            <h1 id="mail-title">{ "Mail" }</h1>
            <crate::components::ad_slot::AdSlot target="webmail" />
            <ProblemBanner error={(*error).clone()} />
            if *help {
                <div class="card shortcuts" id="shortcuts-help" role="dialog" aria-label="Keyboard shortcuts">
                    <h2>{ "Keyboard shortcuts" }</h2>
                    <dl class="facts">
                        { for keys::SHORTCUTS.iter().map(|(k, what)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></> }) }
                    </dl>
                    <button type="button" class="button" onclick={{ let help = help.clone(); Callback::from(move |_: MouseEvent| help.set(false)) }}>{ "Close" }</button>
                </div>
            }
            if let Some(n) = &*notice {
                <Banner tone={Tone::Success} id="mail-notice">{ n.clone() }</Banner>
            }
            <div class={classes!("mail", (open.is_some() || composing.is_some()).then_some("reading"))}>
                <nav class="mail-folders" aria-label="Folders">
                    <button type="button" class="button primary compose-button" id="compose" onclick={new_message}>{ "Compose" }</button>
                    <label for="folder-select" class="visually-hidden">{ "Folder" }</label>
                    <select id="folder-select" class="folder-select" onchange={{
                        let select = select_mailbox.clone();
                        Callback::from(move |e: Event| select.emit(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
                    }}>
                        { for mailboxes.iter().flatten().map(|m| html! {
                            <option value={m.id.clone()} selected={Some(&m.id) == current.as_ref()}>
                                { if m.unread > 0 { format!("{} ({})", m.name, m.unread) } else { m.name.clone() } }
                            </option>
                        }) }
                    </select>
                    <ul class="folder-list" id="folder-list">
                        { for mailboxes.iter().flatten().map(|m| {
                            let id = m.id.clone();
                            let select = select_mailbox.clone();
                            let depth = m.name.matches('/').count();
                            let label = m.name.rsplit('/').next().unwrap_or(&m.name).to_owned();
                            let ondrop = {
                                let (api, folder, moved, show_error) = (api.clone(), m.id.clone(), moved.clone(), show_error.clone());
                                Callback::from(move |e: web_sys::DragEvent| folders::drop_into(api.clone(), folder.clone(), &e, moved.clone(), show_error.clone()))
                            };
                            html! {
                                <li>
                                    <button type="button" class={classes!("folder", (Some(&m.id) == current.as_ref()).then_some("current"))}
                                        ondragover={Callback::from(|e: web_sys::DragEvent| e.prevent_default())} {ondrop}
                                        style={format!("padding-left: calc(0.75rem + {depth}rem)")}
                                        aria-current={(Some(&m.id) == current.as_ref()).then_some("true")}
                                        onclick={Callback::from(move |_| select.emit(id.clone()))}>
                                        <span class="folder-name">{ label }</span>
                                        if m.unread > 0 { <span class="count" aria-label={format!("{} unread", m.unread)}>{ m.unread }</span> }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                    <folders::FolderTools current={current_folder} folders={(*mailboxes).clone().unwrap_or_default()} onchanged={folders_changed} onerror={show_error.clone()} />
                </nav>
                <div class="mail-list" role="region" aria-label={format!("Messages in {folder_name}")}>
                    <form class="mail-search" role="search" onsubmit={search}>
                        <label for="mail-search" class="visually-hidden">{ "Search mail" }</label>
                        <input id="mail-search" type="search" placeholder="Search mail (from:ann has:attachment …)" />
                    </form>
                    if let Some(q) = &*searched {
                        <div class="list-actions">
                            <span class="muted" id="search-summary">{ format!("{} found for “{q}”", messages.as_ref().map_or(0, Vec::len)) }</span>
                            <button type="button" class="button subtle" id="search-clear" onclick={{
                                let (searched, reload) = (searched.clone(), reload.clone());
                                Callback::from(move |_: MouseEvent| {
                                    if let Some(i) = gloo::utils::document().get_element_by_id("mail-search") {
                                        i.unchecked_into::<web_sys::HtmlInputElement>().set_value("");
                                    }
                                    searched.set(None);
                                    reload.emit(());
                                })
                            }}>{ "Clear search" }</button>
                        </div>
                    } else if let Some(id) = (*current).clone() {
                        <div class="list-actions">
                            <label for="sort-select" class="visually-hidden">{ "Sort by" }</label>
                            <button type="button" class="button subtle" id="threads-toggle" aria-pressed={threads.to_string()}
                                title="One row per conversation"
                                onclick={{ let threads = threads.clone(); Callback::from(move |_: MouseEvent| threads.set(!*threads)) }}>
                                { "Conversations" }
                            </button>
                            <select id="sort-select" class="sort-select" onchange={{
                                let sort = sort.clone();
                                Callback::from(move |e: Event| {
                                    // (The select shows only when no search is.)
                                    let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                                    if let Some((key, desc, _)) = SORTS.iter().find(|(k, d, _)| format!("{k}-{d}") == v) {
                                        sort.set((key, *desc));
                                    }
                                })
                            }}>
                                { for SORTS.iter().take(if *threads { 2 } else { SORTS.len() }).map(|(k, d, label)| html! {
                                    <option value={format!("{k}-{d}")} selected={*sort == (*k, *d)}>{ *label }</option>
                                }) }
                            </select>
                            <button type="button" class="button subtle" id="mark-all-read" onclick={{
                                let (api, error, generation, reload, id) = (api.clone(), error.clone(), generation.clone(), reload.clone(), id.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let (api, error, generation, reload, id) = (api.clone(), error.clone(), generation.clone(), reload.clone(), id.clone());
                                    spawn_local(async move {
                                        match api.mark_mailbox_read(&id).await {
                                            Ok(_) => { reload.emit(()); generation.dispatch(()); }
                                            Err(e) => error.set(Some(e)),
                                        }
                                    });
                                })
                            }}>{ "Mark all read" }</button>
                            if emptiable {
                                <ConfirmButton label="Empty" subject={folder_name.clone()} onconfirm={{
                                    let (api, error, generation, reload) = (api.clone(), error.clone(), generation.clone(), reload.clone());
                                    Callback::from(move |()| {
                                        let (api, error, generation, reload, id) = (api.clone(), error.clone(), generation.clone(), reload.clone(), id.clone());
                                        spawn_local(async move {
                                            match api.empty_mailbox(&id).await {
                                                Ok(_) => { reload.emit(()); generation.dispatch(()); }
                                                Err(e) => error.set(Some(e)),
                                            }
                                        });
                                    })
                                }} />
                            }
                        </div>
                    }
                    if selectable && !rows.is_empty() {
                        <div class="select-all">
                            <input type="checkbox" id="select-all" checked={!ticked.is_empty() && ticked.len() == rows.len()}
                                onclick={{
                                    let (selected, rows, all) = (selected.clone(), rows.clone(), ticked.len() == rows.len());
                                    Callback::from(move |_: MouseEvent| selected.set(Rc::new(if all { Vec::new() } else { rows.clone() })))
                                }} />
                            <label for="select-all">{ "Select all" }</label>
                        </div>
                    }
                    if !ticked.is_empty() {
                        <BulkBar selected={ticked.clone()} folders={Rc::new(mailboxes.as_ref().cloned().unwrap_or_default())}
                            current={(*current).clone()} ondone={bulk_done}
                            onclear={{ let selected = selected.clone(); Callback::from(move |()| selected.set(Rc::default())) }}
                            onerror={show_error.clone()} />
                    }
                    <ul class="message-list" id="message-list">
                        { for messages.iter().flatten().enumerate().map(|(index, m)| {
                            let onclick = { let (open_row, m) = (open_row.clone(), m.clone()); Callback::from(move |_| open_row.emit(m.clone())) };
                            let unread_row = unread(m) || m.thread_unread.is_some_and(|n| n > 0);
                            let selected = open.as_ref().is_some_and(|o| o.id == m.id);
                            let ondragstart = {
                                let id = m.id.clone();
                                Callback::from(move |e: web_sys::DragEvent| {
                                    if let Some(d) = e.data_transfer() {
                                        let _ = d.set_data(folders::DRAGGED_MESSAGE, &id);
                                    }
                                })
                            };
                            let is_ticked = ticked.contains(&m.id);
                            html! {
                                <li class={classes!("message-item", is_ticked.then_some("ticked"))}>
                                    if selectable {
                                        <input type="checkbox" class="row-select" checked={is_ticked}
                                            aria-label={format!("Select “{}”", m.subject.clone().unwrap_or_default())}
                                            onclick={{ let tick = tick.clone(); Callback::from(move |e: MouseEvent| tick.emit((index, e.shift_key()))) }} />
                                    }
                                    <button type="button" class={classes!("message-row", unread_row.then_some("unread"), selected.then_some("current"))}
                                        draggable="true" {ondragstart} {onclick}>
                                        <span class="message-from">
                                            <span class="from-name">{ m.from.clone().unwrap_or_else(|| "(no sender)".to_owned()) }</span>
                                            if let Some(n) = m.thread_count.filter(|n| *n > 1) {
                                                <span class="thread-count" aria-label={format!("{n} messages")}>{ n }</span>
                                            }
                                        </span>
                                        <span class="message-date">{ format::date(&m.received_at) }</span>
                                        <span class="message-subject">
                                            if m.has_attachments { <span class="clip" title="Has attachments" aria-label="Has attachments">{ "📎 " }</span> }
                                            { m.subject.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "(no subject)".to_owned()) }
                                        </span>
                                        if let Some(p) = &m.preview {
                                            <span class="message-preview">{ p.clone() }</span>
                                        }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                    if messages.is_none() && current.is_some() && error.is_none() {
                        <p class="loading" aria-busy="true">{ "Loading messages…" }</p>
                    }
                    if messages.as_ref().is_some_and(Vec::is_empty) {
                        <p class="empty">{ if searched.is_some() { "No messages match.".to_owned() } else { format!("No messages in {folder_name}.") } }</p>
                    }
                </div>
                <div class="mail-reader">
                    if let Some(start) = &*composing {
                        <Composer key={start.id.clone().unwrap_or_else(|| start.message.subject.clone())} start={start.clone()}
                            identities={Rc::new(prefs.as_ref().map(|p| p.identities.clone()).unwrap_or_default())}
                            onclose={close_composer} onsent={sent} />
                    } else if let Some(m) = &*open {
                        if let Some(list) = &*conversation {
                            <Conversation messages={list.clone()} current={Some(m.id.clone())} onopen={open_message.clone()} />
                        }
                        <Reader message={m.clone()} onclose={close} onremoved={removed} oncompose={compose}
                            folders={(*mailboxes).clone().unwrap_or_default()} />
                    } else {
                        <p class="empty">{ "Select a message to read it." }</p>
                    }
                </div>
            </div>
        </section>
    }
}
