//! The carrier directory (`config/carriers.toml`): each carrier's name and the page where a
//! customer follows a shipment.
//!
//! Tracking numbers are percent-encoded as one URL component before they go into a template, so a
//! number with spaces, slashes or `&` can neither break the link nor inject query parameters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

/// The placeholder a tracking URL template must contain exactly once.
pub const PLACEHOLDER: &str = "{tracking_number}";

/// RFC 3986 unreserved characters stay as they are; everything else is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One carrier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    /// Display name.
    pub name: String,
    /// Tracking page template with [`PLACEHOLDER`]; absent when the carrier has no online tracking.
    #[serde(default)]
    pub tracking_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CarriersFile {
    carriers: BTreeMap<String, Carrier>,
}

/// Every configured carrier, by the code backends use.
#[derive(Debug, Clone)]
pub struct CarrierDirectory {
    carriers: BTreeMap<String, Carrier>,
}

/// The carrier directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CarriersError {
    /// The file could not be read.
    #[error("cannot read the carrier directory {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("the carrier directory {path} is invalid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
}

impl CarrierDirectory {
    /// Reads and checks the directory at `path`.
    pub fn load(path: &Path) -> Result<Self, CarriersError> {
        let text = std::fs::read_to_string(path).map_err(|source| CarriersError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| CarriersError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and checks a directory's TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: CarriersFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for (code, carrier) in &file.carriers {
            if let Some(template) = &carrier.tracking_url {
                if !template.starts_with("https://") {
                    return Err(format!(
                        "carriers.{code}.tracking_url: must be an https:// URL"
                    ));
                }
                if template.matches(PLACEHOLDER).count() != 1 {
                    return Err(format!(
                        "carriers.{code}.tracking_url: must contain {PLACEHOLDER} exactly once"
                    ));
                }
            }
        }
        Ok(Self {
            carriers: file.carriers,
        })
    }

    /// The carrier with this code, if configured.
    pub fn get(&self, code: &str) -> Option<&Carrier> {
        self.carriers.get(code)
    }

    /// The tracking page for a shipment, or `None` for a carrier without online tracking or one
    /// we do not know.
    pub fn tracking_url(&self, code: &str, tracking_number: &str) -> Option<String> {
        let template = self.get(code)?.tracking_url.as_deref()?;
        let encoded = utf8_percent_encode(tracking_number, COMPONENT).to_string();
        Some(template.replace(PLACEHOLDER, &encoded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> CarrierDirectory {
        CarrierDirectory::load(Path::new("config/carriers.toml")).expect("the shipped file loads")
    }

    #[test]
    fn tracking_numbers_are_encoded_as_one_component() {
        let url = shipped()
            .tracking_url("TNT", "GE 123/45&x=1#frag")
            .expect("TNT tracks online");
        assert!(url.ends_with("cons=GE%20123%2F45%26x%3D1%23frag"), "{url}");
    }

    #[test]
    fn carriers_without_online_tracking_and_unknown_carriers_give_none() {
        let carriers = shipped();
        assert_eq!(carriers.tracking_url("OWNFLEET", "VDS-1"), None);
        assert_eq!(carriers.tracking_url("PIGEON", "1"), None);
    }

    #[test]
    fn a_template_without_the_placeholder_is_rejected_naming_the_carrier() {
        let err =
            CarrierDirectory::parse("[carriers.X]\nname='X'\ntracking_url='https://x.example/'")
                .unwrap_err();
        assert!(err.contains("carriers.X.tracking_url"), "{err}");
    }
}
