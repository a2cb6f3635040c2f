//! A calendar's settings, for its owner: name, colour, time zone and description; who it
//! is shared with and how; its private subscription address; importing a `.ics` file
//! and exporting it; deleting it (not the default one).

use osprey_api_types::{
    Calendar, CalendarAccess, CalendarFeed, CalendarFields, CalendarImportReport, ImportCalendar,
    ShareCalendar,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::confirm::ConfirmButton;
use crate::components::download::{data_url, use_auto_download};
use crate::components::field::{Select, TextField};

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub calendar: Calendar,
    pub onclose: Callback<()>,
    /// Something changed: the page reloads its calendars and events.
    pub onchanged: Callback<()>,
}

fn access_value(a: CalendarAccess) -> &'static str {
    match a {
        CalendarAccess::Freebusy => "freebusy",
        CalendarAccess::Read => "read",
        CalendarAccess::Write => "write",
        CalendarAccess::Owner => "owner",
    }
}

fn access_of(v: &str) -> CalendarAccess {
    match v {
        "freebusy" => CalendarAccess::Freebusy,
        "write" => CalendarAccess::Write,
        _ => CalendarAccess::Read,
    }
}

fn access_options() -> Vec<(AttrValue, AttrValue)> {
    vec![
        ("freebusy".into(), "Free/busy only".into()),
        ("read".into(), "See all details".into()),
        ("write".into(), "Make changes".into()),
    ]
}

#[function_component]
pub fn CalendarSettings(p: &SettingsProps) -> Html {
    let api = use_api();
    let cal = use_state(|| p.calendar.clone());
    let name = use_state(|| p.calendar.name.clone());
    let color = use_state(|| p.calendar.color.clone());
    let zone = use_state(|| p.calendar.time_zone.clone().unwrap_or_default());
    let share_to = use_state(String::new);
    let share_access = use_state(|| "read".to_owned());
    let feed = use_state(|| None::<CalendarFeed>);
    let report = use_state(|| None::<CalendarImportReport>);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let (download, link) = use_auto_download();
    let id = p.calendar.id.clone();
    // Runs a call; on success keeps the calendar it answers and tells the page.
    let apply = {
        let (cal, error, onchanged) = (cal.clone(), error.clone(), p.onchanged.clone());
        move |r: Result<Calendar, ApiError>| match r {
            Ok(c) => {
                cal.set(c);
                error.set(None);
                onchanged.emit(());
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let onsave = {
        let (api, cal, name, color, zone, saved, apply) = (
            api.clone(),
            cal.clone(),
            name.clone(),
            color.clone(),
            zone.clone(),
            saved.clone(),
            apply.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CalendarFields {
                name: name.trim().to_owned(),
                color: (*color).clone(),
                description: cal.description.clone(),
                time_zone: Some(zone.trim().to_owned()).filter(|z| !z.is_empty()),
                default_reminders: cal.default_reminders.clone(),
                hidden: cal.hidden,
                position: None,
            };
            let (api, id, saved, apply) =
                (api.clone(), cal.id.clone(), saved.clone(), apply.clone());
            spawn_local(async move {
                let r = api.replace_calendar(&id, &body).await;
                saved.set(r.is_ok());
                apply(r);
            });
        })
    };
    let onshare = {
        let (api, share_to, share_access, apply, id) = (
            api.clone(),
            share_to.clone(),
            share_access.clone(),
            apply.clone(),
            id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ShareCalendar {
                address: share_to.trim().to_owned(),
                access: access_of(&share_access),
            };
            let (api, share_to, apply, id) =
                (api.clone(), share_to.clone(), apply.clone(), id.clone());
            spawn_local(async move {
                let r = api.share_calendar(&id, &body).await;
                if r.is_ok() {
                    share_to.set(String::new());
                }
                apply(r);
            });
        })
    };
    let make_feed = {
        let (api, feed, error, id, cal) = (
            api.clone(),
            feed.clone(),
            error.clone(),
            id.clone(),
            cal.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, feed, error, id, cal) = (
                api.clone(),
                feed.clone(),
                error.clone(),
                id.clone(),
                cal.clone(),
            );
            spawn_local(async move {
                match api.create_calendar_feed(&id).await {
                    Ok(f) => {
                        feed.set(Some(f));
                        cal.set(Calendar {
                            has_feed: true,
                            ..(*cal).clone()
                        });
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let stop_feed = {
        let (api, feed, error, id, cal) = (
            api.clone(),
            feed.clone(),
            error.clone(),
            id.clone(),
            cal.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, feed, error, id, cal) = (
                api.clone(),
                feed.clone(),
                error.clone(),
                id.clone(),
                cal.clone(),
            );
            spawn_local(async move {
                match api.delete_calendar_feed(&id).await {
                    Ok(()) => {
                        feed.set(None);
                        cal.set(Calendar {
                            has_feed: false,
                            ..(*cal).clone()
                        });
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let onfile = {
        let (api, report, error, id, onchanged) = (
            api.clone(),
            report.clone(),
            error.clone(),
            id.clone(),
            p.onchanged.clone(),
        );
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
            let (api, report, error, id, onchanged) = (
                api.clone(),
                report.clone(),
                error.clone(),
                id.clone(),
                onchanged.clone(),
            );
            spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                let r = match text {
                    Some(ics) => api.import_calendar(&id, &ImportCalendar { ics }).await,
                    None => Err(ApiError::Network("the file could not be read".into())),
                };
                match r {
                    Ok(r) => {
                        error.set(None);
                        report.set(Some(r));
                        onchanged.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let export = {
        let (api, error, download, id) = (api.clone(), error.clone(), download.clone(), id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, download, id) =
                (api.clone(), error.clone(), download.clone(), id.clone());
            download.set(None);
            spawn_local(async move {
                match api.export_calendar(&id).await {
                    Ok(text) => download.set(Some(data_url("text/calendar", &text))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let ondelete = {
        let (api, error, id, onchanged, onclose) = (
            api.clone(),
            error.clone(),
            id.clone(),
            p.onchanged.clone(),
            p.onclose.clone(),
        );
        Callback::from(move |()| {
            let (api, error, id, onchanged, onclose) = (
                api.clone(),
                error.clone(),
                id.clone(),
                onchanged.clone(),
                onclose.clone(),
            );
            spawn_local(async move {
                match api.delete_calendar(&id).await {
                    Ok(()) => {
                        onchanged.emit(());
                        onclose.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let close = {
        let onclose = p.onclose.clone();
        Callback::from(move |_: MouseEvent| onclose.emit(()))
    };
    let onkeydown = {
        let onclose = p.onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                onclose.emit(());
            }
        })
    };
    let err = |f: &str| error.as_ref().and_then(|e| e.field(f));
    html! {
        <div class="cal-overlay" onclick={close.clone()}>
            <div class="card cal-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-heading" {onkeydown}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2 id="settings-heading">{ format!("{} — settings", cal.name) }</h2>
                <ProblemBanner error={(*error).clone()} fields={&["name", "color", "time_zone", "address"][..]} />
                <form class="cal-settings-section" onsubmit={onsave} aria-label="Calendar">
                    <TextField id="calendar-name" label="Name" required=true value={(*name).clone()} error={err("name")}
                        oninput={{ let name = name.clone(); Callback::from(move |v| name.set(v)) }} />
                    <div class="cal-pair">
                        <div class="field">
                            <label for="calendar-color">{ "Colour" }</label>
                            <input id="calendar-color" type="color" value={(*color).clone()}
                                oninput={{ let color = color.clone(); Callback::from(move |e: InputEvent| color.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                        </div>
                        <TextField id="calendar-zone" label="Time zone" value={(*zone).clone()} error={err("time_zone")}
                            hint="For new events; empty follows your account's."
                            oninput={{ let zone = zone.clone(); Callback::from(move |v| zone.set(v)) }} />
                    </div>
                    <div class="actions">
                        <button type="submit" class="button primary" id="calendar-save">{ "Save" }</button>
                        if *saved { <Banner tone={Tone::Success}>{ "Saved." }</Banner> }
                    </div>
                </form>
                <section class="cal-settings-section" aria-labelledby="sharing-heading">
                    <h3 id="sharing-heading">{ "Sharing" }</h3>
                    if cal.shares.is_empty() {
                        <p class="muted">{ "Only you see this calendar." }</p>
                    }
                    <ul class="rows cal-shares">
                        { for cal.shares.iter().map(|s| {
                            let change = {
                                let (api, apply, id, address) = (api.clone(), apply.clone(), id.clone(), s.address.clone());
                                Callback::from(move |v: String| {
                                    let body = ShareCalendar { address: address.clone(), access: access_of(&v) };
                                    let (api, apply, id) = (api.clone(), apply.clone(), id.clone());
                                    spawn_local(async move { apply(api.share_calendar(&id, &body).await) });
                                })
                            };
                            let remove = {
                                let (api, cal, error, id, account) = (api.clone(), cal.clone(), error.clone(), id.clone(), s.account_id.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let (api, cal, error, id, account) = (api.clone(), cal.clone(), error.clone(), id.clone(), account.clone());
                                    spawn_local(async move {
                                        match api.unshare_calendar(&id, &account).await {
                                            Ok(()) => {
                                                let mut c = (*cal).clone();
                                                c.shares.retain(|s| s.account_id != account);
                                                cal.set(c);
                                            }
                                            Err(e) => error.set(Some(e)),
                                        }
                                    });
                                })
                            };
                            html! {
                                <li class="row cal-share">
                                    <span class="row-main">{ s.address.clone() }</span>
                                    <select id={format!("share-{}", s.account_id)} aria-label={format!("Access of {}", s.address)}
                                        onchange={{ let change = change.clone(); Callback::from(move |e: Event| change.emit(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())) }}>
                                        { for access_options().into_iter().map(|(v, l)| html! {
                                            <option value={v.clone()} selected={v == access_value(s.access)}>{ l }</option>
                                        }) }
                                    </select>
                                    <button type="button" class="button subtle" onclick={remove}
                                        aria-label={format!("Remove {}", s.address)} title="Stop sharing">{ "Remove" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                    <form class="inline-form cal-share-add" onsubmit={onshare} aria-label="Share">
                        <TextField id="share-address" label="Share with" kind="email" required=true placeholder="colleague@example.com"
                            value={(*share_to).clone()} error={err("address")}
                            oninput={{ let share_to = share_to.clone(); Callback::from(move |v| share_to.set(v)) }} />
                        <Select id="share-access" label="Can" value={(*share_access).clone()} options={access_options()}
                            onchange={{ let share_access = share_access.clone(); Callback::from(move |v| share_access.set(v)) }} />
                        <button type="submit" class="button" id="share-add">{ "Share" }</button>
                    </form>
                </section>
                <section class="cal-settings-section" aria-labelledby="feed-heading">
                    <h3 id="feed-heading">{ "Subscription address" }</h3>
                    <p class="muted">{ "A private address calendar programs can subscribe to. Anyone who has it can read this calendar." }</p>
                    if let Some(f) = &*feed {
                        <input id="feed-url" type="text" readonly=true value={f.webcal_url.clone()} aria-label="Subscription address" />
                    } else if cal.has_feed {
                        <p id="feed-active">{ "An address is active (it is shown only when made)." }</p>
                    }
                    <div class="actions">
                        <button type="button" class="button" id="feed-make" onclick={make_feed}>
                            { if cal.has_feed { "Make a new address" } else { "Make an address" } }
                        </button>
                        if cal.has_feed {
                            <button type="button" class="button danger-outline" id="feed-stop" onclick={stop_feed}>{ "Stop" }</button>
                        }
                    </div>
                </section>
                <section class="cal-settings-section" aria-labelledby="transfer-heading">
                    <h3 id="transfer-heading">{ "Import and export" }</h3>
                    <div class="actions">
                        <label class="button" for="calendar-import">{ "Import a .ics file…" }</label>
                        <input type="file" id="calendar-import" class="visually-hidden" accept=".ics,text/calendar" onchange={onfile} />
                        <button type="button" class="button" id="calendar-export" onclick={export}>{ "Export" }</button>
                        if let Some(url) = (*download).clone() {
                            <a ref={link} href={url} download={format!("{}.ics", cal.name)} class="visually-hidden">{ "download" }</a>
                        }
                    </div>
                    if let Some(r) = &*report {
                        <div id="calendar-import-report">
                            <Banner tone={if r.problems.is_empty() { Tone::Success } else { Tone::Error }}>
                                { format!("Imported {} new event{}.", r.created, if r.created == 1 { "" } else { "s" }) }
                                if r.updated > 0 { { format!(" Updated {}.", r.updated) } }
                                if !r.problems.is_empty() {
                                    { format!(" {} could not be imported:", r.problems.len()) }
                                }
                            </Banner>
                            <ul class="problems">
                                { for r.problems.iter().map(|p| html! {
                                    <li>{ if p.title.is_empty() { p.uid.clone().unwrap_or_default() } else { p.title.clone() } }{ format!(": {}", p.message) }</li>
                                }) }
                            </ul>
                        </div>
                    }
                </section>
                <div class="actions">
                    if !cal.is_default {
                        <ConfirmButton label="Delete calendar" subject={cal.name.clone()} onconfirm={ondelete} />
                    }
                    <button type="button" class="button" id="settings-close" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
