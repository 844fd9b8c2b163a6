//! The versioned JSON API under `/api/v1`. Each resource module has its own `router()`; this one
//! merges them and answers the index at `/api/v1`.

mod auth;
mod health;
mod interests;
mod map;
pub(crate) mod observatory;
pub(crate) mod openapi;
mod organisation_edit;
pub(crate) mod organisations;
pub(crate) mod organisations_export;
pub(crate) mod organisations_search;
mod partners;
mod problems;
mod taxonomies;
pub(crate) mod tokens;
mod value_chains;

use axum::Router;
use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// Every `/api/v1` route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1", get(index))
        .merge(auth::router())
        .merge(health::router())
        .merge(interests::router())
        .merge(map::router())
        .merge(openapi::router())
        .merge(observatory::router())
        .merge(organisations::router())
        .merge(organisation_edit::router())
        .merge(organisations_search::router())
        .merge(organisations_export::router())
        .merge(partners::router())
        .merge(problems::router())
        .merge(taxonomies::router())
        .merge(value_chains::router())
        .merge(tokens::router())
}

/// The operations of every `/api/v1` module, one document each, merged by
/// [`openapi::document`]; a module with a `router()` above has its `Doc` here.
pub(crate) fn documents() -> Vec<utoipa::openapi::OpenApi> {
    let mut documents = vec![
        Doc::openapi(),
        auth::Doc::openapi(),
        health::Doc::openapi(),
        interests::Doc::openapi(),
        map::Doc::openapi(),
        observatory::Doc::openapi(),
        openapi::Doc::openapi(),
        organisations::Doc::openapi(),
        organisation_edit::Doc::openapi(),
        organisations_search::Doc::openapi(),
        organisations_export::Doc::openapi(),
        partners::Doc::openapi(),
        problems::Doc::openapi(),
        value_chains::Doc::openapi(),
        tokens::Doc::openapi(),
    ];
    documents.extend(taxonomies::documents());
    documents
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(index))]
struct Doc;

/// A link from the index.
#[derive(Debug, Serialize, ToSchema)]
struct Link {
    rel: &'static str,
    href: &'static str,
    title: &'static str,
}

/// Where to start: the API's version and links to its main resources.
#[derive(Debug, Serialize, ToSchema)]
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
        rel: "observatory",
        href: "/api/v1/observatory",
        title: "Regional employment by sector (Eurostat): shares, location quotients, percentile ranks, growth and cluster stars by region, sector and year; CSV and XLSX exports",
    },
    Link {
        rel: "problems",
        href: "/api/v1/problems",
        title: "The error codes of this API; every problem+json answer's `type` points here",
    },
];

/// Where to start: links to the API's resources.
#[utoipa::path(
    get,
    path = "/api/v1",
    operation_id = "index",
    tag = "service",
    responses(
        (status = 200, description = "The API's version and links to its resources", body = ApiIndex),
        (status = 304, response = openapi::NotModified),
        (status = 400, response = openapi::BadRequest),
    ),
)]
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
