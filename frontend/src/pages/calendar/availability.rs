//! Free/busy when scheduling: under the guests of an event being made, each guest with an
//! account of the same domain and their busy times on the event's day (from the server's
//! free/busy lookup, without titles), marked when they cross the event's time.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use osprey_api_types::FreeBusy;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::dates;
use crate::api::use_api;

#[derive(Properties, PartialEq)]
pub struct AvailabilityProps {
    /// The guests as typed: addresses separated by commas, `Name <address>` allowed.
    pub guests: String,
    /// The event's day.
    pub day: NaiveDate,
    /// The event's time in the browser's zone, when it has one there (not all day, and
    /// set in the browser's zone): busy times that cross it are marked.
    pub time: Option<(NaiveDateTime, NaiveDateTime)>,
}

/// The addresses of the guests as typed (read as the form reads them).
fn addresses(guests: &str) -> Vec<String> {
    super::editor::guests_of(guests)
        .into_iter()
        .map(|g| g.address)
        .filter(|a| a.contains('@'))
        .collect()
}

#[function_component]
pub fn Availability(props: &AvailabilityProps) -> Html {
    let api = use_api();
    let found = use_state(|| None::<Vec<FreeBusy>>);
    let list = addresses(&props.guests);
    {
        let (api, found) = (api.clone(), found.clone());
        use_effect_with((list.join(","), props.day), move |(joined, day)| {
            let (joined, day) = (joined.clone(), *day);
            let live = std::rc::Rc::new(std::cell::Cell::new(true));
            let running = live.clone();
            if joined.is_empty() {
                found.set(None);
            } else {
                spawn_local(async move {
                    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
                    let from = dates::utc_of(midnight);
                    let to = dates::utc_of(midnight + Duration::days(1));
                    // Nothing to show when the lookup fails: the form works without it.
                    let got = api.free_busy(&joined, &from, &to).await.ok();
                    if running.get() {
                        found.set(got);
                    }
                });
            }
            move || live.set(false)
        });
    }
    let Some(people) = (*found).clone() else {
        return html! {};
    };
    html! {
        <ul class="cal-availability" id="event-availability" aria-label="Guests' free and busy times that day">
            { for people.iter().map(|p| {
                let periods: Vec<(NaiveDateTime, NaiveDateTime)> = p.busy.iter()
                    .map(|b| (dates::browser_time(&b.start.to_rfc3339()), dates::browser_time(&b.end.to_rfc3339())))
                    .collect();
                let clash = props.time.is_some_and(|(s, e)| periods.iter().any(|(bs, be)| *bs < e && *be > s));
                let text = if !p.known {
                    "Free/busy not known (not on this server)".to_owned()
                } else if periods.is_empty() {
                    "Free all day".to_owned()
                } else {
                    let times: Vec<String> = periods.iter()
                        .map(|(s, e)| format!("{}–{}", dates::clock(*s), dates::clock(*e)))
                        .collect();
                    format!("Busy {}", times.join(", "))
                };
                html! {
                    <li class={classes!(clash.then_some("clash"))}>
                        <span class="cal-availability-who">{ p.address.clone() }</span>
                        <span class="muted">{ text }</span>
                        if clash { <strong class="cal-availability-clash">{ "Busy at this time" }</strong> }
                    </li>
                }
            }) }
        </ul>
    }
}
