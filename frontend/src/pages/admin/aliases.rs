//! Aliases: list, search, filter by domain, create, edit targets, delete. `@domain` is the
//! domain's catch-all.

use std::future::Future;

use osprey_api_types::{Alias, CreateAlias, Page, UpdateAlias};
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{Api, ApiError, ListQuery};
use crate::components::field::{TextArea, TextField};
use crate::components::resource::{Form, Resource, ResourceList};
use crate::format;
use crate::state::use_session;

#[function_component]
pub fn AliasesPage() -> Html {
    let session = use_session();
    let my_domains = session
        .account
        .as_ref()
        .map(|a| a.admin_domains.clone())
        .unwrap_or_default();
    html! {
        <AdminLayout title="Aliases" intro="Addresses that forward to accounts, other aliases or outside addresses.">
            <ResourceList<Aliases> domains={my_domains} />
        </AdminLayout>
    }
}

/// The admin list of aliases.
struct Aliases;

#[derive(Clone, PartialEq)]
struct Draft {
    address: String,
    targets: String,
}

impl Resource for Aliases {
    type Item = Alias;
    type Draft = Draft;

    const NOUN: &'static str = "alias";
    const PLURAL: &'static str = "aliases";
    const DOMAIN_FILTER: bool = true;
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "By address"), ("newest", "Newest first")];
    const FIELDS: &'static [&'static str] = &["address", "targets"];

    fn title(a: &Alias) -> String {
        a.address.clone()
    }

    fn summary(a: &Alias) -> Html {
        html! {
            <>
                if a.catch_all { <span class="tag">{ "catch-all" }</span> }
                <div class="row-meta">{ format!("→ {}", a.targets.join(", ")) }</div>
            </>
        }
    }

    fn draft(alias: Option<&Alias>) -> Draft {
        Draft {
            address: String::new(),
            targets: alias.map(|a| a.targets.join("\n")).unwrap_or_default(),
        }
    }

    fn fields(form: &Form<Draft>) -> Html {
        let d = form.draft();
        html! {
            <>
                if !form.editing {
                    <TextField id={form.id("address")} label="Address" required=true
                        placeholder="sales@example.com" autocomplete="off"
                        hint="name@domain, or @domain to catch every address of the domain that has no account."
                        value={d.address.clone()} oninput={form.set(|d, v| d.address = v)}
                        error={form.error("address")} />
                }
                <TextArea id={form.id("targets")} label="Deliver to" required=true rows={3}
                    hint="One address per line (or separated by commas)."
                    value={d.targets.clone()} oninput={form.set(|d, v| d.targets = v)}
                    error={form.error("targets")} />
            </>
        }
    }

    async fn list(api: Api, query: ListQuery) -> Result<Page<Alias>, ApiError> {
        let (limit, cursor) = (Some(ListQuery::LIMIT), query.cursor());
        api.list_aliases(limit, cursor, query.q(), query.domain(), query.sort())
            .await
    }

    fn create(
        api: Api,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Alias, ApiError>> + 'static, ApiError> {
        let body = CreateAlias {
            address: draft.address.trim().to_owned(),
            targets: format::split_list(&draft.targets),
        };
        Ok(async move { api.create_alias(&body).await })
    }

    fn update(
        api: Api,
        alias: &Alias,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Alias, ApiError>> + 'static, ApiError> {
        let body = UpdateAlias {
            targets: Some(format::split_list(&draft.targets)),
        };
        let id = alias.id.clone();
        Ok(async move { api.update_alias(&id, &body).await })
    }

    async fn delete(api: Api, id: String) -> Result<(), ApiError> {
        api.delete_alias(&id).await
    }
}
