//! `/admin/domains/{id}/dns`: the records a domain publishes so that mail reaches this
//! server and receivers trust what it sends, each ready to copy; "Check DNS" looks them up
//! through the server's resolver and says what is missing or different. The DKIM key is
//! rotated here too.

use osprey_api_types::{DnsRecord, DnsStatus, DomainDns};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};

#[derive(Properties, PartialEq)]
pub struct DomainDnsPageProps {
    pub id: AttrValue,
}

/// A record's purpose in words.
fn label(r: &DnsRecord) -> String {
    match r.purpose.as_str() {
        "mx" => "Mail exchanger (MX)".to_owned(),
        "spf" => "Sender policy (SPF)".to_owned(),
        "dkim" => "Signing key (DKIM)".to_owned(),
        "dmarc" => "DMARC policy".to_owned(),
        "autoconfig" => "Client set-up, Thunderbird (CNAME)".to_owned(),
        "autodiscover" => "Client set-up, Outlook (CNAME)".to_owned(),
        "mta_sts" => "MTA-STS policy id (TXT)".to_owned(),
        "mta_sts_host" => "MTA-STS policy host (CNAME)".to_owned(),
        "tlsrpt" => "TLS reports (TLSRPT)".to_owned(),
        _ => {
            let service = r
                .name
                .strip_prefix('_')
                .and_then(|n| n.split_once('.'))
                .map_or("", |(s, _)| s);
            match service {
                "submissions" => "Sending, TLS (SRV)",
                "submission" => "Sending, STARTTLS (SRV)",
                "imaps" => "IMAP, TLS (SRV)",
                "imap" => "IMAP, STARTTLS (SRV)",
                "pop3s" => "POP3, TLS (SRV)",
                "pop3" => "POP3, STARTTLS (SRV)",
                _ => "Service (SRV)",
            }
            .to_owned()
        }
    }
}

fn status_tag(s: DnsStatus) -> Html {
    let (class, text) = match s {
        DnsStatus::Ok => ("ok", "Published"),
        DnsStatus::Missing => ("warn", "Missing"),
        DnsStatus::Different => ("warn", "Different"),
        DnsStatus::Unknown => ("warn", "Could not check"),
    };
    html! { <span class={classes!("tag", class)}>{ text }</span> }
}

/// Copies `text` to the clipboard; says so in `note`.
fn copy(text: String, what: String, note: UseStateHandle<Option<String>>) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        let (text, what, note) = (text.clone(), what.clone(), note.clone());
        spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => note.set(Some(format!("Copied {what}."))),
                Err(_) => note.set(Some(
                    "The browser did not allow copying: select the text and copy it.".into(),
                )),
            }
        });
    })
}

fn record_row(r: &DnsRecord, note: &UseStateHandle<Option<String>>) -> Html {
    let title = label(r);
    html! {
        <li class="row dns-record" key={format!("{} {}", r.name, r.record_type)} data-purpose={r.purpose.clone()}>
            <div class="row-main">
                <span class="row-title">{ title.clone() }</span>
                if !r.required { <span class="tag subtle">{ "Optional" }</span> }
                if let Some(s) = r.status { { status_tag(s) } }
                <p class="row-meta">{ r.about.clone() }</p>
                <dl class="dns-fields">
                    <dt>{ "Name" }</dt>
                    <dd><code>{ r.name.clone() }</code></dd>
                    <dt>{ "Type" }</dt>
                    <dd><code>{ r.record_type.clone() }</code></dd>
                    <dt>{ "Value" }</dt>
                    <dd><code class="dns-value">{ r.value.clone() }</code></dd>
                    if r.status.is_some() {
                        <dt>{ "Published" }</dt>
                        <dd>
                            if r.found.is_empty() { <span class="muted">{ "nothing" }</span> }
                            { for r.found.iter().map(|f| html! { <code class="dns-value dns-found">{ f.clone() }</code> }) }
                        </dd>
                    }
                </dl>
                if let Some(a) = &r.advice { <p class="dns-advice">{ a.clone() }</p> }
            </div>
            <div class="row-actions">
                <button type="button" class="button subtle" aria-label={format!("Copy value: {title}")}
                    onclick={copy(r.value.clone(), format!("the value of {title}"), note.clone())}>{ "Copy value" }</button>
                <button type="button" class="button subtle" aria-label={format!("Copy line: {title}")}
                    onclick={copy(r.zone_line.clone(), format!("the zone-file line of {title}"), note.clone())}>{ "Copy line" }</button>
            </div>
        </li>
    }
}

#[function_component]
pub fn DomainDnsPage(props: &DomainDnsPageProps) -> Html {
    let api = use_api();
    let dns = use_state(|| None::<DomainDns>);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<String>);
    let checking = use_state(|| false);
    // What to load: a counter, and whether to check.
    let load = use_state(|| (0u32, false));
    {
        let (api, dns, error, checking, id) = (
            api.clone(),
            dns.clone(),
            error.clone(),
            checking.clone(),
            props.id.to_string(),
        );
        use_effect_with((props.id.clone(), *load), move |(_, (_, check))| {
            let check = *check;
            checking.set(check);
            spawn_local(async move {
                match api.get_domain_dns(&id, Some(check)).await {
                    Ok(d) => {
                        error.set(None);
                        dns.set(Some(d));
                    }
                    Err(e) => error.set(Some(e)),
                }
                checking.set(false);
            });
        });
    }
    let check = {
        let (load, note) = (load.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            note.set(None);
            load.set((load.0 + 1, true));
        })
    };
    let confirming = use_state(|| false);
    let rotate = {
        let (api, id, error, note, load, confirming) = (
            api.clone(),
            props.id.to_string(),
            error.clone(),
            note.clone(),
            load.clone(),
            confirming.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, id, error, note, load, confirming) = (
                api.clone(),
                id.clone(),
                error.clone(),
                note.clone(),
                load.clone(),
                confirming.clone(),
            );
            spawn_local(async move {
                confirming.set(false);
                match api.rotate_dkim(&id).await {
                    Ok(k) => {
                        note.set(Some(format!(
                            "New DKIM key under the selector {}: publish its record below. Keep the old record a few days for mail on its way.",
                            k.selector
                        )));
                        load.set((load.0 + 1, false));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let title = match &*dns {
        Some(d) => format!("DNS of {}", d.domain),
        None => "DNS".to_owned(),
    };
    let zone = dns.as_ref().map(|d| {
        d.records
            .iter()
            .map(|r| r.zone_line.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    });
    let summary = dns.as_ref().filter(|d| d.checked_at.is_some()).map(|d| {
        let needed = d
            .records
            .iter()
            .filter(|r| r.required && r.status != Some(DnsStatus::Ok))
            .count();
        if needed == 0 {
            (
                Tone::Success,
                "Every record mail needs is published.".to_owned(),
            )
        } else {
            (
                Tone::Error,
                format!(
                    "{needed} record{} mail needs {} not published as below.",
                    if needed == 1 { "" } else { "s" },
                    if needed == 1 { "is" } else { "are" }
                ),
            )
        }
    });
    html! {
        <AdminLayout title={title}
            intro="Publish these records at the domain's DNS provider so that mail for it reaches this server, and receivers trust the mail it sends.">
            <div class="toolbar dns-toolbar">
                <button type="button" class="button primary" id="dns-check" onclick={check} disabled={*checking}>
                    { if *checking { "Checking…" } else { "Check DNS" } }
                </button>
                if let Some(z) = &zone {
                    <button type="button" class="button subtle" id="dns-copy-all"
                        onclick={copy(z.clone(), "every record as zone-file lines".into(), note.clone())}>{ "Copy all" }</button>
                }
                if *confirming {
                    <span class="confirm" role="group" aria-label="Make a new DKIM key">
                        <span class="confirm-question">{ "Make a new key? Mail is signed with it at once." }</span>
                        <button type="button" class="button danger" id="dkim-rotate-confirm" onclick={rotate}>{ "New key" }</button>
                        <button type="button" class="button subtle" onclick={cancel}>{ "Cancel" }</button>
                    </span>
                } else {
                    <button type="button" class="button subtle" id="dkim-rotate" onclick={ask}>{ "New DKIM key" }</button>
                }
            </div>
            <ProblemBanner error={(*error).clone()} />
            if let Some(n) = &*note { <Banner tone={Tone::Success}>{ n.clone() }</Banner> }
            if let Some((tone, text)) = summary {
                <div id="dns-summary"><Banner {tone}>{ text }</Banner></div>
            }
            if dns.is_none() && error.is_none() { <p class="loading">{ "Loading the records…" }</p> }
            <ul class="rows" id="dns-records" aria-busy={checking.then_some("true")}>
                { for dns.iter().flat_map(|d| d.records.iter()).map(|r| record_row(r, &note)) }
            </ul>
            if let Some(d) = &*dns {
                <p class="muted dns-host">{ format!("The MX and service records point at {}, this server's host name; it needs an A (or AAAA) record with the server's public address.", d.mail_host) }</p>
            }
        </AdminLayout>
    }
}
