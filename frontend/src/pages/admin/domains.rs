//! Domains: list, search, create, edit, delete. Server admins only.

use std::future::Future;

use osprey_api_types::{CreateDomain, Domain, DomainSettings, Page, UpdateDomain};
use yew::prelude::*;
use yew_router::prelude::Link;

use super::domain_admins::DomainAdmins;
use super::{AdminLayout, names};
use crate::api::{Api, ApiError, ListQuery};
use crate::components::field::{Checkbox, TextArea, TextField};
use crate::components::resource::{Form, Resource, ResourceList};
use crate::format;
use crate::route::Route;

#[function_component]
pub fn DomainsPage() -> Html {
    html! {
        <AdminLayout title="Domains" server_admin_only=true
            intro="The domains Osprey receives mail for. Accounts and aliases belong to a domain.">
            <ResourceList<Domains> />
        </AdminLayout>
    }
}

/// The admin list of domains.
struct Domains;

/// What the domain form edits, as typed.
#[derive(Clone, PartialEq)]
struct Draft {
    /// The domain's id when editing, empty for a new one.
    id: String,
    name: String,
    aliases: String,
    description: String,
    max_accounts: String,
    max_aliases: String,
    max_quota: String,
    default_quota: String,
    max_message: String,
    any_sender: bool,
    directory_visible: bool,
    no_ads: bool,
    enabled: bool,
}

impl Draft {
    fn settings(&self) -> Result<DomainSettings, ApiError> {
        let description = self.description.trim();
        Ok(DomainSettings {
            description: (!description.is_empty()).then(|| description.to_owned()),
            max_accounts: format::parse_count(&self.max_accounts)
                .map_err(|m| ApiError::local("settings.max_accounts", m))?,
            max_aliases: format::parse_count(&self.max_aliases)
                .map_err(|m| ApiError::local("settings.max_aliases", m))?,
            max_quota_bytes: format::parse_mib(&self.max_quota)
                .map_err(|m| ApiError::local("settings.max_quota_bytes", m))?,
            default_quota_bytes: format::parse_mib(&self.default_quota)
                .map_err(|m| ApiError::local("settings.default_quota_bytes", m))?,
            max_message_bytes: format::parse_mib(&self.max_message)
                .map_err(|m| ApiError::local("settings.max_message_bytes", m))?,
            any_sender: self.any_sender,
            directory_visible: self.directory_visible,
            no_ads: self.no_ads,
        })
    }
}

impl Resource for Domains {
    type Item = Domain;
    type Draft = Draft;

    const NOUN: &'static str = "domain";
    const PLURAL: &'static str = "domains";
    const DOMAIN_FILTER: bool = false;
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "By name"), ("newest", "Newest first")];
    const FIELDS: &'static [&'static str] = &["name", "aliases", "settings", "enabled"];

    fn title(d: &Domain) -> String {
        d.name.clone()
    }

    fn summary(d: &Domain) -> Html {
        html! {
            <>
                if !d.enabled { <span class="tag warn">{ "disabled" }</span> }
                <div class="row-meta">
                    { format!("{} account{}", d.account_count, if d.account_count == 1 { "" } else { "s" }) }
                    { format!(" · also receives for: {}", names(&d.aliases)) }
                    { d.settings.description.as_ref().map(|s| format!(" · {s}")).unwrap_or_default() }
                    { " · " }
                    <Link<Route> to={Route::AdminDomainRules { id: d.id.clone() }} classes="row-link">{ "Delivery rules" }</Link<Route>>
                    { " · " }
                    <Link<Route> to={Route::AdminDomainDns { id: d.id.clone() }} classes="row-link">{ "DNS" }</Link<Route>>
                </div>
            </>
        }
    }

    fn draft(domain: Option<&Domain>) -> Draft {
        match domain {
            Some(d) => Draft {
                id: d.id.clone(),
                name: d.name.clone(),
                aliases: d.aliases.join(", "),
                description: d.settings.description.clone().unwrap_or_default(),
                max_accounts: d
                    .settings
                    .max_accounts
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                max_aliases: d
                    .settings
                    .max_aliases
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                max_quota: format::mib_input(d.settings.max_quota_bytes),
                default_quota: format::mib_input(d.settings.default_quota_bytes),
                max_message: format::mib_input(d.settings.max_message_bytes),
                any_sender: d.settings.any_sender,
                directory_visible: d.settings.directory_visible,
                no_ads: d.settings.no_ads,
                enabled: d.enabled,
            },
            None => Draft {
                id: String::new(),
                name: String::new(),
                aliases: String::new(),
                description: String::new(),
                max_accounts: String::new(),
                max_aliases: String::new(),
                max_quota: String::new(),
                default_quota: String::new(),
                max_message: String::new(),
                any_sender: false,
                directory_visible: false,
                no_ads: false,
                enabled: true,
            },
        }
    }

    fn fields(form: &Form<Draft>) -> Html {
        let d = form.draft();
        html! {
            <>
                if !form.editing {
                    <TextField id={form.id("name")} label="Domain name" required=true
                        placeholder="example.com" value={d.name.clone()}
                        oninput={form.set(|d, v| d.name = v)} error={form.error("name")} />
                }
                <TextField id={form.id("aliases")} label="Alias domains"
                    hint="Other names that deliver to the same accounts, separated by commas."
                    value={d.aliases.clone()} oninput={form.set(|d, v| d.aliases = v)}
                    error={form.error("aliases")} />
                <TextArea id={form.id("description")} label="Description" rows={2}
                    value={d.description.clone()} oninput={form.set(|d, v| d.description = v)}
                    error={form.error("settings.description")} />
                <TextField id={form.id("max-accounts")} label="Most accounts" inputmode="numeric"
                    value={d.max_accounts.clone()} oninput={form.set(|d, v| d.max_accounts = v)}
                    error={form.error("settings.max_accounts")} />
                <TextField id={form.id("max-aliases")} label="Most aliases" inputmode="numeric"
                    value={d.max_aliases.clone()} oninput={form.set(|d, v| d.max_aliases = v)}
                    error={form.error("settings.max_aliases")} />
                <TextField id={form.id("max-quota")} label="Largest quota (MiB)" inputmode="numeric"
                    hint="Every account then has a quota of at most this. Empty: no limit."
                    value={d.max_quota.clone()} oninput={form.set(|d, v| d.max_quota = v)}
                    error={form.error("settings.max_quota_bytes")} />
                <TextField id={form.id("default-quota")} label="Default quota (MiB)" inputmode="numeric"
                    hint="For new accounts that do not name one. Empty: unlimited."
                    value={d.default_quota.clone()} oninput={form.set(|d, v| d.default_quota = v)}
                    error={form.error("settings.default_quota_bytes")} />
                <TextField id={form.id("max-message")} label="Largest message (MiB)" inputmode="numeric"
                    value={d.max_message.clone()} oninput={form.set(|d, v| d.max_message = v)}
                    error={form.error("settings.max_message_bytes")} />
                <Checkbox id={form.id("any-sender")}
                    label="Users may send as any address (not recommended)"
                    checked={d.any_sender} onchange={form.set(|d, on| d.any_sender = on)}
                    error={form.error("settings.any_sender")} />
                <Checkbox id={form.id("directory")}
                    label="Users see each other as recipients (a directory of the domain)"
                    checked={d.directory_visible} onchange={form.set(|d, on| d.directory_visible = on)}
                    error={form.error("settings.directory_visible")} />
                <Checkbox id={form.id("no-ads")}
                    label="No banner ads on this domain's pages"
                    checked={d.no_ads} onchange={form.set(|d, on| d.no_ads = on)}
                    error={form.error("settings.no_ads")} />
                <Checkbox id={form.id("enabled")} label="Enabled (receives mail)" checked={d.enabled}
                    onchange={form.set(|d, on| d.enabled = on)} error={form.error("enabled")} />
                if form.editing {
                    <DomainAdmins domain_id={d.id.clone()} />
                }
            </>
        }
    }

    async fn list(api: Api, query: ListQuery) -> Result<Page<Domain>, ApiError> {
        api.list_domains(
            Some(ListQuery::LIMIT),
            query.cursor(),
            query.q(),
            None,
            query.sort(),
        )
        .await
    }

    fn create(
        api: Api,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Domain, ApiError>> + 'static, ApiError> {
        let body = CreateDomain {
            name: draft.name.trim().to_lowercase(),
            aliases: format::split_list(&draft.aliases),
            settings: Some(draft.settings()?),
            enabled: Some(draft.enabled),
        };
        Ok(async move { api.create_domain(&body).await })
    }

    fn update(
        api: Api,
        domain: &Domain,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Domain, ApiError>> + 'static, ApiError> {
        let body = UpdateDomain {
            aliases: Some(format::split_list(&draft.aliases)),
            settings: Some(draft.settings()?),
            enabled: Some(draft.enabled),
        };
        let id = domain.id.clone();
        Ok(async move { api.update_domain(&id, &body).await })
    }

    async fn delete(api: Api, id: String) -> Result<(), ApiError> {
        api.delete_domain(&id).await
    }
}
