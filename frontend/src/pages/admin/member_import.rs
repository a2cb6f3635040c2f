//! Moving a list's members in and out: pasted CSV checked first (a dry run that says,
//! line by line, what an import would do), then imported; the roster exported as CSV.

use osprey_api_types::{ImportListMembers, MemberImportReport};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::download::{data_url, use_auto_download};
use crate::components::field::TextArea;

#[derive(Properties, PartialEq)]
pub struct MemberImportProps {
    pub list_id: AttrValue,
    /// Called after an import added members.
    pub onimported: Callback<()>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[function_component]
pub fn MemberImport(props: &MemberImportProps) -> Html {
    let api = use_api();
    let csv = use_state(String::new);
    let busy = use_state(|| false);
    let report = use_state(|| None::<MemberImportReport>);
    let error = use_state(|| None::<ApiError>);
    // A fresh export downloads at once.
    let (download, link) = use_auto_download();
    let run = |dry_run: bool| {
        let (api, csv, busy, report, error) = (
            api.clone(),
            csv.clone(),
            busy.clone(),
            report.clone(),
            error.clone(),
        );
        let (id, onimported) = (props.list_id.to_string(), props.onimported.clone());
        Callback::from(move |_: MouseEvent| {
            if csv.trim().is_empty() {
                return;
            }
            let body = ImportListMembers {
                csv: (*csv).clone(),
                dry_run,
                notify: true,
            };
            let (api, csv, busy, report, error, id, onimported) = (
                api.clone(),
                csv.clone(),
                busy.clone(),
                report.clone(),
                error.clone(),
                id.clone(),
                onimported.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api.import_members(&id, &body).await {
                    Ok(r) => {
                        if !r.dry_run && !r.added.is_empty() {
                            onimported.emit(());
                            if r.problems.is_empty() {
                                csv.set(String::new());
                            }
                        }
                        error.set(None);
                        report.set(Some(r));
                    }
                    Err(e) => {
                        report.set(None);
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };
    let export = {
        let (api, busy, error, download) =
            (api.clone(), busy.clone(), error.clone(), download.clone());
        let id = props.list_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let (api, busy, error, download, id) = (
                api.clone(),
                busy.clone(),
                error.clone(),
                download.clone(),
                id.clone(),
            );
            busy.set(true);
            download.set(None);
            spawn_local(async move {
                match api.export_members(&id).await {
                    Ok(text) => download.set(Some(data_url("text/csv", &text))),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <details class="member-import">
            <summary>{ "Import or export members" }</summary>
            <TextArea id="members-csv" label="Members to add (CSV)" rows={4}
                hint="One a line: address, name, delivery mode (each or nomail); a name with a comma in quotes. Check first: nothing changes until you press Import."
                value={(*csv).clone()} error={error.as_ref().and_then(|e| e.field("csv"))}
                oninput={let c = csv.clone(); Callback::from(move |v| c.set(v))} />
            <div class="actions">
                <button type="button" class="button" id="members-check" onclick={run(true)} disabled={*busy}>{ "Check" }</button>
                <button type="button" class="button primary" id="members-import" onclick={run(false)} disabled={*busy}>{ "Import" }</button>
                <button type="button" class="button" id="members-export" onclick={export} disabled={*busy}>{ "Export CSV" }</button>
                if let Some(url) = (*download).clone() {
                    <a ref={link} href={url} download="members.csv" class="visually-hidden">{ "members.csv" }</a>
                }
            </div>
            <ProblemBanner error={(*error).clone().filter(|e| e.field("csv").is_none())} />
            if let Some(r) = &*report {
                <div id="members-import-report">
                    <Banner tone={if r.problems.is_empty() { Tone::Success } else { Tone::Error }}>
                        { format!(
                            "{} {}; {} already.",
                            if r.dry_run { "Would add" } else { "Added" },
                            plural(r.added.len(), "member", "members"),
                            plural(r.already_members.len(), "member", "members"),
                        ) }
                        if !r.problems.is_empty() {
                            { format!(" {} not taken:", plural(r.problems.len(), "line", "lines")) }
                            <ul class="import-problems">
                                { for r.problems.iter().map(|p| html! {
                                    <li>{ format!("Line {}: {}", p.line, p.message) }</li>
                                }) }
                            </ul>
                        }
                    </Banner>
                </div>
            }
        </details>
    }
}
