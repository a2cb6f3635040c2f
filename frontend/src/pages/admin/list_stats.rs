//! A list's last 30 days in its form: posts per day as bars, the members at each day's
//! end, and the totals of posts, joins, departures and bounces.

use osprey_api_types::ListDay;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;

/// The days shown.
const DAYS: u32 = 30;

#[derive(Properties, PartialEq)]
pub struct ListStatsProps {
    pub list_id: AttrValue,
}

/// `value` as a bar's height, a percentage of `max`.
fn height(value: u64, max: u64) -> String {
    format!("height: {}%", (value * 100).checked_div(max).unwrap_or(0))
}

#[function_component]
pub fn ListStats(props: &ListStatsProps) -> Html {
    let api = use_api();
    let days = use_state(|| None::<Vec<ListDay>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, days, error) = (api.clone(), days.clone(), error.clone());
        use_effect_with(props.list_id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                match api.list_statistics(&id, Some(DAYS)).await {
                    Ok(d) => days.set(Some(d)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let body = match &*days {
        None if error.is_none() => html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> },
        None => Html::default(),
        Some(days)
            if days
                .iter()
                .all(|d| d.posts + d.joined + d.left + d.bounces == 0 && d.members == 0) =>
        {
            html! { <p class="empty" id="list-stats-empty">{ "No posts and no members in these days yet." }</p> }
        }
        Some(days) => {
            let sum = |f: fn(&ListDay) -> u32| days.iter().map(f).map(u64::from).sum::<u64>();
            let (posts, joined, left, bounces) = (
                sum(|d| d.posts),
                sum(|d| d.joined),
                sum(|d| d.left),
                sum(|d| d.bounces),
            );
            let most_posts = days.iter().map(|d| u64::from(d.posts)).max().unwrap_or(0);
            let most_members = days.iter().map(|d| d.members).max().unwrap_or(0);
            let first = days.first().map(|d| d.day.clone()).unwrap_or_default();
            html! {
                <>
                    <p class="row-meta">{ format!("Posts per day since {first}") }</p>
                    <div class="bars" role="img" aria-label={format!("{posts} posts in {DAYS} days")}>
                        { for days.iter().map(|d| html! {
                            <span class="bar" title={format!("{}: {} posts", d.day, d.posts)} style={height(u64::from(d.posts), most_posts)}></span>
                        }) }
                    </div>
                    <p class="row-meta">{ "Members at each day's end" }</p>
                    <div class="bars" role="img" aria-label={format!("{} members now", days.last().map_or(0, |d| d.members))}>
                        { for days.iter().map(|d| html! {
                            <span class="bar members" title={format!("{}: {} members", d.day, d.members)} style={height(d.members, most_members)}></span>
                        }) }
                    </div>
                    <p class="totals" id="list-stats-totals">
                        <span>{ format!("{posts} posts") }</span>
                        <span>{ format!("{joined} joined") }</span>
                        <span>{ format!("{left} left") }</span>
                        <span>{ format!("{bounces} bounces") }</span>
                    </p>
                </>
            }
        }
    };
    html! {
        <fieldset class="list-stats" aria-labelledby="list-stats-title">
            <legend id="list-stats-title">{ format!("The last {DAYS} days") }</legend>
            <ProblemBanner error={(*error).clone()} />
            { body }
        </fieldset>
    }
}
