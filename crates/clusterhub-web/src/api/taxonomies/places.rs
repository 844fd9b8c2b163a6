//! Countries and cities.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{City, Country};
use serde::Serialize;

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// The parameters of the city search.
pub const CITY_PARAMETERS: &[&str] = &["country", "q", "limit"];

/// How many cities one answer holds when `limit` is not given.
const DEFAULT_CITY_LIMIT: u16 = 20;

/// The most cities one answer may hold.
const MAX_CITY_LIMIT: u16 = 100;

/// The country and city routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/taxonomies/countries", get(countries))
        .route("/api/v1/taxonomies/cities", get(cities))
}

#[derive(Debug, Serialize)]
struct CountryList<'a> {
    count: usize,
    items: Vec<&'a Country>,
}

/// `GET /api/v1/taxonomies/countries`.
async fn countries(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let items: Vec<&Country> = state.reference().countries().iter().collect();
    cacheable_json(
        &headers,
        &CountryList {
            count: items.len(),
            items,
        },
    )
}

#[derive(Debug, Serialize)]
struct CityList<'a> {
    country: Option<&'a str>,
    q: Option<&'a str>,
    limit: u16,
    /// How many cities match, of which at most `limit` are listed.
    count: usize,
    items: Vec<&'a City>,
}

/// `GET /api/v1/taxonomies/cities?country=XX&q=prefix&limit=1..100`: the cities of a country
/// (ISO or EU code) whose name starts with `q` (any letter case, with or without accents), the
/// most populous first.
async fn cities(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), CITY_PARAMETERS)?;
    let reference = state.reference();
    let country = match query.text("country")? {
        None => None,
        Some(code) => Some(reference.countries().by_any_code(code).ok_or_else(|| {
            ApiError::invalid_parameter(
                "country",
                format!("`country` must be a two-letter country code such as DE, FR or EL; {code} is not one."),
            )
        })?),
    };
    let prefix = query.text("q")?.map(str::to_lowercase);
    let limit = query
        .integer_in("limit", 1, MAX_CITY_LIMIT)?
        .unwrap_or(DEFAULT_CITY_LIMIT);

    let mut matches: Vec<&City> = reference
        .cities()
        .iter()
        .filter(|city| country.is_none_or(|country| city.country == country.alpha2))
        .filter(|city| {
            prefix.as_deref().is_none_or(|prefix| {
                city.name.to_lowercase().starts_with(prefix)
                    || city.ascii.to_lowercase().starts_with(prefix)
            })
        })
        .collect();
    let count = matches.len();
    matches.sort_by(|left, right| {
        right
            .population
            .cmp(&left.population)
            .then_with(|| left.name.cmp(&right.name))
    });
    matches.truncate(usize::from(limit));
    cacheable_json(
        &headers,
        &CityList {
            country: country.map(|country| country.alpha2.as_str()),
            q: query.text("q")?,
            limit,
            count,
            items: matches,
        },
    )
}
