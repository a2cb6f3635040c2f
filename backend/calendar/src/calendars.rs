//! [`CalendarService`]: calendars, who may see and change them, and their sharing.

use chrono::{DateTime, Utc};
use osprey_core::Address;
use osprey_store::{CalendarRecord, CalendarRow, Store};

use crate::{CalendarError, Limits, fields};

/// What an account may do with a calendar, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Sees when its events are busy, nothing else.
    FreeBusy,
    /// Reads its events (a private event shows as busy).
    Read,
    /// Reads and changes its events.
    Write,
    /// Owns it: changes it, shares it, deletes it.
    Owner,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::FreeBusy => "freebusy",
            Access::Read => "read",
            Access::Write => "write",
            Access::Owner => "owner",
        }
    }

    /// The access a share can give (never `owner`).
    pub fn parse_share(s: &str) -> Option<Access> {
        match s {
            "freebusy" => Some(Access::FreeBusy),
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        }
    }
}

/// An account a calendar is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub account_id: String,
    pub address: String,
    pub access: Access,
}

/// A calendar as an account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub id: String,
    pub owner_id: String,
    pub owner_address: String,
    pub name: String,
    pub color: String,
    pub description: String,
    pub time_zone: Option<String>,
    /// Minutes before an event's start its reminders go by default.
    pub default_reminders: Vec<u32>,
    pub position: i32,
    pub hidden: bool,
    pub is_default: bool,
    /// It has a private subscription feed (its owner's view only).
    pub has_feed: bool,
    /// What the account may do with it.
    pub access: Access,
    /// Who it is shared with; only its owner sees them.
    pub shares: Vec<Share>,
    pub updated_at: DateTime<Utc>,
}

/// A calendar's fields as its owner edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFields {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub description: String,
    /// An IANA name; `None` follows the owner's zone.
    pub time_zone: Option<String>,
    pub default_reminders: Vec<u32>,
    pub hidden: bool,
}

/// Longest calendar name, in characters.
pub const MAX_CALENDAR_NAME: usize = 100;
/// Longest calendar description, in characters.
pub const MAX_CALENDAR_DESCRIPTION: usize = 2_000;
/// Most default reminders, and the furthest ahead one may go (four weeks).
pub const MAX_REMINDERS: usize = 5;
pub const MAX_REMINDER_MINUTES: u32 = 40_320;
/// Most calendars an account may own.
pub const MAX_CALENDARS: usize = 100;

const DEFAULT_NAME: &str = "Calendar";
const DEFAULT_COLOR: &str = "#3b82f6";

impl CalendarFields {
    fn normalized(self) -> Result<Self, CalendarError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_CALENDAR_NAME {
            return Err(CalendarError::invalid(
                "name",
                format!("1 to {MAX_CALENDAR_NAME} characters"),
            ));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > MAX_CALENDAR_DESCRIPTION {
            return Err(CalendarError::invalid(
                "description",
                format!("at most {MAX_CALENDAR_DESCRIPTION} characters"),
            ));
        }
        let color = fields::color("color", &self.color)?;
        let time_zone = match self.time_zone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(z) => Some(fields::time_zone("time_zone", z)?.name().to_owned()),
        };
        if self.default_reminders.len() > MAX_REMINDERS {
            return Err(CalendarError::invalid(
                "default_reminders",
                format!("at most {MAX_REMINDERS}"),
            ));
        }
        if let Some(i) = self
            .default_reminders
            .iter()
            .position(|m| *m > MAX_REMINDER_MINUTES)
        {
            return Err(CalendarError::invalid(
                format!("default_reminders[{i}]"),
                format!("0 to {MAX_REMINDER_MINUTES} minutes before"),
            ));
        }
        let mut default_reminders = self.default_reminders;
        default_reminders.sort_unstable();
        default_reminders.dedup();
        Ok(Self {
            name,
            color,
            description,
            time_zone,
            default_reminders,
            hidden: self.hidden,
        })
    }
}

/// The calendar service: calendars, events and their occurrences.
#[derive(Debug, Clone)]
pub struct CalendarService {
    pub(crate) store: Store,
    pub(crate) limits: Limits,
    /// How invitations go out; `None`: they don't (and attendees' copies are still made).
    pub(crate) mail: Option<crate::invitations::Mailer>,
    /// Repeating events expanded by earlier range queries.
    pub(crate) series: crate::series::SeriesCache,
}

impl CalendarService {
    pub fn new(store: Store) -> Self {
        Self::with_limits(store, Limits::default())
    }

    pub fn with_limits(store: Store, limits: Limits) -> Self {
        Self {
            store,
            limits,
            mail: None,
            series: Default::default(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The account's calendars (its default one made if it has none yet), then those
    /// shared with it.
    pub async fn list(&self, account_id: &str) -> Result<Vec<Calendar>, CalendarError> {
        self.calendars(account_id, true).await
    }

    /// As [`CalendarService::list`]; `with_shares` `false` leaves out who each is shared
    /// with (what the views that only read events need), saving a query per calendar.
    pub(crate) async fn calendars(
        &self,
        account_id: &str,
        with_shares: bool,
    ) -> Result<Vec<Calendar>, CalendarError> {
        let mut own = self.store.calendars().calendars_of(account_id).await?;
        if !own.iter().any(|c| c.is_default) {
            self.default_calendar(account_id).await?;
            own = self.store.calendars().calendars_of(account_id).await?;
        }
        let mut owners: std::collections::HashMap<String, String> = Default::default();
        let mut out = Vec::new();
        for c in own {
            out.push(
                self.view_with(c, Access::Owner, with_shares, &mut owners)
                    .await?,
            );
        }
        for (c, access) in self.store.calendars().shared_with(account_id).await? {
            let access = Access::parse_share(&access).unwrap_or(Access::FreeBusy);
            out.push(self.view_with(c, access, with_shares, &mut owners).await?);
        }
        Ok(out)
    }

    /// The account's default calendar, made now if it has none: where events go
    /// when no calendar is named (and invitations, later).
    pub async fn default_calendar(&self, account_id: &str) -> Result<Calendar, CalendarError> {
        let c = self
            .store
            .calendars()
            .ensure_default(
                account_id,
                CalendarRow {
                    name: DEFAULT_NAME,
                    color: DEFAULT_COLOR,
                    description: "",
                    time_zone: None,
                    default_reminders: "[]",
                    hidden: false,
                },
            )
            .await?;
        self.view(c, Access::Owner).await
    }

    /// One calendar the account can see.
    pub async fn get(&self, account_id: &str, id: &str) -> Result<Calendar, CalendarError> {
        let (c, access) = self.access(account_id, id).await?;
        self.view(c, access).await
    }

    /// Adds a calendar to the account's.
    pub async fn create(
        &self,
        account_id: &str,
        fields: CalendarFields,
    ) -> Result<Calendar, CalendarError> {
        let f = fields.normalized()?;
        // The default calendar comes first: made before any other.
        self.default_calendar(account_id).await?;
        let owned = self.store.calendars().calendars_of(account_id).await?;
        if owned.len() >= MAX_CALENDARS {
            return Err(CalendarError::Conflict(format!(
                "an account has at most {MAX_CALENDARS} calendars"
            )));
        }
        let reminders = reminders_json(&f.default_reminders);
        let c = self
            .store
            .calendars()
            .insert_calendar(account_id, row(&f, &reminders))
            .await?;
        self.view(c, Access::Owner).await
    }

    /// Changes a calendar the account owns; `position` moves it among its calendars.
    pub async fn update(
        &self,
        account_id: &str,
        id: &str,
        fields: CalendarFields,
        position: Option<i32>,
    ) -> Result<Calendar, CalendarError> {
        self.require(account_id, id, Access::Owner).await?;
        let f = fields.normalized()?;
        let reminders = reminders_json(&f.default_reminders);
        let c = self
            .store
            .calendars()
            .update_calendar(id, row(&f, &reminders), position)
            .await?;
        self.view(c, Access::Owner).await
    }

    /// Deletes a calendar the account owns, with its events. The default calendar
    /// stays (`Conflict`).
    pub async fn delete(&self, account_id: &str, id: &str) -> Result<(), CalendarError> {
        let c = self.require(account_id, id, Access::Owner).await?;
        if c.is_default {
            return Err(CalendarError::Conflict(
                "the default calendar cannot be deleted".into(),
            ));
        }
        Ok(self.store.calendars().delete_calendar(id).await?)
    }

    /// Shares a calendar the account owns with the account at `address` (an account of
    /// this server), or changes the access it has.
    pub async fn share(
        &self,
        account_id: &str,
        id: &str,
        address: &str,
        access: Access,
    ) -> Result<Calendar, CalendarError> {
        let c = self.require(account_id, id, Access::Owner).await?;
        if access == Access::Owner {
            return Err(CalendarError::invalid("access", "freebusy, read or write"));
        }
        let parsed = Address::parse(address.trim())
            .map_err(|_| CalendarError::invalid("address", "an e-mail address"))?;
        let grantee = self
            .store
            .accounts()
            .account_by_address(&parsed)
            .await
            .map_err(|_| CalendarError::invalid("address", "no account of this server has it"))?;
        if grantee.id == account_id {
            return Err(CalendarError::invalid(
                "address",
                "the calendar is yours already",
            ));
        }
        self.store
            .calendars()
            .set_share(id, &grantee.id, access.as_str())
            .await?;
        self.view(c, Access::Owner).await
    }

    /// Stops sharing a calendar the account owns with the account `grantee_id`.
    pub async fn unshare(
        &self,
        account_id: &str,
        id: &str,
        grantee_id: &str,
    ) -> Result<(), CalendarError> {
        self.require(account_id, id, Access::Owner).await?;
        Ok(self.store.calendars().remove_share(id, grantee_id).await?)
    }

    /// The calendar and what the account may do with it; `NotFound` when it may do
    /// nothing (someone else's calendar is not told apart from no calendar).
    pub(crate) async fn access(
        &self,
        account_id: &str,
        id: &str,
    ) -> Result<(CalendarRecord, Access), CalendarError> {
        let c = self.store.calendars().calendar(id).await?;
        if c.account_id == account_id {
            return Ok((c, Access::Owner));
        }
        let shared = self.store.calendars().share_access(id, account_id).await?;
        match shared.as_deref().and_then(Access::parse_share) {
            Some(a) => Ok((c, a)),
            None => Err(CalendarError::NotFound),
        }
    }

    /// The calendar when the account has at least `needed`; `Forbidden` when it sees
    /// the calendar with less.
    pub(crate) async fn require(
        &self,
        account_id: &str,
        id: &str,
        needed: Access,
    ) -> Result<CalendarRecord, CalendarError> {
        let (c, access) = self.access(account_id, id).await?;
        if access < needed {
            return Err(CalendarError::Forbidden(match needed {
                Access::Owner => "only the calendar's owner may do this".into(),
                Access::Write => "the calendar is shared with you read-only".into(),
                _ => "the calendar is shared with you as free/busy only".into(),
            }));
        }
        Ok(c)
    }

    /// The account's time zone (UTC when it has none).
    pub(crate) async fn zone_of(&self, account_id: &str) -> Result<String, CalendarError> {
        Ok(self
            .store
            .accounts()
            .account(account_id)
            .await?
            .time_zone
            .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
            .unwrap_or_else(|| "UTC".into()))
    }

    /// The zone a calendar's floating times are read in: its own, else its owner's.
    pub(crate) async fn calendar_zone(&self, c: &CalendarRecord) -> Result<String, CalendarError> {
        match &c.time_zone {
            Some(z) => Ok(z.clone()),
            None => self.zone_of(&c.account_id).await,
        }
    }

    async fn view(&self, c: CalendarRecord, access: Access) -> Result<Calendar, CalendarError> {
        self.view_with(c, access, true, &mut Default::default())
            .await
    }

    /// The calendar as the account sees it; `owners` remembers owners' addresses.
    async fn view_with(
        &self,
        c: CalendarRecord,
        access: Access,
        with_shares: bool,
        owners: &mut std::collections::HashMap<String, String>,
    ) -> Result<Calendar, CalendarError> {
        let owner_address = match owners.get(&c.account_id) {
            Some(a) => a.clone(),
            None => {
                let a = self
                    .store
                    .accounts()
                    .account(&c.account_id)
                    .await?
                    .address();
                owners.insert(c.account_id.clone(), a.clone());
                a
            }
        };
        let mut shares = Vec::new();
        if access == Access::Owner && with_shares {
            for (account_id, a) in self.store.calendars().shares_of(&c.id).await? {
                let address = match self.store.accounts().account(&account_id).await {
                    Ok(a) => a.address(),
                    Err(_) => continue,
                };
                shares.push(Share {
                    account_id,
                    address,
                    access: Access::parse_share(&a).unwrap_or(Access::FreeBusy),
                });
            }
        }
        Ok(Calendar {
            default_reminders: serde_json::from_str(&c.default_reminders).unwrap_or_default(),
            id: c.id,
            owner_id: c.account_id,
            owner_address,
            name: c.name,
            color: c.color,
            description: c.description,
            time_zone: c.time_zone,
            position: c.position,
            hidden: c.hidden,
            is_default: c.is_default,
            has_feed: access == Access::Owner && c.has_feed,
            access,
            shares,
            updated_at: c.updated_at,
        })
    }
}

fn reminders_json(minutes: &[u32]) -> String {
    serde_json::to_string(minutes).unwrap_or_else(|_| "[]".into())
}

fn row<'a>(f: &'a CalendarFields, reminders: &'a str) -> CalendarRow<'a> {
    CalendarRow {
        name: &f.name,
        color: &f.color,
        description: &f.description,
        time_zone: f.time_zone.as_deref(),
        default_reminders: reminders,
        hidden: f.hidden,
    }
}
