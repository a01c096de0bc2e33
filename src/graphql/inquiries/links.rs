//! Links to inquiry attachments: signed, short-lived URLs on the gateway
//! (`/documents/inquiries/{trackingNumber}/attachments/{attachmentId}?customer=…`) that work
//! without a token, for the user they were made for — a browser cannot send a bearer token with
//! a download. A link is not an authorisation: the route (`http::inquiry_attachments`) checks
//! that user's authorisation for Inquiries on the customer number again when the link is used,
//! so a link outlives nothing its user was not still allowed.

use async_graphql::{Context, Result};

use crate::graphql::common::links::signed_url;

/// The route's path of attachment `attachment_id` of inquiry `tracking_number` (both checked
/// identifiers, `InquiryNumber` and `AttachmentId`, so nothing in them needs escaping).
pub fn attachment_path(tracking_number: &str, attachment_id: &str) -> String {
    format!("/documents/inquiries/{tracking_number}/attachments/{attachment_id}")
}

/// The absolute link to attachment `attachment_id` of `customer_number`'s inquiry
/// `tracking_number`, signed for the caller: on `links.public_base_url` when one is configured,
/// else on the origin the request came to.
pub fn attachment_link(
    ctx: &Context<'_>,
    tracking_number: &str,
    customer_number: &str,
    attachment_id: &str,
) -> Result<String> {
    let path = attachment_path(tracking_number, attachment_id);
    Ok(signed_url(ctx, &path, &[("customer", customer_number)])?.url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_the_route_of_the_attachment() {
        assert_eq!(
            attachment_path("INQ-10000003", "ATT-0123abcd"),
            "/documents/inquiries/INQ-10000003/attachments/ATT-0123abcd"
        );
    }
}
