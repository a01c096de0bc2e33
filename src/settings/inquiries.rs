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
    /// The deadline of a multipart request (an upload), in milliseconds, instead of
    /// `server.request_timeout_ms`: receiving every file and streaming each to the support
    /// system. At least `server.request_timeout_ms`, and longer than streaming the most files one
    /// after the other plus the support system's and the mail service's calls.
    pub upload_timeout_ms: u64,
    /// The most multipart requests one user may have in flight on this instance (at least 1).
    pub max_concurrent_uploads_per_user: usize,
    /// The most multipart requests in flight on this instance, over every user (at least
    /// `max_concurrent_uploads_per_user`).
    pub max_concurrent_uploads: usize,
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
        if self.max_concurrent_uploads_per_user == 0 {
            return Err(rejected(
                "inquiries.max_concurrent_uploads_per_user",
                "must be at least 1",
            ));
        }
        if self.max_concurrent_uploads < self.max_concurrent_uploads_per_user {
            return Err(rejected(
                "inquiries.max_concurrent_uploads",
                "must be at least inquiries.max_concurrent_uploads_per_user",
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

    /// The upload deadline against the others: never shorter than an ordinary request's, and
    /// long enough to stream the most files one after the other (`transfer_ms` each) and make the
    /// support system's and the mail service's calls (`calls_ms`), so an upload is not cut off
    /// (a 504 while the write goes on invites a duplicate retry).
    pub(super) fn validate_deadline(
        &self,
        request_timeout_ms: u64,
        transfer_ms: u64,
        calls_ms: u64,
    ) -> Result<(), SettingsError> {
        let key = "inquiries.upload_timeout_ms";
        if self.upload_timeout_ms < request_timeout_ms {
            return Err(rejected(
                key,
                format!("must be at least server.request_timeout_ms ({request_timeout_ms})"),
            ));
        }
        let files = u64::try_from(self.max_files_per_message).unwrap_or(u64::MAX);
        let streaming = files.saturating_mul(transfer_ms).saturating_add(calls_ms);
        if self.upload_timeout_ms <= streaming {
            return Err(rejected(
                key,
                format!(
                    "must be more than inquiries.max_files_per_message × backends.support.transfer_timeout_ms + backends.support.timeout_ms + backends.mail.timeout_ms ({streaming}), so an upload is not cut off while its files stream"
                ),
            ));
        }
        Ok(())
    }
}
