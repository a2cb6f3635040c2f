//! Recipients as a person types them: `bob@example.com`, `Bob <bob@example.com>` or
//! `"Smith, Bob" <bob@example.com>`; and written back the same way.

use osprey_core::Address;

use crate::message::NamedAddress;

/// `raw` as an address with its display name; `None` when it holds no valid address.
pub fn parse_named(raw: &str) -> Option<NamedAddress> {
    let raw = raw.trim();
    if let Some(open) = raw.rfind('<')
        && let Some(inner) = raw[open + 1..].strip_suffix('>')
    {
        let address = Address::parse(inner.trim()).ok()?;
        let name = raw[..open].trim().trim_matches('"').trim();
        return Some(NamedAddress {
            name: (!name.is_empty()).then(|| name.replace("\\\"", "\"")),
            address,
        });
    }
    Address::parse(raw).ok().map(NamedAddress::from)
}

/// `a` as [`parse_named`] reads it back: the bare address, or `"Name" <address>` (the
/// name quoted when it has a character that would end it).
pub fn written(a: &NamedAddress) -> String {
    match a.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => a.address.to_string(),
        Some(name) if name.contains([',', '<', '>', '"', ';', ':', '@']) => {
            format!("\"{}\" <{}>", name.replace('"', "\\\""), a.address)
        }
        Some(name) => format!("{name} <{}>", a.address),
    }
}

/// A name and an address as [`crate::reading`] gives them, written for a recipient
/// field; `None` without an address.
pub fn written_parts(name: Option<&str>, address: Option<&str>) -> Option<String> {
    let address = Address::parse(address?).ok()?;
    Some(written(&NamedAddress {
        name: name.map(str::to_owned),
        address,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_forms_round_trip() {
        for (typed, name, address) in [
            ("bob@example.com", None, "bob@example.com"),
            (
                "Bob Lee <bob@example.com>",
                Some("Bob Lee"),
                "bob@example.com",
            ),
            (
                "\"Smith, Bob\" <bob@example.com>",
                Some("Smith, Bob"),
                "bob@example.com",
            ),
        ] {
            let a = parse_named(typed).unwrap();
            assert_eq!(a.name.as_deref(), name, "{typed}");
            assert_eq!(a.address.to_string(), address);
            assert_eq!(written(&a), typed);
        }
        assert!(parse_named("Bob <not an address>").is_none());
        assert!(parse_named("bob").is_none());
        assert!(parse_named("").is_none());
    }
}
