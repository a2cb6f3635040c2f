//! "Run now": the rules (all, or one) applied to the mail already in a folder, with the
//! run's progress read every half second until it ends.

use gloo::timers::future::TimeoutFuture;
use osprey_api_types::{DeliveryRule, Mailbox, RuleRun, RuleRunRequest, RuleRunState};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::field::Select;

#[derive(Properties, PartialEq)]
pub struct RunNowProps {
    pub mailboxes: Vec<Mailbox>,
    pub rules: Vec<DeliveryRule>,
    /// Told when a run ends (folders' contents changed).
    #[prop_or_default]
    pub onfinished: Callback<()>,
}

fn summary(r: &RuleRun) -> String {
    let mut parts = vec![format!("{} of {} messages looked at", r.processed, r.total)];
    for (n, what) in [
        (r.matched, "matched"),
        (r.moved, "moved"),
        (r.copied, "copied"),
        (r.flagged, "flagged"),
        (r.trashed, "moved to Trash"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if r.skipped_actions > 0 {
        parts.push(format!(
            "{} forwards or answers not sent (they are only for new mail)",
            r.skipped_actions
        ));
    }
    parts.join(", ")
}

#[function_component]
pub fn RunNow(props: &RunNowProps) -> Html {
    let api = use_api();
    let inbox = props
        .mailboxes
        .iter()
        .find(|m| m.name == "INBOX")
        .or(props.mailboxes.first())
        .map(|m| m.id.clone())
        .unwrap_or_default();
    let mailbox = use_state(|| None::<String>);
    let rule = use_state(|| "all".to_owned());
    let run = use_state(|| None::<RuleRun>);
    let error = use_state(|| None::<ApiError>);
    let mailbox_id = (*mailbox).clone().unwrap_or(inbox);
    let running = run
        .as_ref()
        .is_some_and(|r| r.state == RuleRunState::Running);

    let onclick = {
        let (api, run, error, rule, mailbox_id, onfinished) = (
            api.clone(),
            run.clone(),
            error.clone(),
            rule.clone(),
            mailbox_id.clone(),
            props.onfinished.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = RuleRunRequest {
                mailbox_id: mailbox_id.clone(),
                rule_index: rule.parse().ok(),
            };
            let (api, run, error, onfinished) =
                (api.clone(), run.clone(), error.clone(), onfinished.clone());
            spawn_local(async move {
                let mut current = match api.start_run(&body).await {
                    Ok(r) => r,
                    Err(e) => {
                        error.set(Some(e));
                        return;
                    }
                };
                error.set(None);
                while current.state == RuleRunState::Running {
                    run.set(Some(current.clone()));
                    TimeoutFuture::new(500).await;
                    match api.get_run(&current.id).await {
                        Ok(r) => current = r,
                        Err(e) => {
                            error.set(Some(e));
                            return;
                        }
                    }
                }
                run.set(Some(current));
                onfinished.emit(());
            });
        })
    };

    let mut rule_options = vec![("all".into(), "All rules".into())];
    rule_options.extend(props.rules.iter().enumerate().map(|(i, r)| {
        let name = if r.name.is_empty() {
            format!("Rule {}", i + 1)
        } else {
            r.name.clone()
        };
        (i.to_string().into(), name.into())
    }));
    html! {
        <div class="card" role="region" aria-labelledby="run-title">
            <h2 id="run-title">{ "Apply to mail you already have" }</h2>
            <p class="muted">{ "Files, flags and deletes (to Trash) the messages of a folder as the rules would today. Forwards and answers are only sent for new mail." }</p>
            <ProblemBanner error={(*error).clone()} />
            <div class="form-grid">
                <Select id="run-mailbox" label="Folder" value={mailbox_id.clone()}
                    options={props.mailboxes.iter().map(|m| (m.id.clone().into(), m.name.clone().into())).collect::<Vec<_>>()}
                    onchange={{ let mailbox = mailbox.clone(); Callback::from(move |v| mailbox.set(Some(v))) }} />
                <Select id="run-rule" label="Rules" value={(*rule).clone()} options={rule_options}
                    onchange={{ let rule = rule.clone(); Callback::from(move |v| rule.set(v)) }} />
                <div class="actions">
                    <button type="button" class="button primary" id="run-start" {onclick}
                        disabled={running || props.rules.is_empty() || mailbox_id.is_empty()}>{ "Run now" }</button>
                </div>
            </div>
            if let Some(r) = &*run {
                <div class="run-progress" id="run-progress" role="status" aria-live="polite">
                    <progress max={r.total.max(1).to_string()} value={if r.total == 0 { "1".to_owned() } else { r.processed.to_string() }} />
                    <p>
                        <strong>{ match r.state {
                            RuleRunState::Running => "Running… ",
                            RuleRunState::Finished => "Done: ",
                            RuleRunState::Failed => "Stopped: ",
                        } }</strong>
                        { summary(r) }
                        { r.error.as_ref().map(|e| format!(". {e}")).unwrap_or_default() }
                    </p>
                </div>
            }
        </div>
    }
}
