//! The address book: cards and vCard files (pure), and the service over a real store on
//! this run's engine.

mod book;
mod files;
