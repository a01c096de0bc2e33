//! A safe name for an uploaded file: whatever a client sent (a path, control characters, a name
//! made to break a header or a file system) becomes a plain name of letters, digits, spaces,
//! dots, dashes and underscores, at most [`MAX_NAME`] characters, with the extension of the type
//! its bytes are — so `../../etc/passwd` or `invoice.pdf\r\nX-Evil: 1` cannot travel on.

use super::sniff::FileKind;

/// The longest name kept, extension included.
pub const MAX_NAME: usize = 100;

/// The name `sent` becomes for a file whose bytes are `kind`.
pub fn safe_file_name(sent: &str, kind: FileKind) -> String {
    // The last path component only, whichever separator the client's system uses.
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // No hidden files, no "..", no name of dots and spaces only.
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ' || c == '_');
    let extension = kind.extension();
    let stem = match trimmed.rsplit_once('.') {
        Some((stem, _)) => stem.trim_end_matches(['.', ' ']),
        None => trimmed,
    };
    let stem = if stem.is_empty() { "attachment" } else { stem };
    let room = MAX_NAME - extension.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{extension}", stem.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_plain_ones_with_the_true_extension() {
        let cases = [
            ("invoice.pdf", FileKind::Pdf, "invoice.pdf"),
            ("../../etc/passwd", FileKind::Text, "passwd.txt"),
            ("C:\\Users\\x\\Scan 01.PNG", FileKind::Png, "Scan 01.png"),
            ("report.xlsx\r\nX-Evil: 1", FileKind::Xlsx, "report.xlsx"),
            (".htaccess", FileKind::Text, "htaccess.txt"),
            ("...", FileKind::Pdf, "attachment.pdf"),
            ("", FileKind::Csv, "attachment.csv"),
            ("tool.exe", FileKind::Pdf, "tool.pdf"),
            ("Factura ñ €.pdf", FileKind::Pdf, "Factura ñ _.pdf"),
        ];
        for (sent, kind, expected) in cases {
            assert_eq!(safe_file_name(sent, kind), expected, "{sent:?}");
        }
        let long = safe_file_name(&"a".repeat(5_000), FileKind::Docx);
        assert_eq!(long.chars().count(), MAX_NAME);
        assert!(long.ends_with(".docx"));
    }
}
