//! The EHLO keywords a server offers, read from its reply. Pure: the reply itself is
//! `osprey_proto::smtp::Reply`, read by the parent module.

use osprey_proto::smtp::Reply;

/// What a server offers in its EHLO reply (the keywords Osprey uses).
// RFC 5321 §4.1.1.1
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `true` after a successful EHLO; `false` after the HELO fallback (nothing offered).
    pub esmtp: bool,
    // RFC 2920
    pub pipelining: bool,
    // RFC 3207
    pub starttls: bool,
    /// `SIZE`: `Some(0)` when offered without a limit. RFC 1870
    pub size: Option<u64>,
    // RFC 6152
    pub eight_bit_mime: bool,
    // RFC 6531
    pub smtputf8: bool,
    // RFC 2034
    pub enhanced_status_codes: bool,
    /// `AUTH` mechanisms, upper case. RFC 4954
    pub auth: Vec<String>,
}

impl Capabilities {
    /// Reads the keywords of an EHLO reply (every line after the first).
    pub fn from_ehlo(reply: &Reply) -> Capabilities {
        let mut caps = Capabilities {
            esmtp: true,
            ..Capabilities::default()
        };
        for line in reply.lines().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            match keyword.to_ascii_uppercase().as_str() {
                "PIPELINING" => caps.pipelining = true,
                "STARTTLS" => caps.starttls = true,
                "SIZE" => caps.size = Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
                "8BITMIME" => caps.eight_bit_mime = true,
                "SMTPUTF8" => caps.smtputf8 = true,
                "ENHANCEDSTATUSCODES" => caps.enhanced_status_codes = true,
                "AUTH" => caps.auth.extend(words.map(|m| m.to_ascii_uppercase())),
                _ => {}
            }
        }
        caps
    }
}
