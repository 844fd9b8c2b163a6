//! `GET /api/v1/organisations`: the directory search as JSON — keywords, every facet filter, a
//! map box, a point to measure from, an order and a page in; the total, the page of hits and
//! the disjunctive facet counts out. The parameters are read by [`crate::search_params`], the
//! same parser the directory page uses.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_search::{
    FacetGroup, Hit, MAX_RESULT_WINDOW, SearchError, SearchIndex, SearchQuery, SearchResults,
};
use serde::Serialize;
use serde::ser::SerializeMap;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::page_cache::{Form, PageKey, accepts_gzip};
use crate::search_params::{DEFAULT_PER_PAGE, ParseOptions, parse_search, to_query_string};

/// The search route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/organisations", get(search))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(search))]
pub(super) struct Doc;

/// One organisation of a result page.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Hit)]
pub struct HitView<'a> {
    /// The organisation's id (`/api/v1/organisations/{id}`).
    #[schema(minimum = 1)]
    pub id: i64,
    pub name: &'a str,
    /// The organisation type.
    #[serde(rename = "type")]
    pub kind: &'a str,
    /// The ISO 3166-1 alpha-2 country code.
    pub country: &'a str,
    /// The NUTS 2021 region (level 3 when known), or null.
    #[schema(required = true)]
    pub nuts: Option<&'a str>,
    #[schema(required = true)]
    pub city: Option<&'a str>,
    /// Latitude in degrees, or null when the organisation has no location.
    #[schema(required = true)]
    pub lat: Option<f64>,
    /// Longitude in degrees, or null.
    #[schema(required = true)]
    pub lon: Option<f64>,
    /// Cluster category ids.
    pub sectors: &'a [String],
    /// The keyword relevance; 0 without keywords.
    pub score: f32,
    /// Kilometres from `near`, when it is given and the organisation has a location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

impl<'a> From<&'a Hit> for HitView<'a> {
    fn from(hit: &'a Hit) -> Self {
        HitView {
            id: hit.id,
            name: &hit.name,
            kind: &hit.kind,
            country: &hit.country,
            nuts: hit.nuts.as_deref(),
            city: hit.city.as_deref(),
            lat: hit.lat,
            lon: hit.lon,
            sectors: &hit.sectors,
            score: hit.score,
            distance_km: hit.distance_km.map(|km| (km * 1000.0).round() / 1000.0),
        }
    }
}

/// The facet counts by group slug, in the directory's group order; every group is present.
/// Its schema is [`FacetCounts`](super::openapi::FacetCounts).
#[derive(Debug)]
pub struct FacetsView<'a>(pub &'a SearchResults);

impl Serialize for FacetsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let empty = std::collections::BTreeMap::new();
        let mut map = serializer.serialize_map(Some(FacetGroup::ALL.len()))?;
        for group in FacetGroup::ALL {
            map.serialize_entry(group.slug(), self.0.facets.get(&group).unwrap_or(&empty))?;
        }
        map.end()
    }
}

/// The answer of a search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchAnswer<'a> {
    /// How many organisations the search finds.
    pub total: u64,
    /// The page shown, counted from 1.
    #[schema(minimum = 1)]
    pub page: usize,
    /// Hits per page.
    #[schema(minimum = 1)]
    pub per_page: usize,
    /// The page's organisations, in the search's order.
    pub hits: Vec<HitView<'a>>,
    #[schema(value_type = super::openapi::FacetCounts)]
    pub facets: FacetsView<'a>,
    pub links: Links,
}

/// Links to this search's neighbouring pages and to its exports.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SearchLinks)]
pub struct Links {
    /// This page.
    #[serde(rename = "self")]
    pub this: String,
    /// The next page, or null on the last page.
    #[schema(required = true)]
    pub next: Option<String>,
    /// The previous page, or null on the first.
    #[schema(required = true)]
    pub prev: Option<String>,
    /// The CSV export of the same search.
    pub export_csv: String,
    /// The XLSX export of the same search.
    pub export_xlsx: String,
}

impl Links {
    /// The links of `query`'s page, given the total it found.
    pub fn of(query: &SearchQuery, total: u64) -> Links {
        let at = |page: usize| {
            let mut moved = query.clone();
            moved.page = page;
            with_query("/api/v1/organisations", &to_query_string(&moved))
        };
        let shown = (query.page * query.per_page) as u64;
        let next_fits = (query.page + 1) * query.per_page <= MAX_RESULT_WINDOW;
        let mut unpaged = query.clone();
        unpaged.page = 1;
        unpaged.per_page = DEFAULT_PER_PAGE;
        let export = to_query_string(&unpaged);
        Links {
            this: at(query.page),
            next: (shown < total && next_fits).then(|| at(query.page + 1)),
            prev: (query.page > 1).then(|| at(query.page - 1)),
            export_csv: with_query("/api/v1/organisations/export.csv", &export),
            export_xlsx: with_query("/api/v1/organisations/export.xlsx", &export),
        }
    }
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Runs a search off the async threads (it is CPU work over the index).
pub async fn run_search(
    index: &SearchIndex,
    query: SearchQuery,
) -> Result<SearchResults, ApiError> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.search(&query))
        .await
        .map_err(ApiError::internal)?
        .map_err(search_error)
}

/// A failed search: the query is checked before it is run, so a refusal here is the server's
/// fault as much as an index that cannot be read.
pub fn search_error(error: SearchError) -> ApiError {
    match error {
        SearchError::InvalidQuery(why) => ApiError::new(ErrorCode::BadRequest, why),
        other => ApiError::internal(other),
    }
}

/// The directory search: keywords, every facet filter, a map box, a point to measure from, an
/// order and a page in; the total, the page of hits and the disjunctive facet counts out.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    operation_id = "organisations_search",
    tag = "organisations",
    params(super::openapi::SearchParameters),
    responses(
        (status = 200, description = "The page of hits and the facet counts", body = SearchAnswer),
        (status = 400, response = super::openapi::BadRequest),
        (status = 414, response = super::openapi::UriTooLong),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let parsed = parse_search(query.as_deref(), ParseOptions::default())?;
    let (page, per_page) = (parsed.query.page, parsed.query.per_page);
    let query = parsed.query;
    // The answer depends only on the search and the index's state (see `page_cache`).
    let key = PageKey {
        page: SEARCH_PATH,
        generation: state.search().generation(),
        language: "",
        search: to_query_string(&query),
        form: Form::Plain,
    };
    let gzipped_key = accepts_gzip(&headers).then(|| key.with_form(Form::Gzipped));
    if let Some(gzipped_key) = &gzipped_key
        && let Some(body) = state.page_cache().gzipped(gzipped_key)
    {
        return Ok(json_answer(body, true));
    }
    let body = match state.page_cache().text(&key) {
        Some(body) => body,
        None => {
            let results = run_search(state.search(), query.clone()).await?;
            let links = Links::of(&query, results.total);
            let answer = SearchAnswer {
                total: results.total,
                page,
                per_page,
                hits: results.hits.iter().map(HitView::from).collect(),
                facets: FacetsView(&results),
                links,
            };
            let body = serde_json::to_string(&answer).map_err(ApiError::internal)?;
            state.page_cache().keep_text(key, &body)
        }
    };
    Ok(match gzipped_key {
        Some(gzipped_key) => json_answer(
            state
                .page_cache()
                .keep_gzipped(gzipped_key, body.as_bytes()),
            true,
        ),
        None => json_answer(Bytes::copy_from_slice(body.as_bytes()), false),
    })
}

/// The path of the JSON search.
const SEARCH_PATH: &str = "/api/v1/organisations";

/// The answer, gzipped or not (a gzipped body passes the compression layer as it is).
fn json_answer(body: Bytes, gzipped: bool) -> Response {
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::VARY, HeaderValue::from_static("Accept-Encoding")),
        ],
        body,
    )
        .into_response();
    if gzipped {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}
