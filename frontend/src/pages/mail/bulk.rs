//! What is done to the messages selected in the list (their boxes ticked, a range with
//! Shift): mark read or unread, flag or unflag, move to a folder, delete — one request
//! each for the whole selection.

use std::rc::Rc;

use osprey_api_types::{FlagMessages, Mailbox, MessageIds, MessagesTo};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};

#[derive(Properties, PartialEq)]
pub struct BulkProps {
    pub selected: Rc<Vec<String>>,
    pub folders: Rc<Vec<Mailbox>>,
    /// The folder listed (not offered as a place to move to).
    pub current: Option<String>,
    /// Done: the list and the counts load again, the selection is cleared.
    pub ondone: Callback<()>,
    pub onclear: Callback<()>,
    pub onerror: Callback<ApiError>,
}

/// An action on the selection.
#[derive(Clone)]
enum Action {
    Flags(&'static str, bool),
    Move(String),
    Delete,
}

#[function_component]
pub fn BulkBar(props: &BulkProps) -> Html {
    let api = use_api();
    let run = {
        let (api, selected, ondone, onerror) = (
            api.clone(),
            props.selected.clone(),
            props.ondone.clone(),
            props.onerror.clone(),
        );
        Callback::from(move |action: Action| {
            let (api, ids, ondone, onerror) = (
                api.clone(),
                selected.to_vec(),
                ondone.clone(),
                onerror.clone(),
            );
            spawn_local(async move {
                let done = match action {
                    Action::Flags(flag, on) => {
                        let names = vec![flag.to_owned()];
                        let (add, remove) = if on {
                            (names, Vec::new())
                        } else {
                            (Vec::new(), names)
                        };
                        api.flag_messages(&FlagMessages { ids, add, remove }).await
                    }
                    Action::Move(mailbox_id) => {
                        api.move_messages(&MessagesTo { ids, mailbox_id }).await
                    }
                    Action::Delete => api.delete_messages(&MessageIds { ids }).await,
                };
                match done {
                    Ok(_) => ondone.emit(()),
                    Err(e) => onerror.emit(e),
                }
            });
        })
    };
    let button = |id: &'static str, label: &'static str, action: Action| {
        let run = run.clone();
        html! {
            <button type="button" class="button subtle" {id}
                onclick={Callback::from(move |_: MouseEvent| run.emit(action.clone()))}>{ label }</button>
        }
    };
    let on_move = {
        let run = run.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<web_sys::HtmlSelectElement>();
            let to = select.value();
            select.set_value("");
            if !to.is_empty() {
                run.emit(Action::Move(to));
            }
        })
    };
    let onclear = props.onclear.clone();
    html! {
        <div class="bulk-bar" id="bulk-bar" role="toolbar" aria-label="Selected messages">
            <span class="muted" id="bulk-count">{ format!("{} selected", props.selected.len()) }</span>
            { button("bulk-read", "Mark read", Action::Flags("\\Seen", true)) }
            { button("bulk-unread", "Mark unread", Action::Flags("\\Seen", false)) }
            { button("bulk-flag", "Flag", Action::Flags("\\Flagged", true)) }
            { button("bulk-unflag", "Unflag", Action::Flags("\\Flagged", false)) }
            <label for="bulk-move" class="visually-hidden">{ "Move selected to" }</label>
            <select id="bulk-move" class="move-select" onchange={on_move}>
                <option value="" selected=true>{ "Move to…" }</option>
                { for props.folders.iter().filter(|f| Some(&f.id) != props.current.as_ref()).map(|f| html! {
                    <option value={f.id.clone()}>{ f.name.clone() }</option>
                }) }
            </select>
            <button type="button" class="button subtle danger-outline" id="bulk-delete"
                onclick={{ let run = run.clone(); Callback::from(move |_: MouseEvent| run.emit(Action::Delete)) }}>{ "Delete" }</button>
            <button type="button" class="button subtle" id="bulk-clear"
                onclick={Callback::from(move |_: MouseEvent| onclear.emit(()))}>{ "Clear selection" }</button>
        </div>
    }
}

/// The selection after a click on the box of row `index` of `rows`: that row toggled
/// or, with Shift, every row from the last one clicked (`anchor`) to it set as it
/// becomes.
pub fn toggle(
    rows: &[String],
    selected: &[String],
    index: usize,
    anchor: Option<usize>,
    shift: bool,
) -> Vec<String> {
    let Some(id) = rows.get(index) else {
        return selected.to_vec();
    };
    let on = !selected.contains(id);
    let range = match anchor.filter(|a| shift && *a < rows.len()) {
        Some(a) => a.min(index)..=a.max(index),
        None => index..=index,
    };
    let mut out: Vec<String> = selected
        .iter()
        .filter(|s| !rows[range.clone()].contains(s))
        .cloned()
        .collect();
    if on {
        out.extend(rows[range].iter().cloned());
    }
    out
}
