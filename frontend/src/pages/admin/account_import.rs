//! Accounts in bulk: pasted CSV checked first (a dry run that says, line by line, what an
//! import would do), then imported — the good lines only when asked — with the
//! passwords the server drew shown once; the accounts exported as CSV.

use osprey_api_types::{AccountImportReport, ImportAccounts};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::download::{data_url, use_auto_download};
use crate::components::field::{Checkbox, TextArea};

#[derive(Properties, PartialEq)]
pub struct AccountImportProps {
    /// Called after an import created accounts.
    pub onimported: Callback<()>,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[function_component]
pub fn AccountImport(props: &AccountImportProps) -> Html {
    let api = use_api();
    let csv = use_state(String::new);
    let skip_invalid = use_state(|| false);
    let busy = use_state(|| false);
    let report = use_state(|| None::<AccountImportReport>);
    let error = use_state(|| None::<ApiError>);
    let (download, link) = use_auto_download();
    let run = |dry_run: bool| {
        let (api, csv, skip_invalid, busy, report, error) = (
            api.clone(),
            csv.clone(),
            skip_invalid.clone(),
            busy.clone(),
            report.clone(),
            error.clone(),
        );
        let onimported = props.onimported.clone();
        Callback::from(move |_: MouseEvent| {
            if csv.trim().is_empty() {
                error.set(Some(ApiError::local("csv", "Paste the accounts first.")));
                return;
            }
            let body = ImportAccounts {
                csv: (*csv).clone(),
                dry_run,
                skip_invalid: *skip_invalid,
            };
            let (api, csv, busy, report, error, onimported) = (
                api.clone(),
                csv.clone(),
                busy.clone(),
                report.clone(),
                error.clone(),
                onimported.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api.import_accounts(&body).await {
                    Ok(r) => {
                        if !r.dry_run && r.added > 0 {
                            onimported.emit(());
                            if r.problems == 0 {
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
        Callback::from(move |_: MouseEvent| {
            let (api, busy, error, download) =
                (api.clone(), busy.clone(), error.clone(), download.clone());
            busy.set(true);
            download.set(None);
            spawn_local(async move {
                match api.export_accounts(None).await {
                    Ok(text) => download.set(Some(data_url("text/csv", &text))),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let passwords: Vec<(String, String)> = report
        .iter()
        .flat_map(|r| r.lines.iter())
        .filter_map(|l| Some((l.address.clone(), l.generated_password.clone()?)))
        .collect();
    html! {
        <details class="member-import" id="account-import">
            <summary>{ "Import or export accounts" }</summary>
            <TextArea id="accounts-csv" label="Accounts to create (CSV)" rows={5} required=true
                hint="One a line: address, name, password, quota in MiB (or a first line naming these columns). A line without a password gets one from the server. Check first: nothing changes until you press Import."
                value={(*csv).clone()} error={error.as_ref().and_then(|e| e.field("csv"))}
                oninput={let c = csv.clone(); Callback::from(move |v| c.set(v))} />
            <Checkbox id="accounts-skip-invalid" label="Import the good lines even if others are bad"
                checked={*skip_invalid} onchange={let s = skip_invalid.clone(); Callback::from(move |v| s.set(v))} />
            <div class="actions">
                <button type="button" class="button" id="accounts-check" onclick={run(true)} disabled={*busy}>{ "Check" }</button>
                <button type="button" class="button primary" id="accounts-import" onclick={run(false)} disabled={*busy}>{ "Import" }</button>
                <button type="button" class="button" id="accounts-export" onclick={export} disabled={*busy}>{ "Export CSV" }</button>
                if let Some(url) = (*download).clone() {
                    <a ref={link} href={url} download="accounts.csv" class="visually-hidden">{ "accounts.csv" }</a>
                }
            </div>
            <ProblemBanner error={(*error).clone().filter(|e| e.field("csv").is_none())} />
            if let Some(r) = &*report {
                <div id="accounts-import-report">
                    <Banner tone={if r.problems == 0 { Tone::Success } else { Tone::Error }}>
                        { format!(
                            "{} {}.",
                            if r.dry_run { "Would create" } else { "Created" },
                            plural(r.added, "account", "accounts"),
                        ) }
                        if r.problems > 0 {
                            { format!(" {} not taken:", plural(r.problems, "line", "lines")) }
                            <ul class="import-problems">
                                { for r.lines.iter().filter_map(|l| l.problem.as_ref().map(|p| html! {
                                    <li>{ format!("Line {}: {}", l.line, p) }</li>
                                })) }
                            </ul>
                        }
                    </Banner>
                    if !passwords.is_empty() {
                        <div class="card" id="accounts-passwords">
                            <p class="lead">{ "Passwords the server drew — shown this once; hand them over now:" }</p>
                            <dl class="facts">
                                { for passwords.iter().map(|(a, p)| html! {
                                    <><dt>{ a.clone() }</dt><dd><code>{ p.clone() }</code></dd></>
                                }) }
                            </dl>
                        </div>
                    }
                </div>
            }
        </details>
    }
}
