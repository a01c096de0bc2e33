//! Limits on guests' order lookups (`guestOrderStatus`), which need no token and so have no
//! principal to limit.
//!
//! - Per client address: `guest.lookups_per_minute` lookups a minute (IPv6 per /64).
//! - Per customer number, whatever the address: `guest.failed_lookups_per_customer_per_minute`
//!   failed lookups (no such order) a minute; after that every lookup for the customer number is
//!   `RATE_LIMITED` for the rest of the minute. Without this, a customer's orders could be listed
//!   by guessing sequential order numbers from enough addresses.
//!
//! A lookup for a customer number is counted as a failure *before* it runs
//! ([`GuestLimiter::customer_attempt`]) and given back when it turns out not to be one. Counting
//! only after a `NOT_FOUND` would let every guess already in flight through: an attacker firing
//! a hundred at once from a hundred addresses would pass a check that nothing had yet been
//! counted against.
//!
//! Both are one-minute windows shared through Redis when configured (see [`super::window`]).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::store_key;
use super::window::{Store, WindowCounter};
use crate::cache::RedisTier;
use crate::error::GatewayError;
use crate::settings::GuestSettings;
use crate::telemetry::metrics;

const MINUTE: Duration = Duration::from_secs(60);

/// The guests' lookup limits.
pub struct GuestLimiter {
    prefix: String,
    per_address: WindowCounter,
    failures_per_customer: Arc<WindowCounter>,
}

impl GuestLimiter {
    /// Limits from `guest`, shared through `redis` when given (keys under `prefix`).
    pub fn new(guest: &GuestSettings, prefix: &str, redis: Option<Arc<RedisTier>>) -> Self {
        Self {
            prefix: prefix.to_owned(),
            per_address: WindowCounter::new(guest.lookups_per_minute, MINUTE, redis.clone()),
            failures_per_customer: Arc::new(WindowCounter::new(
                guest.failed_lookups_per_customer_per_minute,
                MINUTE,
                redis,
            )),
        }
    }

    /// Counts one lookup from `client`, or refuses it with `RATE_LIMITED`. IPv6 clients count
    /// per /64, the block one subscriber usually holds.
    pub async fn check(&self, client: IpAddr) -> Result<(), GatewayError> {
        let key = store_key(
            &self.prefix,
            "guest-address",
            &allowance_key(client).to_string(),
        );
        let taken = self.per_address.take(&key).await.map(|_| ());
        if taken.is_err() {
            metrics::rate_limit_refused("guest_address");
        }
        taken
    }

    /// Admits one lookup for `customer_number`, counted as a failure until the lookup says
    /// otherwise: call [`CustomerAttempt::failed`] when it found nothing; dropped without that
    /// (found, refused later, backend unavailable, cancelled), the count is given back. Refused
    /// with `RATE_LIMITED` once the customer number's failures fill the minute, from whatever
    /// addresses they came.
    pub async fn customer_attempt(
        &self,
        customer_number: &str,
    ) -> Result<CustomerAttempt, GatewayError> {
        // Upper case: a customer number spelled in other letter cases is the same target.
        let customer = customer_number.trim().to_ascii_uppercase();
        let key = store_key(&self.prefix, "guest-customer", &customer);
        let store = self
            .failures_per_customer
            .take(&key)
            .await
            .inspect_err(|_| metrics::rate_limit_refused("guest_customer"))?;
        Ok(CustomerAttempt {
            counter: self.failures_per_customer.clone(),
            key,
            store,
            failed: false,
        })
    }
}

/// One admitted lookup for a customer number, counted as a failure unless it ends otherwise.
#[must_use = "dropping an attempt gives its count back: call `failed()` when the lookup found nothing"]
pub struct CustomerAttempt {
    counter: Arc<WindowCounter>,
    key: String,
    store: Store,
    failed: bool,
}

impl CustomerAttempt {
    /// The lookup found nothing: its count stays.
    pub fn failed(mut self) {
        self.failed = true;
    }
}

impl Drop for CustomerAttempt {
    fn drop(&mut self) {
        if self.failed {
            return;
        }
        match self.store {
            Store::Local => self.counter.give_back_local(&self.key),
            Store::Shared => {
                // Drop cannot wait for Redis: give the count back in the background. Outside a
                // runtime (never, in the gateway) it lapses with its window instead.
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    let counter = self.counter.clone();
                    let key = std::mem::take(&mut self.key);
                    runtime.spawn(async move { counter.give_back(&key, Store::Shared).await });
                }
            }
        }
    }
}

fn allowance_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_address: u32, failures_per_customer: u32) -> GuestLimiter {
        let settings = GuestSettings {
            lookups_per_minute: per_address,
            failed_lookups_per_customer_per_minute: failures_per_customer,
        };
        GuestLimiter::new(&settings, "test", None)
    }

    #[tokio::test]
    async fn each_client_gets_its_own_allowance() {
        let limiter = limiter(2, 10);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.check(a).await.is_ok());
        assert!(limiter.check(a).await.is_ok());
        assert!(matches!(
            limiter.check(a).await,
            Err(GatewayError::RateLimited { .. })
        ));
        assert!(limiter.check(b).await.is_ok());
    }

    #[tokio::test]
    async fn ipv6_clients_share_an_allowance_per_64_block() {
        let limiter = limiter(1, 10);
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("an address");
        let same_block: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("an address");
        let other_block: IpAddr = "2001:db8:1:3::1".parse().expect("an address");
        assert!(limiter.check(one).await.is_ok());
        assert!(limiter.check(same_block).await.is_err());
        assert!(limiter.check(other_block).await.is_ok());
    }

    #[tokio::test]
    async fn only_failed_lookups_count_against_a_customer_number() {
        let limiter = limiter(100, 2);
        for _ in 0..5 {
            drop(limiter.customer_attempt("1000201").await.expect("room"));
        }
        limiter
            .customer_attempt("1000201")
            .await
            .expect("room")
            .failed();
        limiter
            .customer_attempt("1000201")
            .await
            .expect("room")
            .failed();
        assert!(matches!(
            limiter.customer_attempt("1000201").await,
            Err(GatewayError::RateLimited { .. })
        ));
        assert!(
            limiter.customer_attempt(" 1000201 ").await.is_err(),
            "trimmed"
        );
        assert!(limiter.customer_attempt("1000202").await.is_ok());
    }

    #[tokio::test]
    async fn lookups_in_flight_count_until_they_end() {
        let limiter = limiter(100, 2);
        let first = limiter.customer_attempt("ab12").await.expect("room");
        let second = limiter.customer_attempt("AB12").await.expect("room");
        assert!(
            limiter.customer_attempt("ab12").await.is_err(),
            "two guesses in flight fill the window; letter case is no way around it"
        );
        drop(first);
        second.failed();
        assert!(limiter.customer_attempt("ab12").await.is_ok());
    }
}
