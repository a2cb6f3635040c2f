//! A text input for e-mail addresses, separated by commas, that offers the address book's
//! suggestions for the address being typed (the server ranks them).

use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::use_api;

#[derive(Properties, PartialEq)]
pub struct AddressInputProps {
    pub id: AttrValue,
    pub value: AttrValue,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// The whole text, when the input is committed (blur, Enter, a suggestion picked).
    pub onchange: Callback<String>,
}

/// Most suggestions shown.
const SHOWN: u32 = 8;

#[function_component]
pub fn AddressInput(props: &AddressInputProps) -> Html {
    let api = use_api();
    // (the text the suggestions were asked for, value and label of each)
    let options = use_state(Vec::<(String, String)>::new);
    let asked = use_mut_ref(|| 0u32);
    // What is typed; the parent hears of it when it is committed.
    let text = use_state(|| props.value.to_string());
    {
        let text = text.clone();
        use_effect_with(props.value.clone(), move |v| text.set(v.to_string()));
    }
    let list_id = format!("{}-suggestions", props.id);
    let oninput = {
        let (options, asked, typed) = (options.clone(), asked.clone(), text.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(text.clone());
            let (before, term) = match text.rfind(',') {
                Some(i) => (
                    format!("{}, ", text[..i].trim_end()),
                    text[i + 1..].trim().to_owned(),
                ),
                None => (String::new(), text.trim().to_owned()),
            };
            let ticket = {
                let mut n = asked.borrow_mut();
                *n += 1;
                *n
            };
            if term.is_empty() {
                options.set(Vec::new());
                return;
            }
            let (api, options, asked) = (api.clone(), options.clone(), asked.clone());
            spawn_local(async move {
                let Ok(found) = api.suggest_recipients(Some(&term), Some(SHOWN)).await else {
                    return;
                };
                // An answer to an older keystroke is dropped.
                if *asked.borrow() != ticket {
                    return;
                }
                options.set(
                    found
                        .into_iter()
                        .map(|s| {
                            let label = if s.kind == "group" {
                                format!("{} (group)", s.name)
                            } else {
                                s.name.clone()
                            };
                            (format!("{before}{}", s.addresses.join(", ")), label)
                        })
                        .collect(),
                );
            });
        })
    };
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <>
            <input id={props.id.clone()} type="text" inputmode="email" autocomplete="off"
                list={list_id.clone()} placeholder={props.placeholder.clone()}
                value={(*text).clone()} {oninput} {onchange} />
            <datalist id={list_id}>
                { for options.iter().map(|(value, label)| html! {
                    <option value={value.clone()}>{ label.clone() }</option>
                }) }
            </datalist>
        </>
    }
}
