//! Banner ads (server administrators for every domain's pages, domain administrators
//! for their domains'): the campaigns with what each showed and was clicked, a form to
//! start one (text, link, pages, weight, dates), an image for each, stopping and ending
//! them, and the accounts that see no ads.

use osprey_api_types::{AdCampaign, AdCampaignInput, AdDay, AdExemption, AdExemptionInput};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use super::chart::{LineChart, Series, day_label};
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Checkbox, TextField, chosen_file};
use crate::state::use_session;

const PAGES: [(&str, &str); 3] = [
    ("webmail", "Webmail"),
    ("calendar", "Calendar"),
    ("login", "Sign-in page"),
];

#[derive(Clone, PartialEq)]
struct Draft {
    domain: String,
    name: String,
    text: String,
    link: String,
    targets: Vec<String>,
    weight: String,
    starts: String,
    ends: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            domain: String::new(),
            name: String::new(),
            text: String::new(),
            link: "https://".to_owned(),
            targets: vec!["webmail".to_owned()],
            weight: "1".to_owned(),
            starts: String::new(),
            ends: String::new(),
        }
    }
}

/// A day typed as `YYYY-MM-DD`, as midnight UTC.
fn day(field: &str, s: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| Some(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
        .map_err(|_| ApiError::local(field, format!("“{s}” is not a date like 2026-12-31.")))
}

impl Draft {
    fn input(&self) -> Result<AdCampaignInput, ApiError> {
        let weight = self
            .weight
            .trim()
            .parse()
            .map_err(|_| ApiError::local("weight", "Type a whole number from 1 to 1000."))?;
        let domain = self.domain.trim();
        Ok(AdCampaignInput {
            domain: (!domain.is_empty()).then(|| domain.to_owned()),
            name: self.name.clone(),
            text: self.text.clone(),
            link_url: self.link.clone(),
            targets: self.targets.clone(),
            weight: Some(weight),
            starts_at: day("starts_at", &self.starts)?,
            // The last day it shows, whole: it ends at the next midnight.
            ends_at: day("ends_at", &self.ends)?.map(|e| e + chrono::Duration::days(1)),
            enabled: Some(true),
        })
    }
}

fn ctr(c: &AdCampaign) -> String {
    match (c.clicks * 1000).checked_div(c.impressions) {
        Some(permille) => format!("{}.{}%", permille / 10, permille % 10),
        None => "—".to_owned(),
    }
}

/// The days of a campaign's statistics.
const STAT_DAYS: i64 = 30;

#[derive(Properties, PartialEq)]
struct AdStatsProps {
    id: AttrValue,
    name: AttrValue,
}

/// A campaign's last 30 days: showings and clicks per day, as a chart.
#[function_component]
fn AdStats(props: &AdStatsProps) -> Html {
    let api = use_api();
    let days = use_state(|| None::<Vec<AdDay>>);
    {
        let days = days.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                if let Ok(d) = api.list_ad_days(&id, Some(STAT_DAYS as u32)).await {
                    days.set(Some(d));
                }
            });
        });
    }
    let Some(counted) = &*days else {
        return html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> };
    };
    // chrono's clock panics in wasm: the browser's, in UTC (the days are UTC days).
    let today = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .unwrap_or_default()
        .date_naive();
    let span: Vec<chrono::NaiveDate> = (0..STAT_DAYS)
        .rev()
        .map(|back| today - chrono::Duration::days(back))
        .collect();
    let on = |d: &chrono::NaiveDate, f: fn(&AdDay) -> u64| {
        counted.iter().find(|c| c.day == *d).map_or(0, f)
    };
    let labels: Vec<String> = span.iter().map(|d| day_label(*d)).collect();
    let ticks: Vec<(usize, String)> = (0..labels.len())
        .rev()
        .step_by(7)
        .map(|i| (i, labels[i].clone()))
        .collect();
    let series = vec![
        Series {
            label: "Shown",
            class: "c1",
            values: span.iter().map(|d| on(d, |c| c.impressions)).collect(),
        },
        Series {
            label: "Clicks",
            class: "c2",
            values: span.iter().map(|d| on(d, |c| c.clicks)).collect(),
        },
    ];
    html! {
        <LineChart id={format!("ad-chart-{}", props.id)} title={format!("{}: the last 30 days", props.name)}
            labels={labels} ticks={ticks} series={series} />
    }
}

#[function_component]
pub fn AdsPage() -> Html {
    let api = use_api();
    let session = use_session();
    let campaigns = use_state(|| None::<Vec<AdCampaign>>);
    let exempt = use_state(Vec::<AdExemption>::new);
    let reload = use_state(|| 0u32);
    let draft = use_state(Draft::default);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<String>);
    let exempt_address = use_state(String::new);
    // The campaign whose statistics are open.
    let open = use_state(|| None::<String>);
    {
        let (api, campaigns, exempt, error) = (
            api.clone(),
            campaigns.clone(),
            exempt.clone(),
            error.clone(),
        );
        use_effect_with(*reload, move |_| {
            spawn_local(async move {
                match api.list_ad_campaigns().await {
                    Ok(list) => campaigns.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
                if let Ok(list) = api.list_ad_exemptions().await {
                    exempt.set(list);
                }
            });
        });
    }
    let done = {
        let (reload, note, error) = (reload.clone(), note.clone(), error.clone());
        Callback::from(
            move |(result, said): (Result<(), ApiError>, String)| match result {
                Ok(()) => {
                    error.set(None);
                    note.set(Some(said));
                    reload.set(*reload + 1);
                }
                Err(e) => {
                    note.set(None);
                    error.set(Some(e));
                }
            },
        )
    };
    let onsubmit = {
        let (api, draft, done) = (api.clone(), draft.clone(), done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (api, draft, done) = (api.clone(), draft.clone(), done.clone());
            spawn_local(async move {
                let result = match draft.input() {
                    Ok(input) => api.create_ad_campaign(&input).await.map(drop),
                    Err(e) => Err(e),
                };
                if result.is_ok() {
                    draft.set(Draft::default());
                }
                done.emit((result, "Campaign started.".to_owned()));
            });
        })
    };
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let rows = campaigns.as_ref().map(|list| {
        list.iter().map(|c| {
            let id = c.id.clone();
            let remove = {
                let (api, done, id, name) = (api.clone(), done.clone(), id.clone(), c.name.clone());
                Callback::from(move |_: MouseEvent| {
                    let (api, done, id, name) = (api.clone(), done.clone(), id.clone(), name.clone());
                    spawn_local(async move {
                        let r = api.delete_ad_campaign(&id).await;
                        done.emit((r, format!("Campaign {name} ended.")));
                    });
                })
            };
            let upload = {
                let (api, done, id) = (api.clone(), done.clone(), id.clone());
                Callback::from(move |e: Event| {
                    let Some(form) = chosen_file(&e) else { return };
                    let (api, done, id) = (api.clone(), done.clone(), id.clone());
                    spawn_local(async move {
                        let r = api.put_ad_image(&id, &form).await.map(drop);
                        done.emit((r, "Image saved.".to_owned()));
                    });
                })
            };
            let scope = c.domain.clone().unwrap_or_else(|| "every domain".to_owned());
            let showing = open.as_deref() == Some(id.as_str());
            let toggle = {
                let (open, id) = (open.clone(), id.clone());
                Callback::from(move |_: MouseEvent| open.set((!showing).then(|| id.clone())))
            };
            html! {
                <li class="row ad-row" key={id.clone()}>
                    <div class="row-main">
                        <span class="row-title">{ c.name.clone() }</span>
                        if !c.enabled { <span class="tag">{ "Stopped" }</span> }
                        <div class="row-meta">{ format!("“{}” → {}", c.text, c.link_url) }</div>
                        <div class="row-meta">{ format!("{scope} · {} · weight {}", c.targets.join(", "), c.weight) }</div>
                        <div class="row-meta ad-counts">{ format!("{} shown · {} clicks · {}", c.impressions, c.clicks, ctr(c)) }</div>
                        if showing { <AdStats id={id.clone()} name={c.name.clone()} /> }
                    </div>
                    <div class="row-actions">
                        <button type="button" class="button subtle" aria-expanded={showing.to_string()} onclick={toggle}
                            id={format!("ad-stats-{id}")}>{ "Statistics" }</button>
                        <label class="button subtle" for={format!("ad-image-{id}")}>{ if c.image_url.is_some() { "Change image" } else { "Add image" } }</label>
                        <input type="file" class="visually-hidden" id={format!("ad-image-{id}")} accept="image/png,image/jpeg,image/gif,image/webp" onchange={upload} />
                        <button type="button" class="button danger" onclick={remove} aria-label={format!("End {}", c.name)}>{ "End" }</button>
                    </div>
                </li>
            }
        }).collect::<Html>()
    });
    let list = match rows {
        None => html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> },
        Some(_) if campaigns.as_ref().is_some_and(|c| c.is_empty()) => {
            html! { <p class="empty" id="ads-empty">{ "No campaigns yet." }</p> }
        }
        Some(rows) => html! { <ul class="rows" id="ad-list">{ rows }</ul> },
    };
    let add_exempt = {
        let (api, done, exempt_address) = (api.clone(), done.clone(), exempt_address.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (api, done, address) = (api.clone(), done.clone(), (*exempt_address).clone());
            spawn_local(async move {
                let r = api
                    .add_ad_exemption(&AdExemptionInput {
                        address: address.clone(),
                    })
                    .await;
                done.emit((r, format!("{address} sees no ads.")));
            });
        })
    };
    html! {
        <AdminLayout title="Banner ads" intro="Ads show above webmail and the calendar, and under the sign-in form, in turn by weight. A click goes through this server, which counts it.">
            <ProblemBanner error={(*error).clone()} />
            if let Some(n) = &*note { <Banner tone={Tone::Success} id="ads-note">{ n.clone() }</Banner> }
            <section class="card" aria-labelledby="campaigns-title">
                <h2 id="campaigns-title">{ "Campaigns" }</h2>
                { list }
            </section>
            <form class="card" {onsubmit} novalidate=true aria-labelledby="new-ad-title">
                <h2 id="new-ad-title">{ "New campaign" }</h2>
                <div class="form-grid">
                    <TextField id="ad-name" label="Name (for you)" required=true value={draft.name.clone()} oninput={set(|d, v| d.name = v)} error={field_error("name")} />
                    <TextField id="ad-text" label="Text people see" required=true value={draft.text.clone()} oninput={set(|d, v| d.text = v)} error={field_error("text")} />
                    <TextField id="ad-link" label="Link" required=true inputmode="url" value={draft.link.clone()} oninput={set(|d, v| d.link = v)} error={field_error("link_url")} />
                    <TextField id="ad-domain" label="Domain" value={draft.domain.clone()} oninput={set(|d, v| d.domain = v)} error={field_error("domain")}
                        hint={if session.is_server_admin() { "Empty: every domain's pages." } else { "One of your domains." }} />
                    <TextField id="ad-weight" label="Weight" inputmode="numeric" value={draft.weight.clone()} oninput={set(|d, v| d.weight = v)} error={field_error("weight")} hint="2 shows twice as often as 1." />
                    <TextField id="ad-starts" label="Starts" kind="date" value={draft.starts.clone()} oninput={set(|d, v| d.starts = v)} error={field_error("starts_at")} />
                    <TextField id="ad-ends" label="Last day" kind="date" value={draft.ends.clone()} oninput={set(|d, v| d.ends = v)} error={field_error("ends_at")} />
                </div>
                <fieldset class="ad-targets">
                    <legend>{ "Shown on" }</legend>
                    { for PAGES.iter().map(|(value, label)| {
                        let draft = draft.clone();
                        let on = draft.targets.iter().any(|t| t == value);
                        html! { <Checkbox id={format!("ad-target-{value}")} label={*label} checked={on}
                            onchange={Callback::from(move |checked: bool| {
                                let mut d = (*draft).clone();
                                d.targets.retain(|t| t != value);
                                if checked { d.targets.push((*value).to_owned()); }
                                draft.set(d);
                            })} /> }
                    }) }
                    if let Some(m) = field_error("targets") { <p class="field-error" id="ad-targets-error">{ m }</p> }
                </fieldset>
                <div class="actions"><button type="submit" class="button primary" id="ad-create">{ "Start campaign" }</button></div>
            </form>
            <section class="card" aria-labelledby="exempt-title">
                <h2 id="exempt-title">{ "Accounts without ads" }</h2>
                if exempt.is_empty() {
                    <p class="empty" id="exempt-empty">{ "Every account sees ads where its domain shows them." }</p>
                } else {
                    <ul class="rows" id="exempt-list">
                        { for exempt.iter().map(|x| {
                            let (api, done, id, address) = (api.clone(), done.clone(), x.account_id.clone(), x.address.clone());
                            let remove = Callback::from(move |_: MouseEvent| {
                                let (api, done, id, address) = (api.clone(), done.clone(), id.clone(), address.clone());
                                spawn_local(async move {
                                    let r = api.remove_ad_exemption(&id).await;
                                    done.emit((r, format!("{address} sees ads again.")));
                                });
                            });
                            html! { <li class="row" key={x.account_id.clone()}>
                                <span class="row-title">{ x.address.clone() }</span>
                                <button type="button" class="button subtle" onclick={remove}>{ "Show ads again" }</button>
                            </li> }
                        }) }
                    </ul>
                }
                <form class="inline-add" onsubmit={add_exempt}>
                    <TextField id="exempt-address" label="Account" required=true inputmode="email" value={(*exempt_address).clone()}
                        oninput={{ let a = exempt_address.clone(); Callback::from(move |v| a.set(v)) }} error={field_error("address")} />
                    <button type="submit" class="button" id="exempt-add">{ "No ads for this account" }</button>
                </form>
            </section>
        </AdminLayout>
    }
}
