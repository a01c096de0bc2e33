//! A file's type from its bytes. Office files (XLSX, DOCX) are ZIP archives told apart by the
//! entries their central directory lists (`xl/…` or `word/…`), read from the end of the file, so
//! a ZIP of anything else is not mistaken for one. Text is UTF-8 without control characters
//! other than tab, line feed, carriage return and form feed; it is CSV when the name says so
//! (the bytes of a CSV and of a text file are the same kind of thing).

use std::io::{Read, Seek, SeekFrom};

/// The kinds of file the gateway accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// Plain UTF-8 text.
    Text,
    /// Comma-separated values (UTF-8 text named `.csv`).
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A Word document.
    Docx,
}

impl FileKind {
    /// The media type the gateway declares for it.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Text => "text/plain",
            Self::Csv => "text/csv",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    /// Its usual extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Text => "txt",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Docx => "docx",
        }
    }
}

/// How much of the start of a file is read to decide it.
const HEAD: usize = 64 * 1024;
/// How much of the end of a ZIP is read to find its central directory (the end record and a
/// maximal comment).
const TAIL: u64 = 66 * 1024;
/// The most central-directory bytes read (a few thousand entries).
const MAX_DIRECTORY: u64 = 1024 * 1024;

/// The kind of the file `file` holds (named `name` by the client, which only tells text from
/// CSV), or `None` when it is none the gateway accepts — or cannot be read.
pub fn sniff<F: Read + Seek>(file: &mut F, name: &str) -> Option<FileKind> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut head = Vec::with_capacity(HEAD);
    file.by_ref()
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileKind::Png);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileKind::Jpeg);
    }
    if head.starts_with(b"PK\x03\x04") {
        return office_kind(file);
    }
    if is_text(&head) {
        let csv = name.to_ascii_lowercase().ends_with(".csv");
        return Some(if csv { FileKind::Csv } else { FileKind::Text });
    }
    None
}

/// Whether `head` (a file's first bytes, possibly cut inside a character) is text.
fn is_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // Cut inside a character at the end of what was read: the rest must be whole.
        Err(error) if error.error_len().is_none() && head.len() >= HEAD => {
            match std::str::from_utf8(&head[..error.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// XLSX or DOCX by the names in the ZIP's central directory; `None` for any other ZIP.
fn office_kind<F: Read + Seek>(file: &mut F) -> Option<FileKind> {
    let len = file.seek(SeekFrom::End(0)).ok()?;
    let start = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut tail = Vec::new();
    file.by_ref().take(TAIL).read_to_end(&mut tail).ok()?;
    let end = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let directory_size = u32_at(&tail, end + 12)?;
    let directory_offset = u32_at(&tail, end + 16)?;
    if directory_size > MAX_DIRECTORY || directory_offset.checked_add(directory_size)? > len {
        return None;
    }
    file.seek(SeekFrom::Start(directory_offset)).ok()?;
    let mut directory = Vec::new();
    file.by_ref()
        .take(directory_size)
        .read_to_end(&mut directory)
        .ok()?;
    let (mut at, mut has_content_types, mut kind) = (0usize, false, None);
    while directory.get(at..at + 4) == Some(b"PK\x01\x02") {
        let name_len = u16_at(&directory, at + 28)? as usize;
        let extra_len = u16_at(&directory, at + 30)? as usize;
        let comment_len = u16_at(&directory, at + 32)? as usize;
        let name = directory.get(at + 46..at + 46 + name_len)?;
        if name == b"[Content_Types].xml" {
            has_content_types = true;
        } else if name.starts_with(b"xl/workbook") {
            kind = Some(FileKind::Xlsx);
        } else if name.starts_with(b"word/document") {
            kind = Some(FileKind::Docx);
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    kind.filter(|_| has_content_types)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    /// A ZIP (stored, no compression) holding these entries.
    fn zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            let body = b"<x/>";
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0, 0, 0, 0]); // crc (unchecked here)
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body);
            directory.extend_from_slice(b"PK\x01\x02");
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&[0, 0, 0, 0]);
            directory.extend_from_slice(&(body.len() as u32).to_le_bytes());
            directory.extend_from_slice(&(body.len() as u32).to_le_bytes());
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            // Extra and comment lengths, disk, internal and external attributes.
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let directory_offset = out.len() as u32;
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn kind(bytes: &[u8], name: &str) -> Option<FileKind> {
        sniff(&mut Cursor::new(bytes.to_vec()), name)
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(kind(b"%PDF-1.7\n...", "x.bin"), Some(FileKind::Pdf));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n....", "x.pdf"), Some(FileKind::Png));
        assert_eq!(
            kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "x.txt"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            kind("Grüße, 1;2\r\n".as_bytes(), "notes.txt"),
            Some(FileKind::Text)
        );
        assert_eq!(kind(b"a,b\r\n1,2\r\n", "Data.CSV"), Some(FileKind::Csv));
        // A Windows program, an ELF binary and a shell script disguised as documents.
        assert_eq!(kind(b"MZ\x90\x00\x03\x00\x00\x00", "invoice.pdf"), None);
        assert_eq!(kind(b"\x7fELF\x02\x01\x01", "scan.png"), None);
        assert_eq!(kind(b"text\x00with a NUL", "notes.txt"), None);
        assert_eq!(kind(b"", "empty.txt"), None);
    }

    #[test]
    fn office_files_are_told_apart_by_their_entries() {
        let xlsx = zip(&["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"]);
        let docx = zip(&["[Content_Types].xml", "word/document.xml"]);
        let jar = zip(&["META-INF/MANIFEST.MF", "Main.class"]);
        let fake = zip(&["xl/workbook.xml"]);
        assert_eq!(kind(&xlsx, "a.zip"), Some(FileKind::Xlsx));
        assert_eq!(kind(&docx, "a.xlsx"), Some(FileKind::Docx));
        assert_eq!(kind(&jar, "report.xlsx"), None);
        assert_eq!(kind(&fake, "report.xlsx"), None, "no [Content_Types].xml");
        let mut cut = xlsx.clone();
        cut.truncate(xlsx.len() - 10);
        assert_eq!(kind(&cut, "a.xlsx"), None, "a broken archive");
    }

    #[test]
    fn a_real_workbook_is_an_xlsx() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook
            .add_worksheet()
            .write_string(0, 0, "hello")
            .expect("written");
        let bytes = workbook.save_to_buffer().expect("saved");
        assert_eq!(kind(&bytes, "book.xlsx"), Some(FileKind::Xlsx));
        let mut file = tempfile::tempfile().expect("a temp file");
        file.write_all(&bytes).expect("written");
        assert_eq!(sniff(&mut file, "book"), Some(FileKind::Xlsx));
    }
}
