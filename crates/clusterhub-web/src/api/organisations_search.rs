//! `GET /api/v1/organisations`: the directory search as JSON — keywords, every facet filter, a
//! map box, a point to measure from, an order and a page in; the total, the page of hits and
//! the disjunctive facet counts out. The parameters are read by [`crate::search_params`], the
//! same parser the directory page uses.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_search::{
    FacetGroup, Hit, MAX_RESULT_WINDOW, SearchError, SearchIndex, SearchQuery, SearchResults,
};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::search_params::{DEFAULT_PER_PAGE, ParseOptions, parse_search, to_query_string};

/// The search route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/organisations", get(search))
}

/// One organisation of a result page.
#[derive(Debug, Serialize)]
pub struct HitView<'a> {
    pub id: i64,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub country: &'a str,
    pub nuts: Option<&'a str>,
    pub city: Option<&'a str>,
    pub lat: Option<f64>,
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
#[derive(Debug, Serialize)]
pub struct SearchAnswer<'a> {
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<HitView<'a>>,
    pub facets: FacetsView<'a>,
    pub links: Links,
}

/// Links to this search's neighbouring pages and to its exports.
#[derive(Debug, Serialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub this: String,
    pub next: Option<String>,
    pub prev: Option<String>,
    pub export_csv: String,
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

async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let parsed = parse_search(query.as_deref(), ParseOptions::default())?;
    let (page, per_page) = (parsed.query.page, parsed.query.per_page);
    let query = parsed.query;
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
    let body = serde_json::to_vec(&answer).map_err(ApiError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response())
}
