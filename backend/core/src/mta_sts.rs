//! The MTA-STS mode a server's domains publish (RFC 8461 §5): what sending servers do
//! when they cannot reach one of the domain's MX hosts over authenticated TLS.

use std::fmt;

/// The policy's `mode` (RFC 8461 §3.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MtaStsMode {
    /// No policy: the domain publishes none (a policy served says `none`, which
    /// withdraws one that senders still keep).
    #[default]
    None,
    /// Senders deliver anyway and report the failures (RFC 8460).
    Testing,
    /// Senders do not deliver to an MX host without valid TLS.
    Enforce,
}

impl MtaStsMode {
    /// The name in the policy, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            MtaStsMode::None => "none",
            MtaStsMode::Testing => "testing",
            MtaStsMode::Enforce => "enforce",
        }
    }
}

impl fmt::Display for MtaStsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
