//! The text format of every input: an HTTP-like message.
//!
//! ```text
//! FIRST LINE: space-separated words
//! name: value
//! name: value
//!
//! body, the rest of the input, byte for byte
//! ```
//!
//! Lines end with `\n` (a `\r` before it is dropped). A header line without a `:` is ignored; an
//! input without a blank line has no body. Nothing here ever fails: any bytes are a message.

/// One parsed input.
#[derive(Debug, Clone, Default)]
pub struct Message<'a> {
    /// The words of the first line.
    pub words: Vec<&'a [u8]>,
    /// The header lines, name and value (leading blanks of the value dropped), in order.
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    /// Everything after the blank line.
    pub body: &'a [u8],
}

impl<'a> Message<'a> {
    /// Reads `data` as a message.
    pub fn parse(data: &'a [u8]) -> Self {
        let mut rest = data;
        let mut message = Message::default();
        let Some(first) = next_line(&mut rest) else {
            return message;
        };
        message.words = first
            .split(|b| *b == b' ')
            .filter(|w| !w.is_empty())
            .collect();
        while let Some(line) = next_line(&mut rest) {
            if line.is_empty() {
                message.body = rest;
                return message;
            }
            if let Some(colon) = line.iter().position(|b| *b == b':') {
                let value = &line[colon + 1..];
                let start = value
                    .iter()
                    .position(|b| *b != b' ' && *b != b'\t')
                    .unwrap_or(value.len());
                message.headers.push((&line[..colon], &value[start..]));
            }
        }
        message
    }

    /// The `n`th word of the first line, as text (lossy), or `""`.
    pub fn word(&self, n: usize) -> String {
        self.words
            .get(n)
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .unwrap_or_default()
    }

    /// Which of `choices` the `n`th word names: its index when it is one of them, else an index
    /// derived from its bytes (so that every input makes some call, and a mutated name still
    /// reaches one).
    pub fn choice(&self, n: usize, choices: &[&str]) -> usize {
        assert!(!choices.is_empty(), "something to choose from");
        let word = self.words.get(n).copied().unwrap_or_default();
        choices
            .iter()
            .position(|c| c.as_bytes() == word)
            .unwrap_or_else(|| {
                word.iter()
                    .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(*b as usize))
                    % choices.len()
            })
    }
}

/// The next line of `rest` without its line end, advancing `rest` past it; `None` at the end.
fn next_line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    if rest.is_empty() {
        return None;
    }
    let (line, after) = match rest.iter().position(|b| *b == b'\n') {
        Some(end) => (&rest[..end], &rest[end + 1..]),
        None => (*rest, &rest[rest.len()..]),
    };
    *rest = after;
    Some(line.strip_suffix(b"\r").unwrap_or(line))
}
