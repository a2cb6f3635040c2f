//! An account's mail figures in its form: each folder's messages, unread ones and size,
//! the totals, and what arrived lately.

use osprey_api_types::AccountStats;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::format;

#[derive(Properties, PartialEq)]
pub struct AccountStatsProps {
    pub account_id: AttrValue,
}

#[function_component]
pub fn AccountStatsView(props: &AccountStatsProps) -> Html {
    let api = use_api();
    let stats = use_state(|| None::<AccountStats>);
    let error = use_state(|| None::<ApiError>);
    {
        let (stats, error) = (stats.clone(), error.clone());
        use_effect_with(props.account_id.clone(), move |id| {
            let id = id.to_string();
            spawn_local(async move {
                match api.get_account_stats(&id).await {
                    Ok(s) => stats.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    html! {
        <fieldset class="send-as account-stats" aria-labelledby="account-stats-title">
            <legend id="account-stats-title">{ "Mail" }</legend>
            <ProblemBanner error={(*error).clone()} />
            if let Some(s) = &*stats {
                <p class="muted" id="account-stats-summary">
                    { format!(
                        "{} messages ({} unread), {}{}. Arrived: {} today, {} this week, {} in 30 days.",
                        s.messages, s.unread, format::bytes(s.used_bytes),
                        s.quota_bytes.map(|q| format!(" of {}", format::bytes(q))).unwrap_or_default(),
                        s.arrived_day, s.arrived_week, s.arrived_month,
                    ) }
                </p>
                <table class="stats-table" id="account-stats-folders">
                    <thead><tr><th scope="col">{ "Folder" }</th><th scope="col">{ "Messages" }</th><th scope="col">{ "Unread" }</th><th scope="col">{ "Size" }</th></tr></thead>
                    <tbody>
                        { for s.folders.iter().map(|f| html! {
                            <tr key={f.name.clone()}>
                                <th scope="row">{ f.name.clone() }</th>
                                <td>{ f.messages }</td>
                                <td>{ f.unread }</td>
                                <td>{ format::bytes(f.bytes) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            } else if error.is_none() {
                <p class="muted" aria-busy="true">{ "Counting…" }</p>
            }
        </fieldset>
    }
}
