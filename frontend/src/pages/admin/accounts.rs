//! Accounts: list, search, filter by domain, create, edit (including a password reset),
//! delete. Domain admins see the accounts of their domains only.

use std::future::Future;

use osprey_api_types::{Account, CreateAccount, Page, Pop3Mode, Pop3Settings, Role, UpdateAccount};
use yew::prelude::*;

use super::account_import::AccountImport;
use super::account_stats::AccountStatsView;
use super::send_as::SendAsGrants;
use super::{AdminLayout, names};
use crate::api::{Api, ApiError, ListQuery};
use crate::components::field::{Checkbox, Select, TextField};
use crate::components::resource::{Form, Resource, ResourceList};
use crate::format;
use crate::state::use_session;

#[function_component]
pub fn AccountsPage() -> Html {
    let session = use_session();
    let my_domains = session
        .account
        .as_ref()
        .map(|a| a.admin_domains.clone())
        .unwrap_or_default();
    // The list starts again after an import created accounts.
    let generation = use_state(|| 0u32);
    let onimported = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    html! {
        <AdminLayout title="Accounts" intro="Mailboxes people sign in to. The login is the full address.">
            <AccountImport {onimported} />
            <ResourceList<Accounts> key={*generation} domains={my_domains} />
        </AdminLayout>
    }
}

/// The admin list of accounts.
struct Accounts;

fn pop3_mode_value(m: Pop3Mode) -> &'static str {
    match m {
        Pop3Mode::Offline => "offline",
        Pop3Mode::Keep => "keep",
        Pop3Mode::Trash => "trash",
    }
}

fn parse_pop3_mode(v: &str) -> Pop3Mode {
    match v {
        "keep" => Pop3Mode::Keep,
        "trash" => Pop3Mode::Trash,
        _ => Pop3Mode::Offline,
    }
}

/// How the account row describes non-default POP3 settings.
fn pop3_summary(p: &Pop3Settings) -> String {
    let mode = match p.mode {
        Pop3Mode::Offline => "",
        Pop3Mode::Keep => " · POP3 keeps mail",
        Pop3Mode::Trash => " · POP3 moves deleted mail to Trash",
    };
    match p.retention_days {
        Some(d) => format!("{mode} · downloaded mail removed after {d} days"),
        None => mode.to_owned(),
    }
}

/// The retention field: empty keeps mail for ever.
fn parse_retention(v: &str) -> Result<Option<u32>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<u32>() {
        Ok(d) if (1..=3650).contains(&d) => Ok(Some(d)),
        _ => Err("Enter a number of days from 1 to 3650, or leave it empty.".into()),
    }
}

#[derive(Clone, PartialEq)]
struct Draft {
    /// The account's id when editing, empty for a new one.
    id: String,
    address: String,
    password: String,
    display_name: String,
    role: Role,
    admin_domains: String,
    quota: String,
    enabled: bool,
    pop3_mode: Pop3Mode,
    retention: String,
    must_change_password: bool,
}

/// The values of a draft that the form checks before it sends them.
struct Checked {
    quota: Option<u64>,
    retention: Option<u32>,
    admin_domains: Vec<String>,
    display_name: String,
}

impl Draft {
    fn check(&self) -> Result<Checked, ApiError> {
        Ok(Checked {
            quota: format::parse_mib(&self.quota).map_err(|m| ApiError::local("quota_bytes", m))?,
            retention: parse_retention(&self.retention)
                .map_err(|m| ApiError::local("pop3.retention_days", m))?,
            admin_domains: if self.role == Role::DomainAdmin {
                format::split_list(&self.admin_domains)
            } else {
                Vec::new()
            },
            display_name: self.display_name.trim().to_owned(),
        })
    }
}

impl Resource for Accounts {
    type Item = Account;
    type Draft = Draft;

    const NOUN: &'static str = "account";
    const PLURAL: &'static str = "accounts";
    const DOMAIN_FILTER: bool = true;
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("address", "By address"),
        ("newest", "Newest first"),
        ("largest", "Most mail first"),
    ];
    const FIELDS: &'static [&'static str] = &[
        "address",
        "password",
        "display_name",
        "role",
        "admin_domains",
        "quota_bytes",
        "enabled",
        "pop3",
        "pop3.retention_days",
    ];

    fn title(a: &Account) -> String {
        a.address.clone()
    }

    fn summary(a: &Account) -> Html {
        let usage = match a.quota_bytes {
            Some(q) => format!("{} of {}", format::bytes(a.used_bytes), format::bytes(q)),
            None => format!("{} used", format::bytes(a.used_bytes)),
        };
        html! {
            <>
                if a.role != Role::User { <span class="tag">{ format::role(a.role) }</span> }
                if !a.enabled { <span class="tag warn">{ "disabled" }</span> }
                if a.must_change_password { <span class="tag">{ "new password due" }</span> }
                <div class="row-meta">
                    { if a.display_name.is_empty() { "no display name".to_owned() } else { a.display_name.clone() } }
                    { format!(" · {usage}") }
                    if a.role == Role::DomainAdmin {
                        { format!(" · manages {}", names(&a.admin_domains)) }
                    }
                    { pop3_summary(&a.pop3) }
                </div>
                if let Some(q) = a.quota_bytes.filter(|q| *q > 0) {
                    <meter class="usage"
                        min="0" max={q.to_string()} value={a.used_bytes.min(q).to_string()}
                        low={(q / 10 * 8).to_string()} high={(q / 10 * 9).to_string()} optimum="0"
                        aria-label={format!("Mailbox use of {}: {usage}", a.address)}
                        title={usage.clone()} />
                }
            </>
        }
    }

    fn draft(account: Option<&Account>) -> Draft {
        match account {
            Some(a) => Draft {
                id: a.id.clone(),
                address: a.address.clone(),
                password: String::new(),
                display_name: a.display_name.clone(),
                role: a.role,
                admin_domains: a.admin_domains.join(", "),
                quota: format::mib_input(a.quota_bytes),
                enabled: a.enabled,
                pop3_mode: a.pop3.mode,
                retention: a
                    .pop3
                    .retention_days
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                must_change_password: a.must_change_password,
            },
            None => Draft {
                id: String::new(),
                address: String::new(),
                password: String::new(),
                display_name: String::new(),
                role: Role::User,
                admin_domains: String::new(),
                quota: String::new(),
                enabled: true,
                pop3_mode: Pop3Mode::Offline,
                retention: String::new(),
                must_change_password: false,
            },
        }
    }

    fn fields(form: &Form<Draft>) -> Html {
        let d = form.draft();
        let editing = form.editing;
        let server_admin = form.session.is_server_admin();
        let mut roles = vec![Role::User, Role::DomainAdmin];
        if server_admin {
            roles.push(Role::Admin);
        }
        let role_options: Vec<(AttrValue, AttrValue)> = roles
            .iter()
            .map(|&r| (format::role_value(r).into(), format::role(r).into()))
            .collect();
        let pop3_options: Vec<(AttrValue, AttrValue)> = [
            (
                Pop3Mode::Offline,
                "Off-line: the client's deletions remove mail",
            ),
            (Pop3Mode::Keep, "Online: keep mail on the server"),
            (Pop3Mode::Trash, "Online: move deleted mail to Trash"),
        ]
        .into_iter()
        .map(|(m, label)| (pop3_mode_value(m).into(), label.into()))
        .collect();

        html! {
            <>
                if !editing {
                    <TextField id={form.id("address")} label="Address" kind="email" required=true
                        placeholder="name@example.com" autocomplete="off" value={d.address.clone()}
                        oninput={form.set(|d, v| d.address = v)} error={form.error("address")} />
                }
                <TextField id={form.id("password")}
                    label={if editing { "New password" } else { "Password" }}
                    kind="password" required={!editing} autocomplete="new-password"
                    hint={if editing { "Leave empty to keep the current password." } else { "A long passphrase; share it with the person safely." }}
                    value={d.password.clone()} oninput={form.set(|d, v| d.password = v)}
                    error={form.error("password")} />
                <TextField id={form.id("display-name")} label="Display name" autocomplete="off"
                    value={d.display_name.clone()} oninput={form.set(|d, v| d.display_name = v)}
                    error={form.error("display_name")} />
                if server_admin {
                    <Select id={form.id("role")} label="Role" value={format::role_value(d.role)}
                        options={role_options}
                        onchange={form.set(|d, v: String| d.role = format::parse_role(&v))}
                        error={form.error("role")} />
                }
                if d.role == Role::DomainAdmin {
                    <TextField id={form.id("admin-domains")} label="Manages domains" required=true
                        hint="Domain names, separated by commas."
                        value={d.admin_domains.clone()} oninput={form.set(|d, v| d.admin_domains = v)}
                        error={form.error("admin_domains")} />
                }
                <TextField id={form.id("quota")} label="Quota (MiB)" inputmode="numeric"
                    hint="Empty: the domain's default, else unlimited."
                    value={d.quota.clone()} oninput={form.set(|d, v| d.quota = v)}
                    error={form.error("quota_bytes")} />
                <Checkbox id={form.id("enabled")} label="Enabled (may sign in and receive mail)"
                    checked={d.enabled} onchange={form.set(|d, on| d.enabled = on)}
                    error={form.error("enabled")} />
                <Checkbox id={form.id("must-change-password")}
                    label="Must choose a new password at the next sign-in"
                    checked={d.must_change_password}
                    onchange={form.set(|d, on| d.must_change_password = on)}
                    error={form.error("must_change_password")} />
                if editing {
                    <Select id={form.id("pop3-mode")} label="POP3 downloads"
                        value={pop3_mode_value(d.pop3_mode)} options={pop3_options}
                        onchange={form.set(|d, v: String| d.pop3_mode = parse_pop3_mode(&v))}
                        error={form.error("pop3")} />
                    <TextField id={form.id("pop3-retention")} label="Remove downloaded mail after (days)"
                        inputmode="numeric" hint="Empty: keep downloaded mail until the client deletes it."
                        value={d.retention.clone()} oninput={form.set(|d, v| d.retention = v)}
                        error={form.error("pop3.retention_days")} />
                    <SendAsGrants account_id={d.id.clone()} />
                    <AccountStatsView account_id={d.id.clone()} />
                }
            </>
        }
    }

    async fn list(api: Api, query: ListQuery) -> Result<Page<Account>, ApiError> {
        let (limit, cursor) = (Some(ListQuery::LIMIT), query.cursor());
        api.list_accounts(limit, cursor, query.q(), query.domain(), query.sort())
            .await
    }

    fn create(
        api: Api,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Account, ApiError>> + 'static, ApiError> {
        let checked = draft.check()?;
        let body = CreateAccount {
            address: draft.address.trim().to_owned(),
            password: draft.password.clone(),
            role: Some(draft.role),
            display_name: (!checked.display_name.is_empty()).then_some(checked.display_name),
            quota_bytes: checked.quota,
            admin_domains: checked.admin_domains,
            enabled: Some(draft.enabled),
            must_change_password: Some(draft.must_change_password),
        };
        Ok(async move { api.create_account(&body).await })
    }

    fn update(
        api: Api,
        account: &Account,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Account, ApiError>> + 'static, ApiError> {
        let checked = draft.check()?;
        // Only what changed, so that a domain admin's save does not touch a role or a
        // quota it may not set.
        let body = UpdateAccount {
            display_name: Some(checked.display_name),
            role: (draft.role != account.role).then_some(draft.role),
            quota_bytes: (checked.quota != account.quota_bytes).then_some(checked.quota),
            admin_domains: (checked.admin_domains != account.admin_domains)
                .then_some(checked.admin_domains),
            enabled: Some(draft.enabled),
            password: (!draft.password.is_empty()).then(|| draft.password.clone()),
            pop3: Some(Pop3Settings {
                mode: draft.pop3_mode,
                retention_days: checked.retention,
            })
            .filter(|p| *p != account.pop3),
            must_change_password: (draft.must_change_password != account.must_change_password)
                .then_some(draft.must_change_password),
        };
        let id = account.id.clone();
        Ok(async move { api.update_account(&id, &body).await })
    }

    async fn delete(api: Api, id: String) -> Result<(), ApiError> {
        api.delete_account(&id).await
    }
}
