//! Cohesion-policy region categories per programming period, with the decision that lists them.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{CohesionPeriod, RegionCategory};
use serde::Serialize;

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

/// One region of a decision.
#[derive(Debug, Serialize)]
struct CategoryRow<'a> {
    /// The code as the decision writes it (NUTS 2006 for 2014–2020, NUTS 2016 for 2021–2027).
    nuts: &'a str,
    name: &'a str,
    category: RegionCategory,
    /// The NUTS 2021 code that corresponds to `nuts`, where one exists.
    nuts_2021: Option<String>,
}

#[derive(Debug, Serialize)]
struct CategoryList<'a> {
    period: CohesionPeriod,
    source: &'static str,
    count: usize,
    items: Vec<CategoryRow<'a>>,
}

/// `GET /api/v1/taxonomies/region-categories?period=2014-2020|2021-2027` (2021–2027 when absent).
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
