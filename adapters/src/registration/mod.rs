//! The registration system: one user ID for every tool, the user's profile, the customer
//! numbers of their company, and the user's saved preferences. JSON over HTTP, one global
//! instance.
//!
//! Contract (see `fixtures/registration/`):
//! - `GET v1/users/{userId}` answers the profile, or 404 for an unknown user;
//! - `POST v1/users/{userId}/tool-authorizations` `{tool, customerNumber, justification}` (at
//!   most [`MAX_JUSTIFICATION`](crate::model::MAX_JUSTIFICATION) characters) — 201 (or 200 when
//!   already pending) with the authorisation, or 409/422 `{"error": NOT_COMPANY_CUSTOMER |
//!   ALREADY_AUTHORIZED | INVALID_JUSTIFICATION}`.
//!
//! # Preference documents
//!
//! A user's preferences (saved order reports, ...) are kept here, not in a gateway, so that every
//! gateway instance sees the same ones and a restart loses none. Per user, each is a named
//! document of one `kind` (`order-report`), whose `body` — a JSON object — only the gateway reads
//! (`preferences.json`):
//!
//! ```json
//! { "id": "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40", "kind": "order-report",
//!   "name": "Late EMEA hardware", "body": { "columns": ["orderNumber"] },
//!   "version": 3, "updatedAt": "2026-03-02T09:15:00Z" }
//! ```
//!
//! - `GET v1/users/{userId}/preferences?kind=order-report` — 200 `{"preferences": [doc, ...]}`,
//!   by name ignoring case (`[]` for none). Not paged: the limit below bounds it (50 documents of
//!   at most 16 KiB).
//! - `PUT v1/users/{userId}/preferences/{id}` `{kind, name, body}` (`preference_request.json`),
//!   with `If-Match: "<version>"` (a quoted entity tag) to replace that version, or no `If-Match`
//!   to create — 201 with the document created (version 1), 200 with the document replaced (its
//!   version one more); or 409 `{"error": "VERSION_CONFLICT"}` (the document's version is not the
//!   one named; for a create, a document with this ID and other contents exists — of whatever
//!   kind), 404 `NOT_FOUND` (an `If-Match` for a document that does not exist),
//!   409 `NAME_TAKEN` (another of the user's documents of the kind has this name, ignoring
//!   case), 422 `TOO_MANY` (a create beyond 50 documents of the kind), 422 `INVALID_PREFERENCE`
//!   (a name, body or ID that breaks the rules below), 400 `BAD_REQUEST` (a body, kind or
//!   `If-Match` that does not parse).
//!   **A PUT whose kind, name and body the stored document already has is answered 200 with
//!   it, unchanged, whatever its `If-Match`**: the state it asks for is there, and no one's change
//!   is lost.
//! - `DELETE v1/users/{userId}/preferences/{id}?kind=order-report` — 204, or 404 `{"error":
//!   "NOT_FOUND"}` when the user has no such document of that kind (the kind is asked so that a
//!   call about order reports can never delete another kind's document).
//!
//! The limits, the same on both sides (defined once, in [`crate::model`]): at most
//! [`MAX_PREFERENCES_PER_KIND`](crate::model::MAX_PREFERENCES_PER_KIND) documents per user and
//! kind; a name of 1 to [`MAX_PREFERENCE_NAME`](crate::model::MAX_PREFERENCE_NAME)
//! characters, one line, not padded with white space, unique per user and kind once lower-cased;
//! a body of at most [`MAX_PREFERENCE_BODY_BYTES`](crate::model::MAX_PREFERENCE_BODY_BYTES) as
//! compact JSON; an ID that is a UUID in canonical lower-case form. The adapter refuses a call
//! that breaks one, unsent ([`AdapterError::InvalidRequest`](crate::AdapterError)), so
//! `INVALID_PREFERENCE` never reaches it from a backend that keeps the same rules (it would be a
//! contract error).
//!
//! **IDs are chosen by the caller** (the gateway makes a UUID), not by the backend on create:
//! a create whose answer is lost (a timeout, a dropped connection) and is sent again names the
//! same ID, so it finds the document it made and is answered with it — never a second document,
//! as a `POST` that lets the backend choose would make. With that rule and the one in bold
//! above, a PUT sent twice stores once, and a DELETE sent twice leaves no document, so **the
//! adapter retries both like reads** (transport failures, timeouts and 5xx, within the
//! instance's timeout and retry budget). The one trace a repeat leaves: a DELETE whose first
//! attempt removed the document answers the retry `NOT_FOUND` — the document is gone either way.
//!
//! Here: `wire` (the format), `adapter` (the
//! [`RegistrationBackend`](crate::ports::RegistrationBackend) over HTTP), [`sandbox`] (the
//! simulator).

mod adapter;
pub mod sandbox;
mod wire;

pub use adapter::HttpRegistrationBackend;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "registration";
