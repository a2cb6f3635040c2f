//! Store records to API bodies. The only place that decides what of a record is shown.

use osprey_api_types as dto;
use osprey_core::{Pop3Mode, Role};
use osprey_store::{AccountRecord, AliasRecord, ApiKeyRecord, DomainRecord};

pub fn role_to_dto(r: Role) -> dto::Role {
    match r {
        Role::Admin => dto::Role::Admin,
        Role::DomainAdmin => dto::Role::DomainAdmin,
        Role::User => dto::Role::User,
    }
}

pub fn role_from_dto(r: dto::Role) -> Role {
    match r {
        dto::Role::Admin => Role::Admin,
        dto::Role::DomainAdmin => Role::DomainAdmin,
        dto::Role::User => Role::User,
    }
}

/// A failed sign-in the authenticator kept, as the API shows it.
pub fn login_failure(f: osprey_directory::LoginFailure) -> dto::LoginFailure {
    use osprey_directory::Protocol;
    dto::LoginFailure {
        at: f.at.into(),
        ip: f.ip.map(|ip| ip.to_string()),
        protocol: match f.protocol {
            Protocol::Imap => dto::LoginProtocol::Imap,
            Protocol::Pop3 => dto::LoginProtocol::Pop3,
            Protocol::Smtp => dto::LoginProtocol::Smtp,
            Protocol::ManageSieve => dto::LoginProtocol::ManageSieve,
            Protocol::Web => dto::LoginProtocol::Web,
        },
    }
}

/// An account's recent failed sign-ins, newest first, as one page.
pub fn login_failures(
    failures: Vec<osprey_directory::LoginFailure>,
) -> dto::Page<dto::LoginFailure> {
    dto::Page {
        items: failures.into_iter().map(login_failure).collect(),
        next_cursor: None,
    }
}

pub fn domain(r: DomainRecord) -> dto::Domain {
    dto::Domain {
        settings: serde_json::from_value(r.settings).unwrap_or_default(),
        id: r.id,
        name: r.name,
        aliases: r.aliases,
        enabled: r.enabled,
        account_count: r.account_count,
        created_at: r.created_at,
    }
}

pub fn account(r: AccountRecord) -> dto::Account {
    dto::Account {
        address: r.address(),
        role: role_to_dto(r.role),
        admin_domains: r.admin_domains.into_iter().map(|(_, name)| name).collect(),
        id: r.id,
        domain_id: r.domain_id,
        domain: r.domain,
        display_name: r.display_name,
        quota_bytes: r.quota_bytes,
        used_bytes: r.used_bytes,
        enabled: r.enabled,
        pop3: dto::Pop3Settings {
            mode: match r.pop3.mode {
                Pop3Mode::Offline => dto::Pop3Mode::Offline,
                Pop3Mode::Keep => dto::Pop3Mode::Keep,
                Pop3Mode::Trash => dto::Pop3Mode::Trash,
            },
            retention_days: r.pop3.retention_days,
        },
        time_zone: r.time_zone,
        must_change_password: r.must_change_password,
        ads: None,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// An account's mail figures as the API shows them.
pub fn account_stats(s: osprey_directory::AccountStats) -> dto::AccountStats {
    dto::AccountStats {
        folders: s
            .folders
            .into_iter()
            .map(|f| dto::FolderStats {
                name: f.name,
                special_use: f.special_use,
                messages: f.messages,
                unread: f.unread,
                bytes: f.bytes,
            })
            .collect(),
        messages: s.messages,
        unread: s.unread,
        used_bytes: s.used_bytes,
        quota_bytes: s.quota_bytes,
        arrived_day: s.arrived_day,
        arrived_week: s.arrived_week,
        arrived_month: s.arrived_month,
    }
}

/// The core POP3 mode of an API one.
pub fn pop3_mode(m: dto::Pop3Mode) -> Pop3Mode {
    match m {
        dto::Pop3Mode::Offline => Pop3Mode::Offline,
        dto::Pop3Mode::Keep => Pop3Mode::Keep,
        dto::Pop3Mode::Trash => Pop3Mode::Trash,
    }
}

pub fn alias(r: AliasRecord) -> dto::Alias {
    dto::Alias {
        catch_all: r.catch_all(),
        id: r.id,
        address: r.address,
        domain_id: r.domain_id,
        domain: r.domain,
        targets: r.targets,
        created_at: r.created_at,
    }
}

pub fn api_key(r: ApiKeyRecord) -> dto::ApiKey {
    dto::ApiKey {
        scopes: r
            .scopes
            .iter()
            .filter_map(|s| dto::Scope::parse(s))
            .collect(),
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        expires_at: r.expires_at,
    }
}

/// The span of the dashboard's figures.
pub fn stats_range(r: dto::StatsRange) -> osprey_directory::activity::ActivityRange {
    use osprey_directory::activity::ActivityRange;
    match r {
        dto::StatsRange::Day => ActivityRange::Day,
        dto::StatsRange::Month => ActivityRange::Month,
    }
}

/// The dashboard's figures as the API shows them.
pub fn server_stats(r: osprey_directory::activity::ActivityReport) -> dto::ServerStats {
    use osprey_directory::activity::{ActivityCounts, ActivityLevels, ActivityRange};
    let counts = |c: ActivityCounts| dto::StatsCounts {
        received: c.received,
        submitted: c.submitted,
        sent: c.sent,
        bounced: c.bounced,
        rejected: c.rejected,
        logins: c.logins,
        failed_logins: c.failed_logins,
    };
    let levels = |l: ActivityLevels| dto::StatsLevels {
        queue: l.queue,
        smtp_sessions: l.smtp,
        imap_sessions: l.imap,
        pop3_sessions: l.pop3,
        managesieve_sessions: l.managesieve,
    };
    let ranked = |list: Vec<(String, u64)>| {
        list.into_iter()
            .map(|(name, count)| dto::RankedName { name, count })
            .collect()
    };
    dto::ServerStats {
        range: match r.range {
            ActivityRange::Day => dto::StatsRange::Day,
            ActivityRange::Month => dto::StatsRange::Month,
        },
        step_seconds: r.step_seconds,
        points: r
            .points
            .into_iter()
            .map(|p| dto::StatsPoint {
                start: p.start,
                counts: counts(p.counts),
                peaks: levels(p.peaks),
            })
            .collect(),
        totals: counts(r.totals),
        now: levels(r.now),
        sampled_at: r.sampled_at,
        storage: r
            .storage
            .into_iter()
            .map(|d| dto::DomainUsage {
                domain: d.domain,
                accounts: d.accounts,
                used_bytes: d.used_bytes,
            })
            .collect(),
        largest_mailboxes: r
            .largest_mailboxes
            .into_iter()
            .map(|m| dto::MailboxUsage {
                account_id: m.account_id,
                address: m.address,
                used_bytes: m.used_bytes,
                quota_bytes: m.quota_bytes,
            })
            .collect(),
        top_senders: ranked(r.top_senders),
        top_rejected_ips: ranked(r.top_rejected_ips),
    }
}
