//! Mail address syntax, as far as rules need it: whether a forward target or a vacation
//! address is a plausible `local@domain`, and its parts.
//!
//! This is a syntactic check only (RFC 5321 §4.1.2 dot-atom local parts, domain labels of
//! letters, digits and hyphens, or non-ASCII for internationalised names); whether the
//! address exists is the delivery code's business.

/// The longest address accepted, in bytes (RFC 5321 §4.5.3.1.3 limits a path to 256).
pub const MAX_ADDRESS_LEN: usize = 254;

/// Returns `true` if and only if `addr` is `local@domain` with a dot-atom local part of at
/// most 64 bytes and a domain of dot-separated labels of at most 63 bytes each.
pub fn is_valid_address(addr: &str) -> bool {
    if addr.is_empty() || addr.len() > MAX_ADDRESS_LEN {
        return false;
    }
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    valid_local(local) && valid_domain(domain)
}

fn valid_local(local: &str) -> bool {
    if local.is_empty() || local.len() > 64 || local.starts_with('.') || local.ends_with('.') {
        return false;
    }
    if local.contains("..") {
        return false;
    }
    local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) || !c.is_ascii())
}

fn valid_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
    })
}

/// The local part and the domain of an address (split at the last `@`); the whole text
/// and an empty domain when there is no `@`.
pub fn split(addr: &str) -> (&str, &str) {
    addr.rsplit_once('@').unwrap_or((addr, ""))
}

/// Returns `true` if and only if two addresses are the same mailbox, ignoring the case of
/// both parts (local parts are case-insensitive on Osprey, as on most servers).
pub fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim()) || a.trim().to_lowercase() == b.trim().to_lowercase()
}
