//! Carrier tracking, the seed's "links to the carrier's tracking site": an order's shipments,
//! each with its carrier's name and tracking page from the carrier directory
//! (`config/carriers.toml`). Guests see the same shipments with less (see [`super::guest`]).

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use supportgraph_adapters::model;

use crate::app::App;
use crate::graphql::common::scalars::Date;

/// One shipment of an order.
pub struct Shipment(pub model::Shipment);

impl Shipment {
    /// The carrier's display name from the carrier directory, or its code.
    pub fn carrier_name_in(&self, ctx: &Context<'_>) -> Result<String> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(app
            .carriers
            .snapshot()
            .get(&self.0.carrier_code)
            .map_or_else(|| self.0.carrier_code.clone(), |c| c.name.clone()))
    }

    /// The carrier's tracking page for this shipment, if the carrier tracks online.
    pub fn tracking_url_in(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(app
            .carriers
            .snapshot()
            .tracking_url(&self.0.carrier_code, &self.0.tracking_number))
    }
}

/// One parcel or freight shipment of an order, with a link to the carrier's tracking page.
#[Object]
impl Shipment {
    /// The carrier's code, e.g. `UPS`.
    async fn carrier_code(&self) -> &str {
        &self.0.carrier_code
    }

    /// The carrier's name (the code when the carrier is not in our directory).
    async fn carrier_name(&self, ctx: &Context<'_>) -> Result<String> {
        self.carrier_name_in(ctx)
    }

    /// The carrier's tracking number, as the carrier writes it.
    async fn tracking_number(&self) -> &str {
        &self.0.tracking_number
    }

    /// The carrier's tracking page for this shipment; null when the carrier has no online
    /// tracking.
    async fn tracking_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.tracking_url_in(ctx)
    }

    /// Day the shipment left the vendor.
    async fn shipped_date(&self) -> Date {
        Date(self.0.shipped_on)
    }

    /// Day it was delivered; null while on its way.
    async fn delivered_date(&self) -> Option<Date> {
        self.0.delivered_on.map(Date)
    }

    /// The order lines in this shipment.
    async fn line_numbers(&self) -> &[u32] {
        &self.0.line_numbers
    }
}
