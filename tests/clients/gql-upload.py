"""Python gql uploading a document, as a partner's integration would: gql's own implementation of
the GraphQL multipart request spec (upload_files=True) submits an inquiry with a PDF, then reads
it back and downloads the attachment through its signed link. Without the CSRF preflight header
the same upload must be refused.

GATEWAY_URL is the gateway's base URL, GATEWAY_TOKEN a bearer token. Exits non-zero on failure.
"""

import hashlib
import io
import os
import sys

import requests
from gql import Client, FileVar, gql
from gql.transport.requests import RequestsHTTPTransport

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)

SUBMIT = gql(
    """
    mutation($file: Upload!) {
      submitInquiry(input: {
        category: INVOICES, customerNumber: "1000101",
        subject: "Signed delivery note", description: "The signed delivery note is attached.",
        attachments: [$file]
      }) {
        inquiry { trackingNumber attachments { fileName contentType size sha256 downloadUrl } }
        userErrors { code message }
      }
    }
    """
)


def transport(url: str, token: str, preflight: bool) -> RequestsHTTPTransport:
    headers = {"Authorization": f"Bearer {token}"}
    if preflight:
        headers["apollo-require-preflight"] = "true"
    return RequestsHTTPTransport(url=url, headers=headers, timeout=30, retries=0)


def main() -> int:
    url = os.environ["GATEWAY_URL"].rstrip("/") + "/graphql"
    token = os.environ["GATEWAY_TOKEN"]

    pdf = io.BytesIO(PDF)
    pdf.name = "delivery-note.pdf"
    with Client(transport=transport(url, token, preflight=True)) as session:
        result = session.execute(
            SUBMIT,
            variable_values={"file": FileVar(pdf, filename="delivery-note.pdf", content_type="application/pdf")},
            upload_files=True,
        )
    payload = result["submitInquiry"]
    if payload["userErrors"] or not payload["inquiry"]:
        print(f"FAIL the upload was refused: {payload}")
        return 1
    attachment = payload["inquiry"]["attachments"][0]
    if attachment["size"] != len(PDF) or attachment["sha256"] != hashlib.sha256(PDF).hexdigest():
        print(f"FAIL the stored attachment differs from the file sent: {attachment}")
        return 1
    print(f"ok   {payload['inquiry']['trackingNumber']} stored {attachment['fileName']} ({attachment['contentType']})")
    download = requests.get(attachment["downloadUrl"], timeout=30)
    if download.status_code != 200 or download.content != PDF:
        print(f"FAIL the signed link gave {download.status_code} and {len(download.content)} bytes")
        return 1
    print("ok   the signed link downloads the same bytes")

    pdf = io.BytesIO(PDF)
    pdf.name = "delivery-note.pdf"
    try:
        with Client(transport=transport(url, token, preflight=False)) as session:
            session.execute(
                SUBMIT,
                variable_values={"file": FileVar(pdf, filename="delivery-note.pdf")},
                upload_files=True,
            )
        print("FAIL an upload without the preflight header was accepted")
        return 1
    except Exception as error:  # gql raises TransportServerError for the 400
        print(f"ok   without the preflight header: refused ({str(error).splitlines()[0][:80]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
