//! The editor of one rule: its name, the condition rows and the action rows, each row a
//! field picker and the inputs that field needs.

use osprey_api_types::{
    ActionKind, ConditionField, DeliveryRule, RuleAction, RuleCondition, RuleMatch, TextOp,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::labels::{self, from_key, key};
use crate::api::ApiError;
use crate::components::address_input::AddressInput;
use crate::components::banner::Banner;

type Draft = UseStateHandle<DeliveryRule>;

/// A callback that changes the draft with what `read` takes from the event.
fn edit<E: 'static, V: 'static>(
    draft: &Draft,
    read: fn(E) -> V,
    f: impl Fn(&mut DeliveryRule, V) + 'static,
) -> Callback<E> {
    let draft = draft.clone();
    Callback::from(move |e: E| {
        let mut d = (*draft).clone();
        f(&mut d, read(e));
        draft.set(d);
    })
}

/// An input's text as it is typed.
fn on_input(
    draft: &Draft,
    f: impl Fn(&mut DeliveryRule, String) + 'static,
) -> Callback<InputEvent> {
    edit(
        draft,
        |e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value(),
        f,
    )
}

/// An input's text when it is left (lists typed with commas).
fn on_change(draft: &Draft, f: impl Fn(&mut DeliveryRule, String) + 'static) -> Callback<Event> {
    edit(
        draft,
        |e: Event| e.target_unchecked_into::<HtmlInputElement>().value(),
        f,
    )
}

fn on_select(draft: &Draft, f: impl Fn(&mut DeliveryRule, String) + 'static) -> Callback<Event> {
    edit(
        draft,
        |e: Event| e.target_unchecked_into::<HtmlSelectElement>().value(),
        f,
    )
}

fn on_check(draft: &Draft, f: impl Fn(&mut DeliveryRule, bool) + 'static) -> Callback<Event> {
    edit(
        draft,
        |e: Event| e.target_unchecked_into::<HtmlInputElement>().checked(),
        f,
    )
}

fn on_click(draft: &Draft, f: impl Fn(&mut DeliveryRule) + 'static) -> Callback<MouseEvent> {
    edit(draft, |_: MouseEvent| (), move |d, ()| f(d))
}

/// Where in the rule a server message points, for people: `rules[2].conditions[0].value`
/// is "Condition 1".
fn place(path: &str) -> String {
    let rest = path
        .split_once("].")
        .filter(|(head, _)| head.starts_with("rules["))
        .map_or(path, |(_, rest)| rest);
    let numbered = |prefix: &str, what: &str| {
        rest.strip_prefix(prefix)
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| format!("{what} {}", n + 1))
    };
    numbered("conditions[", "Condition")
        .or_else(|| numbered("actions[", "Action"))
        .unwrap_or_else(|| match rest {
            "name" => "Name".to_owned(),
            other => other.to_owned(),
        })
}

/// The editor's banner: each of the server's messages with the row it is about.
fn problem_text(error: &ApiError) -> String {
    match error {
        ApiError::Problem { problem, .. } if !problem.errors.is_empty() => {
            let lines: Vec<String> = problem
                .errors
                .iter()
                .map(|e| format!("{}: {}.", place(&e.field), e.message.trim_end_matches('.')))
                .collect();
            format!("The rule cannot be saved. {}", lines.join(" "))
        }
        other => other.banner(&[]),
    }
}

/// `a, b ,c` as `["a", "b", "c"]`.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn none_if_empty(v: String) -> Option<String> {
    (!v.trim().is_empty()).then_some(v)
}

pub fn empty_condition() -> RuleCondition {
    RuleCondition {
        field: ConditionField::From,
        name: None,
        op: Some(TextOp::Contains),
        value: Some(String::new()),
        case_sensitive: false,
        bytes: None,
    }
}

pub fn empty_action(kind: ActionKind) -> RuleAction {
    RuleAction {
        kind,
        mailbox: None,
        create_if_missing: matches!(kind, ActionKind::FileInto | ActionKind::CopyInto),
        flags: Vec::new(),
        to: Vec::new(),
        keep_copy: false,
        text: None,
        subject: None,
        body: None,
        from: None,
        start: None,
        end: None,
        days: None,
        addresses: Vec::new(),
    }
}

/// A new rule as the editor starts it.
pub fn new_rule() -> DeliveryRule {
    DeliveryRule {
        name: String::new(),
        enabled: true,
        match_mode: RuleMatch::All,
        conditions: vec![empty_condition()],
        actions: vec![empty_action(ActionKind::FileInto)],
        stop: false,
    }
}

/// The rule "Filter messages like this" starts from: the message's list when it came
/// through one, otherwise its sender; the subject is left for the user to add.
pub fn rule_from_message(q: &crate::pages::mail::reader::RuleFromMessage) -> Option<DeliveryRule> {
    let (name, condition) = match (&q.list_id, &q.from) {
        (Some(list), _) => (
            format!("List {list}"),
            RuleCondition {
                field: ConditionField::ListId,
                value: Some(list.clone()),
                ..empty_condition()
            },
        ),
        (None, Some(from)) => (
            format!("Mail from {from}"),
            RuleCondition {
                field: ConditionField::From,
                op: Some(TextOp::Is),
                value: Some(from.clone()),
                ..empty_condition()
            },
        ),
        (None, None) => return None,
    };
    Some(DeliveryRule {
        name,
        conditions: vec![condition],
        ..new_rule()
    })
}

#[derive(Properties, PartialEq)]
pub struct RuleEditorProps {
    pub rule: DeliveryRule,
    /// A rule not in the list yet.
    #[prop_or_default]
    pub new: bool,
    /// Mailbox names to offer for the folder actions.
    #[prop_or_default]
    pub mailboxes: Vec<String>,
    pub onsave: Callback<DeliveryRule>,
    pub oncancel: Callback<()>,
    #[prop_or_default]
    pub busy: bool,
    #[prop_or_default]
    pub error: Option<ApiError>,
}

#[function_component]
pub fn RuleEditor(props: &RuleEditorProps) -> Html {
    let draft = use_state(|| props.rule.clone());
    let onsubmit = {
        let (draft, onsave) = (draft.clone(), props.onsave.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut rule = (*draft).clone();
            rule.name = rule.name.trim().to_owned();
            onsave.emit(rule);
        })
    };
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let name_error = props.error.as_ref().and_then(|e| e.field("name"));
    html! {
        <form class="rule-editor" {onsubmit} aria-labelledby="rule-editor-title">
            <h3 id="rule-editor-title">{ if props.new { "New rule" } else { "Edit rule" } }</h3>
            if let Some(error) = &props.error {
                <Banner id="rule-editor-error">{ problem_text(error) }</Banner>
            }
            <div class={classes!("field", name_error.is_some().then_some("invalid"))}>
                <label for="rule-name">{ "Name" }</label>
                <input id="rule-name" required=true value={draft.name.clone()}
                    placeholder="e.g. Newsletters"
                    oninput={on_input(&draft, |d, v| d.name = v)} />
            </div>
            <fieldset class="field">
                <legend>{ "When a message arrives" }</legend>
                <div class="rule-row">
                    <label for="rule-match" class="visually-hidden">{ "How the conditions combine" }</label>
                    <select id="rule-match" onchange={on_select(&draft, |d, v| {
                        d.match_mode = if v == "any" { RuleMatch::Any } else { RuleMatch::All };
                    })}>
                        <option value="all" selected={draft.match_mode == RuleMatch::All}>{ "and all of these hold" }</option>
                        <option value="any" selected={draft.match_mode == RuleMatch::Any}>{ "and any of these holds" }</option>
                    </select>
                </div>
                { for draft.conditions.iter().enumerate().map(|(i, c)| condition_row(&draft, i, c)) }
                if draft.conditions.is_empty() {
                    <p class="muted">{ "No condition: the rule applies to every message." }</p>
                }
                <button type="button" class="button subtle" id="rule-add-condition"
                    onclick={on_click(&draft, |d| d.conditions.push(empty_condition()))}>{ "+ Add a condition" }</button>
            </fieldset>
            <fieldset class="field">
                <legend>{ "Do this" }</legend>
                <datalist id="rule-mailboxes">
                    { for props.mailboxes.iter().map(|m| html! { <option value={m.clone()} /> }) }
                </datalist>
                { for draft.actions.iter().enumerate().map(|(i, a)| action_row(&draft, i, a)) }
                <button type="button" class="button subtle" id="rule-add-action"
                    onclick={on_click(&draft, |d| d.actions.push(empty_action(ActionKind::SetFlags)))}>{ "+ Add an action" }</button>
            </fieldset>
            <div class="field check">
                <input type="checkbox" id="rule-stop" checked={draft.stop} onchange={on_check(&draft, |d, on| d.stop = on)} />
                <label for="rule-stop">{ "Stop here: no later rule runs for a message this rule matched" }</label>
            </div>
            <div class="field check">
                <input type="checkbox" id="rule-enabled" checked={draft.enabled} onchange={on_check(&draft, |d, on| d.enabled = on)} />
                <label for="rule-enabled">{ "Enabled" }</label>
            </div>
            <div class="actions">
                <button type="submit" class="button primary" id="rule-save" disabled={props.busy}>{ "Save rule" }</button>
                <button type="button" class="button" onclick={oncancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

fn condition_row(draft: &Draft, i: usize, c: &RuleCondition) -> Html {
    let id = |what: &str| format!("cond-{i}-{what}");
    let field = c.field;
    let op = c.op.unwrap_or(TextOp::Contains);
    html! {
        <div class="rule-row" role="group" aria-label={format!("Condition {}", i + 1)}>
            <label for={id("field")} class="visually-hidden">{ format!("Condition {}: what to look at", i + 1) }</label>
            <select id={id("field")} onchange={on_select(draft, move |d, v| {
                if let Some(f) = from_key(&labels::FIELDS, &v) {
                    let c = &mut d.conditions[i];
                    c.field = f;
                    if f != ConditionField::Header { c.name = None; }
                    if labels::is_text(f) {
                        c.op.get_or_insert(TextOp::Contains);
                        c.value.get_or_insert_with(String::new);
                        c.bytes = None;
                    } else {
                        c.op = None;
                        c.value = None;
                        c.bytes = labels::is_size(f).then_some(c.bytes.unwrap_or(1024 * 1024));
                    }
                }
            })}>
                { for labels::FIELDS.iter().map(|f| html! {
                    <option value={key(f)} selected={*f == field}>{ labels::field(*f) }</option>
                }) }
            </select>
            if field == ConditionField::Header {
                <label for={id("name")} class="visually-hidden">{ "Header field name" }</label>
                <input id={id("name")} placeholder="X-Spam-Flag" value={c.name.clone().unwrap_or_default()}
                    oninput={on_input(draft, move |d, v| d.conditions[i].name = Some(v))} />
            }
            if labels::is_text(field) {
                <label for={id("op")} class="visually-hidden">{ "How to compare" }</label>
                <select id={id("op")} onchange={on_select(draft, move |d, v| {
                    d.conditions[i].op = from_key(&labels::OPS, &v);
                })}>
                    { for labels::OPS.iter().filter(|o| field == ConditionField::Header || !matches!(o, TextOp::Exists | TextOp::NotExists)).map(|o| html! {
                        <option value={key(o)} selected={*o == op}>{ labels::op(*o) }</option>
                    }) }
                </select>
                if !matches!(op, TextOp::Exists | TextOp::NotExists) {
                    <label for={id("value")} class="visually-hidden">{ "Value" }</label>
                    <input id={id("value")} value={c.value.clone().unwrap_or_default()}
                        oninput={on_input(draft, move |d, v| d.conditions[i].value = Some(v))} />
                }
            }
            if labels::is_size(field) {
                <label for={id("kb")} class="visually-hidden">{ "Size in KB" }</label>
                <input id={id("kb")} inputmode="numeric" class="short" value={(c.bytes.unwrap_or(0) / 1024).to_string()}
                    onchange={on_change(draft, move |d, v| d.conditions[i].bytes = v.trim().parse::<u64>().ok().map(|kb| kb * 1024))} />
                <span class="muted">{ "KB" }</span>
            }
            <button type="button" class="button subtle" aria-label={format!("Remove condition {}", i + 1)}
                onclick={on_click(draft, move |d| { d.conditions.remove(i); })}>{ "✕" }</button>
        </div>
    }
}

fn action_row(draft: &Draft, i: usize, a: &RuleAction) -> Html {
    let id = |what: &str| format!("act-{i}-{what}");
    let kind = a.kind;
    let kinds: Vec<ActionKind> = if labels::ACTIONS.contains(&kind) {
        labels::ACTIONS.to_vec()
    } else {
        [kind].into_iter().chain(labels::ACTIONS).collect()
    };
    let text_area = |what: &'static str, value: Option<String>, f: fn(&mut RuleAction, String)| {
        let draft = draft.clone();
        html! {
            <>
                <label for={id(what)} class="visually-hidden">{ what }</label>
                <textarea id={id(what)} rows="3" value={value.unwrap_or_default()} oninput={Callback::from(move |e: InputEvent| {
                    let mut d = (*draft).clone();
                    f(&mut d.actions[i], e.target_unchecked_into::<HtmlTextAreaElement>().value());
                    draft.set(d);
                })} />
            </>
        }
    };
    html! {
        <div class="rule-row" role="group" aria-label={format!("Action {}", i + 1)}>
            <label for={id("type")} class="visually-hidden">{ format!("Action {}", i + 1) }</label>
            <select id={id("type")} onchange={on_select(draft, move |d, v| {
                if let Some(k) = from_key(&labels::ACTIONS, &v) {
                    d.actions[i] = empty_action(k);
                }
            })}>
                { for kinds.iter().map(|k| html! {
                    <option value={key(k)} selected={*k == kind}>{ labels::action(*k) }</option>
                }) }
            </select>
            if matches!(kind, ActionKind::FileInto | ActionKind::CopyInto) {
                <label for={id("mailbox")} class="visually-hidden">{ "Folder" }</label>
                <input id={id("mailbox")} list="rule-mailboxes" placeholder="Folder" value={a.mailbox.clone().unwrap_or_default()}
                    oninput={on_input(draft, move |d, v| d.actions[i].mailbox = Some(v))} />
                <span class="field check inline">
                    <input type="checkbox" id={id("create")} checked={a.create_if_missing}
                        onchange={on_check(draft, move |d, on| d.actions[i].create_if_missing = on)} />
                    <label for={id("create")}>{ "create it if missing" }</label>
                </span>
            }
            if kind == ActionKind::SetFlags {
                <label for={id("flags")} class="visually-hidden">{ "Flags or labels, separated by commas" }</label>
                <input id={id("flags")} placeholder="\\Flagged, $Work" value={a.flags.join(", ")}
                    onchange={on_change(draft, move |d, v| d.actions[i].flags = split_list(&v))} />
            }
            if matches!(kind, ActionKind::Forward | ActionKind::Redirect) {
                <label for={id("to")} class="visually-hidden">{ "Addresses, separated by commas" }</label>
                <AddressInput id={id("to")} placeholder="name@example.com" value={a.to.join(", ")}
                    onchange={{
                        let draft = draft.clone();
                        Callback::from(move |v: String| {
                            let mut d = (*draft).clone();
                            d.actions[i].to = split_list(&v);
                            draft.set(d);
                        })
                    }} />
            }
            if kind == ActionKind::Forward {
                <span class="field check inline">
                    <input type="checkbox" id={id("keep")} checked={a.keep_copy}
                        onchange={on_check(draft, move |d, on| d.actions[i].keep_copy = on)} />
                    <label for={id("keep")}>{ "keep a copy" }</label>
                </span>
            }
            if kind == ActionKind::Reject {
                { text_area("text", a.text.clone(), |a, v| a.text = none_if_empty(v)) }
            }
            if kind == ActionKind::AutoReply {
                <label for={id("subject")} class="visually-hidden">{ "Subject of the answer" }</label>
                <input id={id("subject")} placeholder="Subject (optional)" value={a.subject.clone().unwrap_or_default()}
                    oninput={on_input(draft, move |d, v| d.actions[i].subject = none_if_empty(v))} />
                { text_area("body", a.body.clone(), |a, v| a.body = Some(v)) }
            }
            <button type="button" class="button subtle" aria-label={format!("Remove action {}", i + 1)}
                onclick={on_click(draft, move |d| { d.actions.remove(i); })}>{ "✕" }</button>
        </div>
    }
}
