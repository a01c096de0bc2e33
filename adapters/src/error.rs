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
            | Self::Decode { backend, .. } => backend,
        }
    }
}
