//! The two byte streams of the support contract, each checked as it flows, never held whole:
//! an upload's body on its way out (counted against its declared size, hashed, and any failure
//! of the caller's stream noted so it is not blamed on the backend), and a download's body on
//! its way in (counted against the announced size, hashed against the announced SHA-256, each
//! piece within the idle timeout).

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::digest::Hasher;
use crate::ports::ByteStream;

/// How an upload's body went, as far as the caller's side is concerned.
#[derive(Debug, Default)]
pub(super) struct Sent {
    /// Why the body could not be sent whole, when the caller's stream failed or its length was
    /// not the declared size.
    pub failed: Option<String>,
    /// The SHA-256 of the whole body, once it reached the declared size.
    pub sha256: Option<String>,
}

/// What an upload's body reports to the adapter after the request.
pub(super) type SentReport = Arc<Mutex<Sent>>;

/// Reads a report; a panic elsewhere cannot leave it half-written (it is set in one assignment).
pub(super) fn read(report: &SentReport) -> std::sync::MutexGuard<'_, Sent> {
    report.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The caller's body on its way to the backend: exactly `size` bytes, hashed as they pass.
pub(super) struct Metered {
    inner: ByteStream,
    size: u64,
    hasher: Hasher,
    report: SentReport,
    done: bool,
}

impl Metered {
    /// Meters `inner`, which must hold `size` bytes, reporting to `report`.
    pub(super) fn new(inner: ByteStream, size: u64, report: SentReport) -> Self {
        Self {
            inner,
            size,
            hasher: Hasher::default(),
            report,
            done: false,
        }
    }

    /// Ends the body with an error the adapter will find in the report.
    fn fail(&mut self, why: String) -> Poll<Option<Result<Bytes, std::io::Error>>> {
        self.done = true;
        let error = std::io::Error::other(why.clone());
        let mut sent = read(&self.report);
        sent.failed = Some(why);
        sent.sha256 = None;
        Poll::Ready(Some(Err(error)))
    }
}

impl Stream for Metered {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                this.hasher.update(&chunk);
                if this.hasher.bytes() > this.size {
                    let size = this.size;
                    return this.fail(format!("the body is longer than the {size} bytes declared"));
                }
                if this.hasher.bytes() == this.size {
                    // The client may stop asking once `Content-Length` bytes went: the digest is
                    // known now.
                    read(&this.report).sha256 = Some(this.hasher.clone().hex());
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => this.fail(format!("the body failed: {error}")),
            Poll::Ready(None) if this.hasher.bytes() < this.size => {
                let (sent, size) = (this.hasher.bytes(), this.size);
                this.fail(format!(
                    "the body ended after {sent} of the {size} bytes declared"
                ))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
        }
    }
}

/// A download's body, checked as it arrives: each piece within `idle` of being asked for, no
/// more than `size` bytes, and at the end exactly `size` bytes whose SHA-256 is `sha256`. Any
/// failure ends the stream with an error after the bytes already passed on.
pub(super) fn checked_download(
    body: impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
    size: u64,
    sha256: String,
    idle: Duration,
) -> ByteStream {
    struct State<S> {
        body: Pin<Box<S>>,
        hasher: Hasher,
        done: bool,
    }
    let state = State {
        body: Box::pin(body),
        hasher: Hasher::default(),
        done: false,
    };
    futures::stream::unfold(state, move |mut state| {
        let sha256 = sha256.clone();
        async move {
            if state.done {
                return None;
            }
            let next = tokio::time::timeout(idle, state.body.next()).await;
            let outcome = match next {
                Err(_) => Err(format!("no data for {} ms", idle.as_millis())),
                Ok(Some(Err(error))) => Err(format!("the download failed: {error}")),
                Ok(Some(Ok(chunk))) => {
                    state.hasher.update(&chunk);
                    if state.hasher.bytes() > size {
                        Err(format!("more than the {size} bytes announced"))
                    } else {
                        Ok(Some(chunk))
                    }
                }
                Ok(None) if state.hasher.bytes() != size => Err(format!(
                    "{} bytes where {size} were announced",
                    state.hasher.bytes()
                )),
                Ok(None) if std::mem::take(&mut state.hasher).hex() != sha256 => {
                    Err("the content's SHA-256 is not the one announced".to_owned())
                }
                Ok(None) => Ok(None),
            };
            match outcome {
                Ok(Some(chunk)) => Some((Ok(chunk), state)),
                Ok(None) => None,
                Err(why) => {
                    state.done = true;
                    Some((Err(std::io::Error::other(why)), state))
                }
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::digest::sha256_hex;

    fn chunks(parts: &[&'static [u8]]) -> ByteStream {
        let items: Vec<Result<Bytes, std::io::Error>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        futures::stream::iter(items).boxed()
    }

    async fn drain(
        mut stream: impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin,
    ) -> (Vec<u8>, Option<String>) {
        let mut bytes = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(error) => return (bytes, Some(error.to_string())),
            }
        }
        (bytes, None)
    }

    #[tokio::test]
    async fn an_upload_body_of_its_declared_size_is_hashed() {
        let report = SentReport::default();
        let (bytes, error) = drain(Metered::new(chunks(&[b"ab", b"c"]), 3, report.clone())).await;
        assert_eq!((bytes.as_slice(), error), (&b"abc"[..], None));
        let sent = read(&report);
        assert_eq!(sent.failed, None);
        assert_eq!(sent.sha256.as_deref(), Some(sha256_hex(b"abc").as_str()));
    }

    #[tokio::test]
    async fn an_upload_body_longer_or_shorter_than_declared_fails() {
        for (declared, says) in [
            (2, "longer than the 2 bytes"),
            (4, "after 3 of the 4 bytes"),
        ] {
            let report = SentReport::default();
            let metered = Metered::new(chunks(&[b"ab", b"c"]), declared, report.clone());
            let (_, error) = drain(metered).await;
            assert!(error.is_some_and(|e| e.contains(says)), "{says}");
            let sent = read(&report);
            assert!(sent.failed.as_deref().is_some_and(|f| f.contains(says)));
            assert_eq!(sent.sha256, None);
        }
    }

    fn download(parts: &[&'static [u8]], size: u64, sha256: &str) -> ByteStream {
        let items: Vec<reqwest::Result<Bytes>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        checked_download(
            futures::stream::iter(items),
            size,
            sha256.to_owned(),
            Duration::from_secs(1),
        )
    }

    #[tokio::test]
    async fn a_download_ends_in_an_error_unless_its_size_and_digest_are_the_announced_ones() {
        let sha = sha256_hex(b"abc");
        assert_eq!(
            drain(download(&[b"a", b"bc"], 3, &sha)).await,
            (b"abc".to_vec(), None)
        );
        for (parts, size, digest, says) in [
            (
                &[&b"ab"[..], b"cd"][..],
                3,
                sha.as_str(),
                "more than the 3 bytes",
            ),
            (&[&b"ab"[..]][..], 3, sha.as_str(), "2 bytes where 3"),
            (&[&b"abd"[..]][..], 3, sha.as_str(), "SHA-256"),
        ] {
            let (_, error) = drain(download(parts, size, digest)).await;
            assert!(error.is_some_and(|e| e.contains(says)), "{says}");
        }
    }
}
