//! Who a request comes from and where it came to: the client address limits count against (the
//! peer, or behind trusted proxies the address they forwarded), and the origin links point at
//! when no public base URL is configured. Shared by `/graphql` and the websocket.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use crate::graphql::RequestOrigin;

/// The client a request counts against: the peer, or — when the peer is a trusted proxy — the
/// right-most address in `X-Forwarded-For` that is not itself a trusted proxy.
pub(crate) fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

/// Where links point when no `links.public_base_url` is configured (the sandbox): the origin
/// the request came to, from its `Host` header, if that is a plain host name or address with a
/// port. For a websocket, the upgrade request's.
pub(crate) fn request_origin(headers: &HeaderMap) -> Option<RequestOrigin> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| RequestOrigin(format!("http://{host}")))
}
