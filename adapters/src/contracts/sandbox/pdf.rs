//! Each version's document: the contract as it was issued in that version, as a real one-page A4
//! PDF, since the gateway serves it to be read, printed and signed, and each version's
//! `document_sha256` must be the hash of exactly these bytes.
//!
//! Written here rather than shared with the billing simulator's PDFs, whose writer is private to
//! it; the same approach, smaller: the standard Helvetica fonts with WinAnsiEncoding (nothing
//! embedded), uncompressed content, no dates of its own and no random file identifier — so one
//! version always gives the same bytes, and only from what a version never changes (the
//! contract's number, title, type, parties, value, term, customer number, and the version's
//! number, date, author and summary; never the status, which moves on).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::model::{Contract, ContractSide, ContractType, ContractVersion};

mod text;

use text::{money, win_ansi, wrap};

/// A4, in points.
const PAGE: (f32, f32) = (595.0, 842.0);
/// The text block's left edge.
const LEFT: f32 = 56.0;
/// The text block's width.
const WIDTH: f32 = 483.0;
/// Where a field's value starts.
const VALUE_X: f32 = 190.0;
/// The lowest baseline the body may use: below are the signature block and the footer.
const BODY_BOTTOM: f32 = 170.0;
/// Room left for Helvetica-Bold being a little wider than the widths measured.
const BOLD_SLACK: f32 = 0.9;

/// The PDF of `version` of `contract`.
pub fn contract_pdf(contract: &Contract, version: &ContractVersion) -> Vec<u8> {
    let mut page = Page::new();
    page.text(LEFT, 792.0, Font::Regular, 9.0, &win_ansi(&letterhead()));
    let heading = format!("Contract {}", contract.contract_number);
    page.text(LEFT, 762.0, Font::Bold, 18.0, &win_ansi(&heading));
    let mut y = 740.0;
    for line in wrap(&contract.title, 13.0, WIDTH * BOLD_SLACK, 3) {
        page.text(LEFT, y, Font::Bold, 13.0, &line);
        y -= 16.0;
    }
    y -= 6.0;
    let label = format!("Version {}", version.number);
    page.text(LEFT, y, Font::Bold, 12.0, &win_ansi(&label));
    let issued = format!(
        "issued {} by {}",
        version.created_at.format("%Y-%m-%d"),
        version.author
    );
    page.text(
        VALUE_X,
        y,
        Font::Regular,
        10.0,
        &first_line(&issued, 10.0, 330.0),
    );
    y -= 10.0;
    page.rule(y);
    y -= 20.0;
    for (label, value) in fields(contract) {
        page.text(LEFT, y, Font::Bold, 10.0, &win_ansi(label));
        for line in wrap(&value, 10.0, WIDTH - (VALUE_X - LEFT), 2) {
            page.text(VALUE_X, y, Font::Regular, 10.0, &line);
            y -= 14.0;
        }
    }
    y -= 8.0;
    y = page.section(y, "Changes in this version", &version.change_summary);
    page.section(y, "Terms", TERMS);
    page.signatures(contract);
    let footer = format!(
        "{} - Version {} - Page 1 of 1",
        contract.contract_number, version.number
    );
    page.text(LEFT, 40.0, Font::Regular, 8.0, &win_ansi(&footer));
    let title = format!(
        "Contract {} - Version {}",
        contract.contract_number, version.number
    );
    assemble(&title, page.content.finish().into_vec())
}

/// The standard terms every demo contract carries.
const TERMS: &str = "This contract is made between the parties named above. Its terms and \
    conditions, its schedules and the changes listed for this version form the whole agreement. \
    It is in force from its start date to its end date, unless it is ended earlier under its \
    terms. Only the version the customer signs binds the parties.";

/// The first line of `text` wrapped to `max_width`, cut with an ellipsis if need be.
fn first_line(text: &str, size: f32, max_width: f32) -> Vec<u8> {
    wrap(text, size, max_width, 1)
        .into_iter()
        .next()
        .unwrap_or_default()
}

fn letterhead() -> String {
    format!("{} - Contracts OnLine", super::demo::VENDOR)
}

fn type_label(kind: ContractType) -> &'static str {
    match kind {
        ContractType::Maintenance => "Maintenance",
        ContractType::Lease => "Lease",
        ContractType::Service => "Services",
        ContractType::Purchase => "Purchase",
        ContractType::License => "Software licences",
    }
}

/// The contract's facts, label and value.
fn fields(contract: &Contract) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("Contract number", contract.contract_number.clone()),
        ("Type", type_label(contract.contract_type).to_owned()),
        (
            "Customer number",
            format!("{} ({})", contract.customer_number, contract.country),
        ),
    ];
    for (at, party) in contract.parties.iter().enumerate() {
        let side = match party.side {
            ContractSide::Customer => "customer",
            ContractSide::Vendor => "vendor",
        };
        let label = if at == 0 { "Parties" } else { "" };
        fields.push((label, format!("{} ({side})", party.name)));
    }
    fields.push(("Value", money(contract.value, &contract.currency)));
    fields.push(("Start date", contract.start_date.to_string()));
    fields.push(("End date", contract.end_date.to_string()));
    fields
}

/// The two standard fonts used.
#[derive(Clone, Copy)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// The page's content, painted top down.
struct Page {
    content: Content,
}

impl Page {
    fn new() -> Self {
        Self {
            content: Content::new(),
        }
    }

    /// Shows `text` (WinAnsi bytes) from (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, text: &[u8]) {
        if text.is_empty() {
            return;
        }
        self.content
            .begin_text()
            .set_font(font.resource(), size)
            .next_line(x, y)
            .show(Str(text))
            .end_text();
    }

    /// A thin line across the text block at `y`.
    fn rule(&mut self, y: f32) {
        self.content
            .set_line_width(0.5)
            .move_to(LEFT, y)
            .line_to(LEFT + WIDTH, y)
            .stroke();
    }

    /// A heading and its wrapped text from `y`, kept above the signature block; the next `y`.
    fn section(&mut self, mut y: f32, heading: &str, body: &str) -> f32 {
        if y < BODY_BOTTOM + 30.0 {
            return y;
        }
        self.text(LEFT, y, Font::Bold, 11.0, &win_ansi(heading));
        y -= 15.0;
        let room = ((y - BODY_BOTTOM) / 13.0).floor().max(1.0) as usize;
        for line in wrap(body, 10.0, WIDTH, room) {
            self.text(LEFT, y, Font::Regular, 10.0, &line);
            y -= 13.0;
        }
        y - 10.0
    }

    /// A signature line for each side, with the parties' names under them.
    fn signatures(&mut self, contract: &Contract) {
        let name_of = |side| {
            contract
                .parties
                .iter()
                .find(|p| p.side == side)
                .map_or("", |p| p.name.as_str())
        };
        let columns = [
            (LEFT, "For the customer", name_of(ContractSide::Customer)),
            (
                LEFT + 256.0,
                "For the vendor",
                name_of(ContractSide::Vendor),
            ),
        ];
        for (x, label, name) in columns {
            self.text(x, 140.0, Font::Bold, 10.0, &win_ansi(label));
            self.content
                .set_line_width(0.5)
                .move_to(x, 100.0)
                .line_to(x + 220.0, 100.0)
                .stroke();
            self.text(x, 86.0, Font::Regular, 9.0, &first_line(name, 9.0, 220.0));
        }
    }
}

/// Writes the PDF file: catalog, page tree, the page and its content, the fonts, the title.
fn assemble(title: &str, content: Vec<u8>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let page_id = Ref::new(3);
    let content_id = Ref::new(4);
    let regular = Ref::new(5);
    let bold = Ref::new(6);
    let info = Ref::new(7);
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
        .parent(tree)
        .contents(content_id);
    page.resources()
        .fonts()
        .pair(Font::Regular.resource(), regular)
        .pair(Font::Bold.resource(), bold);
    page.finish();
    pdf.stream(content_id, &content);
    for (id, base) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("supportgraph contracts sandbox"));
    pdf.finish()
}
