//! The `[portal]` and `[inquiries]` sections: where the e-mails about an inquiry link to, and
//! what one submission or reply may carry. Their own file because their checks are their own:
//! the gateway's attachment limits may be lower than the support system's, never higher.

use serde::Deserialize;
use supportgraph_adapters::model::{MAX_ATTACHMENT_FILE_BYTES, MAX_MESSAGE_ATTACHMENTS};
use url::Url;

use super::live::POLL_INTERVAL_MS;
use super::{SettingsError, rejected};

/// The customer portal the frontend teams run: the acknowledgment and answer e-mails link to an
/// inquiry's page there.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSettings {
    /// The portal's base URL (http or https); an inquiry's page is
    /// `{base_url}/inquiries/{trackingNumber}`.
    pub base_url: Url,
}

impl PortalSettings {
    /// The page of inquiry `tracking_number` on the portal.
    pub fn inquiry_link(&self, tracking_number: &str) -> String {
        format!(
            "{}/inquiries/{tracking_number}",
            self.base_url.as_str().trim_end_matches('/')
        )
    }

    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        let url = &self.base_url;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.query().is_none()
            && url.fragment().is_none();
        if plain {
            Ok(())
        } else {
            Err(rejected(
                "portal.base_url",
                "must be an http or https URL without a query or fragment",
            ))
        }
    }
}

/// My inquiries: attachment limits and the support system's change feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InquiriesSettings {
    /// The largest attachment, in bytes (1 to the support system's 10 MiB).
    pub max_file_bytes: u64,
    /// The most attachments one submission or reply carries (1 to 5).
    pub max_files_per_message: usize,
    /// How often the support system's change feed is read, in milliseconds (50 to 60,000): answer
    /// e-mails go out and `inquiryUpdated` subscribers hear of a change within this long.
    pub feed_poll_ms: u64,
}

impl InquiriesSettings {
    /// The most bytes a multipart request may carry: every file at its largest, plus room for
    /// the operations, the map and the parts' headers.
    pub fn max_upload_request_bytes(&self) -> u64 {
        self.max_file_bytes * self.max_files_per_message as u64 + 1024 * 1024
    }

    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        if !(1..=MAX_ATTACHMENT_FILE_BYTES).contains(&self.max_file_bytes) {
            return Err(rejected(
                "inquiries.max_file_bytes",
                format!(
                    "must be between 1 and {MAX_ATTACHMENT_FILE_BYTES} (the support system's limit)"
                ),
            ));
        }
        if !(1..=MAX_MESSAGE_ATTACHMENTS).contains(&self.max_files_per_message) {
            return Err(rejected(
                "inquiries.max_files_per_message",
                format!(
                    "must be between 1 and {MAX_MESSAGE_ATTACHMENTS} (the support system's limit)"
                ),
            ));
        }
        if !POLL_INTERVAL_MS.contains(&self.feed_poll_ms) {
            return Err(rejected(
                "inquiries.feed_poll_ms",
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
