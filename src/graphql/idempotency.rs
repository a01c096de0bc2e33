//! `Idempotency-Key` for mutations: a client that retries a mutation with the same key gets the
//! first answer back instead of a second side effect.
//!
//! Records are kept per user and key for `cache.idempotency_ttl_seconds` (24 h) in the
//! [`IdempotencyStore`](crate::cache::IdempotencyStore): Redis when configured, so every gateway
//! instance honours them. A key is claimed before the mutation runs, so concurrent requests with
//! one key — on any instance — run it once; the others wait briefly for its answer. The same key
//! with a different input is `BAD_USER_INPUT`. A failed mutation is not recorded, so a retry runs
//! again. With Redis configured but unreachable, a keyed mutation is refused (retryable) rather
//! than run without the guarantee.

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::cache::Claim;
use crate::error::GatewayError;

/// How often a request waiting for another request with its key looks again.
const POLL: Duration = Duration::from_millis(25);

/// The `Idempotency-Key` header of a request, when it sent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    /// The header's value, or `BAD_USER_INPUT` for one that cannot be a key.
    pub fn parse(value: &str) -> Result<Self, GatewayError> {
        let valid =
            !value.is_empty() && value.len() <= 255 && value.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(GatewayError::bad_input(
                "Idempotency-Key",
                "an Idempotency-Key is 1 to 255 visible ASCII characters",
            ))
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Record<T> {
    input: String,
    outcome: T,
}

fn replay<T: DeserializeOwned>(record: &str, fingerprint: &str) -> Result<T, GatewayError> {
    let record: Record<T> = serde_json::from_str(record).map_err(GatewayError::internal)?;
    if record.input != fingerprint {
        return Err(GatewayError::bad_input(
            "Idempotency-Key",
            "this Idempotency-Key was already used with a different input",
        ));
    }
    Ok(record.outcome)
}

/// Runs `mutation` once per (user, key): a repeat with the same input gets the recorded outcome,
/// one with another input is refused. Without a key, it simply runs. `wait` bounds how long a
/// request waits for another one holding its key.
pub async fn once<T, F>(
    app: &App,
    key: Option<&IdempotencyKey>,
    user_id: &str,
    operation: &'static str,
    input: &impl Serialize,
    wait: Duration,
    mutation: F,
) -> Result<T, GatewayError>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = Result<T, GatewayError>>,
{
    let Some(key) = key else {
        return mutation.await;
    };
    let input = serde_json::to_vec(input).map_err(GatewayError::internal)?;
    let fingerprint: String = Sha256::digest(&input)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let store = &app.idempotency;
    let record_key = store.record_key(user_id, operation, &key.0);
    let deadline = Instant::now() + wait;
    let mut mutation = Some(mutation);
    loop {
        match store.claim(&record_key).await {
            Claim::Reserved => {
                let Some(run) = mutation.take() else {
                    return Err(GatewayError::internal("an idempotency claim was won twice"));
                };
                return match run.await {
                    Ok(outcome) => {
                        let record = Record {
                            input: fingerprint,
                            outcome,
                        };
                        let text =
                            serde_json::to_string(&record).map_err(GatewayError::internal)?;
                        store.complete(&record_key, text).await;
                        Ok(record.outcome)
                    }
                    Err(error) => {
                        store.release(&record_key).await;
                        Err(error)
                    }
                };
            }
            Claim::Done(record) => return replay(&record, &fingerprint),
            Claim::InProgress if Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Claim::InProgress => {
                return Err(GatewayError::Conflict(
                    "a request with this Idempotency-Key is still running; retry shortly"
                        .to_owned(),
                ));
            }
            Claim::Unavailable => {
                return Err(GatewayError::BackendUnavailable {
                    backend: "idempotency-store".to_owned(),
                    region: None,
                });
            }
        }
    }
}
