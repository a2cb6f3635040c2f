//! Osprey's address book: each account's contacts and contact groups, kept as vCard
//! (RFC 6350) through calcard, with import and export of `.vcf` files (3.0 and 4.0),
//! search, and the ranked suggestions a composer's recipient field asks for. Delivery
//! rules ask [`AddressBook::knows_any`] whether a sender is in the book.
//!
//! The REST API and the web app are clients of [`AddressBook`]; the rules of what a
//! contact may hold live in [`Card::normalized`].

mod book;
mod card;
mod error;
mod vcf;

pub use book::{AddressBook, Contact, ContactGroup, ImportReport, Suggestion, SuggestionKind};
pub use card::{
    Card, Labeled, MAX_NAME, MAX_NOTES, MAX_PHOTO, MAX_VALUES, PostalAddress, is_address,
};
pub use error::ContactsError;
pub use vcf::{CardProblem, MAX_IMPORT_BYTES, MAX_IMPORT_CARDS, VcfVersion};
