//! The relay policy: who may send mail through this server to domains it does not host.
//!
//! Exactly the four modes IMail had, as one server-wide setting with its lists. This
//! module only decides; the store keeps the policy and SMTP asks it at `RCPT TO` for every
//! recipient that is not local. An unauthenticated client never relays unless the
//! administrator listed its network or the recipient's domain.

use std::{fmt, net::IpAddr, str::FromStr};

use crate::{Address, IpNet};

/// How the server relays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelayMode {
    /// Authenticated users, and clients in the local networks.
    LocalHosts,
    /// Authenticated users only (the default).
    #[default]
    LocalUsers,
    /// Authenticated users, and anyone to the listed destinations (a backup MX or a
    /// gateway for a partner's domain).
    ListedAddresses,
    /// Nobody: the server only receives mail for its own domains.
    NoRelay,
}

impl RelayMode {
    /// The mode's name in the API, the CLI and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RelayMode::LocalHosts => "local_hosts",
            RelayMode::LocalUsers => "local_users",
            RelayMode::ListedAddresses => "listed_addresses",
            RelayMode::NoRelay => "no_relay",
        }
    }
}

impl fmt::Display for RelayMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the four relay modes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a relay mode: use local_hosts, local_users, listed_addresses or no_relay")]
pub struct RelayModeError(pub String);

impl FromStr for RelayMode {
    type Err = RelayModeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "local_hosts" => Ok(RelayMode::LocalHosts),
            "local_users" => Ok(RelayMode::LocalUsers),
            "listed_addresses" => Ok(RelayMode::ListedAddresses),
            "no_relay" => Ok(RelayMode::NoRelay),
            _ => Err(RelayModeError(s.to_owned())),
        }
    }
}

/// A destination mail may be relayed to in [`RelayMode::ListedAddresses`]: a whole
/// domain (and its subdomains) or one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayDestination {
    Domain(String),
    Address(String),
}

impl RelayDestination {
    /// Parses `example.org` as a domain and `user@example.org` as an address.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.contains('@') {
            Address::parse(s)
                .map(|a| RelayDestination::Address(a.key()))
                .map_err(|e| e.to_string())
        } else {
            crate::DomainName::parse(s)
                .map(|d| RelayDestination::Domain(d.as_str().to_owned()))
                .map_err(|e| e.to_string())
        }
    }

    fn matches(&self, rcpt: &Address) -> bool {
        match self {
            RelayDestination::Address(a) => *a == rcpt.key(),
            RelayDestination::Domain(d) => {
                let domain = rcpt.domain().as_str();
                domain == d
                    || domain
                        .strip_suffix(d.as_str())
                        .is_some_and(|head| head.ends_with('.'))
            }
        }
    }
}

impl fmt::Display for RelayDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RelayDestination::Domain(d) | RelayDestination::Address(d) => f.write_str(d),
        }
    }
}

/// The server-wide relay policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelayPolicy {
    pub mode: RelayMode,
    /// The local networks of [`RelayMode::LocalHosts`].
    pub networks: Vec<IpNet>,
    /// The destinations of [`RelayMode::ListedAddresses`].
    pub destinations: Vec<RelayDestination>,
}

/// Who is asking to relay.
#[derive(Debug, Clone, Copy)]
pub struct RelayRequest<'a> {
    pub client_ip: IpAddr,
    pub authenticated: bool,
    /// The recipient, which is not in a local domain.
    pub recipient: &'a Address,
}

/// The answer, with the rule that gave it, in words for an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayDecision {
    pub allowed: bool,
    pub rule: String,
}

impl RelayPolicy {
    /// Decides whether mail for a non-local recipient may be accepted for relaying.
    pub fn decide(&self, req: &RelayRequest<'_>) -> RelayDecision {
        let allow = |rule: String| RelayDecision {
            allowed: true,
            rule,
        };
        if self.mode == RelayMode::NoRelay {
            return RelayDecision {
                allowed: false,
                rule: "mode no_relay: this server relays for nobody".into(),
            };
        }
        if req.authenticated {
            return allow(format!(
                "mode {}: authenticated local users may relay",
                self.mode
            ));
        }
        match self.mode {
            RelayMode::LocalHosts => {
                if let Some(net) = self.networks.iter().find(|n| n.contains(req.client_ip)) {
                    return allow(format!(
                        "mode local_hosts: client is in local network {net}"
                    ));
                }
            }
            RelayMode::ListedAddresses => {
                if let Some(d) = self.destinations.iter().find(|d| d.matches(req.recipient)) {
                    return allow(format!("mode listed_addresses: destination {d} is listed"));
                }
            }
            RelayMode::LocalUsers | RelayMode::NoRelay => {}
        }
        RelayDecision {
            allowed: false,
            rule: match self.mode {
                RelayMode::LocalHosts => {
                    "mode local_hosts: client is not authenticated and not in a local network"
                }
                RelayMode::ListedAddresses => {
                    "mode listed_addresses: client is not authenticated and the destination is not listed"
                }
                _ => "mode local_users: client is not authenticated",
            }
            .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(policy: &RelayPolicy, ip: &str, auth: bool, rcpt: &str) -> bool {
        let rcpt = Address::parse(rcpt).unwrap();
        policy
            .decide(&RelayRequest {
                client_ip: ip.parse().unwrap(),
                authenticated: auth,
                recipient: &rcpt,
            })
            .allowed
    }

    #[test]
    fn default_relays_for_authenticated_users_only() {
        let p = RelayPolicy::default();
        assert_eq!(p.mode, RelayMode::LocalUsers);
        assert!(ask(&p, "127.0.0.1", true, "a@remote.test"));
        assert!(!ask(&p, "127.0.0.1", false, "a@remote.test"));
    }

    #[test]
    fn local_hosts_by_network() {
        let p = RelayPolicy {
            mode: RelayMode::LocalHosts,
            networks: vec![
                "10.0.0.0/8".parse().unwrap(),
                "2001:db8::/32".parse().unwrap(),
            ],
            destinations: vec![],
        };
        assert!(ask(&p, "10.1.2.3", false, "a@remote.test"));
        assert!(ask(&p, "2001:db8::1", false, "a@remote.test"));
        assert!(!ask(&p, "192.0.2.1", false, "a@remote.test"));
        assert!(ask(&p, "192.0.2.1", true, "a@remote.test"));
    }

    #[test]
    fn listed_destinations_with_subdomains() {
        let p = RelayPolicy {
            mode: RelayMode::ListedAddresses,
            networks: vec![],
            destinations: vec![
                RelayDestination::parse("Partner.TEST").unwrap(),
                RelayDestination::parse("one@other.test").unwrap(),
            ],
        };
        assert!(ask(&p, "192.0.2.1", false, "x@partner.test"));
        assert!(ask(&p, "192.0.2.1", false, "x@mx.partner.test"));
        assert!(!ask(&p, "192.0.2.1", false, "x@notpartner.test"));
        assert!(ask(&p, "192.0.2.1", false, "ONE@other.test"));
        assert!(!ask(&p, "192.0.2.1", false, "two@other.test"));
    }

    #[test]
    fn no_relay_refuses_even_authenticated_users() {
        let p = RelayPolicy {
            mode: RelayMode::NoRelay,
            ..RelayPolicy::default()
        };
        let rcpt = Address::parse("a@remote.test").unwrap();
        let d = p.decide(&RelayRequest {
            client_ip: "127.0.0.1".parse().unwrap(),
            authenticated: true,
            recipient: &rcpt,
        });
        assert!(!d.allowed);
        assert!(d.rule.contains("no_relay"));
    }

    #[test]
    fn mode_names_round_trip() {
        for m in [
            RelayMode::LocalHosts,
            RelayMode::LocalUsers,
            RelayMode::ListedAddresses,
            RelayMode::NoRelay,
        ] {
            assert_eq!(m.as_str().parse::<RelayMode>().unwrap(), m);
        }
        assert!("open".parse::<RelayMode>().is_err());
        assert_eq!(
            "Local-Hosts".parse::<RelayMode>().unwrap(),
            RelayMode::LocalHosts
        );
    }
}
