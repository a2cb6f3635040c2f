//! Settings → Rules: the account's delivery rules (list and editor), the out-of-office
//! answer, and running the rules over mail already stored. (The list and editor serve an
//! administrator's page for a domain's rules too: `admin::domain_rules`.)

mod editor;
mod labels;
mod list;
mod run;
mod vacation;

use osprey_api_types::{DeliveryRule, Mailbox};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::use_location;

use crate::api::use_api;
use crate::pages::mail::reader::RuleFromMessage;
pub(crate) use list::{RuleList, Source};
use run::RunNow;
use vacation::VacationCard;

pub use super::settings::SettingsTabs;

#[function_component]
pub fn RulesPage() -> Html {
    let api = use_api();
    let mailboxes = use_state(Vec::<Mailbox>::new);
    let rules = use_state(Vec::<DeliveryRule>::new);
    let generation = use_state(|| 0u32);
    {
        let (api, mailboxes) = (api.clone(), mailboxes.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = api.list_mailboxes().await {
                    mailboxes.set(list);
                }
            });
        });
    }
    let bump = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let names: Vec<String> = mailboxes.iter().map(|m| m.name.clone()).collect();
    // "Filter messages like this" from the reader: the editor opens on a rule made from it.
    let location = use_location();
    let initial = use_state(move || {
        location
            .and_then(|l| l.query::<RuleFromMessage>().ok())
            .and_then(|q| editor::rule_from_message(&q))
    });
    html! {
        <section class="page" aria-labelledby="settings-title">
            <h1 id="settings-title">{ "Settings" }</h1>
            <SettingsTabs />
            <RuleList source={Source::Mine} mailboxes={names} generation={*generation}
                initial={(*initial).clone()}
                onchange={{ let rules = rules.clone(); Callback::from(move |r| rules.set(r)) }} />
            <VacationCard generation={*generation} onsaved={bump} />
            <RunNow mailboxes={(*mailboxes).clone()} rules={(*rules).clone()} />
        </section>
    }
}
