//! `AppState`: what every handler can reach. Cheap to clone.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use osprey_core::Live;
use osprey_directory::{Authenticator, Directory};
use osprey_store::Store;

use crate::auth::JwtKeys;

/// Settings of the API that come from the node's configuration.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Days a refresh token issued now stays valid; an administrator may change it.
    pub refresh_ttl_days: Live<u32>,
    /// The server's host name (Message-ID of sent mail).
    pub hostname: String,
    /// Where people reach the web app (`https://mail.example.com`, no final slash):
    /// links in mail the server writes.
    pub web_url: String,
    /// The client services and their ports, for a domain's DNS service records.
    pub services: osprey_mail::dns::setup::Services,
    /// The configuration file's settings that need a restart, for the settings page.
    pub restart_required: Vec<osprey_api_types::RestartSetting>,
    /// How often nodes record the dashboard's figures (a node's sample is "now" for
    /// three of these).
    pub activity_interval: std::time::Duration,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            refresh_ttl_days: Live::new(30),
            hostname: "localhost".into(),
            web_url: "https://localhost".into(),
            services: osprey_mail::dns::setup::Services::default(),
            restart_required: Vec::new(),
            activity_interval: std::time::Duration::from_secs(60),
        }
    }
}

/// Shared state of the HTTP server.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: Arc<JwtKeys>,
    /// Domains, accounts and aliases with their rules.
    pub directory: Directory,
    /// Password checks with the login throttle, shared with the mail protocols.
    pub auth: Arc<Authenticator>,
    pub settings: Arc<ApiSettings>,
    pub metrics: PrometheusHandle,
    /// Recipient verdicts and storage of submitted mail, shared with SMTP.
    pub submission: osprey_mail::Submission,
    /// Mail the user writes: sending, drafts, replies, uploads.
    pub composer: osprey_mail::Composer,
    /// Set when the server stops: open event streams end, so that the HTTP server's
    /// graceful shutdown does not wait for browsers to go away.
    pub shutdown: osprey_net::Shutdown,
    /// The spell checker and its dictionaries.
    pub spell: osprey_spell::SpellChecker,
    /// Calendars, their sharing, events and occurrences.
    pub calendar: osprey_calendar::CalendarService,
    /// The server's DNS resolver, uncached (a domain's DNS check).
    pub dns: Arc<dyn osprey_mail::dns::Resolver>,
}
