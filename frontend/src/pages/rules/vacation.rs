//! The out-of-office answer: on or off, the days it covers, its text and how often one
//! sender hears it. It is the rule named "Vacation" in the list, edited here.

use chrono::NaiveDate;
use osprey_api_types::{VacationAnswer, VacationUpdate};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Checkbox, TextArea, TextField};
use crate::components::spell_check::SpellCheck;

#[derive(Properties, PartialEq)]
pub struct VacationCardProps {
    #[prop_or_default]
    pub generation: u32,
    /// Told after a save (the rule list shows the answer as a rule).
    pub onsaved: Callback<()>,
}

#[derive(Clone, Default, PartialEq)]
struct Form {
    enabled: bool,
    start: String,
    end: String,
    subject: String,
    body: String,
    days: String,
    revision: i64,
}

#[function_component]
pub fn VacationCard(props: &VacationCardProps) -> Html {
    let api = use_api();
    let form = use_state(|| None::<Form>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let saved = use_state(|| false);
    {
        let (api, form, error) = (api.clone(), form.clone(), error.clone());
        use_effect_with(props.generation, move |_| {
            spawn_local(async move {
                match api.get_vacation().await {
                    Ok(doc) => {
                        let v = doc.vacation.unwrap_or(VacationAnswer {
                            body: String::new(),
                            subject: None,
                            from: None,
                            start: None,
                            end: None,
                            days: None,
                            addresses: vec![],
                        });
                        let date =
                            |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                        form.set(Some(Form {
                            enabled: doc.enabled,
                            start: date(v.start),
                            end: date(v.end),
                            subject: v.subject.unwrap_or_default(),
                            body: v.body,
                            days: v.days.map(|d| d.to_string()).unwrap_or_default(),
                            revision: doc.revision,
                        }));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let Some(f) = (*form).clone() else {
        return html! {
            <div class="card" role="region" aria-labelledby="vacation-title">
                <h2 id="vacation-title">{ "Out of office" }</h2>
                <ProblemBanner error={(*error).clone()} />
                if error.is_none() { <p class="loading" aria-busy="true">{ "Loading…" }</p> }
            </div>
        };
    };
    let set = |change: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            if let Some(mut f) = (*form).clone() {
                change(&mut f, v);
                form.set(Some(f));
            }
        })
    };
    let onsubmit = {
        let (api, form, error, busy, saved, onsaved) = (
            api.clone(),
            form.clone(),
            error.clone(),
            busy.clone(),
            saved.clone(),
            props.onsaved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = (*form).clone() else { return };
            let date = |s: &str, field: &str| -> Result<Option<NaiveDate>, ApiError> {
                if s.trim().is_empty() {
                    return Ok(None);
                }
                s.parse()
                    .map(Some)
                    .map_err(|_| ApiError::local(field, "Enter a date like 2026-12-24."))
            };
            let days = match crate::format::parse_count(&f.days) {
                Ok(d) => d,
                Err(m) => {
                    error.set(Some(ApiError::local("vacation.days", m)));
                    return;
                }
            };
            let (start, end) = match (
                date(&f.start, "vacation.start"),
                date(&f.end, "vacation.end"),
            ) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(e), _) | (_, Err(e)) => {
                    error.set(Some(e));
                    return;
                }
            };
            let body = VacationUpdate {
                enabled: f.enabled,
                vacation: VacationAnswer {
                    body: f.body.clone(),
                    subject: (!f.subject.trim().is_empty()).then(|| f.subject.trim().to_owned()),
                    from: None,
                    start,
                    end,
                    days,
                    addresses: vec![],
                },
                revision: None,
            };
            busy.set(true);
            saved.set(false);
            let (api, error, busy, saved, onsaved) = (
                api.clone(),
                error.clone(),
                busy.clone(),
                saved.clone(),
                onsaved.clone(),
            );
            spawn_local(async move {
                match api.put_vacation(&body).await {
                    Ok(_) => {
                        error.set(None);
                        saved.set(true);
                        onsaved.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    html! {
        <div class="card" role="region" aria-labelledby="vacation-title">
            <h2 id="vacation-title">{ "Out of office" }</h2>
            <p class="muted">{ "Answers mail addressed to you while you are away: each sender at most once in the period you choose, never mailing lists, automatic mail or bounces." }</p>
            <ProblemBanner error={(*error).clone()} fields={&["vacation.body", "vacation.start", "vacation.end", "vacation.days", "vacation.subject"][..]} />
            if *saved {
                <Banner tone={Tone::Success}>{ if f.enabled { "The out-of-office answer is on." } else { "The out-of-office answer is off." } }</Banner>
            }
            <form class="form-grid" {onsubmit}>
                <Checkbox id="vacation-enabled" label="Send the out-of-office answer" checked={f.enabled}
                    onchange={{ let form = form.clone(); Callback::from(move |on: bool| if let Some(mut f) = (*form).clone() { f.enabled = on; form.set(Some(f)); }) }} />
                <TextField id="vacation-start" label="First day" kind="date" value={f.start.clone()}
                    hint="Empty: from now." oninput={set(|f, v| f.start = v)} error={field_error("vacation.start")} />
                <TextField id="vacation-end" label="Last day" kind="date" value={f.end.clone()}
                    hint="Empty: until you turn it off." oninput={set(|f, v| f.end = v)} error={field_error("vacation.end")} />
                <TextField id="vacation-subject" label="Subject" value={f.subject.clone()}
                    hint="Empty: “Auto:” and the subject of the message answered." oninput={set(|f, v| f.subject = v)} error={field_error("vacation.subject")} />
                <div class="field-with-tools">
                    <TextArea id="vacation-body" label="Message" value={f.body.clone()} rows={5} required=true
                        oninput={set(|f, v| f.body = v)} error={field_error("vacation.body")} />
                    <SpellCheck id="vacation-body" text={f.body.clone()} onreplace={set(|f, v| f.body = v)} />
                </div>
                <TextField id="vacation-days" label="Answer each sender once every (days)" inputmode="numeric" value={f.days.clone()}
                    hint="Empty: 7 days." oninput={set(|f, v| f.days = v)} error={field_error("vacation.days")} />
                <div class="actions">
                    <button type="submit" class="button primary" id="vacation-save" disabled={*busy}>{ "Save out-of-office" }</button>
                </div>
            </form>
        </div>
    }
}
