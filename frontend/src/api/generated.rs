//! Every operation of the REST API as a typed function: GENERATED from
//! `openapi/openapi.json` by `cargo xtask gen-client`; do not edit, regenerate.
//!
//! Operations that need a bearer token are methods of [`Api`] (token refresh
//! included); the others are free functions (one argument per parameter, however
//! many). The web app calls only some of them.

#![allow(dead_code, clippy::too_many_arguments)]

use gloo::net::http::Method;
use osprey_api_types::{
    Account, AccountImportReport, AccountStats, AdCampaign, AdCampaignInput, AdDay, AdExemption,
    AdExemptionInput, AdSlot, AddDomainAdmin, AddListMember, Alias, AnswerInvitation, ApiKey,
    ArchivePage, ArchiveThreadPosts, AuditEntry, AuditSettings, Branding, BrandingLook, Calendar,
    CalendarEvent, CalendarEventFields, CalendarFeed, CalendarFields, CalendarImportReport,
    CalendarSearchResults, ChangePassword, Contact, ContactFields, ContactGroup,
    ContactGroupFields, CreateAccount, CreateAlias, CreateApiKey, CreateDomain, CreateIpRule,
    CreateKillEntry, CreateMailbox, CreateMailingList, CreateSendAsGrant, CreatedApiKey,
    DkimRecord, Domain, DomainDns, DownloadLink, DownloadRequest, DraftMessage, DueReminderList,
    EventsTicket, FlagMessages, FreeBusy, Health, HeldPost, ImportAccounts, ImportCalendar,
    ImportContacts, ImportListMembers, ImportReport, IpRule, KillEntry, ListDay, ListMember,
    LoginFailure, LoginRequest, Mailbox, MailingList, MemberImportReport, MessageDetail,
    MessageIds, MessageInvitation, MessageItem, MessagesTo, ModerationDecision, MoveIpRule, MyList,
    Note, NoteFields, OccurrenceList, Organized, Page, PageBranding, PersonalWord, Postmaster,
    Preferences, QueuedMessage, RecipientSuggestion, RefreshRequest, RelayCheck, RelayPolicy,
    RelayVerdict, RetryResult, RuleRun, RuleRunRequest, RuleTestRequest, RuleTestResult,
    RulesDocument, RulesUpdate, SavedDraft, SendAsGrant, SendMessage, SentMessage, ServerSettings,
    ServerStats, ShareCalendar, SieveScript, SpellCheckRequest, SpellCheckResult, SpellLanguage,
    Task, TaskFields, TokenResponse, UpdateAccount, UpdateAlias, UpdateAuditSettings, UpdateDomain,
    UpdateFlags, UpdateListMember, UpdateMailbox, UpdateMailingList, UpdateMe, UpdateMyList,
    UpdateServerSettings, Upload, VacationDocument, VacationUpdate,
};

use super::{Api, ApiError, Call, bytes, empty, json, segment, text};

/// The ad of the login page: of the domain the page is reached at (its `Host`, or one
/// of its alias names) and the server-wide campaigns that target the login page.
///
/// `GET /api/v1/ads/login`
pub async fn get_login_ad() -> Result<AdSlot, ApiError> {
    let call = Call::new(Method::GET, "/api/v1/ads/login");
    json(call.send(None).await?).await
}

/// A campaign's image (ads are public).
///
/// `GET /api/v1/ads/{id}/image`
pub async fn get_ad_image(id: &str) -> Result<Vec<u8>, ApiError> {
    let call = Call::new(Method::GET, format!("/api/v1/ads/{}/image", segment(id)));
    bytes(call.send(None).await?).await
}

/// Signs in with an address and password.
///
/// `POST /api/v1/auth/login`
pub async fn login(body: &LoginRequest) -> Result<TokenResponse, ApiError> {
    let call = Call::new(Method::POST, "/api/v1/auth/login").json(body)?;
    json(call.send(None).await?).await
}

/// Signs out the account of the refresh token: every access and refresh token it holds
/// stops working at once, on every device (API keys and mail sessions stay).
///
/// `POST /api/v1/auth/logout`
pub async fn logout(body: &RefreshRequest) -> Result<(), ApiError> {
    let call = Call::new(Method::POST, "/api/v1/auth/logout").json(body)?;
    empty(call.send(None).await?).await
}

/// Exchanges a refresh token for new tokens. Each refresh token works once; presenting
/// a spent one revokes every token of that login.
///
/// `POST /api/v1/auth/refresh`
pub async fn refresh(body: &RefreshRequest) -> Result<TokenResponse, ApiError> {
    let call = Call::new(Method::POST, "/api/v1/auth/refresh").json(body)?;
    json(call.send(None).await?).await
}

/// The look a page shows: of the domain named, else of the one the page is reached at
/// (its `Host`, a domain's name or alias name), over the server's look.
///
/// `GET /api/v1/branding`
pub async fn get_page_branding(
    domain: Option<&str>,
    v: Option<&str>,
) -> Result<PageBranding, ApiError> {
    let call = Call::new(Method::GET, "/api/v1/branding")
        .query("domain", domain)
        .query("v", v);
    json(call.send(None).await?).await
}

/// A page's custom CSS (empty when it has none): a stylesheet of its own after the
/// colours', which the web app leaves off the administration pages, so that a domain's
/// look cannot restyle the console that manages it.
///
/// `GET /api/v1/branding/custom.css`
pub async fn get_branding_custom_css(
    domain: Option<&str>,
    v: Option<&str>,
) -> Result<String, ApiError> {
    let call = Call::new(Method::GET, "/api/v1/branding/custom.css")
        .query("domain", domain)
        .query("v", v);
    text(call.send(None).await?).await
}

/// A page's `logo` or `favicon` (the domain's, else the server's); 404 when its look
/// has none.
///
/// `GET /api/v1/branding/images/{kind}`
pub async fn get_branding_image(
    kind: &str,
    domain: Option<&str>,
    v: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let call = Call::new(
        Method::GET,
        format!("/api/v1/branding/images/{}", segment(kind)),
    )
    .query("domain", domain)
    .query("v", v);
    bytes(call.send(None).await?).await
}

/// The stylesheet of a page's colours: CSS variables for its accent and its bar (empty
/// when it sets neither). Loaded by every page after the app's own.
///
/// `GET /api/v1/branding/style.css`
pub async fn get_branding_stylesheet(
    domain: Option<&str>,
    v: Option<&str>,
) -> Result<String, ApiError> {
    let call = Call::new(Method::GET, "/api/v1/branding/style.css")
        .query("domain", domain)
        .query("v", v);
    text(call.send(None).await?).await
}

/// A calendar's subscription feed (`.ics`), for calendar programs: the secret token in
/// the path is the credential, no sign-in.
///
/// `GET /api/v1/calendar-feeds/{token}`
pub async fn calendar_feed(token: &str) -> Result<String, ApiError> {
    let call = Call::new(
        Method::GET,
        format!("/api/v1/calendar-feeds/{}", segment(token)),
    );
    text(call.send(None).await?).await
}

/// The file of a download link: the message as received (streamed) or one attachment.
///
/// `GET /api/v1/download/{token}`
pub async fn download(token: &str) -> Result<Vec<u8>, ApiError> {
    let call = Call::new(Method::GET, format!("/api/v1/download/{}", segment(token)));
    bytes(call.send(None).await?).await
}

/// The account's live updates as Server-Sent Events, each with a name (`appended`,
/// `expunged`, `flags`, `mailboxes`, `resync`) and a `MailEventData` as its data.
///
/// `GET /api/v1/events/{ticket}`
pub async fn open_events(ticket: &str) -> Result<String, ApiError> {
    let call = Call::new(Method::GET, format!("/api/v1/events/{}", segment(ticket)));
    text(call.send(None).await?).await
}

/// Liveness: the process serves HTTP.
///
/// `GET /healthz`
pub async fn healthz() -> Result<Health, ApiError> {
    let call = Call::new(Method::GET, "/healthz");
    json(call.send(None).await?).await
}

/// Prometheus metrics in the text exposition format.
///
/// `GET /metrics`
pub async fn metrics() -> Result<String, ApiError> {
    let call = Call::new(Method::GET, "/metrics");
    text(call.send(None).await?).await
}

/// Readiness: the database answers.
///
/// `GET /readyz`
pub async fn readyz() -> Result<Health, ApiError> {
    let call = Call::new(Method::GET, "/readyz");
    json(call.send(None).await?).await
}

impl Api {
    /// Accounts, by address, or the newest or largest first.
    ///
    /// `GET /api/v1/admin/accounts`
    pub async fn list_accounts(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
        domain: Option<&str>,
        sort: Option<&str>,
    ) -> Result<Page<Account>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/accounts")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q)
            .query("domain", domain)
            .query("sort", sort);
        json(self.authed(&call).await?).await
    }

    /// Creates an account with its mailboxes.
    ///
    /// `POST /api/v1/admin/accounts`
    pub async fn create_account(&self, body: &CreateAccount) -> Result<Account, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/accounts").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The accounts the caller manages as CSV:
    /// `address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created`.
    ///
    /// `GET /api/v1/admin/accounts/export`
    pub async fn export_accounts(&self, domain: Option<&str>) -> Result<String, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/accounts/export").query("domain", domain);
        text(self.authed(&call).await?).await
    }

    /// Creates user accounts from CSV (`address[,display name[,password[,quota in MiB]]]`,
    /// or columns named by a first line), each by the rules of one new account. `dry_run` checks every line and creates
    /// nothing; a real run with a bad line creates nothing (422, one error per bad line)
    /// unless `skip_invalid`, which creates the good lines' accounts. Passwords the server
    /// draws for lines without one are in the answer, once.
    ///
    /// `POST /api/v1/admin/accounts/import`
    pub async fn import_accounts(
        &self,
        body: &ImportAccounts,
    ) -> Result<AccountImportReport, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/accounts/import").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One account.
    ///
    /// `GET /api/v1/admin/accounts/{id}`
    pub async fn get_account(&self, id: &str) -> Result<Account, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/accounts/{}", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Changes an account: display name, role, quota, managed domains, state, password.
    ///
    /// `PATCH /api/v1/admin/accounts/{id}`
    pub async fn update_account(
        &self,
        id: &str,
        body: &UpdateAccount,
    ) -> Result<Account, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!("/api/v1/admin/accounts/{}", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes an account with its mailboxes and messages.
    ///
    /// `DELETE /api/v1/admin/accounts/{id}`
    pub async fn delete_account(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/accounts/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// An account's recent failed sign-ins (the last 20, newest first, kept in memory by
    /// the node that answers): when, from which address, over which protocol.
    ///
    /// `GET /api/v1/admin/accounts/{id}/login-failures`
    pub async fn list_account_login_failures(
        &self,
        id: &str,
    ) -> Result<Page<LoginFailure>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/accounts/{}/login-failures", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The addresses an account was granted to send as.
    ///
    /// `GET /api/v1/admin/accounts/{id}/send-as`
    pub async fn list_send_as(&self, id: &str) -> Result<Vec<SendAsGrant>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/accounts/{}/send-as", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Lets an account send as an address, or as every address of a domain (`@domain`).
    /// A domain admin grants addresses of its own domains only.
    ///
    /// `POST /api/v1/admin/accounts/{id}/send-as`
    pub async fn grant_send_as(
        &self,
        id: &str,
        body: &CreateSendAsGrant,
    ) -> Result<SendAsGrant, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/accounts/{}/send-as", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Withdraws a grant.
    ///
    /// `DELETE /api/v1/admin/accounts/{id}/send-as/{grant_id}`
    pub async fn revoke_send_as(&self, id: &str, grant_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/admin/accounts/{}/send-as/{}",
                segment(id),
                segment(grant_id)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// An account's mail figures: each folder's messages, unread ones and size, the totals
    /// against its quota, and how many messages arrived in the last day, week and month.
    ///
    /// `GET /api/v1/admin/accounts/{id}/stats`
    pub async fn get_account_stats(&self, id: &str) -> Result<AccountStats, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/accounts/{}/stats", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The campaigns the caller may see (a domain administrator: its domains'), newest
    /// first, with what each showed and was clicked in all.
    ///
    /// `GET /api/v1/admin/ads`
    pub async fn list_ad_campaigns(&self) -> Result<Vec<AdCampaign>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/ads");
        json(self.authed(&call).await?).await
    }

    /// Starts a campaign: plain text, a link, the pages it shows on, optional dates and
    /// weight; for one domain's pages, or (server administrators) every domain's.
    ///
    /// `POST /api/v1/admin/ads`
    pub async fn create_ad_campaign(&self, body: &AdCampaignInput) -> Result<AdCampaign, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/ads").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The accounts the caller manages that see no ads (paying customers, say), by address.
    ///
    /// `GET /api/v1/admin/ads/exemptions`
    pub async fn list_ad_exemptions(&self) -> Result<Vec<AdExemption>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/ads/exemptions");
        json(self.authed(&call).await?).await
    }

    /// Spares an account the ads.
    ///
    /// `POST /api/v1/admin/ads/exemptions`
    pub async fn add_ad_exemption(&self, body: &AdExemptionInput) -> Result<(), ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/ads/exemptions").json(body)?;
        empty(self.authed(&call).await?).await
    }

    /// The account sees ads again.
    ///
    /// `DELETE /api/v1/admin/ads/exemptions/{account_id}`
    pub async fn remove_ad_exemption(&self, account_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/ads/exemptions/{}", segment(account_id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// One campaign.
    ///
    /// `GET /api/v1/admin/ads/{id}`
    pub async fn get_ad_campaign(&self, id: &str) -> Result<AdCampaign, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/admin/ads/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Replaces a campaign's fields (its image and counts stay).
    ///
    /// `PUT /api/v1/admin/ads/{id}`
    pub async fn update_ad_campaign(
        &self,
        id: &str,
        body: &AdCampaignInput,
    ) -> Result<AdCampaign, ApiError> {
        let call =
            Call::new(Method::PUT, format!("/api/v1/admin/ads/{}", segment(id))).json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Ends a campaign, its counts with it.
    ///
    /// `DELETE /api/v1/admin/ads/{id}`
    pub async fn delete_ad_campaign(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/admin/ads/{}", segment(id)));
        empty(self.authed(&call).await?).await
    }

    /// What a campaign showed and was clicked on each of the last days (days without any
    /// are left out), oldest first.
    ///
    /// `GET /api/v1/admin/ads/{id}/days`
    pub async fn list_ad_days(&self, id: &str, days: Option<u32>) -> Result<Vec<AdDay>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/ads/{}/days", segment(id)),
        )
        .query("days", days);
        json(self.authed(&call).await?).await
    }

    /// Sets a campaign's image: a `multipart/form-data` body with one file field `file`
    /// (PNG, JPEG, GIF or WebP, at most 256 KiB).
    ///
    /// `PUT /api/v1/admin/ads/{id}/image`
    pub async fn put_ad_image(
        &self,
        id: &str,
        body: &web_sys::FormData,
    ) -> Result<AdCampaign, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/admin/ads/{}/image", segment(id)),
        )
        .form(body);
        json(self.authed(&call).await?).await
    }

    /// Removes a campaign's image (it shows as text).
    ///
    /// `DELETE /api/v1/admin/ads/{id}/image`
    pub async fn delete_ad_image(&self, id: &str) -> Result<AdCampaign, ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/ads/{}/image", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Aliases, by address.
    ///
    /// `GET /api/v1/admin/aliases`
    pub async fn list_aliases(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
        domain: Option<&str>,
        sort: Option<&str>,
    ) -> Result<Page<Alias>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/aliases")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q)
            .query("domain", domain)
            .query("sort", sort);
        json(self.authed(&call).await?).await
    }

    /// Creates an alias.
    ///
    /// `POST /api/v1/admin/aliases`
    pub async fn create_alias(&self, body: &CreateAlias) -> Result<Alias, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/aliases").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One alias.
    ///
    /// `GET /api/v1/admin/aliases/{id}`
    pub async fn get_alias(&self, id: &str) -> Result<Alias, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/aliases/{}", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Replaces an alias's targets.
    ///
    /// `PATCH /api/v1/admin/aliases/{id}`
    pub async fn update_alias(&self, id: &str, body: &UpdateAlias) -> Result<Alias, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!("/api/v1/admin/aliases/{}", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes an alias.
    ///
    /// `DELETE /api/v1/admin/aliases/{id}`
    pub async fn delete_alias(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/aliases/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The audit log, newest first: every change made by an administrator (or a list
    /// owner) through the web app, the API or the command line.
    ///
    /// `GET /api/v1/admin/audit`
    pub async fn list_audit(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
        action: Option<&str>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Page<AuditEntry>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/audit")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q)
            .query("action", action)
            .query("since", since)
            .query("until", until);
        json(self.authed(&call).await?).await
    }

    /// How long the audit log keeps its entries.
    ///
    /// `GET /api/v1/admin/audit/settings`
    pub async fn get_audit_settings(&self) -> Result<AuditSettings, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/audit/settings");
        json(self.authed(&call).await?).await
    }

    /// Sets how long the audit log keeps its entries (server administrators); older
    /// entries are removed at once.
    ///
    /// `PUT /api/v1/admin/audit/settings`
    pub async fn set_audit_settings(
        &self,
        body: &UpdateAuditSettings,
    ) -> Result<AuditSettings, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/admin/audit/settings").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// A look (the server's, or `?domain=`'s): what it sets and what it inherits.
    ///
    /// `GET /api/v1/admin/branding`
    pub async fn get_branding(&self, domain: Option<&str>) -> Result<Branding, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/branding").query("domain", domain);
        json(self.authed(&call).await?).await
    }

    /// Replaces a look's texts and colours (its images stay); every field is checked.
    ///
    /// `PUT /api/v1/admin/branding`
    pub async fn put_branding(
        &self,
        body: &BrandingLook,
        domain: Option<&str>,
    ) -> Result<Branding, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/admin/branding")
            .query("domain", domain)
            .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Forgets a look, images and all: its pages show the server's (or Osprey's own).
    ///
    /// `DELETE /api/v1/admin/branding`
    pub async fn delete_branding(&self, domain: Option<&str>) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, "/api/v1/admin/branding").query("domain", domain);
        empty(self.authed(&call).await?).await
    }

    /// Sets a look's `logo` (PNG, JPEG, GIF or WebP, at most 256 KiB) or `favicon` (ICO
    /// too, at most 64 KiB): a `multipart/form-data` body with one file field `file`.
    ///
    /// `PUT /api/v1/admin/branding/images/{kind}`
    pub async fn put_branding_image(
        &self,
        kind: &str,
        body: &web_sys::FormData,
        domain: Option<&str>,
    ) -> Result<Branding, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/admin/branding/images/{}", segment(kind)),
        )
        .query("domain", domain)
        .form(body);
        json(self.authed(&call).await?).await
    }

    /// Removes a look's `logo` or `favicon` (its pages show the inherited one).
    ///
    /// `DELETE /api/v1/admin/branding/images/{kind}`
    pub async fn delete_branding_image(
        &self,
        kind: &str,
        domain: Option<&str>,
    ) -> Result<Branding, ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/branding/images/{}", segment(kind)),
        )
        .query("domain", domain);
        json(self.authed(&call).await?).await
    }

    /// Domains, by name or the newest first.
    ///
    /// `GET /api/v1/admin/domains`
    pub async fn list_domains(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
        domain: Option<&str>,
        sort: Option<&str>,
    ) -> Result<Page<Domain>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/domains")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q)
            .query("domain", domain)
            .query("sort", sort);
        json(self.authed(&call).await?).await
    }

    /// Creates a domain (server admins).
    ///
    /// `POST /api/v1/admin/domains`
    pub async fn create_domain(&self, body: &CreateDomain) -> Result<Domain, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/domains").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One domain.
    ///
    /// `GET /api/v1/admin/domains/{id}`
    pub async fn get_domain(&self, id: &str) -> Result<Domain, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/domains/{}", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Changes a domain's alias names, settings or state (server admins).
    ///
    /// `PATCH /api/v1/admin/domains/{id}`
    pub async fn update_domain(&self, id: &str, body: &UpdateDomain) -> Result<Domain, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!("/api/v1/admin/domains/{}", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a domain with its aliases (server admins). Refused while it has accounts.
    ///
    /// `DELETE /api/v1/admin/domains/{id}`
    pub async fn delete_domain(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/domains/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The accounts that administer the domain (server administrators, who administer
    /// every domain, are not listed).
    ///
    /// `GET /api/v1/admin/domains/{id}/admins`
    pub async fn list_domain_admins(&self, id: &str) -> Result<Vec<Account>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/domains/{}/admins", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Makes an existing account an administrator of the domain: a plain user becomes a
    /// domain administrator, a domain administrator gains the domain. 422 for an address
    /// that is no account; 409 for a server administrator or an administrator of it already.
    ///
    /// `POST /api/v1/admin/domains/{id}/admins`
    pub async fn add_domain_admin(
        &self,
        id: &str,
        body: &AddDomainAdmin,
    ) -> Result<Account, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/domains/{}/admins", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Withdraws the domain from one of its administrators; one left without a domain
    /// becomes a plain user.
    ///
    /// `DELETE /api/v1/admin/domains/{id}/admins/{account_id}`
    pub async fn remove_domain_admin(&self, id: &str, account_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/admin/domains/{}/admins/{}",
                segment(id),
                segment(account_id)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// The domain's DKIM key as a DNS TXT record (a key is made if the domain has none).
    ///
    /// `GET /api/v1/admin/domains/{id}/dkim`
    pub async fn get_dkim(&self, id: &str) -> Result<DkimRecord, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/domains/{}/dkim", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Makes a new DKIM key under a new selector; publish its record before mail signed
    /// with it reaches receivers, and keep the old record for a few days.
    ///
    /// `POST /api/v1/admin/domains/{id}/dkim`
    pub async fn rotate_dkim(&self, id: &str) -> Result<DkimRecord, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/domains/{}/dkim", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The records the domain should publish; with `check=true`, each with what the DNS
    /// answers for it now (the server's resolver, uncached).
    ///
    /// `GET /api/v1/admin/domains/{id}/dns`
    pub async fn get_domain_dns(
        &self,
        id: &str,
        check: Option<bool>,
    ) -> Result<DomainDns, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/domains/{}/dns", segment(id)),
        )
        .query("check", check);
        json(self.authed(&call).await?).await
    }

    /// A domain's delivery rules, run before those of each of its accounts (the domain's
    /// administrators).
    ///
    /// `GET /api/v1/admin/domains/{id}/rules`
    pub async fn get_domain_rules(&self, id: &str) -> Result<RulesDocument, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/domains/{}/rules", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Replaces a domain's delivery rules (the domain's administrators).
    ///
    /// `PUT /api/v1/admin/domains/{id}/rules`
    pub async fn put_domain_rules(
        &self,
        id: &str,
        body: &RulesUpdate,
    ) -> Result<RulesDocument, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/admin/domains/{}/rules", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// IP rules in the order they are tried.
    ///
    /// `GET /api/v1/admin/ip-rules`
    pub async fn list_ip_rules(&self) -> Result<Vec<IpRule>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/ip-rules");
        json(self.authed(&call).await?).await
    }

    /// Adds an IP rule after the existing ones.
    ///
    /// `POST /api/v1/admin/ip-rules`
    pub async fn create_ip_rule(&self, body: &CreateIpRule) -> Result<IpRule, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/ip-rules").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Removes an IP rule.
    ///
    /// `DELETE /api/v1/admin/ip-rules/{id}`
    pub async fn delete_ip_rule(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/ip-rules/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// Moves an IP rule to another place in the order they are tried; returns the rules in
    /// their new order.
    ///
    /// `PUT /api/v1/admin/ip-rules/{id}/position`
    pub async fn move_ip_rule(&self, id: &str, body: &MoveIpRule) -> Result<Vec<IpRule>, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/admin/ip-rules/{}/position", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The kill file.
    ///
    /// `GET /api/v1/admin/kill-file`
    pub async fn list_kill_entries(&self) -> Result<Vec<KillEntry>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/kill-file");
        json(self.authed(&call).await?).await
    }

    /// Adds a kill-file entry.
    ///
    /// `POST /api/v1/admin/kill-file`
    pub async fn create_kill_entry(&self, body: &CreateKillEntry) -> Result<KillEntry, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/kill-file").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Removes a kill-file entry.
    ///
    /// `DELETE /api/v1/admin/kill-file/{id}`
    pub async fn delete_kill_entry(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/kill-file/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// Mailing lists of the domains the caller administers, by address (`sort=name`, the
    /// local part first) or the newest first (`sort=newest`).
    ///
    /// `GET /api/v1/admin/lists`
    pub async fn list_lists(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
        domain: Option<&str>,
        sort: Option<&str>,
    ) -> Result<Page<MailingList>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/lists")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q)
            .query("domain", domain)
            .query("sort", sort);
        json(self.authed(&call).await?).await
    }

    /// Creates a mailing list with its companion addresses.
    ///
    /// `POST /api/v1/admin/lists`
    pub async fn create_list(&self, body: &CreateMailingList) -> Result<MailingList, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/lists").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One mailing list.
    ///
    /// `GET /api/v1/admin/lists/{id}`
    pub async fn get_list(&self, id: &str) -> Result<MailingList, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/admin/lists/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Changes a list's name, description or settings.
    ///
    /// `PATCH /api/v1/admin/lists/{id}`
    pub async fn update_list(
        &self,
        id: &str,
        body: &UpdateMailingList,
    ) -> Result<MailingList, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!("/api/v1/admin/lists/{}", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a list with its members; its addresses become free.
    ///
    /// `DELETE /api/v1/admin/lists/{id}`
    pub async fn delete_list(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/lists/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The posts waiting for a moderator, oldest first.
    ///
    /// `GET /api/v1/admin/lists/{id}/held`
    pub async fn list_held(&self, id: &str) -> Result<Vec<HeldPost>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/lists/{}/held", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Approves (the members get it), rejects (the sender is told why) or discards a held
    /// post; 404 if it was decided already or has expired.
    ///
    /// `POST /api/v1/admin/lists/{id}/held/{post_id}`
    pub async fn moderate(
        &self,
        id: &str,
        post_id: &str,
        body: &ModerationDecision,
    ) -> Result<(), ApiError> {
        let call = Call::new(
            Method::POST,
            format!(
                "/api/v1/admin/lists/{}/held/{}",
                segment(id),
                segment(post_id)
            ),
        )
        .json(body)?;
        empty(self.authed(&call).await?).await
    }

    /// A list's members, by address (`q` matches the address or name).
    ///
    /// `GET /api/v1/admin/lists/{id}/members`
    pub async fn list_members(
        &self,
        id: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
    ) -> Result<Page<ListMember>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/lists/{}/members", segment(id)),
        )
        .query("limit", limit)
        .query("cursor", cursor)
        .query("q", q);
        json(self.authed(&call).await?).await
    }

    /// Adds a member (409 if the address is one already).
    ///
    /// `POST /api/v1/admin/lists/{id}/members`
    pub async fn add_member(&self, id: &str, body: &AddListMember) -> Result<ListMember, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/lists/{}/members", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The list's members as CSV: `address,name,mode,status,bounces,joined`.
    ///
    /// `GET /api/v1/admin/lists/{id}/members/export`
    pub async fn export_members(&self, id: &str) -> Result<String, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/lists/{}/members/export", segment(id)),
        );
        text(self.authed(&call).await?).await
    }

    /// Adds the members a CSV text lists, or with `dry_run` says what it would do; bad lines
    /// are reported (and skipped), not refused.
    ///
    /// `POST /api/v1/admin/lists/{id}/members/import`
    pub async fn import_members(
        &self,
        id: &str,
        body: &ImportListMembers,
    ) -> Result<MemberImportReport, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/lists/{}/members/import", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Changes a member's delivery mode, or resumes a member paused for bounces.
    ///
    /// `PATCH /api/v1/admin/lists/{id}/members/{address}`
    pub async fn update_member(
        &self,
        id: &str,
        address: &str,
        body: &UpdateListMember,
    ) -> Result<ListMember, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!(
                "/api/v1/admin/lists/{}/members/{}",
                segment(id),
                segment(address)
            ),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Removes a member.
    ///
    /// `DELETE /api/v1/admin/lists/{id}/members/{address}`
    pub async fn remove_member(&self, id: &str, address: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/admin/lists/{}/members/{}",
                segment(id),
                segment(address)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// A list's days: posts, members who joined and left, bounces, and the members at each
    /// day's end, oldest first.
    ///
    /// `GET /api/v1/admin/lists/{id}/statistics`
    pub async fn list_statistics(
        &self,
        id: &str,
        days: Option<u32>,
    ) -> Result<Vec<ListDay>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/admin/lists/{}/statistics", segment(id)),
        )
        .query("days", days);
        json(self.authed(&call).await?).await
    }

    /// The account that receives mail for `postmaster@` every local domain: the one named,
    /// or the first enabled server administrator (server admins).
    ///
    /// `GET /api/v1/admin/postmaster`
    pub async fn get_postmaster(&self) -> Result<Postmaster, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/postmaster");
        json(self.authed(&call).await?).await
    }

    /// Names the account that receives postmaster mail (server admins).
    ///
    /// `PUT /api/v1/admin/postmaster`
    pub async fn set_postmaster(&self, body: &Postmaster) -> Result<Postmaster, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/admin/postmaster").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The outbound queue, newest first.
    ///
    /// `GET /api/v1/admin/queue`
    pub async fn list_queue(
        &self,
        state: Option<&str>,
        domain: Option<&str>,
        sender: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<QueuedMessage>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/queue")
            .query("state", state)
            .query("domain", domain)
            .query("sender", sender)
            .query("limit", limit);
        json(self.authed(&call).await?).await
    }

    /// One queued message with its recipients' states and last errors.
    ///
    /// `GET /api/v1/admin/queue/{id}`
    pub async fn get_queued(&self, id: &str) -> Result<QueuedMessage, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/admin/queue/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Removes a message from the queue; its pending recipients are never tried again and
    /// nobody is notified.
    ///
    /// `DELETE /api/v1/admin/queue/{id}`
    pub async fn delete_queued(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/admin/queue/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// Returns every pending recipient of a queued message to its sender undelivered, now:
    /// the queue worker fails them (5.0.0) and sends the sender a failure report.
    ///
    /// `POST /api/v1/admin/queue/{id}/bounce`
    pub async fn bounce_queued(&self, id: &str) -> Result<RetryResult, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/queue/{}/bounce", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Makes every pending recipient of a queued message due now.
    ///
    /// `POST /api/v1/admin/queue/{id}/retry`
    pub async fn retry_queued(&self, id: &str) -> Result<RetryResult, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/admin/queue/{}/retry", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The relay policy.
    ///
    /// `GET /api/v1/admin/relay`
    pub async fn get_relay_policy(&self) -> Result<RelayPolicy, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/relay");
        json(self.authed(&call).await?).await
    }

    /// Replaces the relay policy.
    ///
    /// `PUT /api/v1/admin/relay`
    pub async fn set_relay_policy(&self, body: &RelayPolicy) -> Result<RelayPolicy, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/admin/relay").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Answers whether a recipient would be accepted for this client, and which rule
    /// decides. Nothing is sent and no counter changes.
    ///
    /// `POST /api/v1/admin/relay/check`
    pub async fn check_relay(&self, body: &RelayCheck) -> Result<RelayVerdict, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/admin/relay/check").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The server settings: those in force (with the configuration file's value and
    /// whether an administrator changed it) and those that need a restart.
    ///
    /// `GET /api/v1/admin/settings`
    pub async fn get_server_settings(&self) -> Result<ServerSettings, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/settings");
        json(self.authed(&call).await?).await
    }

    /// Changes server settings: `{"max_recipients": 50, "dmarc_enforce": null}` sets the
    /// first and returns the second to the configuration file's value. Effective at once
    /// for new connections and deliveries; a bad name or value refuses the whole change
    /// (422 naming each).
    ///
    /// `PATCH /api/v1/admin/settings`
    pub async fn update_server_settings(
        &self,
        body: &UpdateServerSettings,
    ) -> Result<ServerSettings, ApiError> {
        let call = Call::new(Method::PATCH, "/api/v1/admin/settings").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The dashboard: messages received, submitted, sent, bounced and refused, sign-ins and
    /// failed ones per hour for the last 24 hours or per day for 30 days; the queue's size
    /// and the open sessions (the highest of each span, and now); storage per domain, the
    /// largest mailboxes, the top senders and refused addresses. The figures are what the
    /// servers recorded into the store, each at its `activity.interval_secs`.
    ///
    /// `GET /api/v1/admin/stats`
    pub async fn get_server_stats(&self, range: Option<&str>) -> Result<ServerStats, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/admin/stats").query("range", range);
        json(self.authed(&call).await?).await
    }

    /// The ad for a page of the signed-in account: one of the running campaigns of its
    /// domain and the server-wide ones, in turn by weight, counted as shown; none when its
    /// domain turned ads off, it is exempt, or nothing runs.
    ///
    /// `GET /api/v1/ads/slot`
    pub async fn get_ad_slot(&self, target: &str) -> Result<AdSlot, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/ads/slot").query("target", Some(target));
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's calendars (its default one first made on first use), then
    /// those shared with it.
    ///
    /// `GET /api/v1/calendars`
    pub async fn list_calendars(&self) -> Result<Vec<Calendar>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars");
        json(self.authed(&call).await?).await
    }

    /// Adds a calendar.
    ///
    /// `POST /api/v1/calendars`
    pub async fn create_calendar(&self, body: &CalendarFields) -> Result<Calendar, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/calendars").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The busy periods of people of the signed-in account's domain, for scheduling: from
    /// their own calendars that are not hidden, merged, without titles or places.
    ///
    /// `GET /api/v1/calendars/freebusy`
    pub async fn free_busy(
        &self,
        addresses: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<FreeBusy>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/freebusy")
            .query("addresses", Some(addresses))
            .query("from", Some(from))
            .query("to", Some(to));
        json(self.authed(&call).await?).await
    }

    /// The notes of the signed-in account's calendars (not free/busy shares), latest day
    /// first.
    ///
    /// `GET /api/v1/calendars/notes`
    pub async fn list_notes(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        q: Option<&str>,
    ) -> Result<Vec<Note>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/notes")
            .query("from", from)
            .query("to", to)
            .query("q", q);
        json(self.authed(&call).await?).await
    }

    /// The occurrences of the signed-in account's calendars in a window, recurring events
    /// expanded on the server in each event's time zone, by start.
    ///
    /// `GET /api/v1/calendars/occurrences`
    pub async fn list_occurrences(
        &self,
        from: &str,
        to: &str,
        calendars: Option<&str>,
    ) -> Result<OccurrenceList, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/occurrences")
            .query("from", Some(from))
            .query("to", Some(to))
            .query("calendars", calendars);
        json(self.authed(&call).await?).await
    }

    /// The reminders of the signed-in account's own calendars due in a window, by time:
    /// each occurrence's reminders, repeating events expanded, and the open tasks'.
    ///
    /// `GET /api/v1/calendars/reminders`
    pub async fn list_due_reminders(
        &self,
        from: &str,
        to: &str,
    ) -> Result<DueReminderList, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/reminders")
            .query("from", Some(from))
            .query("to", Some(to));
        json(self.authed(&call).await?).await
    }

    /// The events, tasks and notes of the signed-in account's calendars (not free/busy
    /// shares) that hold the words, latest first; a reader does not find private events.
    ///
    /// `GET /api/v1/calendars/search`
    pub async fn search_calendars(
        &self,
        q: &str,
        limit: Option<u32>,
    ) -> Result<CalendarSearchResults, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/search")
            .query("q", Some(q))
            .query("limit", limit);
        json(self.authed(&call).await?).await
    }

    /// The tasks of the signed-in account's calendars (not free/busy shares): open ones by
    /// due date, then priority and title.
    ///
    /// `GET /api/v1/calendars/tasks`
    pub async fn list_tasks(
        &self,
        filter: Option<&str>,
        calendars: Option<&str>,
    ) -> Result<Vec<Task>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/calendars/tasks")
            .query("filter", filter)
            .query("calendars", calendars);
        json(self.authed(&call).await?).await
    }

    /// One calendar the signed-in account owns or that is shared with it.
    ///
    /// `GET /api/v1/calendars/{id}`
    pub async fn get_calendar(&self, id: &str) -> Result<Calendar, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/calendars/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Changes a calendar the signed-in account owns.
    ///
    /// `PUT /api/v1/calendars/{id}`
    pub async fn replace_calendar(
        &self,
        id: &str,
        body: &CalendarFields,
    ) -> Result<Calendar, ApiError> {
        let call =
            Call::new(Method::PUT, format!("/api/v1/calendars/{}", segment(id))).json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a calendar the signed-in account owns, with its events.
    ///
    /// `DELETE /api/v1/calendars/{id}`
    pub async fn delete_calendar(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/calendars/{}", segment(id)));
        empty(self.authed(&call).await?).await
    }

    /// Adds an event to a calendar the signed-in account may write.
    ///
    /// `POST /api/v1/calendars/{id}/events`
    pub async fn create_event(
        &self,
        id: &str,
        body: &CalendarEventFields,
    ) -> Result<CalendarEvent, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/calendars/{}/events", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One event (a private one in a calendar shared read-only shows as "Busy").
    ///
    /// `GET /api/v1/calendars/{id}/events/{event_id}`
    pub async fn get_event(&self, id: &str, event_id: &str) -> Result<CalendarEvent, ApiError> {
        let call = Call::new(
            Method::GET,
            format!(
                "/api/v1/calendars/{}/events/{}",
                segment(id),
                segment(event_id)
            ),
        );
        json(self.authed(&call).await?).await
    }

    /// Changes an event: the whole series, one occurrence, or it and the following ones
    /// (then the answer is the new series).
    ///
    /// `PUT /api/v1/calendars/{id}/events/{event_id}`
    pub async fn replace_event(
        &self,
        id: &str,
        event_id: &str,
        body: &CalendarEventFields,
        occurrence: Option<&str>,
        scope: Option<&str>,
    ) -> Result<CalendarEvent, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!(
                "/api/v1/calendars/{}/events/{}",
                segment(id),
                segment(event_id)
            ),
        )
        .query("occurrence", occurrence)
        .query("scope", scope)
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes an event: the whole series, one occurrence, or it and the following ones.
    ///
    /// `DELETE /api/v1/calendars/{id}/events/{event_id}`
    pub async fn delete_event(
        &self,
        id: &str,
        event_id: &str,
        occurrence: Option<&str>,
        scope: Option<&str>,
    ) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/calendars/{}/events/{}",
                segment(id),
                segment(event_id)
            ),
        )
        .query("occurrence", occurrence)
        .query("scope", scope);
        empty(self.authed(&call).await?).await
    }

    /// The signed-in account answers an invitation in its own calendar (accepted,
    /// tentative, declined): its answer goes on its copy and to the organiser — into the
    /// organiser's event when the organiser is on this server, else by an iMIP `REPLY`.
    ///
    /// `POST /api/v1/calendars/{id}/events/{event_id}/answer`
    pub async fn answer_invitation(
        &self,
        id: &str,
        event_id: &str,
        body: &AnswerInvitation,
    ) -> Result<CalendarEvent, ApiError> {
        let call = Call::new(
            Method::POST,
            format!(
                "/api/v1/calendars/{}/events/{}/answer",
                segment(id),
                segment(event_id)
            ),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// A calendar the signed-in account can read, as one `.ics` file (a reader gets private
    /// events as "Busy").
    ///
    /// `GET /api/v1/calendars/{id}/export`
    pub async fn export_calendar(&self, id: &str) -> Result<String, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/calendars/{}/export", segment(id)),
        );
        text(self.authed(&call).await?).await
    }

    /// Makes a private subscription address for a calendar the signed-in account owns (a
    /// new one revokes the old). The address is shown only now.
    ///
    /// `POST /api/v1/calendars/{id}/feed`
    pub async fn create_calendar_feed(&self, id: &str) -> Result<CalendarFeed, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/calendars/{}/feed", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Revokes a calendar's subscription address.
    ///
    /// `DELETE /api/v1/calendars/{id}/feed`
    pub async fn delete_calendar_feed(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/calendars/{}/feed", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// Imports a `.ics` file (many events, repeating ones with their exceptions, time zones
    /// from VTIMEZONE or IANA names; up to 20 MB) into a calendar the signed-in account may
    /// write: good events are kept (one whose UID the calendar has replaces it, so importing
    /// a file again changes nothing), bad ones listed.
    ///
    /// `POST /api/v1/calendars/{id}/import`
    pub async fn import_calendar(
        &self,
        id: &str,
        body: &ImportCalendar,
    ) -> Result<CalendarImportReport, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/calendars/{}/import", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Adds a note to a day of a calendar the signed-in account may write.
    ///
    /// `POST /api/v1/calendars/{id}/notes`
    pub async fn create_note(&self, id: &str, body: &NoteFields) -> Result<Note, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/calendars/{}/notes", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Changes a note.
    ///
    /// `PUT /api/v1/calendars/{id}/notes/{note_id}`
    pub async fn replace_note(
        &self,
        id: &str,
        note_id: &str,
        body: &NoteFields,
    ) -> Result<Note, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!(
                "/api/v1/calendars/{}/notes/{}",
                segment(id),
                segment(note_id)
            ),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a note.
    ///
    /// `DELETE /api/v1/calendars/{id}/notes/{note_id}`
    pub async fn delete_note(&self, id: &str, note_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/calendars/{}/notes/{}",
                segment(id),
                segment(note_id)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// Shares a calendar the signed-in account owns with another account of this server, or
    /// changes the access it has.
    ///
    /// `PUT /api/v1/calendars/{id}/shares`
    pub async fn share_calendar(
        &self,
        id: &str,
        body: &ShareCalendar,
    ) -> Result<Calendar, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/calendars/{}/shares", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Stops sharing a calendar the signed-in account owns with an account.
    ///
    /// `DELETE /api/v1/calendars/{id}/shares/{account_id}`
    pub async fn unshare_calendar(&self, id: &str, account_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/calendars/{}/shares/{}",
                segment(id),
                segment(account_id)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// Adds a task to a calendar the signed-in account may write.
    ///
    /// `POST /api/v1/calendars/{id}/tasks`
    pub async fn create_task(&self, id: &str, body: &TaskFields) -> Result<Task, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/calendars/{}/tasks", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One task.
    ///
    /// `GET /api/v1/calendars/{id}/tasks/{task_id}`
    pub async fn get_task(&self, id: &str, task_id: &str) -> Result<Task, ApiError> {
        let call = Call::new(
            Method::GET,
            format!(
                "/api/v1/calendars/{}/tasks/{}",
                segment(id),
                segment(task_id)
            ),
        );
        json(self.authed(&call).await?).await
    }

    /// Changes a task (completing it stamps the time; reopening clears it).
    ///
    /// `PUT /api/v1/calendars/{id}/tasks/{task_id}`
    pub async fn replace_task(
        &self,
        id: &str,
        task_id: &str,
        body: &TaskFields,
    ) -> Result<Task, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!(
                "/api/v1/calendars/{}/tasks/{}",
                segment(id),
                segment(task_id)
            ),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a task.
    ///
    /// `DELETE /api/v1/calendars/{id}/tasks/{task_id}`
    pub async fn delete_task(&self, id: &str, task_id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!(
                "/api/v1/calendars/{}/tasks/{}",
                segment(id),
                segment(task_id)
            ),
        );
        empty(self.authed(&call).await?).await
    }

    /// The account's contact groups by name.
    ///
    /// `GET /api/v1/contact-groups`
    pub async fn list_contact_groups(&self) -> Result<Vec<ContactGroup>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/contact-groups");
        json(self.authed(&call).await?).await
    }

    /// Creates a contact group of the account's contacts.
    ///
    /// `POST /api/v1/contact-groups`
    pub async fn create_contact_group(
        &self,
        body: &ContactGroupFields,
    ) -> Result<ContactGroup, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/contact-groups").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Renames a group and replaces its members.
    ///
    /// `PUT /api/v1/contact-groups/{id}`
    pub async fn replace_contact_group(
        &self,
        id: &str,
        body: &ContactGroupFields,
    ) -> Result<ContactGroup, ApiError> {
        let call = Call::new(
            Method::PUT,
            format!("/api/v1/contact-groups/{}", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a group (its contacts stay).
    ///
    /// `DELETE /api/v1/contact-groups/{id}`
    pub async fn delete_contact_group(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/contact-groups/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The account's contacts by name.
    ///
    /// `GET /api/v1/contacts`
    pub async fn list_contacts(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
        q: Option<&str>,
    ) -> Result<Page<Contact>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/contacts")
            .query("limit", limit)
            .query("cursor", cursor)
            .query("q", q);
        json(self.authed(&call).await?).await
    }

    /// Adds a contact.
    ///
    /// `POST /api/v1/contacts`
    pub async fn create_contact(&self, body: &ContactFields) -> Result<Contact, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/contacts").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The account's contacts as one `.vcf` file.
    ///
    /// `GET /api/v1/contacts/export`
    pub async fn export_contacts(&self, version: Option<&str>) -> Result<String, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/contacts/export").query("version", version);
        text(self.authed(&call).await?).await
    }

    /// Imports a `.vcf` file (vCard 3.0 or 4.0, many cards): the good cards are kept (one
    /// with the UID of a contact replaces it), the broken ones are listed with their line.
    ///
    /// `POST /api/v1/contacts/import`
    pub async fn import_contacts(&self, body: &ImportContacts) -> Result<ImportReport, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/contacts/import").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Recipients for what was typed: the account's contacts (one suggestion per address)
    /// and groups, those whose name word or address starts with it first.
    ///
    /// `GET /api/v1/contacts/suggest`
    pub async fn suggest_recipients(
        &self,
        q: Option<&str>,
        max: Option<u32>,
    ) -> Result<Vec<RecipientSuggestion>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/contacts/suggest")
            .query("q", q)
            .query("max", max);
        json(self.authed(&call).await?).await
    }

    /// One contact.
    ///
    /// `GET /api/v1/contacts/{id}`
    pub async fn get_contact(&self, id: &str) -> Result<Contact, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/contacts/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Replaces a contact's fields (what other programs stored in its vCard is kept).
    ///
    /// `PUT /api/v1/contacts/{id}`
    pub async fn replace_contact(
        &self,
        id: &str,
        body: &ContactFields,
    ) -> Result<Contact, ApiError> {
        let call =
            Call::new(Method::PUT, format!("/api/v1/contacts/{}", segment(id))).json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a contact (and takes it out of its groups).
    ///
    /// `DELETE /api/v1/contacts/{id}`
    pub async fn delete_contact(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/contacts/{}", segment(id)));
        empty(self.authed(&call).await?).await
    }

    /// Saves a draft: the first save (no `draft`) makes its key, each later one with that
    /// key replaces the earlier version. Recipients may be incomplete; those given must be
    /// addresses.
    ///
    /// `POST /api/v1/drafts`
    pub async fn save_draft(&self, body: &SendMessage) -> Result<SavedDraft, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/drafts").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One of the signed-in account's messages (a draft) as the composer's fields, its
    /// Message-ID as the draft key.
    ///
    /// `GET /api/v1/drafts/{id}`
    pub async fn get_draft(&self, id: &str) -> Result<DraftMessage, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/drafts/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// A path that opens the signed-in account's live updates, for a minute.
    ///
    /// `POST /api/v1/events/ticket`
    pub async fn create_events_ticket(&self) -> Result<EventsTicket, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/events/ticket");
        json(self.authed(&call).await?).await
    }

    /// A page of a list's archive: its threads, latest activity first, or with `q` the
    /// posts that match, newest first. For the list's members, owners, moderators and
    /// its domain's administrators, or anyone when the archive is public.
    ///
    /// `GET /api/v1/lists/{id}/archive`
    pub async fn list_archive(
        &self,
        id: &str,
        q: Option<&str>,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> Result<ArchivePage, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/lists/{}/archive", segment(id)),
        )
        .query("q", q)
        .query("offset", offset)
        .query("limit", limit);
        json(self.authed(&call).await?).await
    }

    /// The whole archive as an mbox file (RFC 4155, mboxrd), the posts in the order they
    /// came: octets, as an attachment named after the list.
    ///
    /// `GET /api/v1/lists/{id}/archive/mbox`
    pub async fn archive_mbox(&self, id: &str) -> Result<Vec<u8>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/lists/{}/archive/mbox", segment(id)),
        );
        bytes(self.authed(&call).await?).await
    }

    /// A thread of a list's archive, its posts in the order they came, each with its text.
    ///
    /// `GET /api/v1/lists/{id}/archive/threads/{thread}`
    pub async fn archive_thread(
        &self,
        id: &str,
        thread: &str,
    ) -> Result<ArchiveThreadPosts, ApiError> {
        let call = Call::new(
            Method::GET,
            format!(
                "/api/v1/lists/{}/archive/threads/{}",
                segment(id),
                segment(thread)
            ),
        );
        json(self.authed(&call).await?).await
    }

    /// The mailboxes of the signed-in account, by name, with how many messages each holds,
    /// how many are unread, their size, and whether it is subscribed.
    ///
    /// `GET /api/v1/mailboxes`
    pub async fn list_mailboxes(&self) -> Result<Vec<Mailbox>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/mailboxes");
        json(self.authed(&call).await?).await
    }

    /// Creates a mailbox of the signed-in account (and its missing parents), subscribed
    /// unless `subscribed` is false.
    ///
    /// `POST /api/v1/mailboxes`
    pub async fn create_mailbox(&self, body: &CreateMailbox) -> Result<Mailbox, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/mailboxes").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Renames or moves a mailbox of the signed-in account (give the new full name; the
    /// mailboxes below it follow, missing parents are made; renaming INBOX moves its mail
    /// to a new mailbox and leaves it empty), and subscribes to it or not.
    ///
    /// `PATCH /api/v1/mailboxes/{id}`
    pub async fn update_mailbox(
        &self,
        id: &str,
        body: &UpdateMailbox,
    ) -> Result<Mailbox, ApiError> {
        let call =
            Call::new(Method::PATCH, format!("/api/v1/mailboxes/{}", segment(id))).json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes a mailbox of the signed-in account with its messages (their size leaves the
    /// account's usage), and with `children=true` the mailboxes below it. INBOX and the
    /// special-use mailboxes cannot be deleted.
    ///
    /// `DELETE /api/v1/mailboxes/{id}`
    pub async fn delete_mailbox(&self, id: &str, children: Option<bool>) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/mailboxes/{}", segment(id)))
            .query("children", children);
        empty(self.authed(&call).await?).await
    }

    /// Deletes every message of the signed-in account's Trash or Junk for good.
    ///
    /// `POST /api/v1/mailboxes/{id}/empty`
    pub async fn empty_mailbox(&self, id: &str) -> Result<Organized, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/mailboxes/{}/empty", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The messages of one of the signed-in account's mailboxes, a page at a time: in arrival
    /// (UID) order, oldest first or, with `newest_first=true`, newest first; or with `sort`,
    /// sorted on the server (text case-folded), ties in arrival order. A page's cursor stays
    /// good while mail arrives and leaves: the next page starts after its last message.
    ///
    /// `GET /api/v1/mailboxes/{id}/messages`
    pub async fn list_messages(
        &self,
        id: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
        newest_first: Option<bool>,
        sort: Option<&str>,
        descending: Option<bool>,
        threads: Option<bool>,
    ) -> Result<Page<MessageItem>, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/mailboxes/{}/messages", segment(id)),
        )
        .query("cursor", cursor)
        .query("limit", limit)
        .query("newest_first", newest_first)
        .query("sort", sort)
        .query("descending", descending)
        .query("threads", threads);
        json(self.authed(&call).await?).await
    }

    /// Marks every message of one of the signed-in account's mailboxes read.
    ///
    /// `POST /api/v1/mailboxes/{id}/read`
    pub async fn mark_mailbox_read(&self, id: &str) -> Result<Organized, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/mailboxes/{}/read", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The signed-in account.
    ///
    /// `GET /api/v1/me`
    pub async fn get_me(&self) -> Result<Account, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me");
        json(self.authed(&call).await?).await
    }

    /// Changes the signed-in account's own settings.
    ///
    /// `PATCH /api/v1/me`
    pub async fn update_me(&self, body: &UpdateMe) -> Result<Account, ApiError> {
        let call = Call::new(Method::PATCH, "/api/v1/me").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's API keys, newest first.
    ///
    /// `GET /api/v1/me/api-keys`
    pub async fn list_api_keys(&self) -> Result<Page<ApiKey>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me/api-keys");
        json(self.authed(&call).await?).await
    }

    /// Creates an API key; its secret is in this answer only. Needs a signed-in session.
    ///
    /// `POST /api/v1/me/api-keys`
    pub async fn create_api_key(&self, body: &CreateApiKey) -> Result<CreatedApiKey, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/me/api-keys").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Revokes one of the signed-in account's API keys.
    ///
    /// `DELETE /api/v1/me/api-keys/{id}`
    pub async fn delete_api_key(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/me/api-keys/{}", segment(id)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The lists the signed-in account's address is a member of.
    ///
    /// `GET /api/v1/me/lists`
    pub async fn my_lists(&self) -> Result<Vec<MyList>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me/lists");
        json(self.authed(&call).await?).await
    }

    /// How the signed-in account gets a list's mail (404 if it is no member).
    ///
    /// `PATCH /api/v1/me/lists/{id}`
    pub async fn update_my_list(&self, id: &str, body: &UpdateMyList) -> Result<MyList, ApiError> {
        let call =
            Call::new(Method::PATCH, format!("/api/v1/me/lists/{}", segment(id))).json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The signed-in account leaves a list (404 if it is no member).
    ///
    /// `DELETE /api/v1/me/lists/{id}`
    pub async fn leave_list(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/me/lists/{}", segment(id)));
        empty(self.authed(&call).await?).await
    }

    /// The signed-in account's recent failed sign-ins (the last 20, newest first, kept in
    /// memory by the node that answers): when, from which address, over which protocol.
    ///
    /// `GET /api/v1/me/login-failures`
    pub async fn list_my_login_failures(&self) -> Result<Page<LoginFailure>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me/login-failures");
        json(self.authed(&call).await?).await
    }

    /// Changes the signed-in account's password; every session of the account is signed out,
    /// this one too (sign in again with the new password), and its mail sessions end.
    ///
    /// `POST /api/v1/me/password`
    pub async fn change_password(&self, body: &ChangePassword) -> Result<(), ApiError> {
        let call = Call::new(Method::POST, "/api/v1/me/password").json(body)?;
        empty(self.authed(&call).await?).await
    }

    /// The signed-in account's preferences (the defaults until it changes them).
    ///
    /// `GET /api/v1/me/preferences`
    pub async fn get_preferences(&self) -> Result<Preferences, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me/preferences");
        json(self.authed(&call).await?).await
    }

    /// Replaces the signed-in account's preferences (absent fields take their defaults).
    ///
    /// `PUT /api/v1/me/preferences`
    pub async fn put_preferences(&self, body: &Preferences) -> Result<Preferences, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/me/preferences").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The addresses the signed-in account was granted to send as.
    ///
    /// `GET /api/v1/me/send-as`
    pub async fn my_send_as(&self) -> Result<Vec<SendAsGrant>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/me/send-as");
        json(self.authed(&call).await?).await
    }

    /// Copies messages of the signed-in account into one of its mailboxes.
    ///
    /// `POST /api/v1/messages/copy`
    pub async fn copy_messages(&self, body: &MessagesTo) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/copy").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Deletes messages of the signed-in account: moves them to Trash, or expunges them
    /// when they are in Trash already.
    ///
    /// `POST /api/v1/messages/delete`
    pub async fn delete_messages(&self, body: &MessageIds) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/delete").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Adds and removes flags of messages of the signed-in account (a selection in the web
    /// app: mark read or unread, flag, keywords); IMAP sessions are told.
    ///
    /// `POST /api/v1/messages/flags`
    pub async fn flag_messages(&self, body: &FlagMessages) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/flags").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Reports messages of the signed-in account as junk: keyword `$Junk` (and not
    /// `$NotJunk`), moved to Junk.
    ///
    /// `POST /api/v1/messages/junk`
    pub async fn report_junk(&self, body: &MessageIds) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/junk").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Moves messages of the signed-in account into one of its mailboxes.
    ///
    /// `POST /api/v1/messages/move`
    pub async fn move_messages(&self, body: &MessagesTo) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/move").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Reports messages of the signed-in account as not junk: keyword `$NotJunk` (and not
    /// `$Junk`), moved to INBOX.
    ///
    /// `POST /api/v1/messages/not-junk`
    pub async fn report_not_junk(&self, body: &MessageIds) -> Result<Organized, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/not-junk").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Messages the signed-in user sent to other servers, newest first, with the delivery
    /// state of each recipient.
    ///
    /// `GET /api/v1/messages/outbound`
    pub async fn list_outbound(
        &self,
        message_id: Option<&str>,
    ) -> Result<Vec<QueuedMessage>, ApiError> {
        let call =
            Call::new(Method::GET, "/api/v1/messages/outbound").query("message_id", message_id);
        json(self.authed(&call).await?).await
    }

    /// One message the signed-in user sent; 404 for anyone else's.
    ///
    /// `GET /api/v1/messages/outbound/{id}`
    pub async fn get_outbound(&self, id: &str) -> Result<QueuedMessage, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/messages/outbound/{}", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's messages matching a query, newest first.
    ///
    /// `GET /api/v1/messages/search`
    pub async fn search_messages(
        &self,
        q: &str,
        mailbox_id: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<MessageItem>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/messages/search")
            .query("q", Some(q))
            .query("mailbox_id", mailbox_id)
            .query("limit", limit);
        json(self.authed(&call).await?).await
    }

    /// Sends a message as the signed-in user: delivered to local recipients, queued for
    /// remote ones (as the relay policy allows authenticated users), a copy with its Bcc
    /// in Sent. A reply (`in_reply_to`) flags its original `\Answered`, a forward
    /// (`forward_of`) `$Forwarded`; sending from a draft (`draft`) removes the draft.
    ///
    /// `POST /api/v1/messages/send`
    pub async fn send_message(&self, body: &SendMessage) -> Result<SentMessage, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/messages/send").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// One of the signed-in account's messages for reading: its header fields decoded, its
    /// text (the first text part, or the HTML part reduced to text), its attachments, and,
    /// with `?html=true`, its HTML part sanitised on the server.
    ///
    /// `GET /api/v1/messages/{id}`
    pub async fn get_message(
        &self,
        id: &str,
        mark_read: Option<bool>,
        html: Option<bool>,
        remote_images: Option<bool>,
    ) -> Result<MessageDetail, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/messages/{}", segment(id)))
            .query("mark_read", mark_read)
            .query("html", html)
            .query("remote_images", remote_images);
        json(self.authed(&call).await?).await
    }

    /// A link that downloads one of the signed-in account's messages (as received) or one of
    /// its attachments, for five minutes, without other credentials.
    ///
    /// `POST /api/v1/messages/{id}/download`
    pub async fn create_download_link(
        &self,
        id: &str,
        body: &DownloadRequest,
    ) -> Result<DownloadLink, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/messages/{}/download", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Adds and removes flags of one of the signed-in account's messages; answers with the
    /// message as it is now. IMAP sessions that have its mailbox selected are told.
    ///
    /// `PATCH /api/v1/messages/{id}/flags`
    pub async fn update_flags(
        &self,
        id: &str,
        body: &UpdateFlags,
    ) -> Result<MessageItem, ApiError> {
        let call = Call::new(
            Method::PATCH,
            format!("/api/v1/messages/{}/flags", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// What the calendar invitation (or answer, or cancellation) in one of the signed-in
    /// account's messages says: the event, who organises it and whether from this server,
    /// the account's answer and its copy in the calendar.
    ///
    /// `GET /api/v1/messages/{id}/invitation`
    pub async fn get_message_invitation(&self, id: &str) -> Result<MessageInvitation, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/messages/{}/invitation", segment(id)),
        );
        json(self.authed(&call).await?).await
    }

    /// Answers the invitation in one of the signed-in account's messages: the event goes
    /// into its calendar (or its copy changes) with the answer, and the organiser hears of
    /// it (an iMIP `REPLY`, or straight into the organiser's event on this server).
    ///
    /// `POST /api/v1/messages/{id}/invitation`
    pub async fn answer_message_invitation(
        &self,
        id: &str,
        body: &AnswerInvitation,
    ) -> Result<MessageInvitation, ApiError> {
        let call = Call::new(
            Method::POST,
            format!("/api/v1/messages/{}/invitation", segment(id)),
        )
        .json(body)?;
        json(self.authed(&call).await?).await
    }

    /// A reply or forward of one of the signed-in account's messages, ready to edit and
    /// send: recipients (a reply to all leaves out the account's own addresses), `Re:` or
    /// `Fwd:` subject, the original quoted or forwarded, its attachments for a forward.
    ///
    /// `GET /api/v1/messages/{id}/reply`
    pub async fn start_reply(&self, id: &str, mode: &str) -> Result<DraftMessage, ApiError> {
        let call = Call::new(
            Method::GET,
            format!("/api/v1/messages/{}/reply", segment(id)),
        )
        .query("mode", Some(mode));
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's delivery rules, in the order they run.
    ///
    /// `GET /api/v1/rules`
    pub async fn get_rules(&self) -> Result<RulesDocument, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/rules");
        json(self.authed(&call).await?).await
    }

    /// Replaces the signed-in account's delivery rules (to add, change, remove or reorder
    /// rules, send the whole list). Each invalid value is named by its path, e.g.
    /// `rules[2].actions[0].mailbox`.
    ///
    /// `PUT /api/v1/rules`
    pub async fn put_rules(&self, body: &RulesUpdate) -> Result<RulesDocument, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/rules").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Runs the signed-in account's rules (all, or the one at `rule_index`) over the mail
    /// already in one of its mailboxes, in the background: files, copies, flags and moves
    /// what they discard to Trash. Poll the run's address for its progress.
    ///
    /// `POST /api/v1/rules/runs`
    pub async fn start_run(&self, body: &RuleRunRequest) -> Result<RuleRun, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/rules/runs").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// A run of the signed-in account's rules over a mailbox, with its progress.
    ///
    /// `GET /api/v1/rules/runs/{id}`
    pub async fn get_run(&self, id: &str) -> Result<RuleRun, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/rules/runs/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's delivery rules as a Sieve script.
    ///
    /// `GET /api/v1/rules/sieve`
    pub async fn get_sieve(&self) -> Result<SieveScript, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/rules/sieve");
        json(self.authed(&call).await?).await
    }

    /// Replaces the signed-in account's delivery rules with a Sieve script of the supported
    /// subset; a 422 names the line and column of anything else.
    ///
    /// `PUT /api/v1/rules/sieve`
    pub async fn put_sieve(&self, body: &SieveScript) -> Result<RulesDocument, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/rules/sieve").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// What the rules (the domain's, then the account's) would do with one of the
    /// signed-in account's messages if it arrived now. Nothing is stored or sent.
    ///
    /// `POST /api/v1/rules/test`
    pub async fn test_rules(&self, body: &RuleTestRequest) -> Result<RuleTestResult, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/rules/test").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's out-of-office answer.
    ///
    /// `GET /api/v1/rules/vacation`
    pub async fn get_vacation(&self) -> Result<VacationDocument, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/rules/vacation");
        json(self.authed(&call).await?).await
    }

    /// Sets the signed-in account's out-of-office answer, on or off. It answers each sender
    /// at most once per `days`, never mailing lists, bounces or automatic mail.
    ///
    /// `PUT /api/v1/rules/vacation`
    pub async fn put_vacation(&self, body: &VacationUpdate) -> Result<VacationDocument, ApiError> {
        let call = Call::new(Method::PUT, "/api/v1/rules/vacation").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The words of a text that the language's dictionary, the signed-in account's personal
    /// dictionary and its contacts' names do not know, with suggestions. Addresses, links,
    /// words with digits and words in capitals are not checked.
    ///
    /// `POST /api/v1/spell/check`
    pub async fn check_spelling(
        &self,
        body: &SpellCheckRequest,
    ) -> Result<SpellCheckResult, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/spell/check").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// The languages the server has dictionaries for.
    ///
    /// `GET /api/v1/spell/languages`
    pub async fn spell_languages(&self) -> Result<Vec<SpellLanguage>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/spell/languages");
        json(self.authed(&call).await?).await
    }

    /// The signed-in account's personal dictionary, in order.
    ///
    /// `GET /api/v1/spell/words`
    pub async fn list_personal_words(&self) -> Result<Vec<String>, ApiError> {
        let call = Call::new(Method::GET, "/api/v1/spell/words");
        json(self.authed(&call).await?).await
    }

    /// Adds a word to the personal dictionary (one word, at most 64 characters; at most
    /// 5,000 words); it is never flagged again.
    ///
    /// `POST /api/v1/spell/words`
    pub async fn add_personal_word(&self, body: &PersonalWord) -> Result<PersonalWord, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/spell/words").json(body)?;
        json(self.authed(&call).await?).await
    }

    /// Removes a word from the personal dictionary.
    ///
    /// `DELETE /api/v1/spell/words/{word}`
    pub async fn remove_personal_word(&self, word: &str) -> Result<(), ApiError> {
        let call = Call::new(
            Method::DELETE,
            format!("/api/v1/spell/words/{}", segment(word)),
        );
        empty(self.authed(&call).await?).await
    }

    /// The messages of one of the signed-in account's conversations, oldest first, in every
    /// mailbox but Trash and Junk (or, when it lives only there, in those).
    ///
    /// `GET /api/v1/threads/{id}`
    pub async fn get_thread(&self, id: &str) -> Result<Vec<MessageItem>, ApiError> {
        let call = Call::new(Method::GET, format!("/api/v1/threads/{}", segment(id)));
        json(self.authed(&call).await?).await
    }

    /// Uploads a file to attach to a message or draft (by its id, in `uploads`).
    ///
    /// `POST /api/v1/uploads`
    pub async fn upload_file(&self, body: &web_sys::FormData) -> Result<Upload, ApiError> {
        let call = Call::new(Method::POST, "/api/v1/uploads").form(body);
        json(self.authed(&call).await?).await
    }

    /// Removes an upload the signed-in account no longer wants.
    ///
    /// `DELETE /api/v1/uploads/{id}`
    pub async fn delete_upload(&self, id: &str) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("/api/v1/uploads/{}", segment(id)));
        empty(self.authed(&call).await?).await
    }
}
