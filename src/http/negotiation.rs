//! GraphQL over HTTP content negotiation: which media type an answer is written in (from the
//! request's `Accept`), and which request bodies are GraphQL requests at all (from its
//! `Content-Type`).
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
    pub fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let mut ranges: Vec<(f32, usize, &str)> = Vec::new();
        let mut any_header = false;
        for value in headers.get_all(header::ACCEPT) {
            any_header = true;
            let Ok(value) = value.to_str() else { continue };
            for (position, range) in value.split(',').enumerate() {
                let mut parts = range.split(';');
                let media = parts.next().unwrap_or_default().trim();
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                if !media.is_empty() && quality > 0.0 {
                    ranges.push((quality, position, media));
                }
            }
        }
        if !any_header {
            return Some(Self::Json);
        }
        // Highest quality first; among equals, the client's own order.
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.into_iter().find_map(|(_, _, media)| {
            let media = media.to_ascii_lowercase();
            match media.as_str() {
                "application/graphql-response+json" => Some(Self::GraphqlResponse),
                "application/json" | "application/*" | "*/*" => Some(Self::Json),
                _ => None,
            }
        })
    }
}

/// What a POST body is, by its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// `application/json` (any parameters).
    Json,
    /// `multipart/form-data` (the GraphQL multipart request spec, for uploads), with the full
    /// header value, whose boundary the parser needs.
    Multipart(String),
}

/// Why a POST body is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyTypeError {
    /// No `Content-Type` at all.
    #[error("send a Content-Type: application/json")]
    Missing,
    /// A type that is not a GraphQL request.
    #[error("Content-Type {0:?} is not accepted: send application/json")]
    Unsupported(String),
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
        let essence = text
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Ok(Self::Json),
            "multipart/form-data" => Ok(Self::Multipart(text.to_owned())),
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
    }

    #[test]
    fn only_json_and_multipart_bodies_are_graphql_requests() {
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
        assert!(matches!(
            of(Some("multipart/form-data; boundary=x")),
            Ok(RequestBody::Multipart(_))
        ));
        for refused in [
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
