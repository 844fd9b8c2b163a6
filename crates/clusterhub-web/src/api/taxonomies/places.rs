//! Countries and cities.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{City, Country};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

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

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(countries, cities))]
pub(super) struct Doc;

/// Every country.
#[derive(Debug, Serialize, ToSchema)]
struct CountryList<'a> {
    count: usize,
    #[schema(value_type = Vec<crate::api::openapi::CountryView>)]
    items: Vec<&'a Country>,
}

/// Countries: ISO 3166-1 codes, the EU statistical code (`EL`, `UK`) and EU membership.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/countries",
    operation_id = "countries",
    tag = "taxonomies",
    responses(
        (status = 200, description = "Every country", body = CountryList),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
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

/// The cities that match, the most populous first.
#[derive(Debug, Serialize, ToSchema)]
struct CityList<'a> {
    /// The country asked for (its ISO code), or null.
    #[schema(required = true)]
    country: Option<&'a str>,
    /// The name prefix asked for, or null.
    #[schema(required = true)]
    q: Option<&'a str>,
    limit: u16,
    /// How many cities match, of which at most `limit` are listed.
    count: usize,
    #[schema(value_type = Vec<crate::api::openapi::CityView>)]
    items: Vec<&'a City>,
}

/// Cities of at least 5,000 inhabitants: those of a country (ISO or EU code) whose name starts
/// with `q` (any letter case, with or without accents), the most populous first.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/cities",
    operation_id = "cities",
    tag = "taxonomies",
    params(
        ("country" = Option<crate::api::openapi::CountryCodeValue>, Query, description = "A country code, such as `DE`; the EU's `EL` and `UK` and lower case are accepted too"),
        ("q" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "The start of the city's name"),
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 100, description = "How many cities to list; 20 when absent"),
    ),
    responses(
        (status = 200, description = "The cities", body = CityList),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
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
