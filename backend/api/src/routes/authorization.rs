//! Who may call each operation: the authorisation matrix, one row per operation id of the
//! OpenAPI document, for four callers.
//!
//! It decides nothing: the services and the extractors do. It is what they must add up
//! to, and the matrix test (`backend/api/tests/authorization.rs`) calls every operation
//! of the document as each caller, on targets that belong to a plain user of one domain,
//! and compares the answers with it. An operation without a row, or a row without an
//! operation, fails that test: a new route gets its row here.

/// What a caller gets from an operation on the test's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// 2xx.
    Allowed,
    /// 2xx, but only the caller's own items: the target is not in the answer.
    Filtered,
    /// 401: credentials are needed.
    Unauthenticated,
    /// 403: the caller's role or domains do not allow it.
    Forbidden,
    /// 404: the target belongs to someone else and is not shown to the caller.
    Hidden,
}

/// One operation's row.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The operation id (the handler's name).
    pub operation: &'static str,
    /// No credentials.
    pub anonymous: Access,
    /// A plain user; the targets are its own.
    pub user: Access,
    /// An administrator of another domain than the targets'.
    pub other_domain_admin: Access,
    /// A server administrator.
    pub server_admin: Access,
}

const fn row(
    operation: &'static str,
    anonymous: Access,
    user: Access,
    other_domain_admin: Access,
    server_admin: Access,
) -> Rule {
    Rule {
        operation,
        anonymous,
        user,
        other_domain_admin,
        server_admin,
    }
}

use Access::{Allowed, Filtered, Forbidden, Hidden, Unauthenticated as NoAuth};

/// The matrix. Columns: anonymous, plain user, admin of another domain, server admin.
#[rustfmt::skip]
pub const AUTHORIZATION: &[Rule] = &[
    // Signing in and out: the body's credentials or token decide, not the caller.
    row("login",              Allowed, Allowed,   Allowed,   Allowed),
    row("refresh",            Allowed, Allowed,   Allowed,   Allowed),
    row("logout",             Allowed, Allowed,   Allowed,   Allowed),
    // Operators.
    row("healthz",            Allowed, Allowed,   Allowed,   Allowed),
    row("readyz",             Allowed, Allowed,   Allowed,   Allowed),
    row("metrics",            Allowed, Allowed,   Allowed,   Allowed),
    // The caller's own account: everyone signed in acts on itself.
    row("get_me",             NoAuth,  Allowed,   Allowed,   Allowed),
    row("update_me",          NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_preferences",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("put_preferences",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("change_password",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("list_api_keys",      NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_api_key",     NoAuth,  Allowed,   Allowed,   Allowed),
    row("delete_api_key",     NoAuth,  Allowed,   Hidden,    Hidden),
    row("list_my_login_failures", NoAuth, Allowed, Allowed,  Allowed),
    // The user's mail: nobody else's, administrators' neither.
    row("list_mailboxes",     NoAuth,  Allowed,   Filtered,  Filtered),
    row("list_messages",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("update_flags",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_message",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_message_invitation", NoAuth, Allowed, Hidden,  Hidden),
    row("answer_message_invitation", NoAuth, Allowed, Hidden, Hidden),
    row("get_thread",         NoAuth,  Allowed,   Hidden,    Hidden),
    row("search_messages",    NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_download_link", NoAuth, Allowed,  Hidden,    Hidden),
    // A download link is its own credential (signed, five minutes, one message).
    row("download",           Allowed, Allowed,   Allowed,   Allowed),
    row("move_messages",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("copy_messages",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_messages",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("flag_messages",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("report_junk",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("report_not_junk",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("mark_mailbox_read",  NoAuth,  Allowed,   Hidden,    Hidden),
    row("empty_mailbox",      NoAuth,  Allowed,   Hidden,    Hidden),
    // Each account's own mailboxes: anyone signed in makes its own.
    row("create_mailbox",     NoAuth,  Allowed,   Allowed,   Allowed),
    row("update_mailbox",     NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_mailbox",     NoAuth,  Allowed,   Hidden,    Hidden),
    row("send_message",       NoAuth,  Allowed,   Allowed,   Allowed),
    row("start_reply",        NoAuth,  Allowed,   Hidden,    Hidden),
    // Drafts and uploads: each account its own.
    row("save_draft",         NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_draft",          NoAuth,  Allowed,   Hidden,    Hidden),
    row("upload_file",        NoAuth,  Allowed,   Allowed,   Allowed),
    // Live updates: each account its own; the ticket is the stream's credential.
    row("create_events_ticket", NoAuth, Allowed,  Allowed,   Allowed),
    row("open_events",        Allowed, Allowed,   Allowed,   Allowed),
    row("delete_upload",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("list_outbound",      NoAuth,  Allowed,   Filtered,  Filtered),
    row("get_outbound",       NoAuth,  Allowed,   Hidden,    Hidden),
    // The address book: each account its own, nobody else's.
    row("list_contacts",      NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_contact",     NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_contact",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("replace_contact",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_contact",     NoAuth,  Allowed,   Hidden,    Hidden),
    row("import_contacts",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("export_contacts",    NoAuth,  Allowed,   Filtered,  Filtered),
    row("suggest_recipients", NoAuth,  Allowed,   Filtered,  Filtered),
    row("list_calendars",     NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_calendar",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_calendar",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("replace_calendar",   NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_calendar",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("share_calendar",     NoAuth,  Allowed,   Hidden,    Hidden),
    row("unshare_calendar",   NoAuth,  Allowed,   Hidden,    Hidden),
    row("list_occurrences",   NoAuth,  Allowed,   Filtered,  Filtered),
    row("list_due_reminders", NoAuth,  Allowed,   Filtered,  Filtered),
    row("answer_invitation",  NoAuth,  Allowed,   Hidden,    Hidden),
    row("create_event",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_event",          NoAuth,  Allowed,   Hidden,    Hidden),
    row("replace_event",      NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_event",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("import_calendar",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("export_calendar",    NoAuth,  Allowed,   Hidden,    Hidden),
    row("create_calendar_feed", NoAuth, Allowed,  Hidden,    Hidden),
    row("delete_calendar_feed", NoAuth, Allowed,  Hidden,    Hidden),
    // The feed's token is the credential: whoever has it reads the calendar.
    row("calendar_feed",      Allowed, Allowed,   Allowed,   Allowed),
    row("search_calendars",   NoAuth,  Allowed,   Filtered,  Filtered),
    row("list_tasks",         NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_task",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_task",           NoAuth,  Allowed,   Hidden,    Hidden),
    row("replace_task",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_task",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("list_notes",         NoAuth,  Allowed,   Filtered,  Filtered),
    row("create_note",        NoAuth,  Allowed,   Hidden,    Hidden),
    row("replace_note",       NoAuth,  Allowed,   Hidden,    Hidden),
    row("delete_note",        NoAuth,  Allowed,   Hidden,    Hidden),
    // Busy periods of the caller's own domain's accounts only (the server admin of
    // the test is of the user's domain).
    row("free_busy",          NoAuth,  Allowed,   Filtered,  Allowed),
    row("list_contact_groups", NoAuth, Allowed,   Filtered,  Filtered),
    row("create_contact_group", NoAuth, Allowed,  Allowed,   Allowed),
    row("replace_contact_group", NoAuth, Allowed, Hidden,    Hidden),
    row("delete_contact_group", NoAuth, Allowed,  Hidden,    Hidden),
    // The spell checker: each account its own personal dictionary.
    row("spell_languages",    NoAuth,  Allowed,   Allowed,   Allowed),
    row("check_spelling",     NoAuth,  Allowed,   Allowed,   Allowed),
    row("list_personal_words", NoAuth, Allowed,   Filtered,  Filtered),
    row("add_personal_word",  NoAuth,  Allowed,   Allowed,   Allowed),
    row("remove_personal_word", NoAuth, Allowed,  Hidden,    Hidden),
    // Delivery rules: each account its own; a domain's, its administrators.
    row("get_rules",          NoAuth,  Allowed,   Allowed,   Allowed),
    row("put_rules",          NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_sieve",          NoAuth,  Allowed,   Allowed,   Allowed),
    row("put_sieve",          NoAuth,  Allowed,   Allowed,   Allowed),
    row("get_vacation",       NoAuth,  Allowed,   Allowed,   Allowed),
    row("put_vacation",       NoAuth,  Allowed,   Allowed,   Allowed),
    row("test_rules",         NoAuth,  Allowed,   Hidden,    Hidden),
    row("start_run",          NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_run",            NoAuth,  Allowed,   Hidden,    Hidden),
    row("get_domain_rules",   NoAuth,  Forbidden, Forbidden, Allowed),
    row("put_domain_rules",   NoAuth,  Forbidden, Forbidden, Allowed),
    // Domains: server administrators; a domain administrator sees its own.
    row("list_domains",       NoAuth,  Forbidden, Filtered,  Allowed),
    row("create_domain",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_domain",         NoAuth,  Forbidden, Forbidden, Allowed),
    row("update_domain",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_domain",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_dkim",           NoAuth,  Forbidden, Forbidden, Allowed),
    row("rotate_dkim",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_domain_dns",     NoAuth,  Forbidden, Forbidden, Allowed),
    // Accounts and aliases: the administrators of their domain.
    row("list_accounts",      NoAuth,  Forbidden, Filtered,  Allowed),
    row("create_account",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_account",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("update_account",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_account",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_account_login_failures", NoAuth, Forbidden, Forbidden, Allowed),
    row("get_account_stats",  NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_aliases",       NoAuth,  Forbidden, Filtered,  Allowed),
    row("create_alias",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_alias",          NoAuth,  Forbidden, Forbidden, Allowed),
    row("update_alias",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_alias",       NoAuth,  Forbidden, Forbidden, Allowed),
    // Mailing lists: the administrators of their domain.
    row("list_lists",         NoAuth,  Forbidden, Filtered,  Allowed),
    row("create_list",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_list",           NoAuth,  Forbidden, Forbidden, Allowed),
    row("update_list",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_list",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_members",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("add_member",         NoAuth,  Forbidden, Forbidden, Allowed),
    row("update_member",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("import_members",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("export_members",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("remove_member",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_held",          NoAuth,  Forbidden, Forbidden, Allowed),
    row("moderate",           NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_statistics",    NoAuth,  Forbidden, Forbidden, Allowed),
    // A list's archive (members only, the default): its members and the administrators
    // of its domain; others are told it is for members.
    row("list_archive",       NoAuth,  Allowed,   Forbidden, Allowed),
    row("archive_thread",     NoAuth,  Allowed,   Forbidden, Allowed),
    row("archive_mbox",       NoAuth,  Allowed,   Forbidden, Allowed),
    // A member's own lists: each account its own memberships.
    row("my_lists",           NoAuth,  Allowed,   Allowed,   Allowed),
    row("leave_list",         NoAuth,  Allowed,   Hidden,    Hidden),
    row("update_my_list",     NoAuth,  Allowed,   Hidden,    Hidden),
    // Send-as grants: the administrators of the account's domain; the account reads its own.
    row("list_send_as",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("grant_send_as",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("revoke_send_as",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("my_send_as",         NoAuth,  Allowed,   Allowed,   Allowed),
    // Server-wide settings and the queue: server administrators only.
    row("list_ip_rules",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("create_ip_rule",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_ip_rule",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("move_ip_rule",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_kill_entries",  NoAuth,  Forbidden, Forbidden, Allowed),
    row("create_kill_entry",  NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_kill_entry",  NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_postmaster",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("set_postmaster",     NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_relay_policy",   NoAuth,  Forbidden, Forbidden, Allowed),
    row("set_relay_policy",   NoAuth,  Forbidden, Forbidden, Allowed),
    row("check_relay",        NoAuth,  Forbidden, Forbidden, Allowed),
    row("list_queue",         NoAuth,  Forbidden, Forbidden, Allowed),
    row("get_queued",         NoAuth,  Forbidden, Forbidden, Allowed),
    row("retry_queued",       NoAuth,  Forbidden, Forbidden, Allowed),
    row("bounce_queued",      NoAuth,  Forbidden, Forbidden, Allowed),
    row("delete_queued",      NoAuth,  Forbidden, Forbidden, Allowed),
    // The audit log: each administrator its own domains' changes; its retention is
    // server-wide.
    row("list_audit",         NoAuth,  Forbidden, Filtered,  Allowed),
    row("get_audit_settings", NoAuth,  Forbidden, Allowed,   Allowed),
    row("set_audit_settings", NoAuth,  Forbidden, Forbidden, Allowed),
    // Accounts in bulk: each administrator its own domains' (a domain administrator's
    // import of another domain's line reports that line, creating nothing there).
    row("import_accounts",        NoAuth, Forbidden, Allowed,   Allowed),
    row("export_accounts",        NoAuth, Forbidden, Filtered,  Allowed),
    // Delegating a domain: server administrators only.
    row("list_domain_admins",     NoAuth, Forbidden, Forbidden, Allowed),
    row("add_domain_admin",       NoAuth, Forbidden, Forbidden, Allowed),
    row("remove_domain_admin",    NoAuth, Forbidden, Forbidden, Allowed),
    // Server settings: server administrators only.
    row("get_server_settings",    NoAuth, Forbidden, Forbidden, Allowed),
    row("get_server_stats",       NoAuth, Forbidden, Forbidden, Allowed),
    // Banner ads: campaigns of a domain for its administrators, server-wide ones for
    // server administrators; what a page shows for whoever sees the page.
    row("list_ad_campaigns",      NoAuth, Forbidden, Filtered,  Allowed),
    row("create_ad_campaign",     NoAuth, Forbidden, Forbidden, Allowed),
    row("get_ad_campaign",        NoAuth, Forbidden, Hidden,    Allowed),
    row("update_ad_campaign",     NoAuth, Forbidden, Hidden,    Allowed),
    row("delete_ad_campaign",     NoAuth, Forbidden, Hidden,    Allowed),
    row("put_ad_image",           NoAuth, Forbidden, Hidden,    Allowed),
    row("delete_ad_image",        NoAuth, Forbidden, Hidden,    Allowed),
    row("list_ad_days",           NoAuth, Forbidden, Hidden,    Allowed),
    row("list_ad_exemptions",     NoAuth, Forbidden, Filtered,  Allowed),
    row("add_ad_exemption",       NoAuth, Forbidden, Forbidden, Allowed),
    row("remove_ad_exemption",    NoAuth, Forbidden, Hidden,    Allowed),
    row("get_ad_slot",            NoAuth, Allowed,   Allowed,   Allowed),
    row("get_login_ad",           Allowed, Allowed,  Allowed,   Allowed),
    row("get_ad_image",           Allowed, Allowed,  Allowed,   Allowed),
    row("click_ad",               Allowed, Allowed,  Allowed,   Allowed),
    row("update_server_settings", NoAuth, Forbidden, Forbidden, Allowed),
    // Per-host look: the server's for server administrators, a domain's for its
    // administrators too; what a page shows for anyone (the sign-in page shows it).
    row("get_branding",           NoAuth, Forbidden, Forbidden, Allowed),
    row("put_branding",           NoAuth, Forbidden, Forbidden, Allowed),
    row("delete_branding",        NoAuth, Forbidden, Forbidden, Allowed),
    row("put_branding_image",     NoAuth, Forbidden, Forbidden, Allowed),
    row("delete_branding_image",  NoAuth, Forbidden, Forbidden, Allowed),
    row("get_page_branding",      Allowed, Allowed,  Allowed,   Allowed),
    row("get_branding_stylesheet", Allowed, Allowed, Allowed,   Allowed),
    row("get_branding_custom_css", Allowed, Allowed, Allowed,   Allowed),
    row("get_branding_image",     Allowed, Allowed,  Allowed,   Allowed),
];
