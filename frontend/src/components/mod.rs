//! Pieces the pages share: the app shell and form parts.

pub mod ad_slot;
#[cfg(feature = "full")]
pub mod address_input;
pub mod banner;
pub mod brand;
pub mod confirm;
pub mod download;
pub mod field;
pub mod recipients;
pub mod reminders;
pub mod resource;
pub mod search;
pub mod shell;
pub mod spell_check;
