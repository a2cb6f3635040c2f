//! Access control (server administrators): the IP rules tried in order at connect, the
//! kill file of refused senders and hosts, and the relay policy with its "would this
//! relay?" tester. The rules are the server's; this page lists, adds, removes and asks.

use osprey_api_types::{
    CreateIpRule, CreateKillEntry, IpAction, IpRule, KillEntry, KillKind, MoveIpRule, RelayCheck,
    RelayMode, RelayPolicy, RelayVerdict,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::field::{Checkbox, Select, TextField};
use crate::format;

fn options(list: &[(&'static str, &'static str)]) -> Vec<(AttrValue, AttrValue)> {
    list.iter()
        .map(|(v, l)| (AttrValue::from(*v), AttrValue::from(*l)))
        .collect()
}

fn text(set: &UseStateHandle<String>) -> Callback<String> {
    let set = set.clone();
    Callback::from(move |v| set.set(v))
}

/// Runs a change; then clears the error, runs `done` and reloads the list, or shows
/// what went wrong.
fn change<T: 'static>(
    call: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    error: &UseStateHandle<Option<ApiError>>,
    reload: &UseStateHandle<u32>,
    done: impl FnOnce() + 'static,
) {
    let (error, reload) = (error.clone(), reload.clone());
    spawn_local(async move {
        match call.await {
            Ok(_) => {
                error.set(None);
                done();
                reload.set(*reload + 1);
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// `Some(text)` unless blank.
fn given(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[function_component]
pub fn AccessPage() -> Html {
    html! {
        <AdminLayout title="Access" server_admin_only=true
            intro="Who may connect, whose mail is refused, and what this server relays.">
            <IpRules />
            <KillFile />
            <Relay />
        </AdminLayout>
    }
}

#[function_component]
fn IpRules() -> Html {
    let api = use_api();
    let rules = use_state(|| None::<Vec<IpRule>>);
    let error = use_state(|| None::<ApiError>);
    let reload = use_state(|| 0u32);
    let (action, network, listener, note) = (
        use_state(|| "deny".to_owned()),
        use_state(String::new),
        use_state(String::new),
        use_state(String::new),
    );
    // Hours until the rule lapses; empty: never.
    let expires = use_state(String::new);
    // The rule being dragged to a new place.
    let dragged = use_mut_ref(|| None::<String>);
    {
        let (api, rules, error) = (api.clone(), rules.clone(), error.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move {
                match api.list_ip_rules().await {
                    Ok(list) => rules.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (api, error, reload) = (api.clone(), error.clone(), reload.clone());
        let (action, network, listener, note, expires) = (
            action.clone(),
            network.clone(),
            listener.clone(),
            note.clone(),
            expires.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64);
            let expires_at = expires
                .parse::<i64>()
                .ok()
                .and_then(|hours| Some(now? + chrono::Duration::hours(hours)));
            let body = CreateIpRule {
                action: if *action == "allow" {
                    IpAction::Allow
                } else {
                    IpAction::Deny
                },
                network: network.trim().to_owned(),
                listener: given(&listener),
                expires_at,
                note: given(&note),
            };
            let (api, network, note) = (api.clone(), network.clone(), note.clone());
            change(
                async move { api.create_ip_rule(&body).await },
                &error,
                &reload,
                move || {
                    network.set(String::new());
                    note.set(String::new());
                },
            );
        })
    };
    let err = |f: &str| error.as_ref().and_then(|e| e.field(f));
    html! {
        <section class="card" aria-labelledby="ip-rules-title">
            <h2 id="ip-rules-title">{ "IP rules" }</h2>
            <p class="muted">{ "Tried in order when a client connects; the first that matches decides, and a client no rule matches is allowed. Drag a rule, or use Move up and Move down, to change the order." }</p>
            <form class="form-grid" {onsubmit} aria-label="New IP rule" novalidate=true>
                <ProblemBanner error={(*error).clone()} fields={&["network", "listener", "expires_at", "note"][..]} id="ip-rule-error" />
                <Select id="ip-rule-action" label="Action" value={(*action).clone()}
                    options={options(&[("deny", "Deny"), ("allow", "Allow")])} onchange={text(&action)} />
                <TextField id="ip-rule-network" label="Address or network" value={(*network).clone()}
                    placeholder="203.0.113.0/24" required=true oninput={text(&network)} error={err("network")} />
                <Select id="ip-rule-listener" label="Where" value={(*listener).clone()}
                    options={options(&[("", "Every listener"), ("smtp", "SMTP"), ("submission", "Submission"), ("imap", "IMAP"), ("pop3", "POP3")])}
                    onchange={text(&listener)} error={err("listener")} />
                <Select id="ip-rule-expires" label="For" value={(*expires).clone()}
                    options={options(&[("", "Until removed"), ("1", "An hour"), ("24", "A day"), ("168", "A week"), ("720", "30 days")])}
                    onchange={text(&expires)} error={err("expires_at")} />
                <TextField id="ip-rule-note" label="Note" value={(*note).clone()} oninput={text(&note)} error={err("note")} />
                <div class="actions"><button type="submit" class="button primary">{ "Add rule" }</button></div>
            </form>
            <ul class="rows" id="ip-rule-list" aria-busy={rules.is_none().then_some("true")}>
                { for rules.iter().flatten().enumerate().map(|(i, r)| {
                    // Moves this rule to `to` (1 is first), by the buttons or a drop.
                    let move_to = {
                        let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), r.id.clone());
                        Callback::from(move |to: i64| {
                            let (api, id) = (api.clone(), id.clone());
                            change(async move { api.move_ip_rule(&id, &MoveIpRule { position: to }).await }, &error, &reload, || ());
                        })
                    };
                    let up = { let m = move_to.clone(); let to = r.position - 1; Callback::from(move |_: MouseEvent| m.emit(to)) };
                    let down = { let m = move_to.clone(); let to = r.position + 1; Callback::from(move |_: MouseEvent| m.emit(to)) };
                    let ondragstart = {
                        let (dragged, id) = (dragged.clone(), r.id.clone());
                        Callback::from(move |_: DragEvent| *dragged.borrow_mut() = Some(id.clone()))
                    };
                    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
                    let ondrop = {
                        let (api, error, reload, dragged, to) = (api.clone(), error.clone(), reload.clone(), dragged.clone(), r.position);
                        Callback::from(move |e: DragEvent| {
                            e.prevent_default();
                            if let Some(id) = dragged.borrow_mut().take() {
                                let api = api.clone();
                                change(async move { api.move_ip_rule(&id, &MoveIpRule { position: to }).await }, &error, &reload, || ());
                            }
                        })
                    };
                    let last = rules.as_ref().map_or(0, Vec::len).saturating_sub(1);
                    let remove = {
                        let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), r.id.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, id) = (api.clone(), id.clone());
                            change(async move { api.delete_ip_rule(&id).await }, &error, &reload, || ());
                        })
                    };
                    let verb = if r.action == IpAction::Deny { "Deny" } else { "Allow" };
                    html! {
                        <li class="row ip-rule" key={r.id.clone()} draggable="true" {ondragstart} {ondragover} {ondrop}
                            title="Drag to change the order">
                            <div class="row-main">
                                <span class="row-title">{ format!("{}. {}", r.position, r.network) }</span>
                                <span class={classes!("tag", (r.action == IpAction::Deny).then_some("warn"))}>{ verb }</span>
                                <span class="row-meta">{ format!("{} · {} hits{}{}", r.listener.clone().unwrap_or_else(|| "every listener".into()), r.hits,
                                    r.expires_at.map(|t| format!(" · until {}", format::date(&t))).unwrap_or_default(),
                                    if r.note.is_empty() { String::new() } else { format!(" · {}", r.note) }) }</span>
                            </div>
                            <div class="row-actions">
                                if i > 0 {
                                    <button type="button" class="button subtle" aria-label={format!("Move up: {}", r.network)} onclick={up}>{ "Move up" }</button>
                                }
                                if i < last {
                                    <button type="button" class="button subtle" aria-label={format!("Move down: {}", r.network)} onclick={down}>{ "Move down" }</button>
                                }
                                <button type="button" class="button subtle" aria-label={format!("Remove {}", r.network)} onclick={remove}>{ "Remove" }</button>
                            </div>
                        </li>
                    }
                }) }
            </ul>
            if rules.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty" id="ip-rules-empty">{ "No rules: every client may connect." }</p>
            }
        </section>
    }
}

#[function_component]
fn KillFile() -> Html {
    let api = use_api();
    let entries = use_state(|| None::<Vec<KillEntry>>);
    let error = use_state(|| None::<ApiError>);
    let reload = use_state(|| 0u32);
    let (kind, value, note, domain) = (
        use_state(|| "address".to_owned()),
        use_state(String::new),
        use_state(String::new),
        use_state(String::new),
    );
    {
        let (api, entries, error) = (api.clone(), entries.clone(), error.clone());
        use_effect_with(*reload, move |_| {
            spawn_local(async move {
                match api.list_kill_entries().await {
                    Ok(list) => entries.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (api, error, reload) = (api.clone(), error.clone(), reload.clone());
        let (kind, value, note, domain) =
            (kind.clone(), value.clone(), note.clone(), domain.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CreateKillEntry {
                kind: match kind.as_str() {
                    "domain" => KillKind::Domain,
                    "host" => KillKind::Host,
                    _ => KillKind::Address,
                },
                value: value.trim().to_owned(),
                domain: given(&domain).map(|d| d.to_lowercase()),
                note: given(&note),
            };
            let (api, value, note) = (api.clone(), value.clone(), note.clone());
            change(
                async move { api.create_kill_entry(&body).await },
                &error,
                &reload,
                move || {
                    value.set(String::new());
                    note.set(String::new());
                },
            );
        })
    };
    let err = |f: &str| error.as_ref().and_then(|e| e.field(f));
    html! {
        <section class="card" aria-labelledby="kill-title">
            <h2 id="kill-title">{ "Kill file" }</h2>
            <p class="muted">{ "Mail from these senders and hosts is refused when it is offered." }</p>
            <form class="form-grid" {onsubmit} aria-label="New kill-file entry" novalidate=true>
                <ProblemBanner error={(*error).clone()} fields={&["value", "domain", "note"][..]} id="kill-error" />
                <Select id="kill-kind" label="Refuse" value={(*kind).clone()}
                    options={options(&[("address", "A sender address"), ("domain", "A sender domain"), ("host", "A host or network")])}
                    onchange={text(&kind)} />
                <TextField id="kill-value" label="Address, domain or host" value={(*value).clone()}
                    placeholder="spam@bad.example" required=true oninput={text(&value)} error={err("value")} />
                <TextField id="kill-domain" label="For mail to" value={(*domain).clone()}
                    placeholder="every domain" hint="One of this server's domains, or empty for all of them."
                    oninput={text(&domain)} error={err("domain")} />
                <TextField id="kill-note" label="Note" value={(*note).clone()} oninput={text(&note)} error={err("note")} />
                <div class="actions"><button type="submit" class="button primary">{ "Add entry" }</button></div>
            </form>
            <ul class="rows" id="kill-list" aria-busy={entries.is_none().then_some("true")}>
                { for entries.iter().flatten().map(|k| {
                    let remove = {
                        let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), k.id.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, id) = (api.clone(), id.clone());
                            change(async move { api.delete_kill_entry(&id).await }, &error, &reload, || ());
                        })
                    };
                    let what = match k.kind { KillKind::Address => "Address", KillKind::Domain => "Domain", KillKind::Host => "Host" };
                    html! {
                        <li class="row" key={k.id.clone()}>
                            <div class="row-main">
                                <span class="row-title">{ k.value.clone() }</span>
                                <span class="tag">{ what }</span>
                                <span class="row-meta">{ format!("{} · {} hits{}", k.domain.clone().unwrap_or_else(|| "every domain".into()), k.hits,
                                    if k.note.is_empty() { String::new() } else { format!(" · {}", k.note) }) }</span>
                            </div>
                            <button type="button" class="button subtle" aria-label={format!("Remove {}", k.value)} onclick={remove}>{ "Remove" }</button>
                        </li>
                    }
                }) }
            </ul>
            if entries.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty" id="kill-empty">{ "The kill file is empty." }</p>
            }
        </section>
    }
}

const MODES: [(&str, &str); 4] = [
    ("local_users", "Only for signed-in users (authenticated)"),
    ("local_hosts", "For signed-in users and listed networks"),
    ("listed_addresses", "Also to listed destinations"),
    ("no_relay", "Never: deliver to this server's domains only"),
];

fn mode_value(m: RelayMode) -> &'static str {
    match m {
        RelayMode::LocalUsers => "local_users",
        RelayMode::LocalHosts => "local_hosts",
        RelayMode::ListedAddresses => "listed_addresses",
        RelayMode::NoRelay => "no_relay",
    }
}

fn mode_of(v: &str) -> RelayMode {
    match v {
        "local_hosts" => RelayMode::LocalHosts,
        "listed_addresses" => RelayMode::ListedAddresses,
        "no_relay" => RelayMode::NoRelay,
        _ => RelayMode::LocalUsers,
    }
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '\n', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[function_component]
fn Relay() -> Html {
    let api = use_api();
    let (mode, networks, destinations) = (
        use_state(String::new),
        use_state(String::new),
        use_state(String::new),
    );
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let (ip, authenticated, sender, recipient) = (
        use_state(String::new),
        use_state(|| false),
        use_state(String::new),
        use_state(String::new),
    );
    let verdict = use_state(|| None::<RelayVerdict>);
    let check_error = use_state(|| None::<ApiError>);
    {
        let (api, mode, networks, destinations, error) = (
            api.clone(),
            mode.clone(),
            networks.clone(),
            destinations.clone(),
            error.clone(),
        );
        use_effect_with((), move |()| {
            spawn_local(async move {
                match api.get_relay_policy().await {
                    Ok(p) => {
                        mode.set(mode_value(p.mode).into());
                        networks.set(p.networks.join(", "));
                        destinations.set(p.destinations.join(", "));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let onsave = {
        let (api, error, saved) = (api.clone(), error.clone(), saved.clone());
        let (mode, networks, destinations) = (mode.clone(), networks.clone(), destinations.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = RelayPolicy {
                mode: mode_of(&mode),
                networks: list_of(&networks),
                destinations: list_of(&destinations),
            };
            let (api, error, saved) = (api.clone(), error.clone(), saved.clone());
            spawn_local(async move {
                match api.set_relay_policy(&body).await {
                    Ok(_) => {
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => {
                        saved.set(false);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let oncheck = {
        let (api, verdict, check_error) = (api.clone(), verdict.clone(), check_error.clone());
        let (ip, authenticated, sender, recipient) = (
            ip.clone(),
            authenticated.clone(),
            sender.clone(),
            recipient.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = RelayCheck {
                client_ip: ip.trim().to_owned(),
                authenticated: *authenticated,
                sender: given(&sender),
                recipient: recipient.trim().to_owned(),
            };
            let (api, verdict, check_error) = (api.clone(), verdict.clone(), check_error.clone());
            spawn_local(async move {
                match api.check_relay(&body).await {
                    Ok(v) => {
                        check_error.set(None);
                        verdict.set(Some(v));
                    }
                    Err(e) => {
                        verdict.set(None);
                        check_error.set(Some(e));
                    }
                }
            });
        })
    };
    let err = |f: &str| error.as_ref().and_then(|e| e.field(f));
    let check_err = |f: &str| check_error.as_ref().and_then(|e| e.field(f));
    html! {
        <section class="card" aria-labelledby="relay-title">
            <h2 id="relay-title">{ "Relay" }</h2>
            <form class="form-grid" onsubmit={onsave} aria-label="Relay policy" novalidate=true>
                <ProblemBanner error={(*error).clone()} fields={&["networks", "destinations"][..]} id="relay-error" />
                <Select id="relay-mode" label="Relay mail to other servers" value={(*mode).clone()}
                    options={options(&MODES)} onchange={text(&mode)} />
                <TextField id="relay-networks" label="Networks that may relay" value={(*networks).clone()}
                    placeholder="192.0.2.0/24, 2001:db8::/32" oninput={text(&networks)} error={err("networks")} />
                <TextField id="relay-destinations" label="Destinations anyone may relay to" value={(*destinations).clone()}
                    placeholder="partner.example" oninput={text(&destinations)} error={err("destinations")} />
                <div class="actions">
                    <button type="submit" class="button primary">{ "Save" }</button>
                    if *saved { <Banner tone={Tone::Success}>{ "Saved." }</Banner> }
                </div>
            </form>
            <h3 class="section-gap">{ "Would this relay?" }</h3>
            <form class="form-grid" onsubmit={oncheck} aria-label="Relay tester" novalidate=true>
                <ProblemBanner error={(*check_error).clone()} fields={&["client_ip", "sender", "recipient"][..]} id="relay-check-error" />
                <TextField id="relay-check-ip" label="Client IP address" value={(*ip).clone()} placeholder="192.0.2.1"
                    required=true oninput={text(&ip)} error={check_err("client_ip")} />
                <TextField id="relay-check-sender" label="Sender" value={(*sender).clone()} oninput={text(&sender)} error={check_err("sender")} />
                <TextField id="relay-check-recipient" label="Recipient" value={(*recipient).clone()} placeholder="someone@elsewhere.example"
                    required=true oninput={text(&recipient)} error={check_err("recipient")} />
                <Checkbox id="relay-check-auth" label="Signed in (authenticated)" checked={*authenticated}
                    onchange={{ let a = authenticated.clone(); Callback::from(move |v| a.set(v)) }} />
                <div class="actions"><button type="submit" class="button primary">{ "Check" }</button></div>
            </form>
            if let Some(v) = &*verdict {
                <p class={classes!("relay-verdict", if v.accepted { "accepted" } else { "refused" })} id="relay-verdict" role="status">
                    <strong>{ if v.local { "Delivered here" } else if v.accepted { "Relayed" } else { "Refused" } }</strong>
                    { format!(" — {}", v.rule) }
                </p>
            }
        </section>
    }
}
