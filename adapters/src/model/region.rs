//! The vendor's three order-processing regions; each regional backend runs one instance per region.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A region of the vendor's regional systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// North, Central and South America.
    Americas,
    /// Europe, the Middle East and Africa.
    Emea,
    /// Asia Pacific.
    Ap,
}

impl Region {
    /// Every region, in a fixed order.
    pub const ALL: [Region; 3] = [Region::Americas, Region::Emea, Region::Ap];

    /// The lowercase name used in configuration, URLs and error extensions.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Americas => "americas",
            Region::Emea => "emea",
            Region::Ap => "ap",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the name of a region.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a region (expected americas, emea or ap)")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRegion(s.to_owned()))
    }
}
