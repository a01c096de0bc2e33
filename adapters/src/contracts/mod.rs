//! The vendor's contracts system (Contracts OnLine): contracts with their versions, dated
//! history, comments, internal approvals and signatures; JSON over HTTP; one global instance.
//!
//! Contract (bodies are the [`crate::model`] contract types as serde writes them — snake_case
//! fields, SCREAMING_SNAKE_CASE enums —; times RFC 3339 in UTC, dates `YYYY-MM-DD`; contract
//! numbers [`ContractNumber`](crate::model::ContractNumber)s; refusals
//! [`ContractRefusal`](crate::model::ContractRefusal) as serde writes it, e.g.
//! `{"error": "INVALID_TRANSITION", "status": "DRAFT"}`):
//! - `POST v1/contracts/search` with a [`ContractQuery`](crate::model::ContractQuery) — 200 with
//!   a [`ContractPage`](crate::model::ContractPage): the matching contracts of those customer
//!   numbers in the query's order ([`ContractSortKey::listing_cmp`](crate::model::ContractSortKey::listing_cmp)),
//!   after `after`, at most `limit` (1 to [`MAX_CONTRACT_PAGE`](crate::model::MAX_CONTRACT_PAGE));
//!   400 for a query breaking those rules. A read, though a POST: retried.
//! - `GET v1/contracts/batch?customers=A,B&ids=CTR-…,CTR-…` — `{"contracts": [...]}`: unknown
//!   numbers, and contracts of customer numbers not named, are omitted; more than
//!   [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) ids is a 400.
//! - `POST v1/customers/{custNo}/contracts/{contractNo}/steps` with `Idempotency-Key` and
//!   `{"actor": ContractActor, "step": CustomerStep}` — 200 with the contract afterwards. One step
//!   per key: a repeat with the same body answers 200 with the contract as it is now; another body
//!   with that key is 409 `{"error": "IDEMPOTENCY_KEY_REUSED"}`. Refusals: 404
//!   `UNKNOWN_CONTRACT`; 409 `INVALID_TRANSITION` (with the status), `VERSION_CHANGED` (with the
//!   current version); 422 `TERMS_NOT_ACCEPTED`, `INVALID_TEXT`. A comment is allowed in any
//!   status but EXPIRED and TERMINATED.
//! - `GET v1/customers/{custNo}/contracts/{contractNo}/versions/{n}/document` — 200
//!   `application/pdf`, the version's PDF (its SHA-256 the version's `document_sha256`); 404 for
//!   no such contract of that customer number, or no such version.
//! - `GET v1/contracts/changes?since=&limit=` — a [`ContractFeed`](crate::model::ContractFeed):
//!   the changes after `since`, oldest first, every customer number's; without `since`, none and
//!   the current position. As the order-status feed.
//!
//! The adapter refuses, as a contract violation, an answer whose identifiers fail their types,
//! whose lists are out of time order, whose current version is not its last, whose history or
//! status breaks [`ContractAction`](crate::model::ContractAction)'s rules, or that is not what was
//! asked (another customer number, a non-match, out of order).
//!
//! The simulator ([`sandbox`]) also has the vendor's side, not part of the contract: steps the
//! vendor takes, comments from the vendor, and the daily check that mails "action needed" and
//! "ending soon" (see its module).

mod adapter;
mod checks;
mod feed;
mod reads;
pub mod sandbox;
mod steps;

pub use adapter::HttpContractsBackend;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "contracts";
