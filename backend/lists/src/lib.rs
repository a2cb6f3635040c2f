//! The list server: mailing lists of a domain (`team@example.com` and its companion
//! addresses), their members, who may post, and what becomes of a post.
//!
//! - [`ListAdmin`] holds the rules of managing lists and members, for an actor.
//! - [`ListServer`] is the list server in the mail flow (an [`osprey_mail::ListHook`]):
//!   the verdict for a list's address at RCPT, the distribution of a post.
//! - [`post`] makes the members' copy of a post; [`settings`] are a list's settings.
//! - [`archive`] keeps the posts and reads them back for the members ([`ListArchive`]);
//!   [`digest`] gathers them for the members who take digests.
//! - [`bounces`] reads bounces to a list's VERP addresses and pauses or removes members
//!   whose addresses bounce.

mod admin;
pub mod archive;
pub mod bounces;
pub mod commands;
pub mod digest;
mod moderation;
pub mod post;
mod requests;
pub mod roster;
mod server;
pub mod settings;
pub mod stats;

pub use admin::{
    DELIVERY_MODES, ListAdmin, ListUpdate, MAX_DESCRIPTION, MAX_NAME, NewListRequest,
    NewMemberRequest,
};
pub use archive::{ArchivedPost, ListArchive, MboxExport, Reader};
pub use moderation::{Decision, HELD_TTL_DAYS};
pub use requests::{REQUEST_TTL_DAYS, request_address};
pub use server::{ListServer, ROLES, owner_address};
pub use settings::{
    ArchivePolicy, FromRewrite, ListSettings, PostingPolicy, ReplyTo, SubscriptionPolicy,
};
