//! A calendar's private subscription feed: an unguessable token in a URL that any
//! calendar program can subscribe to (`webcal://`), serving the calendar as `.ics`
//! without signing in. The store keeps only the token's SHA-256, so the token is shown
//! once, when made; making a new one or deleting it revokes the old.

use sha2::{Digest, Sha256};

use crate::{Access, CalendarError, CalendarService};

/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl CalendarService {
    /// Makes a new feed token for a calendar the account owns (the old one stops
    /// working) and returns it.
    pub async fn create_feed(
        &self,
        account_id: &str,
        calendar_id: &str,
    ) -> Result<String, CalendarError> {
        self.require(account_id, calendar_id, Access::Owner).await?;
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| {
            CalendarError::Store(osprey_store::StoreError::Invalid(format!(
                "no randomness: {e}"
            )))
        })?;
        let token = hex::encode(bytes);
        self.store
            .calendars()
            .set_feed(calendar_id, Some(&digest(&token)))
            .await?;
        Ok(token)
    }

    /// Revokes a calendar's feed; `NotFound` when it has none.
    pub async fn delete_feed(
        &self,
        account_id: &str,
        calendar_id: &str,
    ) -> Result<(), CalendarError> {
        let c = self.require(account_id, calendar_id, Access::Owner).await?;
        if !c.has_feed {
            return Err(CalendarError::NotFound);
        }
        Ok(self.store.calendars().set_feed(calendar_id, None).await?)
    }

    /// The calendar of a feed token as `.ics` (as its owner sees it); `NotFound` for a
    /// token that is not one.
    pub async fn feed(&self, token: &str) -> Result<String, CalendarError> {
        let token = token.trim();
        if token.len() != TOKEN_BYTES * 2 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CalendarError::NotFound);
        }
        let cal = self
            .store
            .calendars()
            .calendar_by_feed(&digest(&token.to_ascii_lowercase()))
            .await?;
        self.export(&cal, false).await
    }
}
