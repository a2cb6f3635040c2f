//! Repositories: the store's operations, grouped by what they act on, over plain record
//! types that carry no sea-orm types.

mod access;
mod accounts;
mod activity;
mod ads;
mod aliases;
mod audit;
mod brandings;
mod calendar_reminders;
mod calendars;
mod contacts;
mod credentials;
mod dkim;
mod domains;
mod list_posts;
mod lists;
mod mailbox_ops;
mod mailboxes;
mod message_ops;
mod message_search;
pub(crate) mod message_sort;
mod message_states;
mod messages;
mod paging;
mod personal_words;
mod preferences;
mod queue;
mod recent;
mod rules;
mod send_as;
mod settings;
mod sieve_scripts;
mod subscriptions;
mod text_index;
mod threads;

pub use access::{IpRuleRecord, KillEntryRecord, NewIpRule};
pub use accounts::{
    AccountChanges, AccountOrder, AccountRecord, AccountStart, NewAccount, Pop3Settings,
};
pub use activity::{ActivitySample, DomainStorage, HourCount, HourGauge, MailboxSize};
pub use ads::{AdCampaignRecord, AdCampaignRow, AdDayRecord, AdEvent};
pub use aliases::AliasRecord;
pub use audit::{AuditQuery, AuditRecord, NewAuditEntry};
pub use brandings::{BrandImage, BrandingRecord, EffectiveBranding, SERVER_SCOPE};
pub use calendar_reminders::{ClaimedReminder, ReminderAdvance, ReminderDue};
pub use calendars::{CalendarObjectRecord, CalendarObjectRow, CalendarRecord, CalendarRow};
pub use contacts::{ContactGroupRecord, ContactRecord, ContactRow};
pub use credentials::{ApiKeyRecord, NewApiKey, RefreshOutcome};
pub use dkim::DkimKeyRecord;
pub use domains::{DomainChanges, DomainRecord, NewDomain};
pub use list_posts::{
    DayCounter, DigestBacklog, ListDayRecord, ListPostRecord, ListThreadRecord,
    MAX_POST_SEARCH_TEXT, NewListPost,
};
pub use lists::{
    BounceState, HeldPostRecord, ListMemberRecord, ListRecipient, ListRecord, ListRequestRecord,
    NewList, NewListMember,
};
pub use mailboxes::{MailboxCounts, MailboxRecord, SPECIAL_MAILBOXES};
pub use message_ops::{FlagChange, FlagUpdate, FlaggedMessage, MailboxChanges};
pub use message_search::{SearchAfter, SearchCondition};
pub use message_sort::{SortAfter, SortKey, SortValue};
pub use message_states::MessageState;
pub use messages::{Appended, MessageRecord, MessageSummary, NewMessage, flags};
pub use paging::{ListOrder, ListQuery, PageOf};
pub use queue::{
    Attempt, DELIVERED, FAILED, NewQueuedMessage, NewQueuedRecipient, PENDING, QueueEntry,
    QueueFilter, QueuedMessage, QueuedRecipient,
};
pub use rules::{RuleOwner, RuleSetRecord};
pub use send_as::SendAsGrantRecord;
pub use sieve_scripts::{Activation, SieveScriptRecord};
pub use text_index::{MAX_BODY_TEXT, MAX_HEADER_TEXT, MessageText, QueuedText, TextField};
pub use threads::ThreadRow;

/// `text` with the `LIKE` wildcards and the escape (`\`) escaped.
pub(crate) fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `LIKE` pattern (escape `\`) matching `needle` anywhere.
pub(crate) fn like_anywhere(needle: &str) -> String {
    format!("%{}%", like_escaped(needle))
}

/// A fresh opaque id: a UUIDv7, so ids sort by creation time.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
