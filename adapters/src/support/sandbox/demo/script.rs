//! What the demo users asked and what support answered: the script the demo inquiries are
//! generated from, one entry per inquiry, in each user's language.

use crate::model::InquiryCategory::{
    Contracts, Inventory, Invoices, Orders, Other, Registration, Statements,
};
use crate::model::InquiryStatus::{Answered, Closed, InProgress, Submitted};
use crate::model::MessageAuthor::{Customer, Support};
use crate::model::{InquiryCategory, InquiryStatus, MessageAuthor};
use crate::sandbox::demo::LARGE_EU_CUSTOMER;
use crate::sandbox::demo::LARGE_US_CUSTOMER;

/// A file: its name and media type (its content is drawn from the seed).
pub(super) type File = (&'static str, &'static str);

/// One message of a scripted thread.
pub(super) struct Turn {
    /// Who writes it.
    pub author: MessageAuthor,
    /// How many hours after the submission (the minutes come from the seed).
    pub after_hours: i64,
    /// What it says.
    pub body: &'static str,
    /// The document it carries, if any.
    pub attachment: Option<File>,
}

/// One scripted inquiry.
pub(super) struct Script {
    /// The demo user who submits it.
    pub user: &'static str,
    /// The customer number it is about (one the user may ask about).
    pub customer: &'static str,
    /// Its category.
    pub category: InquiryCategory,
    /// How many hours before the demo's present it was submitted: distinct for every entry, so
    /// the order of submission (and so the tracking numbers) never depends on the seed.
    pub hours_ago: i64,
    /// Where it stands (consistent with its thread).
    pub status: InquiryStatus,
    /// Whether a representative is to call.
    pub routed_to_person: bool,
    /// Its subject.
    pub subject: &'static str,
    /// Its description.
    pub description: &'static str,
    /// The document submitted with it, if any.
    pub attachment: Option<File>,
    /// The thread, in order (each turn later than the one before, and than the submission).
    pub thread: &'static [Turn],
}

/// How support signs its messages to a user writing in `language`.
pub(super) fn support_signature(language: &str) -> &'static str {
    match language.split('-').next() {
        Some("es") => "María López, Atención al cliente",
        Some("ja") => "山田 花子（カスタマーサポート）",
        _ => "Dana Whitfield, Customer Support",
    }
}

const fn turn(author: MessageAuthor, after_hours: i64, body: &'static str) -> Turn {
    Turn {
        author,
        after_hours,
        body,
        attachment: None,
    }
}

const fn turn_with(
    author: MessageAuthor,
    after_hours: i64,
    body: &'static str,
    file: File,
) -> Turn {
    Turn {
        author,
        after_hours,
        body,
        attachment: Some(file),
    }
}

/// Every demo inquiry.
pub(super) const SCRIPT: [Script; 18] = [
    Script {
        user: "globex-avery",
        customer: "1000101",
        category: Orders,
        hours_ago: 50,
        status: Answered,
        routed_to_person: false,
        subject: "Order arrived with one line missing",
        description: "Our latest order arrived yesterday, but the docking stations (line 2) were \
                      not in the shipment. Can you tell us when they will arrive?",
        attachment: None,
        thread: &[turn(
            Support,
            20,
            "Thank you for letting us know. Line 2 was shipped separately from our \
             Memphis warehouse; it shows as in transit in Order Status OnLine and should \
             arrive within two days.",
        )],
    },
    Script {
        user: "globex-avery",
        customer: "4400201",
        category: Invoices,
        hours_ago: 122,
        status: InProgress,
        routed_to_person: false,
        subject: "VAT rate on an October invoice",
        description: "One of the October invoices for our Spanish customer number applies \
                      21 % VAT to a maintenance service that our tax advisor says is exempt. \
                      Please check the rate.",
        attachment: None,
        thread: &[turn(
            Support,
            18,
            "We have forwarded your question to the billing team in Spain and will come back \
             to you as soon as they confirm the rate.",
        )],
    },
    Script {
        user: "globex-avery",
        customer: "4900301",
        category: Inventory,
        hours_ago: 960,
        status: Closed,
        routed_to_person: false,
        subject: "Machine moved to our Munich site",
        description: "We moved one of our servers from Frankfurt to the Munich site last \
                      week. The attached note has the new room and rack.",
        attachment: Some(("floor-plan-note.txt", "text/plain")),
        thread: &[
            turn(
                Support,
                26,
                "We updated the location of the machine in the Services Assistant. It now \
                 shows under the Munich site.",
            ),
            turn(Customer, 30, "Thank you, that is all we needed."),
        ],
    },
    Script {
        user: "globex-avery",
        customer: "1000102",
        category: Contracts,
        hours_ago: 5,
        status: Submitted,
        routed_to_person: true,
        subject: "Please call me about renewing our maintenance",
        description: "Our maintenance agreement ends in January. I would like a \
                      representative to call me to discuss the renewal options.",
        attachment: None,
        thread: &[],
    },
    Script {
        user: "globex-avery",
        customer: "3300401",
        category: Statements,
        hours_ago: 220,
        status: Answered,
        routed_to_person: false,
        subject: "September statement misses a payment",
        description: "We paid two invoices on 29 September, but the September statement \
                      still shows them as open. The remittance advice is attached.",
        attachment: Some(("remittance-advice.csv", "text/csv")),
        thread: &[turn_with(
            Support,
            22,
            "The payment reached us on 2 October, so it appears on the October statement; \
             both invoices are settled. The confirmation is attached.",
            ("payment-confirmation.txt", "text/plain"),
        )],
    },
    Script {
        user: "globex-kenji",
        customer: "8100501",
        category: Orders,
        hours_ago: 98,
        status: Answered,
        routed_to_person: false,
        subject: "納期の確認について",
        description: "先週注文した保守部品の納期を教えてください。",
        attachment: None,
        thread: &[turn(
            Support,
            6,
            "お問い合わせありがとうございます。ご注文の部品は来週火曜日に出荷予定です。",
        )],
    },
    Script {
        user: "globex-kenji",
        customer: "8100501",
        category: Invoices,
        hours_ago: 26,
        status: Submitted,
        routed_to_person: false,
        subject: "請求書の再発行のお願い",
        description: "10月分の請求書の宛名が旧社名になっています。再発行をお願いします。",
        attachment: Some(("請求書メモ.txt", "text/plain")),
        thread: &[],
    },
    Script {
        user: "northwind-jordan",
        customer: "1000201",
        category: Orders,
        hours_ago: 74,
        status: InProgress,
        routed_to_person: false,
        subject: "Backordered toner cartridges",
        description: "The toner cartridges on our last order have been backordered for two \
                      weeks. We are running low; is there an alternative part?",
        attachment: None,
        thread: &[
            turn(
                Support,
                4,
                "We have asked the warehouse for a date and will look for a compatible part \
                 in the meantime.",
            ),
            turn(
                Customer,
                30,
                "Any update? We have about a week of toner left.",
            ),
        ],
    },
    Script {
        user: "northwind-jordan",
        customer: "1000202",
        category: Invoices,
        hours_ago: 290,
        status: Answered,
        routed_to_person: false,
        subject: "The same invoice twice",
        description: "We received two invoices for the same delivery. The list of both is \
                      attached.",
        attachment: Some(("duplicate-invoices.csv", "text/csv")),
        thread: &[turn_with(
            Support,
            20,
            "You are right: the second invoice was issued by mistake. We cancelled it with \
             a credit note; the summary is attached.",
            ("credit-note-summary.txt", "text/plain"),
        )],
    },
    Script {
        user: "northwind-jordan",
        customer: "1000201",
        category: Contracts,
        hours_ago: 28,
        status: Submitted,
        routed_to_person: true,
        subject: "Leasing options for new printers",
        description: "We plan to replace twelve printers next quarter. Please have a \
                      representative call me about leasing them.",
        attachment: None,
        thread: &[],
    },
    Script {
        user: "northwind-jordan",
        customer: "1000202",
        category: Registration,
        hours_ago: 1450,
        status: Closed,
        routed_to_person: false,
        subject: "Cannot sign in to Invoices On-Line",
        description: "Since the password change I cannot open Invoices On-Line; the other \
                      tools work.",
        attachment: None,
        thread: &[turn(
            Support,
            3,
            "Your authorisation for Invoices On-Line had to be renewed after the password \
             change. It is active again; please sign in once more.",
        )],
    },
    Script {
        user: "iberia-lucia",
        customer: "4400301",
        category: Orders,
        hours_ago: 146,
        status: Answered,
        routed_to_person: false,
        subject: "Pedido entregado con retraso",
        description: "El último pedido llegó cuatro días más tarde de lo previsto. ¿Pueden \
                      indicarnos el motivo?",
        attachment: None,
        thread: &[turn(
            Support,
            21,
            "Lamentamos el retraso. El transportista tuvo una incidencia en su centro de \
             Zaragoza; hemos revisado las próximas entregas para que no se repita.",
        )],
    },
    Script {
        user: "iberia-lucia",
        customer: "4400301",
        category: Inventory,
        hours_ago: 3,
        status: Submitted,
        routed_to_person: false,
        subject: "Actualizar la ubicación de un equipo",
        description: "Hemos trasladado un equipo a la nueva sala de Alcobendas. Adjunto la \
                      nueva ubicación.",
        attachment: Some(("ubicación.txt", "text/plain")),
        thread: &[],
    },
    Script {
        user: "iberia-lucia",
        customer: "4400301",
        category: Invoices,
        hours_ago: 720,
        status: Closed,
        routed_to_person: false,
        subject: "Factura duplicada",
        description: "Hemos recibido la misma factura dos veces con números distintos.",
        attachment: None,
        thread: &[
            turn(
                Support,
                24,
                "La segunda factura se ha anulado con un abono. Disculpe las molestias.",
            ),
            turn(Customer, 26, "Gracias, queda resuelto."),
        ],
    },
    Script {
        user: "iberia-lucia",
        customer: "4400301",
        category: Statements,
        hours_ago: 194,
        status: InProgress,
        routed_to_person: false,
        subject: "Extracto de octubre",
        description: "El saldo inicial del extracto de octubre no coincide con el saldo \
                      final de septiembre.",
        attachment: None,
        thread: &[turn(
            Support,
            2,
            "Estamos revisando ambos extractos con el equipo de facturación.",
        )],
    },
    Script {
        user: "atlas-morgan",
        customer: LARGE_US_CUSTOMER,
        category: Inventory,
        hours_ago: 170,
        status: InProgress,
        routed_to_person: false,
        subject: "Reconcile our inventory records",
        description: "Our own records and Inventory OnLine disagree on the location of some \
                      machines. The differences are attached.",
        attachment: Some(("inventory-diff.csv", "text/csv")),
        thread: &[turn(
            Support,
            5,
            "We received the file and are checking each machine with the field engineers.",
        )],
    },
    Script {
        user: "atlas-morgan",
        customer: LARGE_EU_CUSTOMER,
        category: Contracts,
        hours_ago: 242,
        status: Answered,
        routed_to_person: false,
        subject: "Service level for hall B in Frankfurt",
        description: "Which service level applies to the machines in hall B since the \
                      contract change?",
        attachment: None,
        thread: &[turn(
            Support,
            25,
            "Since 1 October every machine in hall B is covered 24x7 with a four-hour \
             response; the Services Assistant shows it per machine.",
        )],
    },
    Script {
        user: "atlas-morgan",
        customer: LARGE_US_CUSTOMER,
        category: Other,
        hours_ago: 52,
        status: Submitted,
        routed_to_person: true,
        subject: "Call about our data-centre move",
        description: "We are moving a data hall in the spring. Please have a representative \
                      call me to plan it.",
        attachment: None,
        thread: &[],
    },
];
