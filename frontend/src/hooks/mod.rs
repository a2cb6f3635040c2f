//! Hooks shared by pages.

mod use_paged;

pub use use_paged::{Keyed, PagedAction, use_paged};
