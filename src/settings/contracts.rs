//! The `[contracts]` section: Contracts OnLine's alerts. Its own file because its checks are its
//! own: the horizons decide which contracts `contractAlerts` lists as ending soon, and the poll
//! interval bounds the load `contractAlerts` subscribers put on the contracts system.

use serde::Deserialize;

use super::live::POLL_INTERVAL_MS;
use super::{SettingsError, rejected};

/// The longest horizon, in days: ten years, as `endingWithinDays`.
pub const MAX_ALERT_HORIZON_DAYS: u32 = 3_660;

/// Contracts OnLine: the alerts' horizons and the contracts system's change feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractsSettings {
    /// How many days before its end an ACTIVE or SIGNED contract is listed as ending soon by the
    /// `contractAlerts` query, each listed with the smallest horizon it falls within (1 to 3,660
    /// days each, distinct, at least one; in any order).
    pub alert_horizons_days: Vec<u32>,
    /// How often the contracts system's change feed is read while anyone subscribes to
    /// `contractAlerts`, in milliseconds (50 to 60,000): an alert reaches subscribers within
    /// this long. Nothing is read while nobody subscribes.
    pub feed_poll_ms: u64,
}

impl ContractsSettings {
    /// The horizons, smallest first.
    pub fn horizons_ascending(&self) -> Vec<u32> {
        let mut horizons = self.alert_horizons_days.clone();
        horizons.sort_unstable();
        horizons
    }

    /// The checks beyond the types; each failure names its key.
    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        let key = "contracts.alert_horizons_days";
        if self.alert_horizons_days.is_empty() {
            return Err(rejected(key, "must name at least one horizon"));
        }
        if let Some(wrong) = self
            .alert_horizons_days
            .iter()
            .find(|days| !(1..=MAX_ALERT_HORIZON_DAYS).contains(days))
        {
            return Err(rejected(
                key,
                format!("{wrong} is not a horizon: each is 1 to {MAX_ALERT_HORIZON_DAYS} days"),
            ));
        }
        let horizons = self.horizons_ascending();
        if let Some(twice) = horizons.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(rejected(
                key,
                format!("{} is named twice: each horizon once", twice[0]),
            ));
        }
        if !POLL_INTERVAL_MS.contains(&self.feed_poll_ms) {
            return Err(rejected(
                "contracts.feed_poll_ms",
                format!(
                    "must be between {} and {}",
                    POLL_INTERVAL_MS.start(),
                    POLL_INTERVAL_MS.end()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(horizons: &[u32], feed_poll_ms: u64) -> ContractsSettings {
        ContractsSettings {
            alert_horizons_days: horizons.to_vec(),
            feed_poll_ms,
        }
    }

    fn refusal(settings: &ContractsSettings) -> String {
        settings.validate().expect_err("refused").to_string()
    }

    #[test]
    fn the_defaults_hold_and_the_horizons_come_smallest_first() {
        let ok = settings(&[90, 60, 30], 1000);
        assert!(ok.validate().is_ok());
        assert_eq!(ok.horizons_ascending(), [30, 60, 90]);
    }

    #[test]
    fn horizons_are_named_once_each_within_ten_years_and_the_feed_within_its_range() {
        assert!(refusal(&settings(&[], 1000)).contains("at least one"));
        assert!(refusal(&settings(&[30, 0], 1000)).contains("0 is not a horizon"));
        assert!(refusal(&settings(&[3661], 1000)).contains("3661 is not a horizon"));
        assert!(refusal(&settings(&[30, 60, 30], 1000)).contains("30 is named twice"));
        assert!(refusal(&settings(&[30], 49)).starts_with("contracts.feed_poll_ms"));
        assert!(refusal(&settings(&[30], 60_001)).starts_with("contracts.feed_poll_ms"));
        assert!(settings(&[1, 3660], 50).validate().is_ok());
    }
}
