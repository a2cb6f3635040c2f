//! The ordered list of an account's or a domain's rules: enable toggles, reorder by
//! dragging or with the move buttons, edit, delete and add. Every change sends the whole
//! list with the revision it was made on; a change made elsewhere meanwhile is refused
//! and the list offers to load again.

use osprey_api_types::{DeliveryRule, RulesDocument, RulesUpdate};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::editor::{RuleEditor, new_rule};
use super::labels;
use crate::api::{Api, ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::confirm::ConfirmButton;

/// Whose rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The signed-in account's.
    Mine,
    /// A domain's, by id.
    Domain(String),
}

impl Source {
    async fn load(&self, api: &Api) -> Result<RulesDocument, ApiError> {
        match self {
            Source::Mine => api.get_rules().await,
            Source::Domain(id) => api.get_domain_rules(id).await,
        }
    }

    async fn save(&self, api: &Api, body: &RulesUpdate) -> Result<RulesDocument, ApiError> {
        match self {
            Source::Mine => api.put_rules(body).await,
            Source::Domain(id) => api.put_domain_rules(id, body).await,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct RuleListProps {
    pub source: Source,
    /// Mailbox names for the editor's folder picker.
    #[prop_or_default]
    pub mailboxes: Vec<String>,
    /// Grows when the rules changed elsewhere on the page (the vacation card): load again.
    #[prop_or_default]
    pub generation: u32,
    /// Told the rules after every load and save.
    #[prop_or_default]
    pub onchange: Callback<Vec<DeliveryRule>>,
    /// A new rule to open the editor on (made from a message).
    #[prop_or_default]
    pub initial: Option<DeliveryRule>,
}

#[function_component]
pub fn RuleList(props: &RuleListProps) -> Html {
    let api = use_api();
    let doc = use_state(|| None::<RulesDocument>);
    let error = use_state(|| None::<ApiError>);
    // The rule the editor is open on, by index (`None`: a new one).
    let editing = {
        let initial = props.initial.clone();
        use_state(move || initial.map(|r| (None::<usize>, r)))
    };
    let busy = use_state(|| false);
    let saved = use_state(|| false);
    let dragged = use_state(|| None::<usize>);

    let load = {
        let (api, doc, error, onchange, source) = (
            api.clone(),
            doc.clone(),
            error.clone(),
            props.onchange.clone(),
            props.source.clone(),
        );
        Callback::from(move |()| {
            let (api, doc, error, onchange, source) = (
                api.clone(),
                doc.clone(),
                error.clone(),
                onchange.clone(),
                source.clone(),
            );
            spawn_local(async move {
                match source.load(&api).await {
                    Ok(d) => {
                        onchange.emit(d.rules.clone());
                        doc.set(Some(d));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((props.source.clone(), props.generation), move |_| {
            load.emit(());
        });
    }

    // Sends `rules` as the new list (shown at once when `optimistic`); closes the editor
    // when it is taken.
    let save = {
        let (api, doc, error, editing, busy, saved, onchange, source) = (
            api.clone(),
            doc.clone(),
            error.clone(),
            editing.clone(),
            busy.clone(),
            saved.clone(),
            props.onchange.clone(),
            props.source.clone(),
        );
        Callback::from(move |(rules, optimistic): (Vec<DeliveryRule>, bool)| {
            let before = (*doc).clone();
            let body = RulesUpdate {
                revision: before.as_ref().map(|d| d.revision),
                rules,
            };
            if optimistic && let Some(mut shown) = before.clone() {
                // Toggles and moves show at once (a controlled checkbox would otherwise
                // snap back until the answer), and are undone if the server refuses.
                shown.rules = body.rules.clone();
                doc.set(Some(shown));
            }
            busy.set(true);
            saved.set(false);
            let (api, doc, error, editing, busy, saved, onchange, source) = (
                api.clone(),
                doc.clone(),
                error.clone(),
                editing.clone(),
                busy.clone(),
                saved.clone(),
                onchange.clone(),
                source.clone(),
            );
            spawn_local(async move {
                match source.save(&api, &body).await {
                    Ok(d) => {
                        onchange.emit(d.rules.clone());
                        doc.set(Some(d));
                        error.set(None);
                        editing.set(None);
                        saved.set(true);
                    }
                    Err(e) => {
                        if optimistic {
                            doc.set(before);
                        }
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };

    let Some(current) = (*doc).clone() else {
        return html! {
            <div class="card" role="region" aria-labelledby="rules-title">
                <h2 id="rules-title">{ "Rules" }</h2>
                <ProblemBanner error={(*error).clone()} />
                if error.is_none() {
                    <p class="loading" aria-busy="true">{ "Loading rules…" }</p>
                }
            </div>
        };
    };
    let rules = current.rules.clone();
    let conflict =
        matches!(&*error, Some(ApiError::Problem { problem, .. }) if problem.status == 409);
    let with = |f: &dyn Fn(&mut Vec<DeliveryRule>)| {
        let mut next = rules.clone();
        f(&mut next);
        next
    };
    let editor_error = if editing.is_some() {
        (*error).clone()
    } else {
        None
    };

    html! {
        <div class="card" role="region" aria-labelledby="rules-title">
            <div class="list-head">
                <h2 id="rules-title">{ "Rules" }</h2>
                if editing.is_none() {
                    <button type="button" class="button primary" id="rule-new" onclick={{
                        let editing = editing.clone();
                        Callback::from(move |_| editing.set(Some((None, new_rule()))))
                    }}>{ "New rule" }</button>
                }
            </div>
            <p class="muted">{ "Rules run on each message as it arrives, from the top; drag a rule or use its arrows to change the order." }</p>
            if editing.is_none() {
                <ProblemBanner error={(*error).clone()} />
            }
            if conflict {
                <div class="actions">
                    <button type="button" class="button" onclick={load.reform(|_: MouseEvent| ())}>{ "Load the current rules" }</button>
                </div>
            }
            if *saved {
                <Banner tone={Tone::Success}>{ "Rules saved." }</Banner>
            }
            <ol class="rows rule-list" id="rule-list" aria-busy={busy.then_some("true")}>
                { for rules.iter().enumerate().map(|(i, r)| {
                    let last = i + 1 == rules.len();
                    let toggled = with(&|v: &mut Vec<DeliveryRule>| v[i].enabled = !v[i].enabled);
                    let up = (i > 0).then(|| with(&|v: &mut Vec<DeliveryRule>| v.swap(i - 1, i)));
                    let down = (!last).then(|| with(&|v: &mut Vec<DeliveryRule>| v.swap(i, i + 1)));
                    let removed = with(&|v: &mut Vec<DeliveryRule>| { v.remove(i); });
                    let ondrop = {
                        let (dragged, save, rules) = (dragged.clone(), save.clone(), rules.clone());
                        Callback::from(move |e: DragEvent| {
                            e.prevent_default();
                            if let Some(from) = *dragged && from != i {
                                let mut next = rules.clone();
                                let moved = next.remove(from);
                                next.insert(i, moved);
                                save.emit((next, true));
                            }
                            dragged.set(None);
                        })
                    };
                    let name = if r.name.is_empty() { format!("Rule {}", i + 1) } else { r.name.clone() };
                    html! {
                        <li class={classes!("row", (!r.enabled).then_some("disabled"))} draggable="true"
                            id={format!("rule-{i}")}
                            ondragstart={{ let d = dragged.clone(); Callback::from(move |_: DragEvent| d.set(Some(i))) }}
                            ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                            {ondrop}>
                            <span class="drag-handle" aria-hidden="true">{ "⋮⋮" }</span>
                            <div class="row-main">
                                <span class="row-title">{ name.clone() }</span>
                                if !r.enabled { <span class="tag">{ "off" }</span> }
                                <div class="row-meta">{ labels::summary(r) }</div>
                            </div>
                            <div class="row-actions">
                                <label class="switch">
                                    <input type="checkbox" id={format!("rule-{i}-enabled")} checked={r.enabled}
                                        aria-label={format!("Rule {name} enabled")}
                                        onchange={{ let save = save.clone(); Callback::from(move |_: Event| save.emit((toggled.clone(), true))) }} />
                                    <span class="muted">{ "On" }</span>
                                </label>
                                <button type="button" class="button subtle" aria-label={format!("Move {name} up")} disabled={up.is_none() || *busy}
                                    onclick={{ let save = save.clone(); Callback::from(move |_| if let Some(v) = &up { save.emit((v.clone(), true)) }) }}>{ "↑" }</button>
                                <button type="button" class="button subtle" aria-label={format!("Move {name} down")} disabled={down.is_none() || *busy}
                                    onclick={{ let save = save.clone(); Callback::from(move |_| if let Some(v) = &down { save.emit((v.clone(), true)) }) }}>{ "↓" }</button>
                                <button type="button" class="button" id={format!("rule-{i}-edit")}
                                    onclick={{ let (editing, r) = (editing.clone(), r.clone()); Callback::from(move |_| editing.set(Some((Some(i), r.clone())))) }}>{ "Edit" }</button>
                                <ConfirmButton label="Delete" subject={name.clone()} busy={*busy}
                                    onconfirm={{ let save = save.clone(); Callback::from(move |()| save.emit((removed.clone(), true))) }} />
                            </div>
                        </li>
                    }
                }) }
            </ol>
            if rules.is_empty() && editing.is_none() {
                <p class="empty">{ "No rules yet. New mail goes to the Inbox." }</p>
            }
            if let Some((index, rule)) = (*editing).clone() {
                <RuleEditor
                    key={format!("{index:?}")}
                    new={index.is_none()}
                    {rule}
                    mailboxes={props.mailboxes.clone()}
                    busy={*busy}
                    error={editor_error}
                    oncancel={{ let (editing, error) = (editing.clone(), error.clone()); Callback::from(move |()| { editing.set(None); error.set(None); }) }}
                    onsave={{
                        let (save, rules) = (save.clone(), rules.clone());
                        Callback::from(move |rule: DeliveryRule| {
                            let mut next = rules.clone();
                            match index {
                                Some(i) if i < next.len() => next[i] = rule,
                                _ => next.push(rule),
                            }
                            save.emit((next, false));
                        })
                    }}
                />
            }
        </div>
    }
}
