//! The one error type at the boundary between the gateway and any backend.
//!
//! Its messages are for logs; the gateway maps every variant to a generic client-facing error and
//! never forwards these texts, so backend details cannot leak to API callers.

/// Why a call to a backend did not produce a usable answer.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AdapterError {
    /// The backend did not answer within its configured timeout.
    #[error("{backend} did not answer within {timeout_ms} ms")]
    Timeout {
        /// The backend instance, e.g. `order-status/emea`.
        backend: String,
        /// The timeout that expired.
        timeout_ms: u64,
    },
    /// The backend answered with an HTTP status that is not a success.
    #[error("{backend} answered HTTP {status}")]
    Status {
        /// The backend instance.
        backend: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The backend could not be reached at all (connection refused, reset, DNS...).
    #[error("{backend} could not be reached: {detail}")]
    Transport {
        /// The backend instance.
        backend: String,
        /// What the transport reported.
        detail: String,
    },
    /// The backend's circuit breaker is open: it failed too often and is not called for a while.
    #[error("{backend} is failing; its circuit breaker is open")]
    CircuitOpen {
        /// The backend instance.
        backend: String,
    },
    /// The request could not be built, so it was never sent: an identifier that fails its type,
    /// a URL too long for any server, a body that does not serialise. The caller's (or the
    /// gateway's) fault, never the backend's: it is not retried and no circuit breaker counts it.
    #[error("{backend}: the request was not sent: {detail}")]
    InvalidRequest {
        /// The backend instance.
        backend: String,
        /// What was wrong with the request (client-supplied values clipped).
        detail: String,
    },
    /// The backend answered, but with a payload that does not follow its contract.
    #[error("{backend} sent a payload that breaks its contract: {detail}")]
    Decode {
        /// The backend instance.
        backend: String,
        /// What was wrong with the payload.
        detail: String,
    },
}

impl AdapterError {
    /// The backend instance the error came from, safe to show to API callers.
    pub fn backend(&self) -> &str {
        match self {
            Self::Timeout { backend, .. }
            | Self::Status { backend, .. }
            | Self::Transport { backend, .. }
            | Self::CircuitOpen { backend }
            | Self::InvalidRequest { backend, .. }
            | Self::Decode { backend, .. } => backend,
        }
    }

    /// Whether the error says something about the backend's health: only timeouts, transport
    /// failures and 5xx answers do. A request that was never sent, a 4xx, an open breaker or a
    /// payload that breaks the contract do not.
    pub fn is_backend_fault(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            Self::CircuitOpen { .. } | Self::InvalidRequest { .. } | Self::Decode { .. } => false,
        }
    }
}
