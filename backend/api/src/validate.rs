//! Input validation for handlers: the directory's field checks, each naming the request
//! field it is about; a failed [`Checks::finish`] converts into a 422.

pub use osprey_directory::Checks;
