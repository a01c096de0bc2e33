//! Links to inquiry attachments (placeholder: written by the attachment-download slice).
