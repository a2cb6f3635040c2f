//! Moving contacts in and out: import a `.vcf` file (the server keeps the good cards and
//! lists the broken ones by line) and export the address book as vCard 4.0 or 3.0.

use osprey_api_types::{ImportContacts, ImportReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::download::{data_url, use_auto_download};

#[derive(Properties, PartialEq)]
pub struct TransferProps {
    /// Called after an import kept at least one card.
    pub onimported: Callback<()>,
}

#[function_component]
pub fn Transfer(props: &TransferProps) -> Html {
    let api = use_api();
    let busy = use_state(|| false);
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<ApiError>);
    // A fresh export downloads at once.
    let (download, link) = use_auto_download();
    let onfile = {
        let (api, busy, report, error) = (api.clone(), busy.clone(), report.clone(), error.clone());
        let onimported = props.onimported.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (api, busy, report, error) =
                (api.clone(), busy.clone(), report.clone(), error.clone());
            let onimported = onimported.clone();
            busy.set(true);
            spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                let result = match text {
                    Some(vcard) => api.import_contacts(&ImportContacts { vcard }).await,
                    None => Err(ApiError::Network("the file could not be read".into())),
                };
                busy.set(false);
                match result {
                    Ok(r) => {
                        if r.created + r.updated > 0 {
                            onimported.emit(());
                        }
                        error.set(None);
                        report.set(Some(r));
                    }
                    Err(e) => {
                        report.set(None);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let export = |version: &'static str| {
        let (api, busy, error, download) =
            (api.clone(), busy.clone(), error.clone(), download.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, busy, error, download) =
                (api.clone(), busy.clone(), error.clone(), download.clone());
            busy.set(true);
            download.set(None);
            spawn_local(async move {
                let result = api.export_contacts(Some(version)).await;
                busy.set(false);
                match result {
                    Ok(text) => download.set(Some(data_url("text/vcard", &text))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <div class="card transfer" id="contacts-transfer">
            <div class="actions">
                <label class="button" for="contacts-import">
                    { if *busy { "Working…" } else { "Import a vCard file…" } }
                </label>
                <input type="file" id="contacts-import" class="visually-hidden"
                    accept=".vcf,.vcard,text/vcard,text/x-vcard" onchange={onfile} disabled={*busy} />
                <button type="button" class="button" id="contacts-export" onclick={export("4.0")} disabled={*busy}>
                    { "Export (vCard 4.0)" }
                </button>
                <button type="button" class="button" id="contacts-export-3" onclick={export("3.0")} disabled={*busy}>
                    { "Export (vCard 3.0)" }
                </button>
                if let Some(url) = (*download).clone() {
                    <a ref={link} href={url} download="contacts.vcf" class="visually-hidden">{ "contacts.vcf" }</a>
                }
            </div>
            <ProblemBanner error={(*error).clone()} id="contacts-import-error" />
            if let Some(r) = &*report {
                <div id="contacts-import-report">
                    <Banner tone={if r.problems.is_empty() { Tone::Success } else { Tone::Error }}>
                        { format!("Imported {} new contact{}.", r.created, if r.created == 1 { "" } else { "s" }) }
                        if r.updated > 0 {
                            { format!(" Updated {}.", r.updated) }
                        }
                        if !r.problems.is_empty() {
                            { format!(" {} card{} could not be imported:", r.problems.len(), if r.problems.len() == 1 { "" } else { "s" }) }
                        }
                    </Banner>
                    if !r.problems.is_empty() {
                        <ul class="problems">
                            { for r.problems.iter().map(|p| html! {
                                <li>
                                    { format!("Line {}", p.line) }
                                    if let Some(n) = &p.name { { format!(" ({n})") } }
                                    { format!(": {}", p.message) }
                                </li>
                            }) }
                        </ul>
                    }
                </div>
            }
        </div>
    }
}
