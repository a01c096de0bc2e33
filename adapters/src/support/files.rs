//! Attachments both ways, for [`HttpSupportBackend`]'s
//! [`SupportBackend`](crate::ports::SupportBackend) implementation: what the contract says of an
//! upload's answer and a download's headers, over the streams of [`Transfers`](super::transfer).
//!
//! An upload's answer must describe the bytes sent — their size and the SHA-256 the adapter
//! computed as they left — under the name and type declared. A download's head must announce
//! the file's type, size (`Content-Length`), SHA-256 (`Repr-Digest`) and name
//! (`Content-Disposition`'s `filename*`); its body is then checked against them as it streams.

use percent_encoding::percent_decode_str;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};

use super::adapter::HttpSupportBackend;
use super::digest::from_repr_digest;
use super::streams::checked_download;
use super::wire::WireAttachment;
use crate::AdapterError;
use crate::model::ids::clip;
use crate::model::{AttachmentId, CustomerNumber, InquiryAttachment, InquiryNumber, check_upload};
use crate::ports::{AttachmentDownload, ByteStream};

/// What an upload declares: its file name, media type and size.
pub(super) type Declared<'a> = (&'a str, &'a str, u64);

/// `POST v1/customers/{custNo}/attachments?fileName=&size=`, the body streamed.
pub(super) async fn upload(
    backend: &HttpSupportBackend,
    customer_number: &str,
    (file_name, content_type, size): Declared<'_>,
    body: ByteStream,
) -> Result<InquiryAttachment, AdapterError> {
    let client = backend.client();
    client.check::<CustomerNumber>("customer number", [customer_number])?;
    check_upload(file_name, content_type, size).map_err(|e| client.refuse("upload", e))?;
    let path = format!("v1/customers/{customer_number}/attachments");
    let query = [
        ("fileName", file_name.to_owned()),
        ("size", size.to_string()),
    ];
    let uploaded = backend
        .transfers()
        .upload(client, &path, &query, content_type, size, body)
        .await?;
    if !(200..=299).contains(&uploaded.status) {
        if (400..=499).contains(&uploaded.status) {
            tracing::warn!(
                backend = %client.name(),
                status = uploaded.status,
                answer = %clip(&String::from_utf8_lossy(&uploaded.answer)),
                "the support system refused an upload the adapter had checked"
            );
        }
        return Err(client.status_error(uploaded.status));
    }
    let wire: WireAttachment = serde_json::from_slice(&uploaded.answer)
        .map_err(|e| client.contract_violation(e.to_string()))?;
    let attachment = wire
        .into_model()
        .map_err(|detail| client.contract_violation(detail))?;
    if attachment.sha256 != uploaded.sha256 || attachment.size != size {
        return Err(client.contract_violation(format!(
            "attachment {}: the size or SHA-256 answered is not the one of the bytes sent",
            attachment.id
        )));
    }
    if attachment.file_name != file_name || attachment.content_type != content_type {
        return Err(client.contract_violation(format!(
            "attachment {}: the name or media type answered is not the one declared",
            attachment.id
        )));
    }
    Ok(attachment)
}

/// `GET v1/customers/{custNo}/inquiries/{trackingNo}/attachments/{attachmentId}`, streamed.
pub(super) async fn download(
    backend: &HttpSupportBackend,
    tracking_number: &str,
    customer_number: &str,
    attachment_id: &str,
) -> Result<Option<AttachmentDownload>, AdapterError> {
    let client = backend.client();
    client.check::<InquiryNumber>("tracking number", [tracking_number])?;
    client.check::<CustomerNumber>("customer number", [customer_number])?;
    client.check::<AttachmentId>("attachment ID", [attachment_id])?;
    let path = format!(
        "v1/customers/{customer_number}/inquiries/{tracking_number}/attachments/{attachment_id}"
    );
    let transfers = backend.transfers();
    let Some(response) = transfers.download(client, &path).await? else {
        return Ok(None);
    };
    let attachment = announced(response.headers(), attachment_id)
        .map_err(|detail| client.contract_violation(detail))?;
    let body = checked_download(
        response.bytes_stream(),
        attachment.size,
        attachment.sha256.clone(),
        transfers.timeout(),
    );
    Ok(Some(AttachmentDownload { attachment, body }))
}

/// The attachment a download's headers announce; what is missing or wrong, if anything.
fn announced(headers: &HeaderMap, id: &str) -> Result<InquiryAttachment, String> {
    let text = |name: reqwest::header::HeaderName| {
        headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .ok_or(format!("the download has no readable {name} header"))
    };
    let content_type = text(CONTENT_TYPE)?.to_owned();
    let size: u64 = text(CONTENT_LENGTH)?
        .parse()
        .map_err(|_| "Content-Length is not a number".to_owned())?;
    let sha256 = text(reqwest::header::HeaderName::from_static("repr-digest"))
        .ok()
        .and_then(from_repr_digest)
        .ok_or("the download announces no SHA-256 (Repr-Digest: sha-256=:…:)".to_owned())?;
    let file_name = text(CONTENT_DISPOSITION)
        .ok()
        .and_then(file_name_of)
        .ok_or("the download names no file (Content-Disposition: filename*=UTF-8''…)")?;
    check_upload(&file_name, &content_type, size)
        .map_err(|e| format!("attachment {id} as announced: {e}"))?;
    Ok(InquiryAttachment {
        id: id.to_owned(),
        file_name,
        content_type,
        size,
        sha256,
    })
}

/// The file name of a `Content-Disposition` header's `filename*=UTF-8''…` parameter (RFC 6266,
/// RFC 8187), percent-decoded.
fn file_name_of(header: &str) -> Option<String> {
    header.split(';').find_map(|parameter| {
        let (name, value) = parameter.trim().split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("filename*") {
            return None;
        }
        let (charset, rest) = value.trim().split_once('\'')?;
        let (_language, encoded) = rest.split_once('\'')?;
        if !charset.eq_ignore_ascii_case("utf-8") {
            return None;
        }
        percent_decode_str(encoded)
            .decode_utf8()
            .ok()
            .map(|name| name.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_comes_out_of_content_disposition() {
        assert_eq!(
            file_name_of("attachment; filename*=UTF-8''factura%20a%C3%B1o.pdf").as_deref(),
            Some("factura año.pdf")
        );
        assert_eq!(
            file_name_of("attachment; filename=\"x.pdf\"; filename*=utf-8'en'x%2Fy.pdf").as_deref(),
            Some("x/y.pdf"),
            "decoded here; refused afterwards by the file name's rule"
        );
        assert_eq!(file_name_of("attachment; filename=\"x.pdf\""), None);
        assert_eq!(
            file_name_of("attachment; filename*=ISO-8859-1''x.pdf"),
            None
        );
    }
}
