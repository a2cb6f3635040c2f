//! One module per screen.

pub mod admin;
mod contacts;
mod dictionary;
mod login;
mod login_failures;
mod mail;
mod placeholders;
mod preferences;
pub mod rules;
mod settings;

pub use contacts::ContactsPage;
pub use login::LoginPage;
pub use mail::MailPage;
pub use placeholders::{CalendarPage, NotFoundPage};
pub use settings::SettingsPage;
