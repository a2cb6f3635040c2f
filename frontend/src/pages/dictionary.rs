//! Settings → Account: the personal dictionary, the words the spell checker never flags
//! for this account (besides its contacts' names).

use osprey_api_types::PersonalWord;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;

#[function_component]
pub fn PersonalDictionary() -> Html {
    let api = use_api();
    let words = use_state(|| None::<Vec<String>>);
    let draft = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, words, error) = (api.clone(), words.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api.list_personal_words().await {
                    Ok(list) => words.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (api, words, draft, error) = (api.clone(), words.clone(), draft.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (api, words, draft, error) =
                (api.clone(), words.clone(), draft.clone(), error.clone());
            spawn_local(async move {
                let body = PersonalWord {
                    word: (*draft).trim().to_owned(),
                };
                match api.add_personal_word(&body).await {
                    Ok(added) => {
                        let mut list = (*words).clone().unwrap_or_default();
                        if !list.contains(&added.word) {
                            list.push(added.word);
                            list.sort();
                        }
                        words.set(Some(list));
                        draft.set(String::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let remove = |word: String| {
        let (api, words, error) = (api.clone(), words.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, words, error, word) =
                (api.clone(), words.clone(), error.clone(), word.clone());
            spawn_local(async move {
                match api.remove_personal_word(&word).await {
                    Ok(()) => words.set(Some(
                        (*words)
                            .clone()
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|w| *w != word)
                            .collect(),
                    )),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_error = error.as_ref().and_then(|e| e.field("word"));
    html! {
        <div class="card" aria-labelledby="dictionary-title" role="region">
            <h2 id="dictionary-title">{ "Personal dictionary" }</h2>
            <p class="muted">{ "Words the spell checker never marks as mistakes. Your contacts' names are never marked either." }</p>
            <ProblemBanner error={(*error).clone()} fields={&["word"][..]} />
            <form class="inline-form" {onsubmit}>
                <label for="dictionary-word">{ "New word" }</label>
                <input id="dictionary-word" value={(*draft).clone()} autocomplete="off"
                    aria-invalid={field_error.is_some().then_some("true")}
                    oninput={{ let draft = draft.clone(); Callback::from(move |e: InputEvent| draft.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                <button type="submit" class="button" id="dictionary-add">{ "Add" }</button>
            </form>
            if let Some(message) = field_error {
                <p class="field-error" id="dictionary-word-error">{ message }</p>
            }
            { match &*words {
                None => html! { <p class="muted">{ "Loading…" }</p> },
                Some(list) if list.is_empty() => html! { <p class="muted" id="dictionary-empty">{ "No words yet." }</p> },
                Some(list) => html! {
                    <ul class="chips" id="dictionary-words">
                        { for list.iter().map(|w| html! {
                            <li class="tag">
                                { w.clone() }
                                <button type="button" class="chip-remove" onclick={remove(w.clone())}
                                    aria-label={format!("Remove {w} from the dictionary")}>{ "✕" }</button>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </div>
    }
}
