//! How POP3 treats the messages a client downloads: the seed's "off-line" and "online"
//! methods, chosen per account.

use std::{fmt, str::FromStr};

/// What a POP3 `DELE` does for an account.
///
/// `Offline` is RFC 1939 behaviour: the client downloads and deletes, and the messages
/// are expunged at `QUIT`. `Keep` ("online") ignores `DELE`: mail stays on the server for
/// IMAP and webmail. `Trash` moves "deleted" messages to the Trash mailbox instead of
/// expunging them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Pop3Mode {
    #[default]
    Offline,
    Keep,
    Trash,
}

/// An unknown POP3 mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown POP3 mode '{0}': expected offline, keep or trash")]
pub struct Pop3ModeError(pub String);

impl Pop3Mode {
    /// The stable name used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Pop3Mode::Offline => "offline",
            Pop3Mode::Keep => "keep",
            Pop3Mode::Trash => "trash",
        }
    }
}

impl FromStr for Pop3Mode {
    type Err = Pop3ModeError;
    fn from_str(s: &str) -> Result<Self, Pop3ModeError> {
        match s {
            "offline" => Ok(Pop3Mode::Offline),
            "keep" => Ok(Pop3Mode::Keep),
            "trash" => Ok(Pop3Mode::Trash),
            other => Err(Pop3ModeError(other.to_owned())),
        }
    }
}

impl fmt::Display for Pop3Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for m in [Pop3Mode::Offline, Pop3Mode::Keep, Pop3Mode::Trash] {
            assert_eq!(m.as_str().parse::<Pop3Mode>(), Ok(m));
        }
        assert!("delete".parse::<Pop3Mode>().is_err());
    }
}
