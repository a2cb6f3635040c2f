//! Hooks shared by pages.

mod use_paged;

pub use use_paged::{PagedAction, use_paged};
