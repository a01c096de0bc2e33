//! A value the gateway may replace while it serves: readers take a snapshot (an `Arc`, no lock)
//! and keep it for as long as they need it, so one request sees one version throughout a call
//! even when a reload lands in the middle.

use std::sync::Arc;

use arc_swap::ArcSwap;

/// A value replaced whole by a reload.
pub struct Reloadable<T> {
    current: ArcSwap<T>,
}

impl<T> Reloadable<T> {
    /// Starts with `value`.
    pub fn new(value: T) -> Self {
        Self {
            current: ArcSwap::from_pointee(value),
        }
    }

    /// The value in use now.
    pub fn snapshot(&self) -> Arc<T> {
        self.current.load_full()
    }

    /// Replaces the value; requests already holding a snapshot keep theirs.
    pub fn replace(&self, value: T) {
        self.current.store(Arc::new(value));
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Reloadable<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Reloadable")
            .field(&*self.current.load())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_outlives_a_replacement() {
        let value = Reloadable::new(1);
        let before = value.snapshot();
        value.replace(2);
        assert_eq!(*before, 1);
        assert_eq!(*value.snapshot(), 2);
    }
}
