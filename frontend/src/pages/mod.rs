//! One module per screen. The delivery rules editor, the administration and the
//! calendar are built into the full app only (feature `full`): the app people read mail
//! with does not carry them.

#[cfg(feature = "full")]
pub mod admin;
#[cfg(feature = "full")]
pub mod archive;
#[cfg(feature = "full")]
pub mod calendar;
mod contacts;
mod dictionary;
mod login;
mod login_failures;
mod mail;
mod my_lists;
mod placeholders;
mod preferences;
#[cfg(feature = "full")]
pub mod rules;
mod settings;

pub use contacts::ContactsPage;
pub use login::LoginPage;
pub use mail::MailPage;
pub use placeholders::NotFoundPage;
pub use settings::{PasswordForm, SettingsPage};
