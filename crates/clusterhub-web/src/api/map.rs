//! `GET /api/v1/organisations/map`: the organisations a directory search finds, as map markers
//! clustered on a grid whose level follows the map's zoom. It takes the directory's parameters
//! (the same parser as `/api/v1/organisations` and the page), without paging, plus `zoom`, the
//! grid level: cells of 360/2^zoom degrees of longitude by 180/2^zoom of latitude. The `bbox`
//! filter of the search is what a map sends for the part of the world it shows.
//!
//! ```json
//! { "zoom": 6, "total": 812, "located": 790, "unlocated": 22, "named": true,
//!   "clusters": [ { "lat": 48.14, "lon": 11.58, "count": 12,
//!                   "bounds": [11.4, 48.0, 11.8, 48.3] },
//!                 { "lat": 52.52, "lon": 13.40, "count": 1, "id": 17, "name": "…" } ] }
//! ```
//!
//! Every matching organisation with a location is in exactly one cluster, so the counts add up
//! to `located`, and `located + unlocated` is the total of the same search.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_search::{MAX_MAP_LEVEL, MapClusters, SearchError};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode};
use crate::search_params::{ParseOptions, parse_search};

/// The grid level parameter.
const ZOOM: &str = "zoom";

/// The level used when `zoom` is absent: a map of the whole of Europe.
const DEFAULT_ZOOM: u32 = 6;

/// `GET /api/v1/organisations/map`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/organisations/map", get(map_markers))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(map_markers))]
pub(super) struct Doc;

/// A marker: one organisation, or a cluster of several in one grid cell.
#[derive(Debug, Serialize, ToSchema)]
struct MarkerView {
    /// Where to draw the marker: the mean latitude of its organisations.
    lat: f64,
    /// The mean longitude of its organisations.
    lon: f64,
    /// How many organisations the marker stands for.
    #[schema(minimum = 1)]
    count: u64,
    /// West, south, east, north of the cluster's organisations.
    #[schema(value_type = [f64], min_items = 4, max_items = 4)]
    bounds: [f64; 4],
    /// The organisation, when the marker stands for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    /// Its name, when the answer is `named`.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// The markers of a search.
#[derive(Debug, Serialize, ToSchema)]
struct MapView {
    /// The grid level used.
    zoom: u32,
    /// How many organisations the search finds: `located + unlocated`.
    total: u64,
    /// How many of them have a location: the sum of the markers' counts.
    located: u64,
    /// How many have none and are on no marker.
    unlocated: u64,
    /// Whether single-organisation markers carry their `name` (they do unless there are very
    /// many of them).
    named: bool,
    clusters: Vec<MarkerView>,
}

impl From<MapClusters> for MapView {
    fn from(map: MapClusters) -> MapView {
        MapView {
            zoom: map.level,
            total: map.located + map.unlocated,
            located: map.located,
            unlocated: map.unlocated,
            named: map.named,
            clusters: map
                .clusters
                .into_iter()
                .map(|cluster| MarkerView {
                    lat: cluster.lat,
                    lon: cluster.lon,
                    count: cluster.count,
                    bounds: [
                        cluster.bounds.0,
                        cluster.bounds.1,
                        cluster.bounds.2,
                        cluster.bounds.3,
                    ],
                    id: cluster.id,
                    name: cluster.name,
                })
                .collect(),
        }
    }
}

/// The organisations a directory search finds, as map markers clustered on a grid whose level
/// follows the map's zoom. Every located organisation is on exactly one marker.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/map",
    operation_id = "organisations_map",
    tag = "organisations",
    params(super::openapi::MapParameters),
    responses(
        (status = 200, description = "The markers of the search", body = MapView),
        (status = 304, response = super::openapi::NotModified),
        (status = 400, response = super::openapi::BadRequest),
        (status = 414, response = super::openapi::UriTooLong),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn map_markers(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let parsed = parse_search(
        raw_query.as_deref(),
        ParseOptions {
            extra: &[ZOOM],
            ignore_empty: false,
            no_paging: true,
        },
    )?;
    let zoom = match parsed.other(ZOOM) {
        [] => DEFAULT_ZOOM,
        [text] => text
            .parse::<u32>()
            .ok()
            .filter(|zoom| *zoom <= MAX_MAP_LEVEL)
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    ZOOM,
                    format!("`zoom` must be a whole number from 0 to {MAX_MAP_LEVEL}."),
                )
            })?,
        _ => {
            return Err(ApiError::new(
                ErrorCode::RepeatedParameter,
                "The parameter `zoom` is given more than once; give it once.",
            )
            .with_parameter(ZOOM));
        }
    };
    let index = state.search().clone();
    let query = parsed.query;
    let map = tokio::task::spawn_blocking(move || index.map_clusters(&query, zoom))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| match error {
            SearchError::InvalidQuery(why) => ApiError::new(ErrorCode::BadRequest, why),
            other => ApiError::internal(other),
        })?;
    cacheable_json(&headers, &MapView::from(map))
}
