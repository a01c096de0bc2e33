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
//!
//! # Clients that go away
//!
//! When a client closes its connection, axum drops the request's future wherever it is. So a
//! mutation comes in two parts ([`Step`]): its reads and checks run in the request, and the
//! backend write — with what follows it and the recording of its answer — runs as a task of its
//! own that the request merely awaits. A client gone during the checks frees the key at once
//! (nothing was written); a client gone during the write leaves the write to finish and its answer
//! to be recorded, so the retry gets that first answer (or waits for it, as any concurrent request
//! with the key does) instead of `CONFLICT`.
//!
//! The claim is a *lease* of the backend's timeout plus [`LEASE_MARGIN`], renewed as the write
//! starts: a gateway that dies mid-mutation (where no task survives) blocks the key only that long.
//! The trade-off: after that, a retry runs the mutation again, so a write that reached the backend
//! just before the crash is made twice — the price of not refusing the key for a whole day, and
//! the same as a client that retries without a key.

use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::hashing::sha256_hex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use tracing::Instrument;

use crate::app::App;
use crate::cache::Claim;
use crate::cache::idempotency::{Lease, Renewal};
use crate::error::GatewayError;

/// How often a request waiting for another request with its key looks again.
const POLL: Duration = Duration::from_millis(25);

/// How much longer than the backend's timeout a claim lasts: time for the checks before the write,
/// for recording the answer, and for a busy scheduler. A claim left by a gateway that died is free
/// again after the timeout plus this.
pub const LEASE_MARGIN: Duration = Duration::from_secs(5);

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

/// The key a mutation gives the backend it writes to, `{prefix}-` and 40 hexadecimal digits:
/// derived from the request's `Idempotency-Key` — so a retried request is a repeat at the backend
/// too — or new for a request without one. `scope` (the user, and what else one request key may
/// name: the operation, the object) keeps one request key used twice from being one backend key.
pub fn backend_key(
    prefix: &str,
    scope: &[&str],
    key: Option<&IdempotencyKey>,
) -> Result<String, GatewayError> {
    let nonce = match key {
        Some(key) => key.0.clone(),
        None => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(GatewayError::internal)?;
            crate::hashing::hex(&bytes)
        }
    };
    let mut material = scope.join("\n");
    material.push('\n');
    material.push_str(&nonce);
    Ok(format!("{prefix}-{}", &sha256_hex(material)[..40]))
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

/// What a mutation's checks decided: an answer now, or the write to make.
pub enum Step<T> {
    /// Answered without a write (a refusal the gateway decided itself).
    Answer(T),
    /// The backend write and what follows it (invalidations, reading the backend's answer). It
    /// owns its data and runs as a task of its own, so it finishes — and its answer is recorded —
    /// even when the client goes away.
    Write(Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send>>),
}

impl<T> Step<T> {
    /// The write `write` makes, run to completion whatever happens to the request.
    pub fn write(write: impl Future<Output = Result<T, GatewayError>> + Send + 'static) -> Self {
        Self::Write(Box::pin(write))
    }
}

/// Runs `mutation` once per (user, key): a repeat with the same input gets the recorded outcome,
/// one with another input is refused. Without a key, it simply runs. `wait` is the backend's
/// timeout: it bounds how long a request waits for another one holding its key, and sets the
/// claim's lease (`wait` + [`LEASE_MARGIN`]).
///
/// `mutation` does the checks in the request and returns the [`Step`]; a write runs detached
/// (with or without a key, so what it invalidates is invalidated even for a client gone away).
pub async fn once<T, F>(
    app: &Arc<App>,
    key: Option<&IdempotencyKey>,
    user_id: &str,
    operation: &'static str,
    input: &impl Serialize,
    wait: Duration,
    mutation: F,
) -> Result<T, GatewayError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: Future<Output = Result<Step<T>, GatewayError>>,
{
    let Some(key) = key else {
        return match mutation.await? {
            Step::Answer(outcome) => Ok(outcome),
            Step::Write(write) => detached(write).await,
        };
    };
    let input = serde_json::to_vec(input).map_err(GatewayError::internal)?;
    let fingerprint = sha256_hex(&input);
    let store = &app.idempotency;
    let record_key = store.record_key(user_id, operation, &key.0);
    let lease = wait + LEASE_MARGIN;
    let deadline = Instant::now() + wait;
    let mut mutation = Some(mutation);
    loop {
        match store.claim(&record_key, lease).await {
            Claim::Reserved(claim) => {
                let Some(run) = mutation.take() else {
                    return Err(GatewayError::internal("an idempotency claim was won twice"));
                };
                let held = Held {
                    app: Arc::clone(app),
                    lease: Some(claim),
                };
                return run_holding(held, fingerprint, lease, run).await;
            }
            Claim::Done(record) => return replay(&record, &fingerprint),
            Claim::InProgress if Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Claim::InProgress => return Err(still_running()),
            Claim::Unavailable => return Err(store_unavailable()),
        }
    }
}

/// The checks in the request, then the write and its record in a task of their own.
async fn run_holding<T, F>(
    held: Held,
    fingerprint: String,
    lease: Duration,
    mutation: F,
) -> Result<T, GatewayError>
where
    T: Serialize + Send + 'static,
    F: Future<Output = Result<Step<T>, GatewayError>>,
{
    // Dropped here (the client went away), `held` gives the key back: nothing was written.
    let step = match mutation.await {
        Ok(step) => step,
        Err(error) => return held.finish(&fingerprint, Err(error)).await,
    };
    match step {
        Step::Answer(outcome) => {
            detached(async move { held.finish(&fingerprint, Ok(outcome)).await }).await
        }
        Step::Write(write) => {
            // The write gets the whole lease, however long the checks took.
            match held.app.idempotency.renew(held.lease()?, lease).await {
                Renewal::Renewed => {}
                Renewal::Lost => return Err(still_running()),
                Renewal::Unavailable => return Err(store_unavailable()),
            }
            detached(async move {
                let outcome = write.await;
                held.finish(&fingerprint, outcome).await
            })
            .await
        }
    }
}

/// Runs `work` as a task of its own and waits for it: dropping the wait leaves the task running.
async fn detached<T: Send + 'static>(
    work: impl Future<Output = Result<T, GatewayError>> + Send + 'static,
) -> Result<T, GatewayError> {
    tokio::spawn(work.in_current_span())
        .await
        .map_err(GatewayError::internal)?
}

/// A claim this request holds. Dropped before it was finished — the request was cancelled, or
/// the write panicked — it gives the claim back, so a retry need not wait for the lease to lapse.
struct Held {
    app: Arc<App>,
    lease: Option<Lease>,
}

impl Held {
    fn lease(&self) -> Result<&Lease, GatewayError> {
        self.lease
            .as_ref()
            .ok_or_else(|| GatewayError::internal("an idempotency claim was finished twice"))
    }

    /// Records the outcome for the key's lifetime, or releases the key after a failure.
    async fn finish<T: Serialize>(
        mut self,
        fingerprint: &str,
        outcome: Result<T, GatewayError>,
    ) -> Result<T, GatewayError> {
        let Some(lease) = self.lease.take() else {
            return Err(GatewayError::internal(
                "an idempotency claim was finished twice",
            ));
        };
        let store = &self.app.idempotency;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                store.release(&lease).await;
                return Err(error);
            }
        };
        let record = Record {
            input: fingerprint.to_owned(),
            outcome,
        };
        match serde_json::to_string(&record) {
            Ok(text) => store.complete(&lease, text).await,
            Err(error) => {
                store.release(&lease).await;
                return Err(GatewayError::internal(error));
            }
        }
        Ok(record.outcome)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(lease) = self.lease.take() else {
            return;
        };
        let app = Arc::clone(&self.app);
        // Without a runtime (it is shutting down) the lease simply lapses.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { app.idempotency.release(&lease).await });
        }
    }
}

fn still_running() -> GatewayError {
    GatewayError::Conflict(
        "a request with this Idempotency-Key is still running; retry shortly".to_owned(),
    )
}

fn store_unavailable() -> GatewayError {
    GatewayError::BackendUnavailable {
        backend: "idempotency-store".to_owned(),
        region: None,
    }
}
