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

#[derive(Debug, Serialize)]
struct MarkerView {
    lat: f64,
    lon: f64,
    count: u64,
    /// West, south, east, north of the cluster's organisations.
    bounds: [f64; 4],
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Debug, Serialize)]
struct MapView {
    zoom: u32,
    total: u64,
    located: u64,
    unlocated: u64,
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
