//! The composer's recipient field: each recipient a chip, the address being typed in an
//! input after them, with the address book's suggestions (the server ranks them) in a
//! list under it. A contact group becomes one chip, its name, which the server expands
//! to its members when the message is sent.
//!
//! Enter, Tab, a comma or a semicolon turns what is typed into a chip (as does leaving the
//! field); ↑/↓ move through the suggestions and Enter or a click takes one; Backspace in
//! an empty input removes the last chip; Escape closes the suggestions.

use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::use_api;

#[derive(Properties, PartialEq)]
pub struct RecipientsProps {
    pub id: AttrValue,
    pub values: Vec<String>,
    /// The recipients after a chip is added or removed.
    pub onchange: Callback<Vec<String>>,
    /// The indexes of recipients the server refused (shown marked).
    #[prop_or_default]
    pub refused: Vec<usize>,
}

/// Most suggestions shown.
const SHOWN: u32 = 8;

/// A suggestion: what it adds, and how it is shown.
#[derive(Clone, PartialEq)]
struct Offer {
    value: String,
    title: String,
    detail: String,
    group: bool,
}

/// `list` split at commas and semicolons that are outside quotes and angle brackets.
fn split_recipients(list: &str) -> Vec<String> {
    let (mut out, mut piece) = (Vec::new(), String::new());
    let (mut quoted, mut angle) = (false, false);
    for c in list.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                out.push(std::mem::take(&mut piece));
                continue;
            }
            _ => {}
        }
        piece.push(c);
    }
    out.push(piece);
    out.into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// How a recipient shows on its chip: the name of `Name <address>`, else all of it.
fn chip_label(value: &str) -> String {
    match value.rfind('<') {
        Some(open) if value.ends_with('>') && open > 0 => {
            value[..open].trim().trim_matches('"').trim().to_owned()
        }
        _ => value.to_owned(),
    }
}

/// `name <address>` as a recipient, the name quoted when it holds a character that
/// would end it.
fn written(name: &str, address: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case(address) {
        address.to_owned()
    } else if name.contains([',', '<', '>', '"', ';', ':', '@']) {
        format!("\"{}\" <{address}>", name.replace('"', "\\\""))
    } else {
        format!("{name} <{address}>")
    }
}

#[function_component]
pub fn Recipients(props: &RecipientsProps) -> Html {
    let api = use_api();
    let offers = use_state(Vec::<Offer>::new);
    let active = use_state(|| None::<usize>);
    let asked = use_mut_ref(|| 0u32);
    let text = use_state(String::new);
    let input = use_node_ref();
    let list_id = format!("{}-suggestions", props.id);

    // Adds `pieces` after the chips there are and clears what was typed.
    let add = {
        let (values, onchange, text, offers, active, asked) = (
            props.values.clone(),
            props.onchange.clone(),
            text.clone(),
            offers.clone(),
            active.clone(),
            asked.clone(),
        );
        Callback::from(move |pieces: Vec<String>| {
            *asked.borrow_mut() += 1;
            offers.set(Vec::new());
            active.set(None);
            text.set(String::new());
            if pieces.is_empty() {
                return;
            }
            let mut next = values.clone();
            for p in pieces {
                if !next.iter().any(|v| v.eq_ignore_ascii_case(&p)) {
                    next.push(p);
                }
            }
            onchange.emit(next);
        })
    };
    let remove = |i: usize| {
        let (values, onchange, input) =
            (props.values.clone(), props.onchange.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = values.clone();
            if i < next.len() {
                next.remove(i);
                onchange.emit(next);
            }
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        })
    };
    let oninput = {
        let (api, offers, active, asked, text, add) = (
            api.clone(),
            offers.clone(),
            active.clone(),
            asked.clone(),
            text.clone(),
            add.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let typed = e.target_unchecked_into::<HtmlInputElement>().value();
            // A comma or semicolon (typed or pasted) ends the recipients before it.
            let mut pieces = split_recipients(&typed);
            let open = !typed.trim_end().ends_with([',', ';']);
            let rest = if open {
                pieces.pop().unwrap_or_default()
            } else {
                String::new()
            };
            if !pieces.is_empty() || !open {
                add.emit(pieces);
            }
            text.set(rest.clone());
            let ticket = {
                let mut n = asked.borrow_mut();
                *n += 1;
                *n
            };
            active.set(None);
            if rest.trim().is_empty() {
                offers.set(Vec::new());
                return;
            }
            let (api, offers, asked) = (api.clone(), offers.clone(), asked.clone());
            spawn_local(async move {
                let Ok(found) = api.suggest_recipients(Some(rest.trim()), Some(SHOWN)).await else {
                    return;
                };
                // An answer to an older keystroke is dropped.
                if *asked.borrow() != ticket {
                    return;
                }
                offers.set(
                    found
                        .into_iter()
                        .filter_map(|s| {
                            let group = s.kind == "group";
                            if group {
                                Some(Offer {
                                    value: s.name.clone(),
                                    title: s.name,
                                    detail: format!("Group · {}", s.addresses.join(", ")),
                                    group,
                                })
                            } else {
                                let address = s.addresses.into_iter().next()?;
                                Some(Offer {
                                    value: written(&s.name, &address),
                                    title: if s.name.is_empty() {
                                        address.clone()
                                    } else {
                                        s.name
                                    },
                                    detail: address,
                                    group,
                                })
                            }
                        })
                        .collect(),
                );
            });
        })
    };
    let onkeydown = {
        let (offers, active, text, add, values, onchange) = (
            offers.clone(),
            active.clone(),
            text.clone(),
            add.clone(),
            props.values.clone(),
            props.onchange.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let n = offers.len();
            match e.key().as_str() {
                "ArrowDown" | "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    let down = e.key() == "ArrowDown";
                    active.set(Some(match (*active, down) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    }));
                }
                "Escape" if n > 0 => {
                    e.prevent_default();
                    e.stop_propagation();
                    offers.set(Vec::new());
                    active.set(None);
                }
                "Enter" | "Tab" => {
                    let picked = (*active)
                        .and_then(|i| offers.get(i))
                        .map(|o| o.value.clone());
                    let typed = split_recipients(&text);
                    if picked.is_none() && typed.is_empty() {
                        // Enter in an empty field does not send the form; Tab moves on.
                        if e.key() == "Enter" && !(e.ctrl_key() || e.meta_key()) {
                            e.prevent_default();
                        }
                        return;
                    }
                    // Ctrl+Enter sends: the recipient typed is kept, the form hears the key.
                    if !(e.ctrl_key() || e.meta_key()) {
                        e.prevent_default();
                    }
                    add.emit(picked.map(|p| vec![p]).unwrap_or(typed));
                }
                "Backspace" if text.is_empty() && !values.is_empty() => {
                    e.prevent_default();
                    let mut next = values.clone();
                    next.pop();
                    onchange.emit(next);
                }
                _ => {}
            }
        })
    };
    // Leaving the field keeps what was typed as a recipient.
    let onblur = {
        let (text, add) = (text.clone(), add.clone());
        Callback::from(move |_: FocusEvent| {
            add.emit(split_recipients(&text));
        })
    };
    let focus_input = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        })
    };
    let open = !offers.is_empty();
    let option_id = |i: usize| format!("{}-option-{i}", props.id);
    html! {
        <div class="recipients" onclick={focus_input}>
            <ul class="recipient-chips" id={format!("{}-chips", props.id)}>
                { for props.values.iter().enumerate().map(|(i, v)| {
                    let label = chip_label(v);
                    let refused = props.refused.contains(&i);
                    let group = !v.contains('@');
                    html! {
                        <li class={classes!("recipient", refused.then_some("refused"), group.then_some("group"))}
                            title={v.clone()}>
                            <span class="recipient-name">{ label.clone() }</span>
                            <button type="button" class="chip-remove" aria-label={format!("Remove {label}")}
                                onclick={remove(i)}>{ "×" }</button>
                        </li>
                    }
                }) }
            </ul>
            <input id={props.id.clone()} ref={input} type="text" inputmode="email" autocomplete="off"
                role="combobox" aria-autocomplete="list" aria-expanded={open.to_string()}
                aria-controls={list_id.clone()}
                aria-activedescendant={(*active).map(option_id)}
                value={(*text).clone()} {oninput} {onkeydown} {onblur} />
            if open {
                <ul class="suggestions" role="listbox" id={list_id}>
                    { for offers.iter().enumerate().map(|(i, o)| {
                        let pick = {
                            let (add, value) = (add.clone(), o.value.clone());
                            // Taken on mousedown, before the input loses its focus.
                            Callback::from(move |e: MouseEvent| {
                                e.prevent_default();
                                add.emit(vec![value.clone()]);
                            })
                        };
                        html! {
                            <li id={option_id(i)} role="option" aria-selected={(*active == Some(i)).to_string()}
                                class={classes!("suggestion-item", o.group.then_some("group"))} onmousedown={pick}>
                                <span class="suggestion-title">{ o.title.clone() }</span>
                                <span class="suggestion-detail">{ o.detail.clone() }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
