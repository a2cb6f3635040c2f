//! One module per screen.

pub mod admin;
mod login;
mod login_failures;
mod placeholders;
pub mod rules;
mod settings;

pub use login::LoginPage;
pub use placeholders::{CalendarPage, MailPage, NotFoundPage};
pub use settings::SettingsPage;
