//! The country directory (`config/countries.toml`): which region holds a country's data, which
//! inventory system it uses, which tools exist there, and its business calendar.
//!
//! Tool availability differs by country (the seed's "country availability"), so resolvers ask
//! this directory before touching a backend and answer `FEATURE_NOT_AVAILABLE` when a tool does
//! not exist where the caller's customer number lives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};
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

/// One country's entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    countries: BTreeMap<String, Country>,
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
        for (code, country) in &file.countries {
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("countries.{code}: not an ISO 3166-1 alpha-2 code"));
            }
            if country.currency.len() != 3 {
                return Err(format!("countries.{code}.currency: not an ISO 4217 code"));
            }
        }
        Ok(Self {
            countries: file.countries,
        })
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

    #[test]
    fn an_unknown_tool_or_key_is_rejected_with_its_name() {
        let bad_tool = "[countries.US]\nname='x'\nregion='americas'\ninventory_system='inquiry-only'\ntools=['TELEPORT']\ncurrency='USD'\nlocale='en'\nweekend=[]\nholidays=[]";
        assert!(
            CountryDirectory::parse(bad_tool)
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
    }
}
