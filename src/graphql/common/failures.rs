//! Regions or systems that could not answer: fields fed by a regional backend are nullable, so
//! one region's outage yields partial data plus one `BACKEND_UNAVAILABLE` error per failed
//! region, with the field's path — never a failed request.

use async_graphql::{Context, ErrorExtensions};

use crate::error::GatewayError;
use crate::federation::fan_out::RegionFailure;

/// Adds one `BACKEND_UNAVAILABLE` error, with this field's path, per failed region.
pub fn report_failures(ctx: &Context<'_>, failures: &[RegionFailure]) {
    for failure in failures {
        let error = GatewayError::from_adapter(&failure.error, Some(failure.region)).extend();
        ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
    }
}

/// The error of a lookup that no region answered: the first failure as the field's error, the
/// others added beside it.
pub fn unavailable(ctx: &Context<'_>, failures: &[RegionFailure]) -> async_graphql::Error {
    let Some((first, rest)) = failures.split_first() else {
        return GatewayError::internal("a lookup reported unavailable without a failure").into();
    };
    report_failures(ctx, rest);
    GatewayError::from_adapter(&first.error, Some(first.region)).into()
}
