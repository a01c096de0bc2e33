//! How many uploads (multipart requests to `/graphql`) may be in flight on this instance: per
//! user (`inquiries.max_concurrent_uploads_per_user`) and over all users
//! (`inquiries.max_concurrent_uploads`).
//!
//! An upload holds what no other request does for long: up to tens of megabytes of spooled files
//! (one open temporary file each) and, while its files stream to the support system, a backend
//! transfer, for up to `inquiries.upload_timeout_ms`. Without a cap one user could open as many
//! as the connection limit allows and fill the disk or the file descriptors for every tenant.
//!
//! A slot is taken before the body is read and without waiting — a client over the cap is told
//! at once to try again (429), never queued while it keeps its connection and its body open — and
//! given back when the [`UploadSlot`] is dropped, however the request ends (answered, past its
//! deadline, or dropped by a client that went away). The counts are per instance: the upload's
//! files live on the instance receiving them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::settings::InquiriesSettings;

/// An upload refused for a cap; the message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefused {
    /// The user has `inquiries.max_concurrent_uploads_per_user` uploads in flight.
    #[error(
        "you have {0} uploads in flight already, the most allowed at once: wait for one to finish, then try again"
    )]
    PerUser(usize),
    /// The instance has `inquiries.max_concurrent_uploads` uploads in flight.
    #[error("the gateway is receiving as many uploads as it takes at once: try again in a moment")]
    Instance(usize),
}

#[derive(Debug)]
struct Inner {
    per_user: usize,
    in_all: usize,
    /// In flight, by user ID; a user with none is removed.
    held: Mutex<HashMap<String, usize>>,
}

impl Inner {
    fn held(&self) -> MutexGuard<'_, HashMap<String, usize>> {
        // Nothing panics while holding it; a poisoned lock still holds consistent counts.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The upload slots of one gateway instance.
#[derive(Debug, Clone)]
pub struct UploadSlots {
    inner: Arc<Inner>,
}

impl UploadSlots {
    /// Slots within the caps of `settings`.
    pub fn new(settings: &InquiriesSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                per_user: settings.max_concurrent_uploads_per_user,
                in_all: settings.max_concurrent_uploads,
                held: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A slot for one more upload of `user_id`, or the cap it would pass. Never waits.
    pub fn try_take(&self, user_id: &str) -> Result<UploadSlot, UploadRefused> {
        let mut held = self.inner.held();
        let theirs = held.get(user_id).copied().unwrap_or(0);
        if theirs >= self.inner.per_user {
            return Err(UploadRefused::PerUser(self.inner.per_user));
        }
        if held.values().sum::<usize>() >= self.inner.in_all {
            return Err(UploadRefused::Instance(self.inner.in_all));
        }
        held.insert(user_id.to_owned(), theirs + 1);
        Ok(UploadSlot {
            inner: self.inner.clone(),
            user_id: user_id.to_owned(),
        })
    }
}

/// One upload in flight; dropped, its slot is given back.
#[derive(Debug)]
pub struct UploadSlot {
    inner: Arc<Inner>,
    user_id: String,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut held = self.inner.held();
        if let Some(count) = held.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(per_user: usize, in_all: usize) -> UploadSlots {
        let mut settings = crate::settings::Settings::load_without_env(None)
            .expect("the defaults load")
            .inquiries;
        settings.max_concurrent_uploads_per_user = per_user;
        settings.max_concurrent_uploads = in_all;
        UploadSlots::new(&settings)
    }

    #[test]
    fn both_caps_hold_and_a_dropped_slot_is_given_back() {
        let slots = slots(2, 3);
        let a = slots.try_take("avery").expect("a first upload");
        let b = slots.try_take("avery").expect("a second upload");
        assert_eq!(
            slots.try_take("avery").err(),
            Some(UploadRefused::PerUser(2))
        );
        let c = slots.try_take("kenji").expect("another user's");
        assert_eq!(
            slots.try_take("lucia").err(),
            Some(UploadRefused::Instance(3)),
            "the instance is full"
        );
        drop(a);
        let d = slots.try_take("lucia").expect("a slot given back");
        assert_eq!(
            slots.try_take("avery").err(),
            Some(UploadRefused::Instance(3))
        );
        drop((b, c, d));
        assert!(slots.inner.held().is_empty(), "nothing is left behind");
        let _again = slots.try_take("avery").expect("all given back");
    }
}
