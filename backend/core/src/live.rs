//! [`Live`]: a value that administrators change while the server runs (a setting of
//! the server-settings page), shared by everything that reads it.
//!
//! Readers take the value as it is when they start a piece of work ([`Live::get`]: a
//! session at its start, the queue worker at each delivery) and keep that copy to the
//! end of it, so that one session never sees two limits. A change ([`Live::set`]) is
//! seen by the next reader.

use std::sync::{Arc, RwLock};

/// A shared value that can be replaced while it is read; clones share it.
#[derive(Debug)]
pub struct Live<T>(Arc<RwLock<Arc<T>>>);

impl<T> Clone for Live<T> {
    fn clone(&self) -> Self {
        Live(self.0.clone())
    }
}

impl<T> Live<T> {
    pub fn new(value: T) -> Self {
        Live(Arc::new(RwLock::new(Arc::new(value))))
    }

    /// The value now.
    pub fn get(&self) -> Arc<T> {
        // A poisoned lock still holds a whole value: `set` only swaps an `Arc`.
        match self.0.read() {
            Ok(v) => v.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the value for every later reader.
    pub fn set(&self, value: T) {
        let value = Arc::new(value);
        match self.0.write() {
            Ok(mut v) => *v = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }
}

impl<T> From<T> for Live<T> {
    fn from(value: T) -> Self {
        Live::new(value)
    }
}

impl<T: Default> Default for Live<T> {
    fn default() -> Self {
        Live::new(T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_keeps_its_copy_and_the_next_one_sees_the_change() {
        let live = Live::new(10);
        let shared = live.clone();
        let before = shared.get();
        live.set(20);
        assert_eq!(*before, 10);
        assert_eq!(*shared.get(), 20);
    }
}
