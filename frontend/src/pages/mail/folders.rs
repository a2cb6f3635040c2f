//! Managing folders from the Mail page: a new folder (a `/` in the name nests it), and
//! renaming, moving (under another folder or to the top level) or deleting the folder
//! shown (with the folders below it) — never the special ones (INBOX, Drafts, Sent, Junk,
//! Trash, Archive), which the server also refuses. Messages dragged from the list onto a
//! folder move there.

use osprey_api_types::{CreateMailbox, Mailbox, MessagesTo, UpdateMailbox};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::confirm::ConfirmButton;

/// The drag data type of a message row: its id.
pub const DRAGGED_MESSAGE: &str = "application/x-osprey-message";

#[derive(Properties, PartialEq)]
pub struct FolderToolsProps {
    /// The folder shown, if any.
    pub current: Option<Mailbox>,
    /// Every folder of the account (where the folder shown may move to).
    pub folders: Vec<Mailbox>,
    /// Folders changed: load them again (and select this one, when given).
    pub onchanged: Callback<Option<String>>,
    pub onerror: Callback<ApiError>,
}

fn value_of(id: &str) -> String {
    gloo::utils::document()
        .get_element_by_id(id)
        .map(|e| wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(e).value())
        .unwrap_or_default()
}

#[function_component]
pub fn FolderTools(props: &FolderToolsProps) -> Html {
    let api = use_api();
    let renaming = use_state(|| false);
    let create = {
        let (api, onchanged, onerror) =
            (api.clone(), props.onchanged.clone(), props.onerror.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = value_of("new-folder").trim().to_owned();
            if name.is_empty() {
                return;
            }
            let (api, onchanged, onerror) = (api.clone(), onchanged.clone(), onerror.clone());
            spawn_local(async move {
                let body = CreateMailbox {
                    name,
                    special_use: None,
                    subscribed: None,
                };
                match api.create_mailbox(&body).await {
                    Ok(m) => {
                        if let Some(i) = gloo::utils::document().get_element_by_id("new-folder") {
                            wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(i)
                                .set_value("");
                        }
                        onchanged.emit(Some(m.id));
                    }
                    Err(e) => onerror.emit(e),
                }
            });
        })
    };
    let own = props
        .current
        .clone()
        .filter(|m| m.special_use.is_none() && m.name != "INBOX");
    // Renaming and moving are one change of the full name; the server moves the folders
    // below it along.
    let rename_to = {
        let (api, onchanged, onerror, renaming) = (
            api.clone(),
            props.onchanged.clone(),
            props.onerror.clone(),
            renaming.clone(),
        );
        let id = own.as_ref().map(|m| m.id.clone()).unwrap_or_default();
        Callback::from(move |name: String| {
            let (api, onchanged, onerror, renaming, id) = (
                api.clone(),
                onchanged.clone(),
                onerror.clone(),
                renaming.clone(),
                id.clone(),
            );
            spawn_local(async move {
                let body = UpdateMailbox {
                    name: Some(name),
                    subscribed: None,
                };
                match api.update_mailbox(&id, &body).await {
                    Ok(m) => {
                        renaming.set(false);
                        onchanged.emit(Some(m.id));
                    }
                    Err(e) => onerror.emit(e),
                }
            });
        })
    };
    let rename = {
        let rename_to = rename_to.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            rename_to.emit(value_of("rename-folder").trim().to_owned());
        })
    };
    let move_to = {
        let leaf = own
            .as_ref()
            .map(|m| leaf(&m.name).to_owned())
            .unwrap_or_default();
        Callback::from(move |e: Event| {
            let parent = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            rename_to.emit(if parent.is_empty() {
                leaf.clone()
            } else {
                format!("{parent}/{leaf}")
            });
        })
    };
    html! {
        <div class="folder-tools">
            <form onsubmit={create} class="inline-form">
                <label for="new-folder" class="visually-hidden">{ "New folder" }</label>
                <input id="new-folder" type="text" placeholder="New folder" />
                <button type="submit" class="button subtle" id="create-folder">{ "Add" }</button>
            </form>
            if let Some(m) = own {
                if *renaming {
                    <form onsubmit={rename} class="inline-form">
                        <label for="rename-folder" class="visually-hidden">{ "New name" }</label>
                        <input id="rename-folder" type="text" value={m.name.clone()} />
                        <button type="submit" class="button subtle" id="rename-folder-save">{ "Rename" }</button>
                    </form>
                } else {
                    <>
                    <div class="inline-form">
                        <button type="button" class="button subtle" id="rename-folder-start"
                            onclick={{ let r = renaming.clone(); Callback::from(move |_: MouseEvent| r.set(true)) }}>{ "Rename" }</button>
                        <ConfirmButton label="Delete folder" subject={m.name.clone()} onconfirm={{
                            let (api, onchanged, onerror, id) = (api.clone(), props.onchanged.clone(), props.onerror.clone(), m.id.clone());
                            Callback::from(move |()| {
                                let (api, onchanged, onerror, id) = (api.clone(), onchanged.clone(), onerror.clone(), id.clone());
                                spawn_local(async move {
                                    match api.delete_mailbox(&id, Some(true)).await {
                                        Ok(()) => onchanged.emit(None),
                                        Err(e) => onerror.emit(e),
                                    }
                                });
                            })
                        }} />
                    </div>
                    <label for="move-folder" class="visually-hidden">{ "Move folder to" }</label>
                    <select id="move-folder" class="move-folder" onchange={move_to}>
                        <option value="" selected=true disabled=true>{ "Move to…" }</option>
                        if m.name.contains('/') {
                            <option value="">{ "Top level" }</option>
                        }
                        { for move_targets(&m.name, &props.folders).map(|t| html! { <option value={t.to_owned()}>{ t }</option> }) }
                    </select>
                    </>
                }
            }
        </div>
    }
}

/// The last level of a folder's name (`2026` of `Projects/2026`).
fn leaf(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Where the folder `name` may move: under any other folder except itself, the folders
/// below it, and the one it is already in.
fn move_targets<'a>(name: &'a str, all: &'a [Mailbox]) -> impl Iterator<Item = &'a str> {
    let parent = name.rsplit_once('/').map(|(p, _)| p);
    all.iter().map(|m| m.name.as_str()).filter(move |t| {
        *t != name
            && Some(*t) != parent
            && !t
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Moves the dragged message (its id in the drop's data) into `folder`.
pub fn drop_into(
    api: crate::api::Api,
    folder: String,
    e: &web_sys::DragEvent,
    done: Callback<()>,
    onerror: Callback<ApiError>,
) {
    e.prevent_default();
    let Some(id) = e
        .data_transfer()
        .and_then(|d| d.get_data(DRAGGED_MESSAGE).ok())
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    spawn_local(async move {
        let body = MessagesTo {
            ids: vec![id],
            mailbox_id: folder,
        };
        match api.move_messages(&body).await {
            Ok(_) => done.emit(()),
            Err(e) => onerror.emit(e),
        }
    });
}
