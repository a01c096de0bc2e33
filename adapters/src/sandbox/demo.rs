//! The demo companies, their users and customer numbers: the fixed cast every sandbox backend
//! draws its data from.
//!
//! The first user works for the multinational, so the first thing a new user sees is worldwide.
//! The last company, a colocation provider, has thousands of installed machines under each of its
//! two customer numbers (one in the US, one in Germany): the inventory systems answer it page by
//! page, and no other company's counts change because it exists.

use chrono::NaiveDate;

use crate::model::{AuthorizationStatus, Region, Tool};

/// The day the demo data is "today": dates and statuses are computed from it, so the data is the
/// same whenever it is generated.
pub const DEMO_TODAY: (i32, u32, u32) = (2026, 11, 20);

/// [`DEMO_TODAY`] as a date.
pub fn today() -> NaiveDate {
    let (y, m, d) = DEMO_TODAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("DEMO_TODAY is a valid date")
}

/// One customer number of a demo company.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// The customer number.
    pub customer_number: &'static str,
    /// Its country.
    pub country: &'static str,
    /// How many orders the order-status system holds for it.
    pub orders: u32,
    /// How many items its country's inventory system holds for it; `None` for that system's
    /// usual demo size (24 records in US Inventory OnLine, two locations of eight machines in the
    /// Services Assistant).
    pub installed: Option<u32>,
}

/// A demo user.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Identity-provider subject.
    pub user_id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// E-mail address.
    pub email: &'static str,
    /// Country the user works in.
    pub country: &'static str,
    /// Telephone number.
    pub phone: &'static str,
    /// Preferred language.
    pub language: &'static str,
    /// Street address, city, postal code (in `country`).
    pub address: (&'static str, &'static str, &'static str),
}

/// A demo company.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    /// Company identifier.
    pub company_id: &'static str,
    /// Registered name.
    pub name: &'static str,
    /// Its customer numbers.
    pub accounts: Vec<DemoAccount>,
    /// Its registered users.
    pub users: Vec<DemoUser>,
}

fn account(customer_number: &'static str, country: &'static str, orders: u32) -> DemoAccount {
    DemoAccount {
        customer_number,
        country,
        orders,
        installed: None,
    }
}

/// An account with a large installed inventory: `installed` items.
fn large_account(
    customer_number: &'static str,
    country: &'static str,
    orders: u32,
    installed: u32,
) -> DemoAccount {
    DemoAccount {
        installed: Some(installed),
        ..account(customer_number, country, orders)
    }
}

fn user(
    (user_id, name, email, country): (&'static str, &'static str, &'static str, &'static str),
    (phone, language): (&'static str, &'static str),
    address: (&'static str, &'static str, &'static str),
) -> DemoUser {
    DemoUser {
        user_id,
        name,
        email,
        country,
        phone,
        language,
        address,
    }
}

/// The colocation provider's US customer number: 2,400 records in US Inventory OnLine.
pub const LARGE_US_CUSTOMER: &str = "1000401";

/// The colocation provider's German customer number: 2,048 machines (two locations of 1,024) in
/// the Services Assistant.
pub const LARGE_EU_CUSTOMER: &str = "4900402";

/// Every demo company, the multinational first, the colocation provider last.
pub fn companies() -> Vec<DemoCompany> {
    vec![
        DemoCompany {
            company_id: "C100",
            name: "Globex Industrial Group",
            accounts: vec![
                account("1000101", "US", 70),
                account("1000102", "US", 40),
                account("4400201", "ES", 50),
                account("4900301", "DE", 40),
                account("3300401", "FR", 30),
                account("8100501", "JP", 40),
            ],
            users: vec![
                user(
                    (
                        "globex-avery",
                        "Avery Stone",
                        "avery.stone@globex.example",
                        "US",
                    ),
                    ("+1 312 555 0142", "en-US"),
                    ("200 West Adams Street", "Chicago", "60606"),
                ),
                user(
                    (
                        "globex-kenji",
                        "Kenji Sato",
                        "kenji.sato@globex.example",
                        "JP",
                    ),
                    ("+81 3 5555 0199", "ja-JP"),
                    ("2-7-1 Marunouchi", "Tokyo", "100-0005"),
                ),
            ],
        },
        DemoCompany {
            company_id: "C200",
            name: "Northwind Supplies Inc.",
            accounts: vec![account("1000201", "US", 130), account("1000202", "US", 85)],
            users: vec![user(
                (
                    "northwind-jordan",
                    "Jordan Reed",
                    "jordan.reed@northwind.example",
                    "US",
                ),
                ("+1 206 555 0117", "en-US"),
                ("1201 Third Avenue", "Seattle", "98101"),
            )],
        },
        DemoCompany {
            company_id: "C300",
            name: "Iberia Componentes S.L.",
            accounts: vec![account("4400301", "ES", 220)],
            users: vec![user(
                (
                    "iberia-lucia",
                    "Lucía Fernández",
                    "lucia.fernandez@iberia.example",
                    "ES",
                ),
                ("+34 91 555 0163", "es-ES"),
                ("Paseo de la Castellana 95", "Madrid", "28046"),
            )],
        },
        DemoCompany {
            company_id: "C400",
            name: "Atlas Colocation Partners LLC",
            accounts: vec![
                large_account(LARGE_US_CUSTOMER, "US", 130, 2_400),
                large_account(LARGE_EU_CUSTOMER, "DE", 90, 2_048),
            ],
            users: vec![user(
                (
                    "atlas-morgan",
                    "Morgan Ellis",
                    "morgan.ellis@atlas-colo.example",
                    "US",
                ),
                ("+1 703 555 0188", "en-US"),
                ("21830 UUNet Way", "Ashburn", "20147"),
            )],
        },
    ]
}

/// Every customer number of every demo company, in [`companies`] order.
pub fn accounts() -> Vec<DemoAccount> {
    companies().into_iter().flat_map(|c| c.accounts).collect()
}

/// Every demo user with their company, the multinational's first user first.
pub fn users() -> Vec<(DemoUser, DemoCompany)> {
    companies()
        .into_iter()
        .flat_map(|c| c.users.clone().into_iter().map(move |u| (u, c.clone())))
        .collect()
}

/// The region whose systems hold a demo country's data (the sandbox's own view of the world).
pub fn region_of(country: &str) -> Option<Region> {
    match country {
        "US" | "CA" | "MX" | "BR" => Some(Region::Americas),
        "ES" | "DE" | "FR" | "GB" | "IT" => Some(Region::Emea),
        "JP" | "AU" | "IN" => Some(Region::Ap),
        _ => None,
    }
}

/// ISO 4217 currency of a demo country.
pub fn currency_of(country: &str) -> &'static str {
    match country {
        "US" => "USD",
        "JP" => "JPY",
        "GB" => "GBP",
        _ => "EUR",
    }
}

/// Who approves contracts for which customer number (the registration system's answer): Avery
/// for Globex's Chicago and Munich numbers but not its second US number (so a contract there
/// needs another approver), Kenji for none, and each single-country company's user for theirs.
pub fn contract_approvers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("globex-avery", "1000101"),
        ("globex-avery", "4900301"),
        ("northwind-jordan", "1000201"),
        ("northwind-jordan", "1000202"),
        ("iberia-lucia", "4400301"),
    ]
}

/// The tool authorisations every demo user starts with; unlisted pairs are `NotRequested`.
///
/// Avery (the first user) is authorised for Order Status on every customer number but France's,
/// which is pending, so the first query already shows an excluded customer number and why.
pub fn initial_authorizations() -> Vec<(&'static str, Tool, &'static str, AuthorizationStatus)> {
    use AuthorizationStatus::{Authorized, Denied, Pending};
    let mut grants = Vec::new();
    let mut grant = |user, tool, customers: &[&'static str], status| {
        for customer in customers {
            grants.push((user, tool, *customer, status));
        }
    };
    let globex_all = [
        "1000101", "1000102", "4400201", "4900301", "3300401", "8100501",
    ];
    grant(
        "globex-avery",
        Tool::OrderStatus,
        &["1000101", "1000102", "4400201", "4900301", "8100501"],
        Authorized,
    );
    grant("globex-avery", Tool::OrderStatus, &["3300401"], Pending);
    grant(
        "globex-avery",
        Tool::Invoices,
        &["1000101", "4400201"],
        Authorized,
    );
    grant("globex-avery", Tool::Statements, &["1000101"], Authorized);
    grant(
        "globex-avery",
        Tool::Contracts,
        &["1000101", "1000102", "4900301"],
        Authorized,
    );
    grant(
        "globex-avery",
        Tool::Inventory,
        &["1000101", "4900301"],
        Authorized,
    );
    grant(
        "globex-avery",
        Tool::ServicesAssistant,
        &["4900301"],
        Authorized,
    );
    grant("globex-avery", Tool::Inquiries, &globex_all, Authorized);
    grant("globex-kenji", Tool::OrderStatus, &["8100501"], Authorized);
    grant("globex-kenji", Tool::OrderStatus, &["4900301"], Denied);
    grant("globex-kenji", Tool::Inquiries, &["8100501"], Authorized);
    grant("globex-kenji", Tool::Contracts, &["1000101"], Authorized);
    let northwind = ["1000201", "1000202"];
    for tool in [
        Tool::OrderStatus,
        Tool::Invoices,
        Tool::Statements,
        Tool::Contracts,
        Tool::Inventory,
        Tool::Inquiries,
    ] {
        grant("northwind-jordan", tool, &northwind, Authorized);
    }
    for tool in [
        Tool::OrderStatus,
        Tool::Invoices,
        Tool::Statements,
        Tool::Inventory,
        Tool::ServicesAssistant,
        Tool::Contracts,
        Tool::Inquiries,
    ] {
        grant("iberia-lucia", tool, &["4400301"], Authorized);
    }
    for tool in [Tool::OrderStatus, Tool::Inventory, Tool::Inquiries] {
        grant(
            "atlas-morgan",
            tool,
            &[LARGE_US_CUSTOMER, LARGE_EU_CUSTOMER],
            Authorized,
        );
    }
    grant(
        "atlas-morgan",
        Tool::ServicesAssistant,
        &[LARGE_EU_CUSTOMER],
        Authorized,
    );
    grants
}
