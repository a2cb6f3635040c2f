//! "Check spelling" under a text field: the server's spell checker lists the words it does
//! not know with its suggestions; a suggestion replaces the word in the text, "Add to
//! dictionary" teaches the word to the account's personal dictionary. Both check again.

use osprey_api_types::{Misspelling, PersonalWord, SpellCheckRequest};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, use_api};
use crate::components::banner::ProblemBanner;

#[derive(Properties, PartialEq)]
pub struct SpellCheckProps {
    /// The id of the text field checked; the component's ids start with it.
    pub id: AttrValue,
    pub text: AttrValue,
    /// The text with a word replaced.
    pub onreplace: Callback<String>,
}

/// `text` with the characters `start..end` replaced by `with`.
fn replace_chars(text: &str, start: usize, end: usize, with: &str) -> String {
    let mut out: String = text.chars().take(start).collect();
    out.push_str(with);
    out.extend(text.chars().skip(end));
    out
}

type Found = UseStateHandle<Option<Vec<Misspelling>>>;

fn run(
    api: Api,
    text: String,
    found: Found,
    error: UseStateHandle<Option<ApiError>>,
    busy: UseStateHandle<bool>,
) {
    busy.set(true);
    spawn_local(async move {
        let req = SpellCheckRequest { text, lang: None };
        match api.check_spelling(&req).await {
            Ok(r) => {
                error.set(None);
                found.set(Some(r.misspellings));
            }
            Err(e) => error.set(Some(e)),
        }
        busy.set(false);
    });
}

#[function_component]
pub fn SpellCheck(props: &SpellCheckProps) -> Html {
    let api = use_api();
    let found: Found = use_state(|| None);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let check = {
        let (api, found, error, busy, text) = (
            api.clone(),
            found.clone(),
            error.clone(),
            busy.clone(),
            props.text.to_string(),
        );
        Callback::from(move |_: MouseEvent| {
            run(
                api.clone(),
                text.clone(),
                found.clone(),
                error.clone(),
                busy.clone(),
            )
        })
    };
    let list = match &*found {
        None => html! {},
        Some(list) if list.is_empty() => html! {
            <p class="muted" id={format!("{}-spelling-ok", props.id)}>{ "No spelling mistakes found." }</p>
        },
        Some(list) => html! {
            <ul class="spelling" id={format!("{}-spelling", props.id)}>
                { for list.iter().map(|m| {
                    let replace = |with: String| {
                        let (api, found, error, busy) = (api.clone(), found.clone(), error.clone(), busy.clone());
                        let text = replace_chars(&props.text, m.start as usize, m.end as usize, &with);
                        let onreplace = props.onreplace.clone();
                        Callback::from(move |_: MouseEvent| {
                            onreplace.emit(text.clone());
                            run(api.clone(), text.clone(), found.clone(), error.clone(), busy.clone());
                        })
                    };
                    let learn = {
                        let (api, found, error, busy) = (api.clone(), found.clone(), error.clone(), busy.clone());
                        let (word, text) = (m.word.clone(), props.text.to_string());
                        Callback::from(move |_: MouseEvent| {
                            let (api, found, error, busy) = (api.clone(), found.clone(), error.clone(), busy.clone());
                            let (word, text) = (word.clone(), text.clone());
                            spawn_local(async move {
                                match api.add_personal_word(&PersonalWord { word }).await {
                                    Ok(_) => run(api, text, found, error, busy),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    html! {
                        <li>
                            <span class="misspelt">{ m.word.clone() }</span>
                            { for m.suggestions.iter().map(|s| html! {
                                <button type="button" class="button suggestion" onclick={replace(s.clone())}
                                    aria-label={format!("Replace {} with {s}", m.word)}>{ s.clone() }</button>
                            }) }
                            <button type="button" class="button subtle learn" onclick={learn}
                                aria-label={format!("Add {} to my dictionary", m.word)}>{ "Add to dictionary" }</button>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <div class="spell-check">
            <button type="button" class="button" id={format!("{}-check-spelling", props.id)} onclick={check} disabled={*busy}>
                { if *busy { "Checking…" } else { "Check spelling" } }
            </button>
            <ProblemBanner error={(*error).clone()} />
            { list }
        </div>
    }
}
