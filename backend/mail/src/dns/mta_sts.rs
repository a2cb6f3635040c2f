//! A domain's MTA-STS policy (RFC 8461): the text served at
//! `https://mta-sts.<domain>/.well-known/mta-sts.txt` and the id its `_mta-sts` TXT
//! record names, so that sending servers fetch the policy again when it changes.

use aws_lc_rs::digest;
use osprey_core::MtaStsMode;

/// Seconds senders keep a policy (RFC 8461 §3.2 `max_age`): a day while testing, so
/// that a wrong one is soon forgotten; a week when enforced (the RFC suggests weeks).
fn max_age(mode: MtaStsMode) -> u32 {
    match mode {
        MtaStsMode::Enforce => 7 * 86_400,
        MtaStsMode::Testing | MtaStsMode::None => 86_400,
    }
}

/// The policy of a domain whose mail goes to `mail_host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub mode: MtaStsMode,
    /// The MX hosts senders may deliver to, without the final dot.
    pub mx: Vec<String>,
}

impl Policy {
    /// The policy for a server whose MX host is `mail_host`.
    pub fn new(mode: MtaStsMode, mail_host: &str) -> Policy {
        Policy {
            mode,
            mx: vec![mail_host.trim_end_matches('.').to_ascii_lowercase()],
        }
    }

    /// The policy file: "CRLF-separated key/value pairs" (RFC 8461 §3.2), `version`
    /// first; a policy whose mode is `none` names no MX host.
    pub fn text(&self) -> String {
        let mut text = format!("version: STSv1\r\nmode: {}\r\n", self.mode);
        if self.mode != MtaStsMode::None {
            for mx in &self.mx {
                text.push_str(&format!("mx: {mx}\r\n"));
            }
        }
        text.push_str(&format!("max_age: {}\r\n", max_age(self.mode)));
        text
    }

    /// The policy's id: "1-32 alphanumeric characters" that change when the policy
    /// does (RFC 8461 §3.1) — the first 20 hex digits of the text's SHA-256.
    pub fn id(&self) -> String {
        let hash = digest::digest(&digest::SHA256, self.text().as_bytes());
        hash.as_ref()[..10]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1).
    pub fn record(&self) -> String {
        format!("v=STSv1; id={}", self.id())
    }
}

/// The id of an `_mta-sts` TXT record: `v=STSv1` first, then `id=` (RFC 8461 §3.1).
pub fn record_id(record: &str) -> Option<&str> {
    let mut fields = record.split(';').map(str::trim);
    if fields.next() != Some("v=STSv1") {
        return None;
    }
    fields.find_map(|f| f.strip_prefix("id=").map(str::trim))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_crlf_separated_key_value_pairs_version_first() {
        // RFC 8461 §3.2: "This resource contains the following CRLF-separated
        // key/value pairs": version, mode, mx (one or more), max_age.
        let p = Policy::new(MtaStsMode::Enforce, "MX.Example.org.");
        assert_eq!(
            p.text(),
            "version: STSv1\r\nmode: enforce\r\nmx: mx.example.org\r\nmax_age: 604800\r\n"
        );
        let testing = Policy::new(MtaStsMode::Testing, "mx.example.org").text();
        assert!(testing.contains("mode: testing\r\n") && testing.contains("max_age: 86400\r\n"));
        // A policy of mode none withdraws the domain's policy: no host to name.
        assert!(
            !Policy::new(MtaStsMode::None, "mx.example.org")
                .text()
                .contains("mx:")
        );
    }

    #[test]
    fn the_id_is_alphanumeric_and_changes_with_the_policy() {
        // RFC 8461 §3.1: id is "1*32(ALPHA / DIGIT)".
        let a = Policy::new(MtaStsMode::Testing, "mx.example.org");
        let id = a.id();
        assert!(!id.is_empty() && id.len() <= 32, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        assert_eq!(id, a.id());
        assert_ne!(id, Policy::new(MtaStsMode::Enforce, "mx.example.org").id());
        assert_ne!(id, Policy::new(MtaStsMode::Testing, "mx2.example.org").id());
        assert_eq!(a.record(), format!("v=STSv1; id={id}"));
    }

    #[test]
    fn a_records_id_is_read_after_its_version() {
        assert_eq!(record_id("v=STSv1; id=20260101abc"), Some("20260101abc"));
        assert_eq!(record_id("v=STSv1;id=x1 "), Some("x1"));
        assert_eq!(record_id("id=x1; v=STSv1"), None);
        assert_eq!(record_id("v=spf1 mx -all"), None);
    }
}
