//! The demo contracts' script: for each, its customer number, title, type, value and term, and
//! its past, beat by beat — every day counted from the demo's today (negative is past) — so the
//! data says the same thing on every machine and every seed. In number order: the first is
//! `CTR-20260001`.
//!
//! Globex's US customer number 1000101 holds every status, and the ACTIVE contracts ending
//! exactly 30, 31, 60 and 90 days after the demo's today that the daily check's horizons are
//! shown with; the other customer numbers' contracts are in `others`.

use crate::model::ContractAction::{
    Activate, Approve, Expire, Revise, SendForSignature, Sign, SubmitForApproval, Terminate,
};
use crate::model::ContractSide::{Customer, Vendor};
use crate::model::ContractType::{Lease, License, Maintenance, Purchase, Service};
use crate::model::{ContractAction, ContractSide, ContractType};

mod others;

/// One demo contract.
pub(super) struct Script {
    /// Its customer number (one of the demo companies', in a country with Contracts OnLine).
    pub customer: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its type.
    pub kind: ContractType,
    /// Its value, in the country's currency.
    pub value: &'static str,
    /// Its start and end dates, in days from the demo's today.
    pub term: (i64, i64),
    /// When version 1 was issued, in days from the demo's today.
    pub issued: i64,
    /// A third party on the vendor's side (a lessor), if any.
    pub financed_by: Option<&'static str>,
    /// What happened, oldest first.
    pub beats: &'static [Beat],
}

/// One thing that happened to a demo contract, on a day counted from the demo's today.
pub(super) enum Beat {
    /// A step, with its note (a rejection's reason, a revision's summary).
    Step(i64, ContractAction, Option<&'static str>),
    /// A comment from one side.
    Said(i64, ContractSide, &'static str),
}

pub(super) const fn step(day: i64, action: ContractAction) -> Beat {
    Beat::Step(day, action, None)
}

/// A rejection (its reason) or a revision (its summary).
pub(super) const fn noted(day: i64, action: ContractAction, note: &'static str) -> Beat {
    Beat::Step(day, action, Some(note))
}

/// How many demo contracts there are.
pub(super) const COUNT: usize = GLOBEX_US.len() + others::OTHERS.len();

/// Every demo contract, in number order.
pub(super) fn all() -> impl Iterator<Item = &'static Script> {
    GLOBEX_US.iter().chain(others::OTHERS.iter())
}

/// The lessor of the leases that are financed.
pub(super) const LESSOR: Option<&str> = Some("Meridian Equipment Finance LLC");

/// Globex's contracts on 1000101: `CTR-20260001` to `CTR-20260012`.
pub(super) const GLOBEX_US: [Script; 12] = [
    Script {
        customer: "1000101",
        title: "Hardware maintenance – Chicago data center",
        kind: Maintenance,
        value: "184500.00",
        term: (-699, 30),
        issued: -765,
        financed_by: None,
        beats: &[
            step(-760, SubmitForApproval),
            Beat::Said(
                -759,
                Customer,
                "Please confirm that priority-1 calls are answered on site within four hours.",
            ),
            Beat::Said(
                -758,
                Vendor,
                "Confirmed: four hours, around the clock, for every machine in schedule A.",
            ),
            step(-755, Approve),
            step(-750, SendForSignature),
            step(-744, Sign),
            step(-699, Activate),
            Beat::Said(
                -40,
                Vendor,
                "This maintenance ends on 20 December 2026; a renewal proposal follows in the coming weeks.",
            ),
        ],
    },
    Script {
        customer: "1000101",
        title: "Managed print services – Chicago and Detroit offices",
        kind: Service,
        value: "96000.00",
        term: (-304, 60),
        issued: -350,
        financed_by: None,
        beats: &[
            step(-345, SubmitForApproval),
            step(-340, Approve),
            step(-336, SendForSignature),
            step(-333, Sign),
            step(-304, Activate),
        ],
    },
    Script {
        customer: "1000101",
        title: "Server lease – 40 rack servers, Chicago",
        kind: Lease,
        value: "412800.00",
        term: (-1005, 90),
        issued: -1050,
        financed_by: LESSOR,
        beats: &[
            step(-1045, SubmitForApproval),
            noted(
                -1042,
                ContractAction::Reject,
                "The monthly rate in schedule B does not match the quote of 2 March; please correct it.",
            ),
            noted(
                -1038,
                Revise,
                "Schedule B: monthly rate corrected to match the quote.",
            ),
            step(-1037, SubmitForApproval),
            step(-1035, Approve),
            step(-1032, SendForSignature),
            step(-1028, Sign),
            step(-1005, Activate),
        ],
    },
    Script {
        customer: "1000101",
        title: "Database software licences – 120 processor cores",
        kind: License,
        value: "238750.00",
        term: (-333, 31),
        issued: -380,
        financed_by: None,
        beats: &[
            step(-376, SubmitForApproval),
            Beat::Said(
                -375,
                Customer,
                "Do the licences cover the disaster recovery servers as well?",
            ),
            Beat::Said(
                -373,
                Vendor,
                "Yes: passive standby servers are covered at no extra charge (section 4.2).",
            ),
            step(-370, Approve),
            step(-366, SendForSignature),
            step(-362, Sign),
            step(-333, Activate),
        ],
    },
    Script {
        customer: "1000101",
        title: "Premium support service level – North America",
        kind: Service,
        value: "520000.00",
        term: (-142, 953),
        issued: -170,
        financed_by: None,
        beats: &[
            step(-165, SubmitForApproval),
            step(-160, Approve),
            step(-155, SendForSignature),
            step(-150, Sign),
            step(-142, Activate),
            Beat::Said(
                -30,
                Customer,
                "Please add our new Denver site to the service level from January.",
            ),
            Beat::Said(
                -28,
                Vendor,
                "Noted: an amendment for the Denver site follows.",
            ),
        ],
    },
    Script {
        customer: "1000101",
        title: "Storage expansion purchase – 2 PB",
        kind: Purchase,
        value: "1275000.00",
        term: (42, 1137),
        issued: -25,
        financed_by: None,
        beats: &[
            step(-20, SubmitForApproval),
            Beat::Said(
                -18,
                Customer,
                "Can the delivery be split over two quarters?",
            ),
            noted(
                -12,
                Revise,
                "Delivery split into two shipments (first and second quarter of 2027); payment schedule adjusted.",
            ),
            Beat::Said(
                -11,
                Vendor,
                "Version 2 splits the delivery as you asked. Please submit it for approval again.",
            ),
        ],
    },
    Script {
        customer: "1000101",
        title: "Network equipment maintenance renewal 2027",
        kind: Maintenance,
        value: "142300.00",
        term: (42, 406),
        issued: -20,
        financed_by: None,
        beats: &[
            step(-16, SubmitForApproval),
            noted(
                -10,
                ContractAction::Reject,
                "Schedule A still lists the switches retired in June; please remove them.",
            ),
            noted(
                -8,
                Revise,
                "Schedule A: retired switches removed; annual value reduced accordingly.",
            ),
            step(-6, SubmitForApproval),
        ],
    },
    Script {
        customer: "1000101",
        title: "Disaster recovery services – secondary site",
        kind: Service,
        value: "310000.00",
        term: (73, 1168),
        issued: -14,
        financed_by: None,
        beats: &[
            step(-9, SubmitForApproval),
            Beat::Said(
                -7,
                Vendor,
                "The recovery time objective is four hours for tier-1 systems, as agreed.",
            ),
            step(-4, Approve),
        ],
    },
    Script {
        customer: "1000101",
        title: "Laptop fleet lease 2027 – 850 notebooks",
        kind: Lease,
        value: "1020000.00",
        term: (42, 1137),
        issued: -45,
        financed_by: LESSOR,
        beats: &[
            step(-40, SubmitForApproval),
            step(-36, Approve),
            step(-32, SendForSignature),
            Beat::Said(
                -29,
                Customer,
                "Section 7 is unclear about the condition the notebooks must be returned in.",
            ),
            noted(
                -25,
                Revise,
                "Section 7: return condition and normal wear defined.",
            ),
            step(-22, SubmitForApproval),
            step(-20, Approve),
            step(-3, SendForSignature),
        ],
    },
    Script {
        customer: "1000101",
        title: "Workstation maintenance 2027",
        kind: Maintenance,
        value: "58400.00",
        term: (42, 406),
        issued: -35,
        financed_by: None,
        beats: &[
            step(-30, SubmitForApproval),
            step(-28, Approve),
            step(-21, SendForSignature),
            step(-14, Sign),
        ],
    },
    Script {
        customer: "1000101",
        title: "Engineering software licences 2024–2026",
        kind: License,
        value: "86200.00",
        term: (-1054, -20),
        issued: -1100,
        financed_by: None,
        beats: &[
            step(-1095, SubmitForApproval),
            step(-1090, Approve),
            step(-1085, SendForSignature),
            step(-1080, Sign),
            step(-1054, Activate),
            Beat::Said(
                -50,
                Vendor,
                "These licences end on 31 October. Tell us if you wish to renew them.",
            ),
            Beat::Said(
                -45,
                Customer,
                "We will not renew: engineering moves to the new design suite.",
            ),
            step(-19, Expire),
        ],
    },
    Script {
        customer: "1000101",
        title: "Helpdesk outsourcing – legacy systems",
        kind: Service,
        value: "275000.00",
        term: (-598, 497),
        issued: -650,
        financed_by: None,
        beats: &[
            step(-645, SubmitForApproval),
            step(-640, Approve),
            step(-635, SendForSignature),
            step(-630, Sign),
            step(-598, Activate),
            Beat::Said(
                -250,
                Customer,
                "We retire the legacy systems at the end of March; please propose an early termination.",
            ),
            Beat::Said(
                -246,
                Vendor,
                "Agreed: the contract ends on 30 March by mutual agreement.",
            ),
            noted(
                -235,
                Terminate,
                "Ended early by mutual agreement: the legacy systems were retired.",
            ),
        ],
    },
];
