//! `AppState`: what every handler can reach. Cheap to clone.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use osprey_core::PasswordPolicy;
use osprey_store::Store;

use crate::auth::{JwtKeys, LoginThrottle};

/// Settings of the API that come from the node's configuration.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Days a refresh token stays valid.
    pub refresh_ttl_days: u32,
    pub password_policy: PasswordPolicy,
    /// The server's host name (Message-ID of sent mail).
    pub hostname: String,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            refresh_ttl_days: 30,
            password_policy: PasswordPolicy::default(),
            hostname: "localhost".into(),
        }
    }
}

/// Shared state of the HTTP server.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: Arc<JwtKeys>,
    pub throttle: Arc<LoginThrottle>,
    pub settings: Arc<ApiSettings>,
    pub metrics: PrometheusHandle,
    /// Local delivery, shared with SMTP.
    pub delivery: osprey_mail::LocalDelivery,
}
