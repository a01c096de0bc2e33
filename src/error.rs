//! The gateway's one client-facing error type and its stable codes (`extensions.code`).
//!
//! Every failure a caller can see goes through [`GatewayError`]. Its messages are written for API
//! callers; backend messages and internal details are logged here and never sent.

use async_graphql::ErrorExtensions;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::Region;

/// The machine-readable code in every error's `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No valid token was presented.
    Unauthenticated,
    /// The caller may not see or do this.
    Forbidden,
    /// Nothing of that kind exists for the caller.
    NotFound,
    /// The tool does not exist in the caller's country.
    FeatureNotAvailable,
    /// An argument is malformed or out of range.
    BadUserInput,
    /// A backend needed for the answer failed or timed out.
    BackendUnavailable,
    /// The request collides with another one in flight.
    Conflict,
    /// Forbidden: not entitled to the Services Assistant's change requests.
    ServicesAssistantNotEntitled,
    /// Too many requests.
    RateLimited,
    /// The request exceeded the gateway's deadline.
    DeadlineExceeded,
    /// A bug or misconfiguration on our side.
    InternalError,
    /// The answer would be larger than one answer may be.
    ResponseTooLarge,
    /// A document sent by hash alone is not registered (yet): send its text with the hash.
    PersistedQueryNotFound,
    /// Documents by hash are switched off on this gateway.
    PersistedQueryNotSupported,
    /// This gateway runs only safelisted documents, and this one is not on the list.
    PersistedQueryNotListed,
    /// A request a browser could have sent from another site without asking (no CORS
    /// preflight) carried none of the headers that prove it did not.
    CsrfBlocked,
}

impl ErrorCode {
    /// Whether `error` carries this code in its `extensions.code`.
    pub fn is_on(self, error: &async_graphql::ServerError) -> bool {
        error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from(self.as_str()))
    }

    /// Whether `error` (a resolver's, before it is placed in the response) carries this code.
    pub fn is_on_error(self, error: &async_graphql::Error) -> bool {
        error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from(self.as_str()))
    }

    /// The SCREAMING_SNAKE_CASE code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::FeatureNotAvailable => "FEATURE_NOT_AVAILABLE",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::BackendUnavailable => "BACKEND_UNAVAILABLE",
            Self::Conflict => "CONFLICT",
            Self::ServicesAssistantNotEntitled => "SERVICES_ASSISTANT_NOT_ENTITLED",
            Self::RateLimited => "RATE_LIMITED",
            Self::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Self::InternalError => "INTERNAL_ERROR",
            Self::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::PersistedQueryNotListed => "PERSISTED_QUERY_NOT_LISTED",
            Self::CsrfBlocked => "CSRF_BLOCKED",
        }
    }
}

/// A failure a caller sees.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error *without*
/// extensions, so `?` on a `GatewayError` must go through our `From` impl, which sets
/// `extensions.code`.
#[derive(Debug, Clone)]
pub enum GatewayError {
    /// No valid token.
    Unauthenticated(&'static str),
    /// Authenticated, but not allowed.
    Forbidden(String),
    /// Nothing found (also for things that exist but belong to someone else).
    NotFound,
    /// The tool does not exist in the country.
    FeatureNotAvailable {
        /// The tool, e.g. `ORDER_STATUS`.
        tool: &'static str,
        /// The country, ISO alpha-2.
        country: String,
    },
    /// Inventory asked for a country without an online inventory system.
    InventoryByInquiry {
        /// The country (or a description of it).
        country: String,
    },
    /// A bad argument.
    BadUserInput {
        /// The argument, dotted (`filter.orderedFrom`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A backend failed; the details are in the logs.
    BackendUnavailable {
        /// The backend instance (`order-status/emea`).
        backend: String,
        /// Its region, when regional.
        region: Option<Region>,
    },
    /// The request collides with another one in flight (e.g. the same `Idempotency-Key`).
    Conflict(String),
    /// The customer number is not entitled to request changes through the Services Assistant.
    NotEntitled,
    /// Too many requests from this client.
    RateLimited {
        /// When to try again.
        retry_after_seconds: u64,
    },
    /// The request took longer than the gateway's deadline.
    DeadlineExceeded,
    /// A bug or misconfiguration; the details are in the logs.
    Internal,
    /// The operation would cause more backend calls than one request may.
    OverBudget {
        /// The estimate.
        estimate: u32,
        /// The limit.
        max: u32,
    },
    /// The answer grew past `limits.max_response_bytes`.
    ResponseTooLarge {
        /// The cap, in bytes.
        max_bytes: usize,
    },
    /// A document sent by hash alone is not registered.
    PersistedQueryNotFound,
    /// Documents by hash are switched off.
    PersistedQueryNotSupported,
    /// Only safelisted documents run here, and this one is not listed.
    PersistedQueryNotListed,
    /// A POST a browser could send cross-site without a preflight, without a preflight header.
    CsrfBlocked,
}

impl GatewayError {
    /// The message for API callers: never a backend message or an internal detail.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(why) => {
                format!("authentication required: send a valid bearer token ({why})")
            }
            Self::Forbidden(message) => message.clone(),
            Self::NotFound => "not found".to_owned(),
            Self::FeatureNotAvailable { tool, country } => {
                format!("{tool} is not available in {country}")
            }
            Self::InventoryByInquiry { country } => format!(
                "there is no online inventory in {country}: ask your inventory question with submitInquiry (category INVENTORY)"
            ),
            Self::BadUserInput { message, .. } => message.clone(),
            Self::BackendUnavailable { backend, .. } => {
                format!("the {backend} system is unavailable right now; try again later")
            }
            Self::Conflict(message) => message.clone(),
            Self::NotEntitled => "this customer number is not entitled to request changes through the Services Assistant; ask through an inquiry, or ask your customer administrator about the entitlement".to_owned(),
            Self::RateLimited {
                retry_after_seconds,
            } => format!("too many requests: try again in {retry_after_seconds} s"),
            Self::DeadlineExceeded => {
                "the request took longer than the gateway allows; try again".to_owned()
            }
            Self::Internal => "internal error".to_owned(),
            Self::OverBudget { estimate, max } => format!(
                "this operation would make about {estimate} backend calls; at most {max} are allowed per request: ask for less, or split it"
            ),
            Self::ResponseTooLarge { max_bytes } => format!(
                "the answer would be larger than {max_bytes} bytes: ask for fewer items or fields, or page through them"
            ),
            // The exact messages of Apollo's protocol, which some clients match on.
            Self::PersistedQueryNotFound => "PersistedQueryNotFound".to_owned(),
            Self::PersistedQueryNotSupported => "PersistedQueryNotSupported".to_owned(),
            Self::PersistedQueryNotListed => "this gateway runs only its safelisted documents: send the id of a document in its manifest in extensions.persistedQuery.sha256Hash".to_owned(),
            Self::CsrfBlocked => "this request has been blocked as a potential cross-site request forgery: send Content-Type: application/json, or add a non-empty graphql-require-preflight (or apollo-require-preflight, x-supportgraph-csrf) header".to_owned(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound => ErrorCode::NotFound,
            Self::FeatureNotAvailable { .. } => ErrorCode::FeatureNotAvailable,
            Self::InventoryByInquiry { .. } => ErrorCode::FeatureNotAvailable,
            Self::BadUserInput { .. } => ErrorCode::BadUserInput,
            Self::BackendUnavailable { .. } => ErrorCode::BackendUnavailable,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::NotEntitled => ErrorCode::ServicesAssistantNotEntitled,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::DeadlineExceeded => ErrorCode::DeadlineExceeded,
            Self::Internal => ErrorCode::InternalError,
            Self::OverBudget { .. } => ErrorCode::BadUserInput,
            Self::ResponseTooLarge { .. } => ErrorCode::ResponseTooLarge,
            Self::PersistedQueryNotFound => ErrorCode::PersistedQueryNotFound,
            Self::PersistedQueryNotSupported => ErrorCode::PersistedQueryNotSupported,
            Self::PersistedQueryNotListed => ErrorCode::PersistedQueryNotListed,
            Self::CsrfBlocked => ErrorCode::CsrfBlocked,
        }
    }

    /// A bad argument.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A backend failure, logged in full here and reduced to its backend name for the caller; a
    /// request an adapter refused to build is `INTERNAL_ERROR` (the edge should have refused it).
    pub fn from_adapter(error: &AdapterError, region: Option<Region>) -> Self {
        if let AdapterError::InvalidRequest { .. } = error {
            // The edge checks every identifier before an adapter sees it: this is our bug.
            return Self::internal(error);
        }
        tracing::warn!(%error, "backend failure reported to the caller as BACKEND_UNAVAILABLE");
        Self::BackendUnavailable {
            backend: error.backend().to_owned(),
            region,
        }
    }

    /// The error as a request-level GraphQL error: no path, no `locations` (it is about the
    /// request as a whole), with its `extensions`.
    pub fn to_server_error(&self) -> async_graphql::ServerError {
        let mut error = async_graphql::ServerError::new(self.message(), None);
        error.extensions = self.extend().extensions;
        error
    }

    /// A bug or misconfiguration: logged in full, reported as `INTERNAL_ERROR`.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::Internal
    }
}

impl ErrorExtensions for GatewayError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, e| {
            e.set("code", self.code().as_str());
            match self {
                Self::FeatureNotAvailable { tool, country } => {
                    e.set("tool", *tool);
                    e.set("country", country.as_str());
                }
                Self::InventoryByInquiry { country } => {
                    e.set("tool", "INVENTORY");
                    e.set("country", country.as_str());
                    e.set("useInstead", "submitInquiry");
                    e.set("inquiryCategory", "INVENTORY");
                }
                Self::NotEntitled => e.set("category", "FORBIDDEN"),
                Self::BadUserInput { field, .. } => e.set("field", field.as_str()),
                Self::ResponseTooLarge { max_bytes } => e.set("maxResponseBytes", *max_bytes),
                Self::OverBudget { estimate, max } => {
                    e.set("field", "query");
                    e.set("estimatedBackendCalls", *estimate);
                    e.set("maxBackendCalls", *max);
                }
                Self::RateLimited {
                    retry_after_seconds,
                } => e.set("retryAfterSeconds", *retry_after_seconds),
                Self::BackendUnavailable { backend, region } => {
                    e.set("backend", backend.as_str());
                    if let Some(region) = region {
                        e.set("region", region.as_str());
                    }
                }
                _ => {}
            }
        })
    }
}

impl From<GatewayError> for async_graphql::Error {
    fn from(error: GatewayError) -> Self {
        error.extend()
    }
}
