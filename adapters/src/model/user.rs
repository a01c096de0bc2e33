//! A registered user and the customer numbers of their company, from the registration backend.

/// One customer number of a company, as registered in one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAccount {
    /// The vendor's customer number, unique worldwide.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country the customer number is registered in.
    pub country: String,
}

/// A user's registration profile: one user ID for every tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    /// The identity provider's subject for this user.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Contact e-mail address.
    pub email: String,
    /// ISO 3166-1 alpha-2 country the user works in.
    pub country: String,
    /// The company's identifier at the vendor.
    pub company_id: String,
    /// The company's registered name.
    pub company_name: String,
    /// Every customer number of the user's company.
    pub customers: Vec<CustomerAccount>,
}
