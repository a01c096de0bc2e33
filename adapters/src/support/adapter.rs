//! [`SupportBackend`] over HTTP against the support system.
//!
//! Reads (the listing, batches, the change feed) are retried by the client; a submission is
//! retried with its idempotency key; a reply and a close are sent once; uploads and downloads
//! stream through [`Transfers`](super::transfer). Every identifier is checked by its type before a
//! request is built, and every answer against what was asked: the customer numbers, the tracking
//! numbers, the search's filters and order, the message added, the status reached.
//!
//! Here: the adapter, its listing and batch lookups; `writes` (submission, reply, close),
//! `files` (uploads, downloads) and `feed` (the change feed) hold the rest of the port.

use std::time::Duration;

use async_trait::async_trait;

use super::search_params::to_params;
use super::transfer::Transfers;
use super::wire::{WireInquiry, WireInquiryBatch, WireInquiryList};
use super::{feed, files, writes};
use crate::AdapterError;
use crate::client::{BackendClient, BackendEndpoint};
use crate::model::{
    CustomerNumber, Inquiry, InquiryAttachment, InquiryFeed, InquiryNumber, InquiryPage,
    InquiryQuery, InquiryRefusal, MAX_INQUIRY_PAGE, NewInquiry,
};
use crate::ports::{AttachmentDownload, ByteStream, SupportBackend};
use crate::resilience::{BreakerReport, ResilienceConfig};

/// The support adapter.
#[derive(Debug, Clone)]
pub struct HttpSupportBackend {
    client: BackendClient,
    transfers: Transfers,
}

impl HttpSupportBackend {
    /// An adapter for the support instance at `endpoint`: its JSON calls through a
    /// [`BackendClient`] with `resilience` (and `endpoint.timeout`), its uploads and downloads
    /// streamed over `http` with breakers of the same configuration, each within
    /// `transfer_timeout` (a 10 MiB file at 1 MB/s takes ten seconds: a minute is a sensible
    /// limit).
    pub fn new(
        http: reqwest::Client,
        endpoint: BackendEndpoint,
        resilience: ResilienceConfig,
        transfer_timeout: Duration,
    ) -> Self {
        let transfers = Transfers::new(
            http.clone(),
            &endpoint,
            resilience.breaker.clone(),
            transfer_timeout,
        );
        Self {
            client: BackendClient::with_resilience(http, endpoint, resilience),
            transfers,
        }
    }

    /// The client of the JSON calls.
    pub(super) fn client(&self) -> &BackendClient {
        &self.client
    }

    /// The streams of uploads and downloads.
    pub(super) fn transfers(&self) -> &Transfers {
        &self.transfers
    }

    /// Translates inquiries off the wire, refusing the whole answer for one that breaks the
    /// contract.
    pub(super) fn inquiries_of(
        &self,
        wire: Vec<WireInquiry>,
    ) -> Result<Vec<Inquiry>, AdapterError> {
        wire.into_iter()
            .map(|w| {
                w.into_model()
                    .map_err(|detail| self.client.contract_violation(detail))
            })
            .collect()
    }

    /// Refuses, unsent, a listing the contract cannot carry.
    fn check_query(&self, query: &InquiryQuery) -> Result<(), AdapterError> {
        if query.customer_numbers.is_empty() {
            return Err(self
                .client
                .refuse("customer numbers", "at least one is needed"));
        }
        self.client
            .check::<CustomerNumber>("customer number", &query.customer_numbers)?;
        if query.limit == 0 || query.limit > MAX_INQUIRY_PAGE {
            return Err(self.client.refuse(
                "limit",
                format!("{} is not between 1 and {MAX_INQUIRY_PAGE}", query.limit),
            ));
        }
        query
            .filter
            .check()
            .map_err(|e| self.client.refuse("filter", e))?;
        if let Some(after) = &query.after {
            self.client
                .check::<InquiryNumber>("tracking number of the key", [&after.tracking_number])?;
        }
        Ok(())
    }
}

#[async_trait]
impl SupportBackend for HttpSupportBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        let mut reports = self.client.breakers();
        reports.extend(self.transfers.breakers());
        reports
    }

    async fn create_inquiry(
        &self,
        new: &NewInquiry,
        idempotency_key: &str,
    ) -> Result<Inquiry, AdapterError> {
        writes::create(self, new, idempotency_key).await
    }

    async fn upload_attachment(
        &self,
        customer_number: &str,
        file_name: &str,
        content_type: &str,
        size: u64,
        body: ByteStream,
    ) -> Result<InquiryAttachment, AdapterError> {
        files::upload(self, customer_number, (file_name, content_type, size), body).await
    }

    async fn inquiries(&self, query: &InquiryQuery) -> Result<InquiryPage, AdapterError> {
        self.check_query(query)?;
        let list: WireInquiryList = self
            .client
            .get_json("inquiries", "v1/inquiries", &to_params(query))
            .await?;
        let inquiries = self.client.only_asked(
            self.inquiries_of(list.inquiries)?,
            &query.customer_numbers,
            |i| &i.customer_number,
        )?;
        if inquiries.len() > query.limit as usize {
            return Err(self.client.contract_violation(format!(
                "asked for at most {} inquiries, got {}",
                query.limit,
                inquiries.len()
            )));
        }
        if inquiries.len() as u64 > list.total_count {
            return Err(self.client.contract_violation(format!(
                "{} inquiries out of a total of {}",
                inquiries.len(),
                list.total_count
            )));
        }
        // Newest first, each after the key: an answer that is not would make the gateway's
        // pages skip or repeat inquiries.
        let mut previous = query.after.clone();
        for inquiry in &inquiries {
            if !query.filter.matches(inquiry) {
                return Err(self.client.contract_violation(format!(
                    "inquiry {} does not match the search",
                    inquiry.tracking_number
                )));
            }
            let key = inquiry.key();
            if previous.as_ref().is_some_and(|p| *p <= key) {
                return Err(self.client.contract_violation(format!(
                    "inquiry {} is out of the listing's order (newest first)",
                    inquiry.tracking_number
                )));
            }
            previous = Some(key);
        }
        Ok(InquiryPage {
            inquiries,
            total_count: list.total_count,
        })
    }

    async fn inquiries_by_number(
        &self,
        customer_numbers: &[String],
        tracking_numbers: &[String],
    ) -> Result<Vec<Inquiry>, AdapterError> {
        if customer_numbers.is_empty() || tracking_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check::<CustomerNumber>("customer number", customer_numbers)?;
        self.client
            .check_batch::<InquiryNumber>("tracking number", tracking_numbers)?;
        let params = [
            ("customers", customer_numbers.join(",")),
            ("ids", tracking_numbers.join(",")),
        ];
        let batch: WireInquiryBatch = self
            .client
            .get_json("inquiries_by_number", "v1/inquiries/batch", &params)
            .await?;
        let inquiries =
            self.client
                .only_asked(self.inquiries_of(batch.inquiries)?, customer_numbers, |i| {
                    &i.customer_number
                })?;
        match inquiries
            .iter()
            .find(|i| !tracking_numbers.contains(&i.tracking_number))
        {
            None => Ok(inquiries),
            Some(stray) => Err(self.client.contract_violation(format!(
                "answered inquiry {}, which was not asked for",
                stray.tracking_number
            ))),
        }
    }

    async fn reply(
        &self,
        tracking_number: &str,
        customer_number: &str,
        author_name: &str,
        message: &str,
        attachment_ids: &[String],
    ) -> Result<Result<Inquiry, InquiryRefusal>, AdapterError> {
        let reply = writes::Reply {
            author_name,
            message,
            attachment_ids,
        };
        writes::reply(self, tracking_number, customer_number, reply).await
    }

    async fn close(
        &self,
        tracking_number: &str,
        customer_number: &str,
    ) -> Result<Result<Inquiry, InquiryRefusal>, AdapterError> {
        writes::close(self, tracking_number, customer_number).await
    }

    async fn attachment(
        &self,
        tracking_number: &str,
        customer_number: &str,
        attachment_id: &str,
    ) -> Result<Option<AttachmentDownload>, AdapterError> {
        files::download(self, tracking_number, customer_number, attachment_id).await
    }

    async fn changes(&self, since: Option<u64>) -> Result<InquiryFeed, AdapterError> {
        feed::changes(self, since).await
    }
}
