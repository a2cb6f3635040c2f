//! One module per screen. The delivery rules editor, the administration, the calendar and
//! the account's settings are built into the full app only (feature `full`): the app
//! people read mail with does not carry them.

#[cfg(feature = "full")]
pub mod admin;
#[cfg(feature = "full")]
pub mod archive;
#[cfg(feature = "full")]
pub mod calendar;
mod contacts;
#[cfg(feature = "full")]
mod dictionary;
mod login;
#[cfg(feature = "full")]
mod login_failures;
mod mail;
#[cfg(feature = "full")]
mod my_lists;
mod password;
mod placeholders;
#[cfg(feature = "full")]
mod preferences;
#[cfg(feature = "full")]
pub mod rules;
#[cfg(feature = "full")]
mod settings;

pub use contacts::ContactsPage;
pub use login::LoginPage;
pub use mail::MailPage;
pub use password::PasswordForm;
pub use placeholders::NotFoundPage;
#[cfg(feature = "full")]
pub use settings::SettingsPage;
