//! `/admin/domains/{id}/rules`: a domain's delivery rules, which run for every account
//! of the domain before the account's own, in the rules list and editor of Settings.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::use_api;
use crate::pages::rules::{RuleList, Source};

#[derive(Properties, PartialEq)]
pub struct DomainRulesPageProps {
    pub id: AttrValue,
}

/// `/admin/domains/{id}/rules`.
#[function_component]
pub fn DomainRulesPage(props: &DomainRulesPageProps) -> Html {
    let api = use_api();
    let name = use_state(|| None::<String>);
    {
        let (api, name, id) = (api.clone(), name.clone(), props.id.to_string());
        use_effect_with(props.id.clone(), move |_| {
            spawn_local(async move {
                if let Ok(d) = api.get_domain(&id).await {
                    name.set(Some(d.name));
                }
            });
        });
    }
    let title = match &*name {
        Some(n) => format!("Rules of {n}"),
        None => "Domain rules".to_owned(),
    };
    html! {
        <AdminLayout title={title}
            intro="These rules run for every account of the domain, before the account's own rules.">
            <RuleList source={Source::Domain(props.id.to_string())} />
        </AdminLayout>
    }
}
