//! Settings → Account: how mail is read and written — messages per page, when an opened
//! message is marked read, remote images of senders in the address book, the spell
//! checker's language, and the identities mail is sent as (address, name, signature).

use osprey_api_types::{Identity, Preferences, SpellLanguage};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Checkbox, Select};

const FIELDS: &[&str] = &[
    "messages_per_page",
    "mark_read_delay_secs",
    "spell_language",
    "identities",
];

/// The identity field `f` of row `i` set to `v`.
fn set_identity(p: &mut Preferences, i: usize, f: &str, v: String) {
    if let Some(id) = p.identities.get_mut(i) {
        match f {
            "address" => id.address = v,
            "name" => id.name = v,
            _ => id.signature = v,
        }
    }
}

/// The "mark as read" choices: the select's value and the delay.
const MARK_READ: [(&str, &str, Option<u32>); 6] = [
    ("0", "As soon as I open it", Some(0)),
    ("3", "After 3 seconds", Some(3)),
    ("5", "After 5 seconds", Some(5)),
    ("10", "After 10 seconds", Some(10)),
    ("30", "After 30 seconds", Some(30)),
    ("never", "Never (I mark it myself)", None),
];

#[function_component]
pub fn PreferencesCard() -> Html {
    let api = use_api();
    let prefs = use_state(|| None::<Preferences>);
    let languages = use_state(Vec::<SpellLanguage>::new);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    {
        let (api, prefs, languages, error) =
            (api.clone(), prefs.clone(), languages.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api.get_preferences().await {
                    Ok(p) => prefs.set(Some(p)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(list) = api.spell_languages().await {
                    languages.set(list);
                }
            });
        });
    }
    let Some(p) = (*prefs).clone() else {
        return html! {
            <div class="card" aria-labelledby="prefs-title" role="region">
                <h2 id="prefs-title">{ "Reading and writing" }</h2>
                <ProblemBanner error={(*error).clone()} />
                if error.is_none() { <p class="muted">{ "Loading…" }</p> }
            </div>
        };
    };
    let change = |f: fn(&mut Preferences, String)| {
        let (prefs, saved) = (prefs.clone(), saved.clone());
        Callback::from(move |v: String| {
            if let Some(mut p) = (*prefs).clone() {
                f(&mut p, v);
                prefs.set(Some(p));
                saved.set(false);
            }
        })
    };
    let onsubmit = {
        let (api, prefs, error, saved) = (api.clone(), prefs.clone(), error.clone(), saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (api, prefs, error, saved) =
                (api.clone(), prefs.clone(), error.clone(), saved.clone());
            let Some(body) = (*prefs).clone() else { return };
            spawn_local(async move {
                match api.put_preferences(&body).await {
                    Ok(p) => {
                        prefs.set(Some(p));
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let mark_value = MARK_READ
        .iter()
        .find(|(_, _, d)| *d == p.mark_read_delay_secs)
        .map_or("0", |(v, _, _)| v);
    let mut language_options: Vec<(AttrValue, AttrValue)> = languages
        .iter()
        .map(|l| (l.code.clone().into(), l.name.clone().into()))
        .collect();
    if !languages.iter().any(|l| l.code == p.spell_language) {
        language_options.push((
            p.spell_language.clone().into(),
            p.spell_language.clone().into(),
        ));
    }
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    html! {
        <div class="card" aria-labelledby="prefs-title" role="region">
            <h2 id="prefs-title">{ "Reading and writing" }</h2>
            <ProblemBanner error={(*error).clone()} fields={FIELDS} />
            if *saved {
                <Banner tone={Tone::Success}>{ "Saved." }</Banner>
            }
            <form class="form-grid" {onsubmit}>
                <Select id="prefs-page" label="Messages per page" value={p.messages_per_page.to_string()}
                    options={[25, 50, 100, 200].iter().map(|n| (AttrValue::from(n.to_string()), AttrValue::from(n.to_string()))).collect::<Vec<_>>()}
                    onchange={change(|p, v| p.messages_per_page = v.parse().unwrap_or(50))}
                    error={field_error("messages_per_page")} />
                <Select id="prefs-mark-read" label="Mark a message as read" value={mark_value}
                    options={MARK_READ.iter().map(|(v, l, _)| (AttrValue::from(*v), AttrValue::from(*l))).collect::<Vec<_>>()}
                    onchange={change(|p, v| p.mark_read_delay_secs = MARK_READ.iter().find(|(k, _, _)| *k == v).and_then(|(_, _, d)| *d))}
                    error={field_error("mark_read_delay_secs")} />
                <Select id="prefs-spell" label="Spell-check language" value={p.spell_language.clone()}
                    options={language_options} onchange={change(|p, v| p.spell_language = v)}
                    error={field_error("spell_language")} />
                <Checkbox id="prefs-conversations" label="Group messages by conversation"
                    checked={p.conversation_view}
                    onchange={{ let (prefs, saved) = (prefs.clone(), saved.clone()); Callback::from(move |on: bool| if let Some(mut p) = (*prefs).clone() { p.conversation_view = on; prefs.set(Some(p)); saved.set(false); }) }} />
                <Checkbox id="prefs-remote-images" label="Show remote images in messages from my contacts"
                    checked={p.show_remote_images_from_contacts}
                    onchange={{ let (prefs, saved) = (prefs.clone(), saved.clone()); Callback::from(move |on: bool| if let Some(mut p) = (*prefs).clone() { p.show_remote_images_from_contacts = on; prefs.set(Some(p)); saved.set(false); }) }} />
                <fieldset class="identities" id="prefs-identities">
                    <legend>{ "Send mail as" }</legend>
                    <p class="muted">{ "Your addresses, each with the name written with it and a signature; the first is used unless you choose another. Without one, mail goes out from your own address and name." }</p>
                    { for p.identities.iter().enumerate().map(|(i, id)| {
                        let edit = |f: &'static str| {
                            let (prefs, saved) = (prefs.clone(), saved.clone());
                            Callback::from(move |e: InputEvent| {
                                let v = if f == "signature" {
                                    e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()
                                } else {
                                    e.target_unchecked_into::<web_sys::HtmlInputElement>().value()
                                };
                                if let Some(mut p) = (*prefs).clone() { set_identity(&mut p, i, f, v); prefs.set(Some(p)); saved.set(false); }
                            })
                        };
                        let remove = { let (prefs, saved) = (prefs.clone(), saved.clone()); Callback::from(move |_: MouseEvent| if let Some(mut p) = (*prefs).clone() { p.identities.remove(i); prefs.set(Some(p)); saved.set(false); }) };
                        let err = |f: &str| field_error(&format!("identities[{i}].{f}"));
                        html! {
                            <div class="identity">
                                <label for={format!("identity-{i}-address")}>{ "Address" }</label>
                                <input id={format!("identity-{i}-address")} type="email" value={id.address.clone()} oninput={edit("address")} />
                                if let Some(e) = err("address") { <p class="field-error">{ e }</p> }
                                <label for={format!("identity-{i}-name")}>{ "Name" }</label>
                                <input id={format!("identity-{i}-name")} type="text" value={id.name.clone()} oninput={edit("name")} />
                                if let Some(e) = err("name") { <p class="field-error">{ e }</p> }
                                <label for={format!("identity-{i}-signature")}>{ "Signature" }</label>
                                <textarea id={format!("identity-{i}-signature")} rows="3" value={id.signature.clone()} oninput={edit("signature")} />
                                <button type="button" class="button subtle" onclick={remove}>{ "Remove" }</button>
                            </div>
                        }
                    }) }
                    <button type="button" class="button" id="prefs-add-identity" onclick={{
                        let (prefs, saved) = (prefs.clone(), saved.clone());
                        Callback::from(move |_: MouseEvent| if let Some(mut p) = (*prefs).clone() {
                            p.identities.push(Identity { address: String::new(), name: String::new(), signature: String::new() });
                            prefs.set(Some(p)); saved.set(false);
                        })
                    }}>{ "Add an address" }</button>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button primary" id="prefs-save">{ "Save" }</button>
                </div>
            </form>
        </div>
    }
}
