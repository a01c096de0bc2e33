//! The little Markdown reading the doc checks need: fenced code blocks and the text under a
//! heading. Not a Markdown parser: the docs are written plainly enough for this.

/// One fenced code block.
pub struct CodeBlock {
    /// The info string after the opening fence (`graphql`, `sh`, ...).
    pub language: String,
    /// The block's text, without the fences.
    pub text: String,
    /// The line of the opening fence, counted from 1.
    pub line: usize,
}

/// Every fenced (```` ``` ````) code block of `text`, in order.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<CodeBlock> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.as_mut() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some(CodeBlock {
                        language: info.trim().to_owned(),
                        text: String::new(),
                        line: index + 1,
                    });
                }
            }
            Some(block) => {
                if trimmed.starts_with("```") {
                    blocks.extend(open.take());
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "a code block is never closed");
    blocks
}

/// The text of every section whose heading contains `needle`, up to the next heading of the
/// same or a higher level (code blocks are not headings).
pub fn sections_headed(text: &str, needle: &str) -> Vec<String> {
    let mut sections = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let level = if in_code {
            0
        } else {
            line.chars().take_while(|c| *c == '#').count()
        };
        let is_heading = level > 0 && line[level..].starts_with(' ');
        if is_heading {
            if let Some((open_level, body)) = current.take() {
                if level > open_level {
                    current = Some((open_level, body));
                } else {
                    sections.push(body);
                }
            }
            if current.is_none() && line.contains(needle) {
                current = Some((level, String::new()));
                continue;
            }
        }
        if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    sections.extend(current.map(|(_, body)| body));
    sections
}

/// Whether `code` appears in `text` as inline code, `` `CODE` ``.
pub fn mentions_code(text: &str, code: &str) -> bool {
    text.contains(&format!("`{code}`"))
}
