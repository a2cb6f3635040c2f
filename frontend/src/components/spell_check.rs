//! "Check spelling" under a text field: the server's spell checker lists the words it does
//! not know with its suggestions; a suggestion replaces the word in the text, "Add to
//! dictionary" teaches the word to the account's personal dictionary. Both check again.

use std::cell::RefCell;
use std::rc::Rc;

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

/// What a check changes, and the number of the latest check asked for: an answer to an
/// earlier one (a check after a replacement, overtaken by one after a word was added)
/// is dropped, so the newest text's mistakes are what shows.
#[derive(Clone)]
struct Checker {
    api: Api,
    found: Found,
    error: UseStateHandle<Option<ApiError>>,
    busy: UseStateHandle<bool>,
    latest: Rc<RefCell<u64>>,
}

impl Checker {
    fn run(&self, text: String) {
        let this = self.clone();
        let ticket = {
            let mut latest = self.latest.borrow_mut();
            *latest += 1;
            *latest
        };
        self.busy.set(true);
        spawn_local(async move {
            let req = SpellCheckRequest { text, lang: None };
            let answer = this.api.check_spelling(&req).await;
            if *this.latest.borrow() != ticket {
                return;
            }
            match answer {
                Ok(r) => {
                    this.error.set(None);
                    this.found.set(Some(r.misspellings));
                }
                Err(e) => this.error.set(Some(e)),
            }
            this.busy.set(false);
        });
    }
}

#[function_component]
pub fn SpellCheck(props: &SpellCheckProps) -> Html {
    let api = use_api();
    let found: Found = use_state(|| None);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let latest = use_mut_ref(|| 0u64);
    // The text as last shown or replaced here, for a check after a word is learnt.
    let current = use_mut_ref(String::new);
    *current.borrow_mut() = props.text.to_string();
    let checker = Checker {
        api: api.clone(),
        found: found.clone(),
        error: error.clone(),
        busy: busy.clone(),
        latest,
    };
    let check = {
        let (checker, text) = (checker.clone(), props.text.to_string());
        Callback::from(move |_: MouseEvent| checker.run(text.clone()))
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
                        let (checker, current) = (checker.clone(), current.clone());
                        let text = replace_chars(&props.text, m.start as usize, m.end as usize, &with);
                        let onreplace = props.onreplace.clone();
                        Callback::from(move |_: MouseEvent| {
                            *current.borrow_mut() = text.clone();
                            onreplace.emit(text.clone());
                            checker.run(text.clone());
                        })
                    };
                    let learn = {
                        let (checker, current, word) = (checker.clone(), current.clone(), m.word.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (checker, current, word) = (checker.clone(), current.clone(), word.clone());
                            spawn_local(async move {
                                match checker.api.add_personal_word(&PersonalWord { word }).await {
                                    Ok(_) => {
                                        let text = current.borrow().clone();
                                        checker.run(text);
                                    }
                                    Err(e) => checker.error.set(Some(e)),
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
                                aria-label={format!("Add to dictionary: {}", m.word)}>{ "Add to dictionary" }</button>
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
