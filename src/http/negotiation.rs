//! GraphQL over HTTP content negotiation: which media type an answer is written in (from the
//! request's `Accept`), and which request bodies are GraphQL requests at all (from its
//! `Content-Type`).
//!
//! A POST body is `application/json` (a GraphQL request), or `multipart/form-data` with a
//! boundary: the [GraphQL multipart request spec], an `operations` part holding the JSON request,
//! a `map` part naming where each file part goes in its variables, and the file parts — how a
//! client uploads files. A browser sends a multipart form to any origin without asking first (a
//! "simple" request, no CORS preflight), so whatever reads it must refuse one that does not prove
//! it came from script allowed by CORS (the GraphQL handler's job: a preflight-forcing header).
//! Every other type is refused (415) before the body is read.
//!
//! [GraphQL multipart request spec]: https://github.com/jaydenseric/graphql-multipart-request-spec
//!
//! The two response types differ in status codes, and clients depend on that: with
//! `application/graphql-response+json` a request that never executed (it did not parse or
//! validate) is a 400, while with `application/json` — what older clients such as
//! graphql-request ask for, and what `*/*` or no `Accept` gets — every well-formed request is a
//! 200 and the errors are in the body.

use axum::http::{HeaderMap, StatusCode, header};

/// The media type of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `application/graphql-response+json`: the GraphQL-over-HTTP type, with 4xx for requests
    /// that never executed.
    GraphqlResponse,
    /// `application/json`: the legacy type, 200 for every well-formed request.
    Json,
}

impl ResponseFormat {
    /// The `Content-Type` of an answer in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }

    /// The status of an answer whose request did not parse or validate, so nothing executed.
    pub fn not_executed_status(self) -> StatusCode {
        match self {
            Self::GraphqlResponse => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }

    /// The format of the request's `Accept` header, or `None` when it accepts neither type
    /// (answered with 406). No header, or `*/*`, means `application/json`, as the spec says.
    ///
    /// Each type gets the quality of the most specific range that matches it (so
    /// `application/json;q=0, */*` refuses JSON); the higher quality wins, and on a tie the
    /// type the client listed first.
    pub fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let Some(ranges) = media_ranges(headers) else {
            return Some(Self::Json);
        };
        let rank = |format: Self| {
            let (kind, subtype) = match format {
                Self::GraphqlResponse => ("application", "graphql-response+json"),
                Self::Json => ("application", "json"),
            };
            ranges
                .iter()
                .filter_map(|range| {
                    let specificity = match (range.kind.as_str(), range.subtype.as_str()) {
                        (k, s) if k == kind && s == subtype => 2,
                        (k, "*") if k == kind => 1,
                        ("*", "*") => 0,
                        _ => return None,
                    };
                    Some((specificity, range.quality, range.position))
                })
                .max_by_key(|(specificity, _, _)| *specificity)
                .map(|(_, quality, position)| (quality, position))
        };
        // On a complete tie (`*/*`), the later candidate wins: `application/json`.
        let candidates = [Self::GraphqlResponse, Self::Json];
        candidates
            .into_iter()
            .filter_map(|format| {
                rank(format)
                    .filter(|(quality, _)| *quality > 0)
                    .map(|(quality, position)| (format, quality, position))
            })
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|(format, _, _)| format)
    }
}

/// One media range of an `Accept` header.
struct MediaRange {
    kind: String,
    subtype: String,
    /// Quality in thousandths (q=0.9 is 900).
    quality: u16,
    /// Where the client listed it, across every `Accept` header.
    position: usize,
}

/// The media ranges of every `Accept` header, or `None` when there is no such header (which
/// means `application/json`).
fn media_ranges(headers: &HeaderMap) -> Option<Vec<MediaRange>> {
    let mut values = headers.get_all(header::ACCEPT).iter().peekable();
    values.peek()?;
    let mut ranges = Vec::new();
    for value in values {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let Some((kind, subtype)) = media.split_once('/') else {
                continue;
            };
            let quality = parts
                .filter_map(|p| {
                    let (name, value) = p.split_once('=')?;
                    name.trim().eq_ignore_ascii_case("q").then(|| value.trim())
                })
                .find_map(parse_quality)
                .unwrap_or(1000);
            ranges.push(MediaRange {
                kind: kind.trim().to_owned(),
                subtype: subtype.trim().to_owned(),
                quality,
                position: ranges.len(),
            });
        }
    }
    if ranges.is_empty() {
        // Only unreadable values: treat like no preference.
        return None;
    }
    Some(ranges)
}

/// A `q` value (`0`, `0.5`, `1.000`) in thousandths, or `None` when it is not one.
fn parse_quality(text: &str) -> Option<u16> {
    let value: f32 = text.parse().ok()?;
    if !(0.0..=1.0).contains(&value) {
        return None;
    }
    // In range 0..=1, so the product fits and is not NaN.
    Some((value * 1000.0).round() as u16)
}

/// What a POST body is, by its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// `application/json` (any parameters).
    Json,
    /// `multipart/form-data` with a `boundary`: a GraphQL request with files (the multipart
    /// request spec). A browser may send one to any origin without a preflight, so its reader
    /// must guard against cross-site requests.
    Multipart,
}

/// Why a POST body is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyTypeError {
    /// No `Content-Type` at all.
    #[error("send a Content-Type: application/json")]
    Missing,
    /// A type that is not a GraphQL request.
    #[error(
        "Content-Type {0:?} is not accepted: send application/json, or multipart/form-data to upload files"
    )]
    Unsupported(String),
    /// `multipart/form-data` without the boundary that separates its parts.
    #[error("multipart/form-data needs a boundary parameter")]
    NoBoundary,
}

impl RequestBody {
    /// The kind of body a POST carries.
    pub fn of(headers: &HeaderMap) -> Result<Self, BodyTypeError> {
        let Some(value) = headers.get(header::CONTENT_TYPE) else {
            return Err(BodyTypeError::Missing);
        };
        let text = value
            .to_str()
            .map_err(|_| BodyTypeError::Unsupported("<not ASCII>".to_owned()))?;
        let mut parts = text.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Ok(Self::Json),
            "multipart/form-data" => {
                let has_boundary = parts.any(|parameter| {
                    parameter.split_once('=').is_some_and(|(name, value)| {
                        name.trim().eq_ignore_ascii_case("boundary")
                            && !value.trim().trim_matches('"').is_empty()
                    })
                });
                if has_boundary {
                    Ok(Self::Multipart)
                } else {
                    Err(BodyTypeError::NoBoundary)
                }
            }
            _ => Err(BodyTypeError::Unsupported(
                text.chars().take(100).collect::<String>(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(value: Option<&'static str>) -> Option<ResponseFormat> {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        }
        ResponseFormat::negotiate(&headers)
    }

    #[test]
    fn accept_picks_the_format_clients_ask_for() {
        use ResponseFormat::*;
        assert_eq!(accept(None), Some(Json));
        assert_eq!(accept(Some("*/*")), Some(Json));
        assert_eq!(accept(Some("application/json")), Some(Json));
        assert_eq!(
            accept(Some("application/graphql-response+json")),
            Some(GraphqlResponse)
        );
        assert_eq!(
            accept(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(GraphqlResponse)
        );
        assert_eq!(
            accept(Some(
                "application/json;q=0.9, application/graphql-response+json"
            )),
            Some(GraphqlResponse)
        );
        assert_eq!(
            accept(Some("application/json, application/graphql-response+json")),
            Some(Json),
            "equal quality: the client's order"
        );
        assert_eq!(
            accept(Some("text/html, application/graphql-response+json;q=0")),
            None
        );
        assert_eq!(accept(Some("text/html")), None);
        assert_eq!(accept(Some("text/html, */*;q=0.1")), Some(Json));
        assert_eq!(
            accept(Some("application/json;q=0, */*")),
            Some(GraphqlResponse),
            "the most specific range decides a type's quality"
        );
        assert_eq!(accept(Some("application/json;Q=0")), None);
        assert_eq!(accept(Some("application/*")), Some(Json));
    }

    #[test]
    fn ties_follow_the_client_order_across_header_lines() {
        let mut headers = HeaderMap::new();
        headers.append(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.append(
            header::ACCEPT,
            HeaderValue::from_static("application/graphql-response+json"),
        );
        assert_eq!(
            ResponseFormat::negotiate(&headers),
            Some(ResponseFormat::Json)
        );
    }

    #[test]
    fn json_and_multipart_bodies_are_graphql_requests() {
        let of = |value: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            }
            RequestBody::of(&headers)
        };
        assert_eq!(of(None), Err(BodyTypeError::Missing));
        assert_eq!(of(Some("application/json")), Ok(RequestBody::Json));
        assert_eq!(
            of(Some("Application/JSON; charset=utf-8")),
            Ok(RequestBody::Json)
        );
        assert_eq!(
            of(Some("multipart/form-data; boundary=x")),
            Ok(RequestBody::Multipart)
        );
        assert_eq!(
            of(Some(
                "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"----x\""
            )),
            Ok(RequestBody::Multipart)
        );
        assert_eq!(
            of(Some("multipart/form-data")),
            Err(BodyTypeError::NoBoundary)
        );
        assert_eq!(
            of(Some("multipart/form-data; boundary=")),
            Err(BodyTypeError::NoBoundary)
        );
        for refused in [
            "multipart/mixed; boundary=x",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/graphql",
        ] {
            assert!(
                matches!(of(Some(refused)), Err(BodyTypeError::Unsupported(_))),
                "{refused}"
            );
        }
    }
}
