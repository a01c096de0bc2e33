//! The demo contracts of the other customer numbers, `CTR-20260013` onwards: Globex's second US
//! number and its Spanish, German, French and Japanese ones, Northwind's two and Iberia's.

use super::{Beat, LESSOR, Script, step};
use crate::model::ContractAction::{Activate, Approve, SendForSignature, Sign, SubmitForApproval};
use crate::model::ContractSide::{Customer, Vendor};
use crate::model::ContractType::{Lease, License, Maintenance, Purchase, Service};

/// The other customer numbers' contracts, in number order.
pub(super) const OTHERS: [Script; 9] = [
    Script {
        customer: "1000102",
        title: "Printer fleet purchase agreement – Houston",
        kind: Purchase,
        value: "64900.00",
        term: (-203, 527),
        issued: -240,
        financed_by: None,
        beats: &[
            step(-236, SubmitForApproval),
            step(-233, Approve),
            step(-230, SendForSignature),
            step(-226, Sign),
            step(-203, Activate),
        ],
    },
    Script {
        customer: "4400201",
        title: "Mantenimiento de servidores – Centro de datos de Madrid",
        kind: Maintenance,
        value: "148000.00",
        term: (-415, 314),
        issued: -440,
        financed_by: None,
        beats: &[
            step(-436, SubmitForApproval),
            Beat::Said(
                -435,
                Customer,
                "Are spare parts included in the Madrid maintenance?",
            ),
            Beat::Said(
                -434,
                Vendor,
                "Yes: all parts and labour are included (annex A).",
            ),
            step(-430, Approve),
            step(-427, SendForSignature),
            step(-424, Sign),
            step(-415, Activate),
        ],
    },
    Script {
        customer: "4900301",
        title: "Servicevertrag Rechenzentrum Frankfurt",
        kind: Service,
        value: "225000.00",
        term: (73, 1168),
        issued: -12,
        financed_by: None,
        beats: &[
            step(-8, SubmitForApproval),
            Beat::Said(
                -7,
                Vendor,
                "The service hours now follow the German public holidays, as requested.",
            ),
        ],
    },
    Script {
        customer: "3300401",
        title: "Location de serveurs – site de Lyon",
        kind: Lease,
        value: "98400.00",
        term: (73, 1168),
        issued: -30,
        financed_by: LESSOR,
        beats: &[
            step(-26, SubmitForApproval),
            step(-22, Approve),
            step(-5, SendForSignature),
        ],
    },
    Script {
        customer: "8100501",
        title: "Tokyo office hardware maintenance",
        kind: Maintenance,
        value: "18600000",
        term: (-292, 437),
        issued: -300,
        financed_by: None,
        beats: &[
            step(-298, SubmitForApproval),
            step(-297, Approve),
            step(-296, SendForSignature),
            step(-294, Sign),
            step(-292, Activate),
        ],
    },
    Script {
        customer: "1000201",
        title: "Warehouse scanner support – Seattle and Tacoma",
        kind: Service,
        value: "72000.00",
        term: (-172, 192),
        issued: -220,
        financed_by: None,
        beats: &[
            step(-215, SubmitForApproval),
            step(-212, Approve),
            step(-209, SendForSignature),
            step(-205, Sign),
            step(-172, Activate),
        ],
    },
    Script {
        customer: "1000202",
        title: "Handheld terminals purchase – 300 units",
        kind: Purchase,
        value: "186000.00",
        term: (73, 803),
        issued: -3,
        financed_by: None,
        beats: &[Beat::Said(
            -2,
            Vendor,
            "Here is the draft for the 300 handheld terminals we discussed. Submit it for approval when ready.",
        )],
    },
    Script {
        customer: "4400301",
        title: "Mantenimiento de equipos de producción – Zaragoza",
        kind: Maintenance,
        value: "64500.00",
        term: (-309, 222),
        issued: -360,
        financed_by: None,
        beats: &[
            step(-356, SubmitForApproval),
            Beat::Said(
                -355,
                Customer,
                "¿El mantenimiento cubre también el turno de noche?",
            ),
            Beat::Said(
                -354,
                Vendor,
                "Sí: la asistencia in situ cubre las 24 horas, todos los días.",
            ),
            step(-350, Approve),
            step(-347, SendForSignature),
            step(-343, Sign),
            step(-309, Activate),
        ],
    },
    Script {
        customer: "4400301",
        title: "Licencias de software de diseño – 45 puestos",
        kind: License,
        value: "39600.00",
        term: (42, 406),
        issued: -18,
        financed_by: None,
        beats: &[step(-14, SubmitForApproval), step(-10, Approve)],
    },
];
