//! The versioned JSON API under `/api/v1`. Each resource module has its own `router()`; this one
//! merges them and answers the index at `/api/v1`.

mod health;
mod map;
pub(crate) mod organisations;
pub(crate) mod organisations_export;
pub(crate) mod organisations_search;
mod problems;
mod taxonomies;

use axum::Router;
use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// Every `/api/v1` route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1", get(index))
        .merge(health::router())
        .merge(map::router())
        .merge(organisations::router())
        .merge(organisations_search::router())
        .merge(organisations_export::router())
        .merge(problems::router())
        .merge(taxonomies::router())
}

/// A link from the index.
#[derive(Debug, Serialize)]
struct Link {
    rel: &'static str,
    href: &'static str,
    title: &'static str,
}

#[derive(Debug, Serialize)]
struct ApiIndex {
    version: &'static str,
    links: &'static [Link],
}

const LINKS: &[Link] = &[
    Link {
        rel: "health",
        href: "/api/v1/health",
        title: "Whether the service and its database answer, with the number of organisations",
    },
    Link {
        rel: "taxonomies",
        href: "/api/v1/taxonomies",
        title: "Reference data: NUTS, NACE, countries, cities, cluster categories, vocabularies, cohesion-policy region categories",
    },
    Link {
        rel: "organisations",
        href: "/api/v1/organisations",
        title: "The directory: keyword and faceted search with disjunctive counts, map box, distance order; CSV and XLSX exports",
    },
    Link {
        rel: "problems",
        href: "/api/v1/problems",
        title: "The error codes of this API; every problem+json answer's `type` points here",
    },
];

/// `GET /api/v1`: where to start.
async fn index(headers: HeaderMap, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    cacheable_json(
        &headers,
        &ApiIndex {
            version: "v1",
            links: LINKS,
        },
    )
}
