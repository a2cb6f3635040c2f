//! The dashboard (server administrators): the queue and the sessions open now, what
//! happened in the last 24 hours or 30 days as totals and charts (messages, sign-ins,
//! the queue and sessions), storage per domain, the largest mailboxes, the top senders
//! and the most refused addresses. It reads the figures again every minute.

use gloo::timers::callback::Interval;
use osprey_api_types::{RankedName, ServerStats, StatsPoint, StatsRange};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use super::chart::{LineChart, Series, day_label};
use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::format;

/// How often the page reads the figures again, in milliseconds.
const REFRESH_MS: u32 = 60_000;

/// A point's name: its hour in the browser's time, or its (UTC) day.
fn label(p: &StatsPoint, range: StatsRange) -> String {
    match range {
        StatsRange::Day => {
            let at = js_sys::Date::new(&((p.start.timestamp() * 1000) as f64).into());
            format!("{:02}:00", at.get_hours())
        }
        StatsRange::Month => day_label(p.start.date_naive()),
    }
}

/// A chart's line: its name, its colour class and its value at a point.
type Part = (&'static str, &'static str, fn(&StatsPoint) -> u64);

fn series(points: &[StatsPoint], parts: &[Part]) -> Vec<Series> {
    parts
        .iter()
        .map(|(label, class, value)| Series {
            label,
            class,
            values: points.iter().map(value).collect(),
        })
        .collect()
}

/// A figure in a tile.
fn tile(id: &'static str, name: &'static str, value: u64) -> Html {
    html! {
        <div class="tile" id={id}>
            <span class="tile-value">{ value }</span>
            <span class="tile-name">{ name }</span>
        </div>
    }
}

/// A "top" list as a table, or what it would hold when it is empty.
fn ranked(
    id: &'static str,
    title: &'static str,
    what: &'static str,
    rows: &[RankedName],
    empty: &'static str,
) -> Html {
    html! {
        <section class="card dash-table" aria-labelledby={format!("{id}-title")}>
            <h2 id={format!("{id}-title")}>{ title }</h2>
            if rows.is_empty() {
                <p class="empty">{ empty }</p>
            } else {
                <table class="stats-table" id={id}>
                    <thead><tr><th scope="col">{ what }</th><th scope="col">{ "Count" }</th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! { <tr><td>{ r.name.clone() }</td><td>{ r.count }</td></tr> }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn figures(s: &ServerStats) -> Html {
    let labels: Vec<String> = s.points.iter().map(|p| label(p, s.range)).collect();
    let every = if s.range == StatsRange::Day { 6 } else { 7 };
    let ticks: Vec<(usize, String)> = (0..labels.len())
        .rev()
        .step_by(every)
        .map(|i| (i, labels[i].clone()))
        .collect();
    let chart = |id: &'static str, title: &'static str, parts: &[Part]| {
        html! {
            <LineChart id={id} title={title} labels={labels.clone()} ticks={ticks.clone()} series={series(&s.points, parts)} />
        }
    };
    let t = &s.totals;
    let span = if s.range == StatsRange::Day {
        "in 24 hours"
    } else {
        "in 30 days"
    };
    html! {
        <>
            <h2 class="dash-heading">{ format!("What happened {span}") }</h2>
            <div class="tiles" id="dash-totals">
                { tile("total-received", "received", t.received) }
                { tile("total-submitted", "sent by users", t.submitted) }
                { tile("total-sent", "delivered elsewhere", t.sent) }
                { tile("total-bounced", "bounced", t.bounced) }
                { tile("total-rejected", "refused", t.rejected) }
                { tile("total-logins", "sign-ins", t.logins) }
                { tile("total-failed", "failed sign-ins", t.failed_logins) }
            </div>
            <div class="charts">
                { chart("chart-messages", "Messages", &[
                    ("Received", "c1", |p| p.counts.received),
                    ("Sent by users", "c2", |p| p.counts.submitted),
                    ("Delivered elsewhere", "c3", |p| p.counts.sent),
                    ("Bounced", "c4", |p| p.counts.bounced),
                    ("Refused", "c5", |p| p.counts.rejected),
                ]) }
                { chart("chart-logins", "Sign-ins", &[
                    ("Signed in", "c2", |p| p.counts.logins),
                    ("Failed", "c5", |p| p.counts.failed_logins),
                ]) }
                { chart("chart-levels", "Queue and open sessions (highest)", &[
                    ("Queue", "c4", |p| p.peaks.queue),
                    ("SMTP", "c1", |p| p.peaks.smtp_sessions),
                    ("IMAP", "c3", |p| p.peaks.imap_sessions),
                    ("POP3", "c2", |p| p.peaks.pop3_sessions),
                ]) }
            </div>
            <div class="dash-tables">
                <section class="card dash-table" aria-labelledby="storage-title">
                    <h2 id="storage-title">{ "Storage per domain" }</h2>
                    <table class="stats-table" id="dash-storage">
                        <thead><tr><th scope="col">{ "Domain" }</th><th scope="col">{ "Accounts" }</th><th scope="col">{ "Mail kept" }</th></tr></thead>
                        <tbody>
                            { for s.storage.iter().map(|d| html! {
                                <tr><td>{ d.domain.clone() }</td><td>{ d.accounts }</td><td>{ format::bytes(d.used_bytes) }</td></tr>
                            }) }
                        </tbody>
                    </table>
                </section>
                <section class="card dash-table" aria-labelledby="mailboxes-title">
                    <h2 id="mailboxes-title">{ "Largest mailboxes" }</h2>
                    <table class="stats-table" id="dash-mailboxes">
                        <thead><tr><th scope="col">{ "Account" }</th><th scope="col">{ "Mail kept" }</th><th scope="col">{ "Quota" }</th></tr></thead>
                        <tbody>
                            { for s.largest_mailboxes.iter().map(|m| html! {
                                <tr>
                                    <td>{ m.address.clone() }</td>
                                    <td>{ format::bytes(m.used_bytes) }</td>
                                    <td>{ m.quota_bytes.map_or_else(|| "none".to_owned(), format::bytes) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </section>
                { ranked("dash-senders", "Top senders", "Envelope sender", &s.top_senders, "No messages were accepted in this span.") }
                { ranked("dash-refused", "Most refused addresses", "Client address", &s.top_rejected_ips, "Nothing was refused in this span.") }
            </div>
        </>
    }
}

/// The queue and the sessions now, from the servers' latest samples.
fn now(s: &ServerStats) -> Html {
    let n = &s.now;
    html! {
        <section class="card" aria-labelledby="now-title">
            <h2 id="now-title">{ "Now" }</h2>
            if let Some(at) = &s.sampled_at {
                <div class="tiles" id="dash-now">
                    { tile("now-queue", "in the queue", n.queue) }
                    { tile("now-smtp", "SMTP sessions", n.smtp_sessions) }
                    { tile("now-imap", "IMAP sessions", n.imap_sessions) }
                    { tile("now-pop3", "POP3 sessions", n.pop3_sessions) }
                    { tile("now-sieve", "ManageSieve sessions", n.managesieve_sessions) }
                </div>
                <p class="hint">{ format!("As the servers counted at {}.", format::date(at)) }</p>
            } else {
                <p class="empty" id="dash-now-empty">{ "No server has recorded its figures in the last few minutes. They are recorded every minute while a server runs." }</p>
            }
        </section>
    }
}

#[function_component]
pub fn DashboardPage() -> Html {
    let api = use_api();
    let range = use_state(|| StatsRange::Day);
    let stats = use_state(|| None::<ServerStats>);
    let error = use_state(|| None::<ApiError>);
    // Bumped by the timer: each bump reads the figures again.
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let timer = Interval::new(REFRESH_MS, move || tick.set((*tick).wrapping_add(1)));
            move || drop(timer)
        });
    }
    {
        let (api, stats, error) = (api.clone(), stats.clone(), error.clone());
        use_effect_with((*range, *tick), move |(range, _)| {
            let range = *range;
            spawn_local(async move {
                let name = if range == StatsRange::Day {
                    "24h"
                } else {
                    "30d"
                };
                match api.get_server_stats(Some(name)).await {
                    Ok(s) => {
                        error.set(None);
                        stats.set(Some(s));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let choose = |r: StatsRange| {
        let range = range.clone();
        Callback::from(move |_| range.set(r))
    };
    // While another span loads, the figures shown stay (marked busy): nothing jumps.
    let busy = stats.as_ref().is_some_and(|s| s.range != *range);
    html! {
        <AdminLayout title="Dashboard" server_admin_only=true
            intro="What the mail servers did, from the figures each records every minute.">
            <div class="actions dash-range" role="group" aria-label="Span">
                <button type="button" id="range-24h" class="button" aria-pressed={(*range == StatsRange::Day).to_string()}
                    onclick={choose(StatsRange::Day)}>{ "24 hours" }</button>
                <button type="button" id="range-30d" class="button" aria-pressed={(*range == StatsRange::Month).to_string()}
                    onclick={choose(StatsRange::Month)}>{ "30 days" }</button>
            </div>
            <ProblemBanner error={(*error).clone()} />
            if let Some(s) = stats.as_ref() {
                <div class="dash" aria-busy={busy.to_string()}>
                    { now(s) }
                    { figures(s) }
                </div>
            } else if error.is_none() {
                <p class="loading dash-loading" aria-busy="true">{ "Loading…" }</p>
            }
        </AdminLayout>
    }
}
