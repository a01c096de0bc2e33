//! Per-client limits that reject abuse before any backend is called.
//!
//! The guest limiter counts order-status lookups per client address in fixed one-minute windows,
//! in this process. Gateways sharing Redis will share these counts once the cache work lands.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::error::GatewayError;

const WINDOW: Duration = Duration::from_secs(60);

/// Counts guest lookups per client address.
pub struct GuestLimiter {
    per_minute: u32,
    windows: Cache<IpAddr, Arc<Mutex<(Instant, u32)>>>,
}

impl GuestLimiter {
    /// Allows `per_minute` lookups per client address per minute.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Cache::builder()
                .time_to_idle(WINDOW)
                .max_capacity(1_000_000)
                .build(),
        }
    }

    /// Counts one lookup from `client`, or refuses it with `RATE_LIMITED`. IPv6 clients count
    /// per /64, the block one subscriber usually holds.
    pub fn check(&self, client: IpAddr) -> Result<(), GatewayError> {
        let window = self.windows.get_with(allowance_key(client), || {
            Arc::new(Mutex::new((Instant::now(), 0)))
        });
        let mut window = window
            .lock()
            .expect("a rate window is never poisoned: no code panics holding it");
        if window.0.elapsed() >= WINDOW {
            *window = (Instant::now(), 0);
        }
        if window.1 >= self.per_minute {
            let retry_after = WINDOW.saturating_sub(window.0.elapsed()).as_secs().max(1);
            return Err(GatewayError::RateLimited {
                retry_after_seconds: retry_after,
            });
        }
        window.1 += 1;
        Ok(())
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

    #[test]
    fn each_client_gets_its_own_allowance() {
        let limiter = GuestLimiter::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(matches!(
            limiter.check(a),
            Err(GatewayError::RateLimited { .. })
        ));
        assert!(limiter.check(b).is_ok());
    }

    #[test]
    fn ipv6_clients_share_an_allowance_per_64_block() {
        let limiter = GuestLimiter::new(1);
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("an address");
        let same_block: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("an address");
        let other_block: IpAddr = "2001:db8:1:3::1".parse().expect("an address");
        assert!(limiter.check(one).is_ok());
        assert!(limiter.check(same_block).is_err());
        assert!(limiter.check(other_block).is_ok());
    }
}
