//! Printable copies of the sandbox billing system's documents.
//!
//! The real billing instances serve every invoice and credit note as a PDF; so the simulator has
//! to as well, or the gateway's document download could only be tested against a stub that no
//! PDF reader would open. This module writes small but genuine A4 PDFs: the standard Helvetica
//! fonts with WinAnsiEncoding (nothing embedded), a header with the document's facts, the
//! invoice lines as a table that continues on as many pages as it needs, and the totals.
//!
//! The output is deterministic — no timestamps, no random file identifier, uncompressed content
//! streams — so the same document always gives the same bytes and tests can look for its text.

use std::ops::Range;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::amounts::minor_digits;
use crate::model::{CreditNote, Invoice, InvoiceLine, InvoiceStatus};

/// A4 width, in points.
const PAGE_WIDTH: f32 = 595.0;
/// A4 height, in points.
const PAGE_HEIGHT: f32 = 842.0;
/// Left edge of the text block.
const LEFT: f32 = 50.0;
/// Right edge of the text block.
const RIGHT: f32 = 545.0;
/// Width of the text block.
const CONTENT_WIDTH: f32 = RIGHT - LEFT;
/// The lowest baseline the body (table rows, totals, notes) may use.
const BODY_BOTTOM: f32 = 64.0;
/// Baseline of the footer.
const FOOTER_Y: f32 = 30.0;

/// Baseline of the first header field on the first page.
const FIELDS_TOP: f32 = 752.0;
/// Distance between header field rows.
const FIELD_LEADING: f32 = 14.0;
/// Baseline of the table's column titles on a continuation page.
const CONTINUED_TABLE_TOP: f32 = 756.0;
/// From the column titles' baseline down to the first row's.
const FIRST_ROW_OFFSET: f32 = 18.0;
/// Distance between table rows.
const ROW_HEIGHT: f32 = 13.0;
/// Distance between totals.
const TOTAL_LEADING: f32 = 15.0;
/// Distance between the lines of a note (a dispute or credit reason).
const NOTE_LEADING: f32 = 12.0;
/// The most lines a note may take; a longer one is cut, so it always fits one page.
const MAX_NOTE_LINES: usize = 40;
/// What a cut text ends with.
const ELLIPSIS: &[u8] = b"...";

/// An invoice's printable copy: a real, one-or-more-page A4 PDF.
///
/// `company` is the issuing company's name, printed in the header. Amounts are printed with the
/// invoice currency's minor digits and thousands separators; the line table continues on further
/// pages when it does not fit on the first, and the totals (and a dispute's reason) follow it.
pub fn invoice_pdf(invoice: &Invoice, company: &str) -> Vec<u8> {
    render(
        &invoice_heading(invoice, company),
        &invoice_table(invoice),
        &invoice_tail(invoice),
    )
}

/// A credit note's printable copy: a real A4 PDF (one page: a credit note has no lines).
///
/// `company` is the issuing company's name, printed in the header.
pub fn credit_note_pdf(note: &CreditNote, company: &str) -> Vec<u8> {
    render(
        &credit_note_heading(note, company),
        &credit_note_table(note),
        &credit_note_tail(note),
    )
}

// ---------------------------------------------------------------------------------------------
// The documents' contents
// ---------------------------------------------------------------------------------------------

/// The invoice table's columns.
const INVOICE_COLUMNS: &[Column] = &[
    Column::new("No.", 50.0, 18.0, Align::Right),
    Column::new("Part number", 74.0, 66.0, Align::Left),
    Column::new("Description", 146.0, 116.0, Align::Left),
    Column::new("Serial number", 268.0, 62.0, Align::Left),
    Column::new("Qty", 334.0, 26.0, Align::Right),
    Column::new("Unit price", 364.0, 58.0, Align::Right),
    Column::new("Tax", 426.0, 50.0, Align::Right),
    Column::new("Total", 480.0, 65.0, Align::Right),
];

/// The credit note table's columns.
const CREDIT_NOTE_COLUMNS: &[Column] = &[
    Column::new("Description", 50.0, 370.0, Align::Left),
    Column::new("Amount", 430.0, 115.0, Align::Right),
];

fn invoice_heading(invoice: &Invoice, company: &str) -> Heading {
    let mut left = vec![
        Field::new("Customer number", &invoice.customer_number),
        Field::new("Country", &invoice.country),
    ];
    if let Some(order) = &invoice.order_number {
        left.push(Field::new("Order number", order));
    }
    if let Some(po) = &invoice.po_number {
        left.push(Field::new("PO number", po));
    }
    let right = vec![
        Field::new("Invoice date", &invoice.invoice_date.to_string()),
        Field::new("Due date", &invoice.due_date.to_string()),
        Field::new("Status", status_label(invoice.status)),
        Field::new("Currency", &invoice.currency),
    ];
    Heading {
        title: "Invoice",
        number: invoice.invoice_number.clone(),
        company: company.to_owned(),
        left,
        right,
    }
}

fn invoice_table(invoice: &Invoice) -> Table {
    Table {
        columns: INVOICE_COLUMNS,
        rows: invoice
            .lines
            .iter()
            .map(|line| invoice_row(line, &invoice.currency))
            .collect(),
    }
}

fn invoice_row(line: &InvoiceLine, currency: &str) -> Vec<Vec<u8>> {
    vec![
        line.line_number.to_string().into_bytes(),
        win_ansi(&line.product_code),
        win_ansi(&line.description),
        win_ansi(line.serial_number.as_deref().unwrap_or("")),
        group_thousands(&line.quantity.to_string()).into_bytes(),
        amount_text(line.unit_price, currency).into_bytes(),
        amount_text(line.tax, currency).into_bytes(),
        amount_text(line.total, currency).into_bytes(),
    ]
}

fn invoice_tail(invoice: &Invoice) -> Tail {
    let currency = &invoice.currency;
    Tail {
        totals: vec![
            Total::new("Subtotal", money_text(invoice.subtotal, currency), false),
            Total::new("Tax", money_text(invoice.tax_total, currency), false),
            Total::new("Total", money_text(invoice.total, currency), true),
        ],
        note: invoice
            .dispute_reason
            .as_deref()
            .and_then(|reason| Note::new("Dispute reason", reason)),
    }
}

fn status_label(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Open => "Open",
        InvoiceStatus::InReview => "In review",
        InvoiceStatus::Approved => "Approved",
        InvoiceStatus::Disputed => "Disputed",
        InvoiceStatus::Paid => "Paid",
    }
}

fn credit_note_heading(note: &CreditNote, company: &str) -> Heading {
    Heading {
        title: "Credit note",
        number: note.credit_note_number.clone(),
        company: company.to_owned(),
        left: vec![
            Field::new("Customer number", &note.customer_number),
            Field::new("Country", &note.country),
            Field::new("Credits invoice", &note.invoice_number),
        ],
        right: vec![
            Field::new("Issue date", &note.issue_date.to_string()),
            Field::new("Currency", &note.currency),
        ],
    }
}

fn credit_note_table(note: &CreditNote) -> Table {
    let description = format!("Credit against invoice {}", note.invoice_number);
    Table {
        columns: CREDIT_NOTE_COLUMNS,
        rows: vec![vec![
            win_ansi(&description),
            amount_text(note.amount, &note.currency).into_bytes(),
        ]],
    }
}

fn credit_note_tail(note: &CreditNote) -> Tail {
    Tail {
        totals: vec![Total::new(
            "Total credited",
            money_text(note.amount, &note.currency),
            true,
        )],
        note: Note::new("Reason", &note.reason),
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: a heading, a table that may span pages, and a tail (totals and a note)
// ---------------------------------------------------------------------------------------------

/// One label and value of the header.
struct Field {
    label: &'static str,
    value: Vec<u8>,
}

impl Field {
    fn new(label: &'static str, value: &str) -> Self {
        Self {
            label,
            value: win_ansi(value),
        }
    }
}

/// What every page's top says.
struct Heading {
    /// "Invoice" or "Credit note".
    title: &'static str,
    /// The document's number.
    number: String,
    /// The issuing company.
    company: String,
    /// The header fields of the left column.
    left: Vec<Field>,
    /// The header fields of the right column.
    right: Vec<Field>,
}

impl Heading {
    /// "Invoice 123": the document's name, as the PDF's title and the pages' banner.
    fn name(&self) -> String {
        format!("{} {}", self.title, self.number)
    }

    /// Baseline of the table's column titles on the first page.
    fn first_table_top(&self) -> f32 {
        let rows = self.left.len().max(self.right.len()) as f32;
        FIELDS_TOP - FIELD_LEADING * rows - 10.0
    }

    /// Paints the first page's header; returns where the table starts.
    fn paint_first(&self, painter: &mut Painter) -> f32 {
        let banner = win_ansi(&self.name());
        painter.text(
            LEFT,
            784.0,
            Style::bold(18.0).fitted(&banner, 300.0),
            &banner,
        );
        let company = win_ansi(&self.company);
        let style = Style::bold(12.0).fitted(&company, 185.0);
        painter.text_right(RIGHT, 786.0, style, &company);
        painter.rule(LEFT, RIGHT, 772.0, 0.75);
        paint_fields(painter, &self.left, LEFT, 85.0, 170.0);
        paint_fields(painter, &self.right, 310.0, 85.0, 150.0);
        self.first_table_top()
    }

    /// Paints a continuation page's header; returns where the table starts.
    fn paint_continued(&self, painter: &mut Painter) -> f32 {
        let banner = win_ansi(&format!("{} (continued)", self.name()));
        painter.text(
            LEFT,
            788.0,
            Style::bold(12.0).fitted(&banner, 300.0),
            &banner,
        );
        let company = win_ansi(&self.company);
        let style = Style::bold(10.0).fitted(&company, 185.0);
        painter.text_right(RIGHT, 788.0, style, &company);
        painter.rule(LEFT, RIGHT, 778.0, 0.75);
        CONTINUED_TABLE_TOP
    }

    /// Paints the footer: the document's name and the page number.
    fn paint_footer(&self, painter: &mut Painter, page: usize, pages: usize) {
        let style = Style::regular(8.0).muted();
        let name = truncated(win_ansi(&self.name()), style, 380.0);
        painter.text(LEFT, FOOTER_Y, style, &name);
        let number = format!("Page {page} of {pages}").into_bytes();
        painter.text_right(RIGHT, FOOTER_Y, style, &number);
    }
}

/// Paints one column of header fields: a muted label and, `value_offset` to its right, the value.
fn paint_fields(painter: &mut Painter, fields: &[Field], x: f32, value_offset: f32, width: f32) {
    let mut y = FIELDS_TOP;
    for field in fields {
        painter.text(x, y, Style::regular(9.0).muted(), field.label.as_bytes());
        let value = truncated(field.value.clone(), Style::regular(9.0), width);
        painter.text(x + value_offset, y, Style::regular(9.0), &value);
        y -= FIELD_LEADING;
    }
}

/// How a column's cells are aligned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    /// Text: starts at the column's left edge, cut when too long.
    Left,
    /// Numbers: end at the column's right edge, set smaller when too wide.
    Right,
}

/// One column of a table.
struct Column {
    title: &'static str,
    x: f32,
    width: f32,
    align: Align,
}

impl Column {
    const fn new(title: &'static str, x: f32, width: f32, align: Align) -> Self {
        Self {
            title,
            x,
            width,
            align,
        }
    }

    /// Paints one cell of this column at baseline `y`.
    fn paint(&self, painter: &mut Painter, y: f32, style: Style, text: &[u8]) {
        match self.align {
            Align::Left => {
                let text = truncated(text.to_vec(), style, self.width);
                painter.text(self.x, y, style, &text);
            }
            Align::Right => {
                let style = style.fitted(text, self.width);
                painter.text_right(self.x + self.width, y, style, text);
            }
        }
    }
}

/// A table: its columns, and its rows as one WinAnsi text per column.
struct Table {
    columns: &'static [Column],
    rows: Vec<Vec<Vec<u8>>>,
}

impl Table {
    /// Paints the column titles at `top` and then `rows`; returns the table's bottom edge.
    fn paint(&self, painter: &mut Painter, top: f32, rows: Range<usize>) -> f32 {
        painter.band(LEFT, top - 4.0, CONTENT_WIDTH, 13.0, 0.9);
        for column in self.columns {
            column.paint(painter, top, Style::bold(8.0), column.title.as_bytes());
        }
        let mut y = top - FIRST_ROW_OFFSET;
        for row in self.rows.get(rows.clone()).unwrap_or_default() {
            for (column, cell) in self.columns.iter().zip(row) {
                column.paint(painter, y, Style::regular(8.0), cell);
            }
            y -= ROW_HEIGHT;
        }
        let bottom = table_bottom(top, rows.len());
        painter.rule(LEFT, RIGHT, bottom, 0.5);
        bottom
    }
}

/// The bottom edge of a table whose titles are at `top` and which has `rows` rows.
fn table_bottom(top: f32, rows: usize) -> f32 {
    top - FIRST_ROW_OFFSET + ROW_HEIGHT - 5.0 - ROW_HEIGHT * rows as f32
}

/// How many rows fit below column titles at `top` (at least one, so pagination advances).
fn rows_fitting(top: f32) -> usize {
    let room = top - FIRST_ROW_OFFSET - BODY_BOTTOM;
    (room / ROW_HEIGHT).floor().max(0.0) as usize + 1
}

/// One amount below the table.
struct Total {
    label: &'static str,
    amount: Vec<u8>,
    emphasis: bool,
}

impl Total {
    fn new(label: &'static str, amount: String, emphasis: bool) -> Self {
        Self {
            label,
            amount: amount.into_bytes(),
            emphasis,
        }
    }
}

/// A labelled paragraph below the totals, wrapped to the text block.
struct Note {
    label: &'static str,
    lines: Vec<Vec<u8>>,
}

impl Note {
    /// A note saying `text`, or `None` when it says nothing.
    fn new(label: &'static str, text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let style = Style::regular(9.0);
        let lines = capped(wrap(text, style, CONTENT_WIDTH), style, CONTENT_WIDTH);
        Some(Self { label, lines })
    }
}

/// What follows the table, all on one page: the totals and an optional note.
struct Tail {
    totals: Vec<Total>,
    note: Option<Note>,
}

impl Tail {
    /// The height it needs below the table.
    fn height(&self) -> f32 {
        let totals = 16.0 + TOTAL_LEADING * self.totals.len().saturating_sub(1) as f32;
        let note = self
            .note
            .as_ref()
            .map_or(0.0, |note| 24.0 + NOTE_LEADING * note.lines.len() as f32);
        totals + note
    }

    /// Paints it below `top`.
    fn paint(&self, painter: &mut Painter, top: f32) {
        let mut y = top - 16.0;
        for total in &self.totals {
            let style = if total.emphasis {
                Style::bold(10.0)
            } else {
                Style::regular(9.0)
            };
            painter.text_right(420.0, y, style, total.label.as_bytes());
            let amount = style.fitted(&total.amount, 120.0);
            painter.text_right(RIGHT, y, amount, &total.amount);
            y -= TOTAL_LEADING;
        }
        if let Some(note) = &self.note {
            y += TOTAL_LEADING - 24.0;
            painter.text(LEFT, y, Style::bold(9.0), note.label.as_bytes());
            for line in &note.lines {
                y -= NOTE_LEADING;
                painter.text(LEFT, y, Style::regular(9.0), line);
            }
        }
    }
}

/// What one page holds: a slice of the table's rows, and whether the tail follows them.
struct PagePlan {
    rows: Range<usize>,
    tail: bool,
}

/// Splits `rows` table rows over pages so that the tail (`tail_height` high) ends the last one.
fn paginate(rows: usize, tail_height: f32, first_top: f32) -> Vec<PagePlan> {
    let mut plans = Vec::new();
    let mut start = 0;
    loop {
        let top = if plans.is_empty() {
            first_top
        } else {
            CONTINUED_TABLE_TOP
        };
        let end = rows.min(start + rows_fitting(top));
        if end < rows {
            plans.push(PagePlan {
                rows: start..end,
                tail: false,
            });
            start = end;
            continue;
        }
        let tail_fits = table_bottom(top, end - start) - tail_height >= BODY_BOTTOM;
        plans.push(PagePlan {
            rows: start..end,
            tail: tail_fits,
        });
        if !tail_fits {
            plans.push(PagePlan {
                rows: rows..rows,
                tail: true,
            });
        }
        return plans;
    }
}

/// Lays the document out and writes it as a PDF.
fn render(heading: &Heading, table: &Table, tail: &Tail) -> Vec<u8> {
    let plans = paginate(table.rows.len(), tail.height(), heading.first_table_top());
    let pages: Vec<Vec<u8>> = plans
        .iter()
        .enumerate()
        .map(|(index, plan)| paint_page(heading, table, tail, plan, index, plans.len()))
        .collect();
    assemble(&heading.name(), &pages)
}

/// Paints page `index` (from 0) of `count`.
fn paint_page(
    heading: &Heading,
    table: &Table,
    tail: &Tail,
    plan: &PagePlan,
    index: usize,
    count: usize,
) -> Vec<u8> {
    let mut painter = Painter::new();
    let top = if index == 0 {
        heading.paint_first(&mut painter)
    } else {
        heading.paint_continued(&mut painter)
    };
    let below_table = if index == 0 || !plan.rows.is_empty() {
        table.paint(&mut painter, top, plan.rows.clone())
    } else {
        top + 10.0
    };
    if plan.tail {
        tail.paint(&mut painter, below_table);
    }
    heading.paint_footer(&mut painter, index + 1, count);
    painter.finish()
}

// ---------------------------------------------------------------------------------------------
// Writing the PDF
// ---------------------------------------------------------------------------------------------

/// Writes the PDF file: catalog, page tree, the pages with their content, fonts and info.
fn assemble(title: &str, pages: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut ids = Ref::new(1);
    let catalog = ids.bump();
    let tree = ids.bump();
    let regular = ids.bump();
    let bold = ids.bump();
    let info = ids.bump();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (ids.bump(), ids.bump())).collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|&(page, _)| page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    for (&(page, content), stream) in page_ids.iter().zip(pages) {
        write_page(&mut pdf, [tree, page, content, regular, bold]);
        pdf.stream(content, stream);
    }
    write_font(&mut pdf, regular, Font::Regular);
    write_font(&mut pdf, bold, Font::Bold);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("supportgraph billing sandbox"));
    pdf.finish()
}

/// Writes one page object; `ids` are the page tree's, the page's, its content's and the fonts'.
fn write_page(pdf: &mut Pdf, ids: [Ref; 5]) {
    let [tree, page_id, content, regular, bold] = ids;
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
        .parent(tree)
        .contents(content);
    page.resources()
        .fonts()
        .pair(Font::Regular.resource_name(), regular)
        .pair(Font::Bold.resource_name(), bold);
    page.finish();
}

/// Writes a standard Type 1 font object with WinAnsiEncoding.
fn write_font(pdf: &mut Pdf, id: Ref, font: Font) {
    pdf.type1_font(id)
        .base_font(Name(font.base_font()))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
}

/// Paints one page's content stream.
struct Painter {
    content: Content,
}

impl Painter {
    fn new() -> Self {
        Self {
            content: Content::new(),
        }
    }

    /// Shows `text` (WinAnsi bytes) starting at (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, style: Style, text: &[u8]) {
        if text.is_empty() {
            return;
        }
        self.content.set_fill_gray(style.gray);
        self.content
            .begin_text()
            .set_font(style.font.resource_name(), style.size)
            .next_line(x, y)
            .show(Str(text))
            .end_text();
    }

    /// Shows `text` ending at `right`.
    fn text_right(&mut self, right: f32, y: f32, style: Style, text: &[u8]) {
        self.text(right - style.width(text), y, style, text);
    }

    /// Draws a horizontal line from `x1` to `x2` at `y`.
    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.content
            .set_stroke_gray(0.0)
            .set_line_width(width)
            .move_to(x1, y)
            .line_to(x2, y)
            .stroke();
    }

    /// Fills a grey rectangle (behind the column titles).
    fn band(&mut self, x: f32, y: f32, width: f32, height: f32, gray: f32) {
        self.content
            .set_fill_gray(gray)
            .rect(x, y, width, height)
            .fill_nonzero();
    }

    fn finish(self) -> Vec<u8> {
        self.content.finish().into_vec()
    }
}

// ---------------------------------------------------------------------------------------------
// Fonts, text measurement and fitting
// ---------------------------------------------------------------------------------------------

/// The two standard fonts used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    /// Its name in the pages' resources.
    fn resource_name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// Its PostScript name: one of the standard 14 fonts every reader has.
    fn base_font(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        }
    }

    /// The advance width of a WinAnsi byte, in thousandths of the font size.
    fn glyph_width(self, byte: u8) -> u16 {
        let table = match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        match byte.checked_sub(b' ') {
            Some(index) if usize::from(index) < table.len() => table[usize::from(index)],
            _ => extended_width(byte),
        }
    }
}

/// How a piece of text is set.
#[derive(Clone, Copy)]
struct Style {
    font: Font,
    size: f32,
    /// Fill grey level: 0 black, 1 white.
    gray: f32,
}

impl Style {
    fn regular(size: f32) -> Self {
        Self {
            font: Font::Regular,
            size,
            gray: 0.0,
        }
    }

    fn bold(size: f32) -> Self {
        Self {
            font: Font::Bold,
            ..Self::regular(size)
        }
    }

    /// The same, in grey (for labels).
    fn muted(self) -> Self {
        Self { gray: 0.4, ..self }
    }

    /// The width of `text` (WinAnsi bytes), in points.
    fn width(self, text: &[u8]) -> f32 {
        let units: u32 = text
            .iter()
            .map(|&byte| u32::from(self.font.glyph_width(byte)))
            .sum();
        units as f32 * self.size / 1000.0
    }

    /// The same, set smaller if need be so that `text` is at most `max_width` wide.
    fn fitted(self, text: &[u8], max_width: f32) -> Self {
        let width = self.width(text);
        if width <= max_width {
            return self;
        }
        Self {
            size: (self.size * max_width / width).max(4.0),
            ..self
        }
    }
}

/// `text`, cut and ended with an ellipsis if it is wider than `max_width`.
fn truncated(mut text: Vec<u8>, style: Style, max_width: f32) -> Vec<u8> {
    if style.width(&text) <= max_width {
        return text;
    }
    let room = max_width - style.width(ELLIPSIS);
    while !text.is_empty() && style.width(&text) > room {
        text.pop();
    }
    while text.last() == Some(&b' ') {
        text.pop();
    }
    text.extend_from_slice(ELLIPSIS);
    text
}

/// `text` word-wrapped into lines (WinAnsi bytes) at most `max_width` wide; line breaks kept.
fn wrap(text: &str, style: Style, max_width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = Vec::new();
        for word in paragraph.split_whitespace() {
            for piece in split_word(win_ansi(word), style, max_width) {
                if line.is_empty() {
                    line = piece;
                    continue;
                }
                let candidate = [line.as_slice(), b" ", piece.as_slice()].concat();
                if style.width(&candidate) <= max_width {
                    line = candidate;
                } else {
                    lines.push(std::mem::replace(&mut line, piece));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// `word` in pieces each at most `max_width` wide (just `word` when it fits).
fn split_word(word: Vec<u8>, style: Style, max_width: f32) -> Vec<Vec<u8>> {
    if style.width(&word) <= max_width {
        return vec![word];
    }
    let mut pieces = Vec::new();
    let mut piece = Vec::new();
    for byte in word {
        if !piece.is_empty() && style.width(&piece) + style.width(&[byte]) > max_width {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push(byte);
    }
    pieces.push(piece);
    pieces
}

/// `lines`, cut to [`MAX_NOTE_LINES`] with an ellipsis ending the last when some were dropped.
fn capped(mut lines: Vec<Vec<u8>>, style: Style, max_width: f32) -> Vec<Vec<u8>> {
    if lines.len() <= MAX_NOTE_LINES {
        return lines;
    }
    lines.truncate(MAX_NOTE_LINES);
    if let Some(last) = lines.last_mut() {
        let mut text = std::mem::take(last);
        text.extend_from_slice(ELLIPSIS);
        *last = truncated(text, style, max_width);
    }
    lines
}

/// Helvetica's advance widths for the bytes 0x20 to 0x7E (Adobe's AFM metrics).
const HELVETICA_WIDTHS: [u16; 95] = [
    // ' ' to '/'
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    // '0' to '?'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    // '@' to 'O'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    // 'P' to '_'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    // '`' to 'o'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    // 'p' to '~'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold's advance widths for the bytes 0x20 to 0x7E (Adobe's AFM metrics).
const HELVETICA_BOLD_WIDTHS: [u16; 95] = [
    // ' ' to '/'
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    // '0' to '?'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    // '@' to 'O'
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    // 'P' to '_'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    // '`' to 'o'
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    // 'p' to '~'
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// A generous width for a byte outside printable ASCII (accented letters, symbols), in either
/// font: fitting only needs an upper bound, never a narrower guess.
fn extended_width(byte: u8) -> u16 {
    match byte {
        0x85 | 0x89 | 0x8C | 0x97 | 0x99 | 0xC6 => 1000,
        0x9C | 0xE6 => 944,
        0xC0..=0xDE => 778,
        _ => 611,
    }
}

// ---------------------------------------------------------------------------------------------
// Text encoding and number formatting
// ---------------------------------------------------------------------------------------------

/// `text` in WinAnsiEncoding (Windows-1252): one byte per character, `?` for a character the
/// encoding lacks, a space for a control character.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi_byte).collect()
}

/// The WinAnsi byte for `c`.
fn win_ansi_byte(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(c).unwrap_or(b'?'),
        c if c.is_control() => b' ',
        c => windows_1252_extra(c).unwrap_or(b'?'),
    }
}

/// The byte for a character outside Latin-1 that Windows-1252 still has (0x80 to 0x9F), or for a
/// few look-alikes of ASCII punctuation.
fn windows_1252_extra(c: char) -> Option<u8> {
    let byte = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => b'-',
        '\u{2007}' | '\u{2009}' | '\u{200A}' | '\u{202F}' => b' ',
        _ => return None,
    };
    Some(byte)
}

/// `amount` with the currency's decimals and thousands separators: `12,345.60`, `1,234,567`.
fn amount_text(amount: Decimal, currency: &str) -> String {
    let digits = minor_digits(currency);
    let rounded = amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.*}", digits as usize, rounded.abs());
    let (whole, fraction) = match plain.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (plain.as_str(), None),
    };
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let grouped = group_thousands(whole);
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `amount` as [`amount_text`] with the currency code: `12,345.60 USD`.
fn money_text(amount: Decimal, currency: &str) -> String {
    format!("{} {currency}", amount_text(amount, currency))
}

/// A string of digits with a comma between each group of three: `1234567` → `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal::Decimal;

    use super::*;
    use crate::model::Region;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
    }

    fn line(number: u32, description: &str, quantity: u32, unit_price: Decimal) -> InvoiceLine {
        let tax = (unit_price * Decimal::from(quantity) * Decimal::new(19, 2)).round_dp(2);
        InvoiceLine {
            line_number: number,
            product_code: format!("PN-{number:04}"),
            description: description.to_owned(),
            serial_number: number.is_multiple_of(2).then(|| format!("SN{number:08}")),
            quantity,
            unit_price,
            tax,
            total: unit_price * Decimal::from(quantity) + tax,
        }
    }

    fn invoice(lines: Vec<InvoiceLine>) -> Invoice {
        let subtotal = lines
            .iter()
            .map(|l| l.unit_price * Decimal::from(l.quantity))
            .sum::<Decimal>();
        let tax_total = lines.iter().map(|l| l.tax).sum::<Decimal>();
        Invoice {
            invoice_number: "INV-2024-000123".into(),
            customer_number: "4711".into(),
            country: "DE".into(),
            region: Region::Emea,
            order_number: Some("ORD-99".into()),
            po_number: Some("PO (Q3) \\ 7".into()),
            invoice_date: day(2024, 7, 1),
            due_date: day(2024, 7, 31),
            currency: "EUR".into(),
            status: InvoiceStatus::Disputed,
            dispute_reason: Some("Line 2 was billed twice; please credit it.".into()),
            lines,
            subtotal,
            tax_total,
            total: subtotal + tax_total,
            updated_at: Utc
                .with_ymd_and_hms(2024, 7, 2, 9, 30, 0)
                .single()
                .expect("a valid instant"),
        }
    }

    fn credit_note() -> CreditNote {
        CreditNote {
            credit_note_number: "CN-0042".into(),
            customer_number: "4711".into(),
            country: "JP".into(),
            region: Region::Ap,
            invoice_number: "INV-2024-000123".into(),
            issue_date: day(2024, 8, 5),
            currency: "JPY".into(),
            amount: Decimal::new(1_234_567, 0),
            reason: "Returned hardware; crédit d’après l’accord.".into(),
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    /// How many `/Type /Page` objects (not `/Type /Pages`) the file has.
    fn page_count(pdf: &[u8]) -> usize {
        let needle = b"/Type /Page";
        pdf.windows(needle.len() + 1)
            .filter(|window| window.starts_with(needle) && window[needle.len()] != b's')
            .count()
    }

    /// `bytes` as pdf-writer writes a non-ASCII string: uppercase hex between angle brackets.
    fn hex_string(bytes: &[u8]) -> Vec<u8> {
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!("<{hex}>").into_bytes()
    }

    fn assert_is_pdf(pdf: &[u8]) {
        assert!(pdf.starts_with(b"%PDF-"), "no PDF header");
        let end = pdf.trim_ascii_end();
        assert!(end.ends_with(b"%%EOF"), "no end-of-file marker");
    }

    #[test]
    fn an_invoice_is_a_pdf_naming_its_number() {
        let pdf = invoice_pdf(
            &invoice(vec![line(1, "Server", 2, Decimal::new(1_234_560, 2))]),
            "Acme Systems GmbH",
        );
        assert_is_pdf(&pdf);
        assert!(contains(&pdf, b"(Invoice INV-2024-000123)"));
        assert!(contains(&pdf, b"(Acme Systems GmbH)"));
        assert!(contains(&pdf, b"(ORD-99)"));
        assert!(contains(&pdf, b"(Disputed)"));
        assert!(contains(&pdf, b"(12,345.60)"));
        assert!(contains(
            &pdf,
            b"(Line 2 was billed twice; please credit it.)"
        ));
        assert!(contains(&pdf, b"/BaseFont /Helvetica-Bold"));
        assert!(contains(&pdf, b"/Encoding /WinAnsiEncoding"));
        assert_eq!(page_count(&pdf), 1);
    }

    #[test]
    fn a_long_invoice_continues_on_further_pages() {
        let lines = (1..=60)
            .map(|n| line(n, "Maintenance contract", n, Decimal::new(9_999, 2)))
            .collect();
        let pdf = invoice_pdf(&invoice(lines), "Acme");
        assert_is_pdf(&pdf);
        assert!(page_count(&pdf) > 1);
        assert!(contains(&pdf, b"(Invoice INV-2024-000123 (continued))"));
        assert!(contains(&pdf, b"(PN-0060)"));
        assert!(contains(&pdf, b"(Page 2 of 2)"));
    }

    #[test]
    fn every_page_count_leaves_room_for_the_totals() {
        for count in 0..=120 {
            let lines = (1..=count)
                .map(|n| line(n, "Part", 1, Decimal::ONE))
                .collect();
            let pdf = invoice_pdf(&invoice(lines), "Acme");
            let pages = page_count(&pdf);
            assert!((1..=4).contains(&pages), "{count} lines on {pages} pages");
            assert!(contains(&pdf, b"(Total)"), "{count} lines: no total");
        }
    }

    #[test]
    fn accents_and_the_euro_sign_are_win_ansi_bytes() {
        assert_eq!(win_ansi("éüñ€"), vec![0xE9, 0xFC, 0xF1, 0x80]);
        assert_eq!(win_ansi("a✓\tb"), b"a? b".to_vec());
        let mut item = line(1, "Café Münster €", 1, Decimal::ONE);
        item.description = "Café Münster €".into();
        let pdf = invoice_pdf(&invoice(vec![item]), "Señor Ñandú S.A.");
        assert!(contains(&pdf, &hex_string(&win_ansi("Café Münster €"))));
        assert!(contains(&pdf, &hex_string(b"Se\xF1or \xD1and\xFA S.A.")));
    }

    #[test]
    fn the_same_invoice_gives_the_same_bytes() {
        let document = invoice(vec![line(1, "Server", 1, Decimal::TEN)]);
        assert_eq!(
            invoice_pdf(&document, "Acme"),
            invoice_pdf(&document, "Acme")
        );
        let note = credit_note();
        assert_eq!(
            credit_note_pdf(&note, "Acme"),
            credit_note_pdf(&note, "Acme")
        );
    }

    #[test]
    fn a_credit_note_is_a_pdf_with_its_amount_and_reason() {
        let pdf = credit_note_pdf(&credit_note(), "Acme KK");
        assert_is_pdf(&pdf);
        assert!(contains(&pdf, b"(Credit note CN-0042)"));
        assert!(contains(&pdf, b"(1,234,567 JPY)"));
        assert!(contains(&pdf, b"(Credit against invoice INV-2024-000123)"));
        assert!(contains(
            &pdf,
            &hex_string(&win_ansi("Returned hardware; crédit d’après l’accord."))
        ));
        assert_eq!(page_count(&pdf), 1);
    }

    #[test]
    fn long_descriptions_are_cut_and_long_reasons_capped() {
        let mut item = line(1, "", 1, Decimal::ONE);
        item.description = "A very long description ".repeat(20);
        let mut document = invoice(vec![item]);
        document.dispute_reason = Some("word ".repeat(5_000));
        let pdf = invoice_pdf(&document, "Acme");
        assert!(contains(&pdf, b"(A very long description A very...)"));
        assert_eq!(page_count(&pdf), 1);
    }

    #[test]
    fn amounts_use_the_currency_decimals_and_thousands_separators() {
        assert_eq!(
            money_text(Decimal::new(1_234_560, 2), "USD"),
            "12,345.60 USD"
        );
        assert_eq!(
            money_text(Decimal::new(1_234_567, 0), "JPY"),
            "1,234,567 JPY"
        );
        assert_eq!(money_text(Decimal::new(5, 1), "EUR"), "0.50 EUR");
        assert_eq!(
            money_text(Decimal::new(-123_456_789, 2), "EUR"),
            "-1,234,567.89 EUR"
        );
        assert_eq!(money_text(Decimal::new(-1, 3), "EUR"), "0.00 EUR");
        assert_eq!(money_text(Decimal::new(1_005, 3), "USD"), "1.01 USD");
        assert_eq!(group_thousands("100"), "100");
        assert_eq!(group_thousands("1000"), "1,000");
    }

    #[test]
    fn wrapping_breaks_between_words_and_inside_overlong_ones() {
        let style = Style::regular(10.0);
        let lines = wrap("aaa bbb ccc\n\nddd", style, style.width(b"aaa bbb"));
        assert_eq!(
            lines,
            vec![
                b"aaa bbb".to_vec(),
                b"ccc".to_vec(),
                Vec::new(),
                b"ddd".to_vec()
            ]
        );
        let pieces = wrap("abcdefgh", style, style.width(b"abc"));
        assert_eq!(
            pieces,
            vec![b"abc".to_vec(), b"def".to_vec(), b"gh".to_vec()]
        );
    }
}
