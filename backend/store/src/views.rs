//! The store's role views: one per kind of data, each with the operations on it, so that
//! a caller names what it works with (`store.accounts()`, `store.queue()`) instead of
//! reaching into one flat facade. A view borrows the store; it is free to make.

use crate::Store;

macro_rules! views {
    ($($(#[$doc:meta])* $name:ident => $method:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'a>(&'a Store);

        impl std::ops::Deref for $name<'_> {
            type Target = Store;

            fn deref(&self) -> &Store {
                self.0
            }
        }

        impl Store {
            $(#[$doc])*
            pub fn $method(&self) -> $name<'_> {
                $name(self)
            }
        }
    )*};
}

views! {
    /// Accounts: creation, changes, lookups by id and address, quotas, roles.
    Accounts => accounts;
    /// API keys and refresh tokens.
    Credentials => credentials;
    /// Domains (virtual hosts) and their alias names.
    Domains => domains;
    /// Each domain's DKIM key.
    DkimKeys => dkim;
    /// Aliases and catch-alls.
    Aliases => aliases;
    /// Mailboxes: listing, creation, renaming, subscriptions, state for IMAP.
    Mailboxes => mailboxes;
    /// Messages: appending, listing, flags, moving, expunging, changes since a MODSEQ.
    Messages => messages;
    /// The full-text index of message bodies.
    TextIndex => text_index;
    /// The outbound queue: messages, recipients, leases, attempts.
    Queue => queue;
    /// Server-wide settings (the relay policy).
    Settings => settings;
    /// IP rules and the kill file.
    Access => access;
    /// The addresses administrators let accounts send as.
    SendAs => send_as;
    /// The address book (contacts as vCard, contact groups) and the personal dictionary.
    Contacts => contacts;
    /// Delivery rule sets of accounts and domains, and the log of automatic answers.
    Rules => rules;
    /// Mailing lists: their addresses and members.
    Lists => lists;
    /// What lists keep of their posts (archives, digests) and their daily counts.
    ListPosts => list_posts;
    /// The audit log of administrative changes.
    Audit => audit;
    /// Calendars, their shares and their objects (events).
    Calendars => calendars;
    /// The dashboard's counts and samples, and what accounts keep.
    Activity => activity;
    /// Banner ad campaigns, their daily counts, and the accounts that see none.
    Ads => ads;
    /// The look of the server's and each domain's pages, with their logos and favicons.
    Brandings => brandings;
}
