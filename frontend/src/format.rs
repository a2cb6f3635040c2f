//! Small display helpers.

use chrono::{DateTime, Datelike, Timelike, Utc};
#[cfg(feature = "full")]
use osprey_api_types::Role;

/// `1.5 GiB`, `12 KiB`, `300 B`. In integers: float formatting would bring its tables
/// into the bundle.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    // The value in tenths of the unit.
    let mut tenths = u128::from(n) * 10;
    let mut unit = 0;
    while tenths >= 10 * 1024 && unit < UNITS.len() - 1 {
        tenths /= 1024;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if tenths < 100 {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    } else {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    }
}

#[cfg(feature = "full")]
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "Server admin",
        Role::DomainAdmin => "Domain admin",
        Role::User => "User",
    }
}

/// The value of a role in forms and JSON.
#[cfg(feature = "full")]
pub fn role_value(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::DomainAdmin => "domain_admin",
        Role::User => "user",
    }
}

#[cfg(feature = "full")]
pub fn parse_role(s: &str) -> Role {
    match s {
        "admin" => Role::Admin,
        "domain_admin" => Role::DomainAdmin,
        _ => Role::User,
    }
}

/// `2026-11-26 15:30 UTC`.
pub fn date(t: &DateTime<Utc>) -> String {
    // By hand: chrono's `format` brings a strftime interpreter into the bundle.
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Splits a list typed as commas or lines; drops blanks.
#[cfg(feature = "full")]
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A size typed in MiB: empty is `None`, otherwise a whole number.
#[cfg(feature = "full")]
pub fn parse_mib(s: &str) -> Result<Option<u64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u64>()
        .ok()
        .and_then(|mib| mib.checked_mul(1024 * 1024))
        .map(Some)
        .ok_or_else(|| "Enter a whole number of MiB, or leave it empty.".to_owned())
}

#[cfg(feature = "full")]
pub fn parse_count(s: &str) -> Result<Option<u32>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u32>()
        .map(Some)
        .map_err(|_| "Enter a whole number, or leave it empty.".to_owned())
}

/// Bytes shown in a MiB input.
#[cfg(feature = "full")]
pub fn mib_input(bytes: Option<u64>) -> String {
    bytes
        .map(|b| (b / (1024 * 1024)).to_string())
        .unwrap_or_default()
}
