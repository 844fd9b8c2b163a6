//! Cohesion-policy region categories per programming period, with the decision that lists them.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{CohesionPeriod, RegionCategory};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// The parameters of the list.
pub const PARAMETERS: &[&str] = &["period"];

const PERIODS: &[(&str, CohesionPeriod)] = &[
    ("2014-2020", CohesionPeriod::P2014_2020),
    ("2021-2027", CohesionPeriod::P2021_2027),
];

/// The region-category route.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/taxonomies/region-categories",
        get(region_categories),
    )
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(region_categories))]
pub(super) struct Doc;

/// One region of a decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RegionCategoryRow)]
struct CategoryRow<'a> {
    /// The code as the decision writes it (NUTS 2006 for 2014–2020, NUTS 2016 for 2021–2027).
    nuts: &'a str,
    name: &'a str,
    #[schema(value_type = crate::api::openapi::RegionCategoryValue)]
    category: RegionCategory,
    /// The NUTS 2021 code that corresponds to `nuts`, where one exists.
    #[schema(required = true)]
    nuts_2021: Option<String>,
}

/// The regions of one decision and their categories.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RegionCategoryList)]
struct CategoryList<'a> {
    #[schema(value_type = crate::api::openapi::CohesionPeriodValue)]
    period: CohesionPeriod,
    /// The legal act that lists the regions.
    source: &'static str,
    count: usize,
    items: Vec<CategoryRow<'a>>,
}

/// Cohesion-policy region categories (less developed, transition, more developed) of one
/// programming period, with the decision that lists them.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/region-categories",
    operation_id = "region_categories",
    tag = "taxonomies",
    params(
        ("period" = Option<crate::api::openapi::CohesionPeriodValue>, Query, description = "The programming period; 2021-2027 when absent"),
    ),
    responses(
        (status = 200, description = "The regions and their categories", body = CategoryList),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn region_categories(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), PARAMETERS)?;
    let period = query
        .choice("period", PERIODS)?
        .unwrap_or(CohesionPeriod::P2021_2027);
    let reference = state.reference();
    let items: Vec<CategoryRow> = reference
        .cohesion_regions(period)
        .into_iter()
        .map(|region| CategoryRow {
            nuts: &region.nuts,
            name: &region.name,
            category: region.category,
            nuts_2021: reference.translate_nuts_to_2021(&region.nuts),
        })
        .collect();
    cacheable_json(
        &headers,
        &CategoryList {
            period,
            source: reference.cohesion_source(period),
            count: items.len(),
            items,
        },
    )
}
