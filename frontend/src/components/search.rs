//! The search box over a list: searches on submit and when cleared.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    pub onsearch: Callback<String>,
}

#[function_component]
pub fn SearchBox(props: &SearchBoxProps) -> Html {
    let draft = use_state(String::new);
    let oninput = {
        let draft = draft.clone();
        let onsearch = props.onsearch.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if value.is_empty() {
                onsearch.emit(String::new());
            }
            draft.set(value);
        })
    };
    let onsubmit = {
        let draft = draft.clone();
        let onsearch = props.onsearch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onsearch.emit((*draft).clone());
        })
    };
    html! {
        <form class="search" role="search" {onsubmit}>
            <label for={props.id.clone()} class="visually-hidden">{ props.label.clone() }</label>
            <input
                id={props.id.clone()}
                type="search"
                value={(*draft).clone()}
                {oninput}
                placeholder={props.placeholder.clone()}
            />
            <button type="submit" class="button">{ "Search" }</button>
        </form>
    }
}
