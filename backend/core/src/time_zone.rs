//! An account's time zone: an IANA name (`Europe/Berlin`) from the tz database chrono-tz
//! carries; none means UTC. Dates a person gives (an out-of-office answer's first and
//! last day) are days in it.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

/// A name that is not a time zone of the tz database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time zone name such as Europe/Berlin or America/New_York")]
pub struct TimeZoneError(pub String);

/// The zone's canonical spelling, if `name` is one.
pub fn check(name: &str) -> Result<String, TimeZoneError> {
    Tz::from_str(name.trim())
        .map(|tz| tz.name().to_owned())
        .map_err(|_| TimeZoneError(name.to_owned()))
}

/// `at` in the zone `name` (UTC for none, or for a name that is no longer known).
pub fn local(at: DateTime<Utc>, name: Option<&str>) -> DateTime<FixedOffset> {
    match name.and_then(|n| Tz::from_str(n).ok()) {
        Some(tz) => at.with_timezone(&tz).fixed_offset(),
        None => at.fixed_offset(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones() {
        assert_eq!(check("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert!(check("Mars/Olympus").is_err());
        assert!(check("").is_err());
        let at = DateTime::parse_from_rfc3339("2026-12-04T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local(at, Some("Pacific/Kiritimati")).to_rfc3339(),
            "2026-12-05T02:00:00+14:00"
        );
        assert_eq!(local(at, None).to_rfc3339(), "2026-12-04T12:00:00+00:00");
    }
}
