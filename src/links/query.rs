//! The URL side of signed links: percent-encoding a path and the query, and reading a query back
//! strictly — a reserved parameter given twice is refused, never resolved by picking one.

use percent_encoding::{
    AsciiSet, CONTROLS, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode,
};

use super::LinkError;

/// A query component keeps only RFC 3986's unreserved characters; everything else is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a path cannot hold as is (`%` is kept, so an already-encoded path stays as it is).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// `path` as a browser will send it back: starting with `/`, with what a path cannot hold
/// percent-encoded (non-ASCII as UTF-8).
pub(super) fn encode_path(path: &str) -> String {
    let encoded = utf8_percent_encode(path, PATH).to_string();
    if encoded.starts_with('/') {
        encoded
    } else {
        format!("/{encoded}")
    }
}

/// Builds `name=value&name=value`, both percent-encoded.
#[derive(Default)]
pub(super) struct QueryWriter(String);

impl QueryWriter {
    pub(super) fn push(&mut self, name: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(utf8_percent_encode(name, COMPONENT));
        self.0.push('=');
        self.0.extend(utf8_percent_encode(value, COMPONENT));
    }

    pub(super) fn finish(self) -> String {
        self.0
    }
}

/// A signed link's query, decoded: the reserved parameters apart, the others in order.
#[derive(Debug)]
pub(super) struct ParsedQuery {
    pub(super) expires: String,
    pub(super) user: String,
    pub(super) signature: String,
    pub(super) params: Vec<(String, String)>,
}

impl ParsedQuery {
    /// No `signature` is [`LinkError::Missing`]; a signature without `expires` or `user`, or
    /// anything not valid percent-encoded UTF-8, is [`LinkError::Malformed`]; a reserved
    /// parameter given twice is [`LinkError::Tampered`] (a signer never does that).
    pub(super) fn parse(raw_query: &str) -> Result<Self, LinkError> {
        let mut expires = None;
        let mut user = None;
        let mut signature = None;
        let mut params = Vec::new();
        for piece in raw_query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let (name, value) = (decode(name)?, decode(value)?);
            let slot = match name.as_str() {
                "expires" => &mut expires,
                "user" => &mut user,
                "signature" => &mut signature,
                _ => {
                    params.push((name, value));
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                return Err(LinkError::Tampered);
            }
        }
        let signature = signature.ok_or(LinkError::Missing)?;
        match (expires, user) {
            (Some(expires), Some(user)) => Ok(Self {
                expires,
                user,
                signature,
                params,
            }),
            _ => Err(LinkError::Malformed),
        }
    }
}

/// One query component: `+` is a space (form encoding), then percent-decoding, then UTF-8.
fn decode(component: &str) -> Result<String, LinkError> {
    let spaced = component.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| LinkError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_slashes_and_encode_what_a_url_cannot_hold() {
        assert_eq!(
            encode_path("/exports/a b?#.csv"),
            "/exports/a%20b%3F%23.csv"
        );
        assert_eq!(encode_path("exports/año"), "/exports/a%C3%B1o");
        assert_eq!(encode_path("/already%20encoded"), "/already%20encoded");
    }

    #[test]
    fn components_encode_all_but_unreserved_characters() {
        let mut query = QueryWriter::default();
        query.push("a b", "x&y=z+~.-_");
        assert_eq!(query.finish(), "a%20b=x%26y%3Dz%2B~.-_");
    }

    #[test]
    fn a_plus_is_a_space_and_bad_utf8_is_malformed() {
        assert_eq!(decode("a+b%2B").as_deref(), Ok("a b+"));
        assert_eq!(decode("%FF"), Err(LinkError::Malformed));
    }
}
