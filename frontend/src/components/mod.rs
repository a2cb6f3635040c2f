//! Pieces the pages share: the app shell and form parts.

pub mod address_input;
pub mod banner;
pub mod confirm;
pub mod field;
pub mod resource;
pub mod search;
pub mod shell;
pub mod spell_check;
