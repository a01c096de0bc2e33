//! The country directory (`config/countries.toml`): which region holds a country's data, which
//! inventory system it uses, which tools exist there, and its business calendar.
//!
//! Tool availability differs by country (the seed's "country availability"), so resolvers ask
//! this directory before touching a backend and answer `FEATURE_NOT_AVAILABLE` when a tool does
//! not exist where the caller's customer number lives.
//!
//! Each country also carries its business calendar (time zone, weekend days, holidays), because
//! promises made to a customer — "we answer by the end of the next business day" — are kept in
//! the customer's local time, not the gateway's; see [`Country::response_due_by`].
//!
//! Everything is checked when the file is read, so loading a bad file fails with a message naming
//! the key (a reload can keep the directory it has) and never yields a half-valid directory.

mod calendar;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use supportgraph_adapters::model::Region;
pub use supportgraph_adapters::model::{InventorySource, Tool};

/// Which system holds a country's installed inventory: one of the online systems (the same
/// [`InventorySource`] every item from it carries), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "InventorySystemName")]
pub enum InventorySystem {
    /// An online inventory system holds it.
    Online(InventorySource),
    /// No online inventory: questions go through an inquiry.
    InquiryOnly,
}

/// How `config/countries.toml` names an inventory system.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum InventorySystemName {
    UsInventoryOnline,
    EuServicesAssistant,
    InquiryOnly,
}

impl From<InventorySystemName> for InventorySystem {
    fn from(name: InventorySystemName) -> Self {
        match name {
            InventorySystemName::UsInventoryOnline => {
                Self::Online(InventorySource::UsInventoryOnline)
            }
            InventorySystemName::EuServicesAssistant => {
                Self::Online(InventorySource::EuServicesAssistant)
            }
            InventorySystemName::InquiryOnly => Self::InquiryOnly,
        }
    }
}

pub use calendar::end_of_local_day;

/// One country's entry, checked.
#[derive(Debug, Clone)]
pub struct Country {
    /// English name.
    pub name: String,
    /// The region whose systems hold the country's data.
    pub region: Region,
    /// Its inventory system.
    pub inventory_system: InventorySystem,
    /// The tools that exist there.
    pub tools: BTreeSet<Tool>,
    /// Default ISO 4217 currency.
    pub currency: String,
    /// Default BCP 47 locale.
    pub locale: String,
    /// The IANA time zone of the country's business capital, in which its business days are
    /// counted (see [`Country::time_zone_name`]).
    pub time_zone: Tz,
    /// Days without business.
    pub weekend: Vec<Weekday>,
    /// Dates without business.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Country {
    /// Whether `tool` exists in this country.
    pub fn has(&self, tool: Tool) -> bool {
        self.tools.contains(&tool)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountriesFile {
    countries: BTreeMap<String, CountryEntry>,
}

/// A country as written in the file, before its values are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryEntry {
    name: String,
    region: Region,
    inventory_system: InventorySystem,
    tools: BTreeSet<Tool>,
    currency: String,
    locale: String,
    time_zone: String,
    weekend: Vec<Weekday>,
    holidays: BTreeSet<NaiveDate>,
}

impl CountryEntry {
    /// Checks the entry listed under `code`; errors name the key (`countries.XX.key`).
    fn check(self, code: &str) -> Result<Country, String> {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("countries.{code}: not an ISO 3166-1 alpha-2 code"));
        }
        if self.currency.len() != 3 {
            return Err(format!("countries.{code}.currency: not an ISO 4217 code"));
        }
        let time_zone: Tz = self.time_zone.parse().map_err(|_| {
            format!(
                "countries.{code}.time_zone: {:?} is not an IANA time zone name \
                 (such as \"Europe/Madrid\")",
                self.time_zone
            )
        })?;
        let mut week = std::iter::successors(Some(Weekday::Mon), |day| Some(day.succ())).take(7);
        if week.all(|day| self.weekend.contains(&day)) {
            return Err(format!(
                "countries.{code}.weekend: every day of the week is a weekend day, \
                 so nothing would ever be due"
            ));
        }
        Ok(Country {
            name: self.name,
            region: self.region,
            inventory_system: self.inventory_system,
            tools: self.tools,
            currency: self.currency,
            locale: self.locale,
            time_zone,
            weekend: self.weekend,
            holidays: self.holidays,
        })
    }
}

/// Every configured country, by ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone)]
pub struct CountryDirectory {
    countries: BTreeMap<String, Country>,
}

/// The country directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CountriesError {
    /// The file could not be read.
    #[error("cannot read the country directory {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("the country directory {path} is invalid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
}

impl CountryDirectory {
    /// Reads and checks the directory at `path`.
    pub fn load(path: &Path) -> Result<Self, CountriesError> {
        let text = std::fs::read_to_string(path).map_err(|source| CountriesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| CountriesError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and checks a directory's TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: CountriesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let countries = file
            .countries
            .into_iter()
            .map(|(code, entry)| {
                let country = entry.check(&code)?;
                Ok((code, country))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { countries })
    }

    /// The entry for an ISO alpha-2 code.
    pub fn get(&self, code: &str) -> Option<&Country> {
        self.countries.get(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_directory_loads_and_places_the_demo_countries() {
        let dir = CountryDirectory::load(Path::new("config/countries.toml")).expect("loads");
        assert_eq!(dir.get("US").map(|c| c.region), Some(Region::Americas));
        assert_eq!(dir.get("DE").map(|c| c.region), Some(Region::Emea));
        assert_eq!(dir.get("JP").map(|c| c.region), Some(Region::Ap));
        let de = dir.get("DE").expect("DE");
        assert!(de.has(Tool::ServicesAssistant));
        assert_eq!(
            de.inventory_system,
            InventorySystem::Online(InventorySource::EuServicesAssistant)
        );
        assert_eq!(
            dir.get("US").map(|c| c.inventory_system),
            Some(InventorySystem::Online(InventorySource::UsInventoryOnline))
        );
        assert!(!dir.get("US").expect("US").has(Tool::ServicesAssistant));
    }

    /// A minimal valid entry for the US, to break one key at a time.
    const MINIMAL: &str = "[countries.US]\nname='x'\nregion='americas'\ninventory_system='inquiry-only'\ntools=['INVOICES']\ncurrency='USD'\nlocale='en'\ntime_zone='America/New_York'\nweekend=['saturday','sunday']\nholidays=[]";

    #[test]
    fn every_shipped_country_has_a_time_zone_of_its_own_business_capital() {
        let dir = CountryDirectory::load(Path::new("config/countries.toml")).expect("loads");
        let zone = |code: &str| dir.get(code).map(Country::time_zone_name);
        assert_eq!(zone("US"), Some("America/New_York"));
        assert_eq!(zone("ES"), Some("Europe/Madrid"));
        assert_eq!(zone("JP"), Some("Asia/Tokyo"));
        assert_eq!(zone("SA"), Some("Asia/Riyadh"));
    }

    #[test]
    fn a_minimal_entry_parses() {
        let dir = CountryDirectory::parse(MINIMAL).expect("parses");
        assert_eq!(
            dir.get("US").map(|c| c.time_zone),
            Some(Tz::America__New_York)
        );
    }

    #[test]
    fn an_unknown_time_zone_is_rejected_naming_the_country_and_key() {
        let bad = MINIMAL.replace("America/New_York", "America/Gotham");
        let error = CountryDirectory::parse(&bad).unwrap_err();
        assert!(error.contains("countries.US.time_zone"), "{error}");
        assert!(error.contains("America/Gotham"), "{error}");
        let missing = MINIMAL.replace("time_zone='America/New_York'\n", "");
        let error = CountryDirectory::parse(&missing).unwrap_err();
        assert!(error.contains("time_zone"), "{error}");
    }

    #[test]
    fn a_week_without_a_working_day_is_rejected() {
        let bad = MINIMAL.replace(
            "['saturday','sunday']",
            "['monday','tuesday','wednesday','thursday','friday','saturday','sunday']",
        );
        let error = CountryDirectory::parse(&bad).unwrap_err();
        assert!(error.contains("countries.US.weekend"), "{error}");
    }

    #[test]
    fn an_unknown_tool_or_key_is_rejected_with_its_name() {
        let bad_tool = MINIMAL.replace("INVOICES", "TELEPORT");
        assert!(
            CountryDirectory::parse(&bad_tool)
                .unwrap_err()
                .contains("TELEPORT")
        );
        let bad_code = bad_tool
            .replace("TELEPORT", "INVOICES")
            .replace("countries.US", "countries.usa");
        assert!(
            CountryDirectory::parse(&bad_code)
                .unwrap_err()
                .contains("countries.usa")
        );
        let unknown_key = MINIMAL.replace("time_zone=", "timezone=");
        assert!(
            CountryDirectory::parse(&unknown_key)
                .unwrap_err()
                .contains("timezone")
        );
    }
}
