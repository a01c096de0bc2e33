//! Text for the contract PDF: WinAnsi bytes (what the standard Helvetica fonts show without an
//! embedded font), Helvetica's widths to wrap lines that stay on the page, and amounts written
//! with their currency's decimals.

use rust_decimal::{Decimal, RoundingStrategy};

/// What a cut text ends with.
const ELLIPSIS: &[u8] = b"...";

/// Helvetica's advance widths for the bytes 0x20 to 0x7E (Adobe's AFM metrics), in
/// thousandths of the font size.
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '–'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
    556, // '0'–'?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
    778, // '@'–'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, // 'P'–'_'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
    556, // '`'–'o'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p'–'~'
];

/// `text` in WinAnsiEncoding (Windows-1252): Latin-1 as is, the euro sign and typographic
/// punctuation at their places, a space for a control character, `?` for the rest.
pub(super) fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(c).unwrap_or(b'?'),
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            c if c.is_control() => b' ',
            _ => b'?',
        })
        .collect()
}

/// The width of `text` (WinAnsi bytes) in Helvetica at `size`, in points; a generous bound for
/// a byte outside ASCII (Helvetica-Bold is at most a tenth wider, which the callers allow for).
pub(super) fn width(text: &[u8], size: f32) -> f32 {
    let units: u32 = text
        .iter()
        .map(|&byte| match byte.checked_sub(b' ') {
            Some(at) if usize::from(at) < HELVETICA_WIDTHS.len() => {
                u32::from(HELVETICA_WIDTHS[usize::from(at)])
            }
            _ => 1000,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` word-wrapped into lines at most `max_width` wide at `size` (a word too long for a
/// line is split), its line breaks kept, at most `max_lines` (the last ending in an ellipsis
/// when some were dropped).
pub(super) fn wrap(text: &str, size: f32, max_width: f32, max_lines: usize) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for paragraph in text.lines() {
        let mut line: Vec<u8> = Vec::new();
        for word in paragraph.split_whitespace() {
            for piece in split_word(win_ansi(word), size, max_width) {
                let candidate = if line.is_empty() {
                    piece.clone()
                } else {
                    [line.as_slice(), b" ", piece.as_slice()].concat()
                };
                if width(&candidate, size) <= max_width {
                    line = candidate;
                } else {
                    lines.push(std::mem::replace(&mut line, piece));
                }
            }
        }
        lines.push(line);
    }
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            let room = max_width - width(ELLIPSIS, size);
            while !last.is_empty() && width(last, size) > room {
                last.pop();
            }
            last.extend_from_slice(ELLIPSIS);
        }
    }
    lines
}

/// `word` in pieces each at most `max_width` wide.
fn split_word(word: Vec<u8>, size: f32, max_width: f32) -> Vec<Vec<u8>> {
    if width(&word, size) <= max_width {
        return vec![word];
    }
    let mut pieces = Vec::new();
    let mut piece = Vec::new();
    for byte in word {
        if !piece.is_empty() && width(&piece, size) + width(&[byte], size) > max_width {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push(byte);
    }
    pieces.push(piece);
    pieces
}

/// `amount` with its currency's decimals (none for the yen), thousands separated, and the
/// currency code: `184,500.00 USD`, `18,600,000 JPY`.
pub(super) fn money(amount: Decimal, currency: &str) -> String {
    let digits: u32 = match currency {
        "JPY" | "KRW" | "CLP" | "ISK" => 0,
        _ => 2,
    };
    let rounded = amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.*}", digits as usize, rounded.abs());
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let mut grouped = String::new();
    for (at, digit) in whole.chars().enumerate() {
        if at > 0 && (whole.len() - at).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let point = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{grouped}{point}{fraction} {currency}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_their_currencys_decimals_and_separators() {
        let amount = |text: &str| text.parse::<Decimal>().expect("a decimal");
        assert_eq!(money(amount("184500"), "USD"), "184,500.00 USD");
        assert_eq!(money(amount("18600000"), "JPY"), "18,600,000 JPY");
        assert_eq!(money(amount("999.995"), "EUR"), "1,000.00 EUR");
        assert_eq!(money(amount("-12.5"), "EUR"), "-12.50 EUR");
    }

    #[test]
    fn wrapped_lines_fit_and_are_capped() {
        let text = "Wide WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW words ".repeat(20);
        let lines = wrap(&text, 10.0, 200.0, 5);
        assert_eq!(lines.len(), 5);
        assert!(lines.iter().all(|l| width(l, 10.0) <= 200.0));
        assert!(lines[4].ends_with(ELLIPSIS));
        assert_eq!(win_ansi("Größe 5 €\u{7}"), b"Gr\xf6\xdfe 5 \x80 ");
    }
}
