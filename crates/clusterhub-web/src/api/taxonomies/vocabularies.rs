//! The controlled vocabularies of profiles: the 51 cluster categories (with their NACE codes),
//! emerging industries, technology fields and S3 priority areas, labelled in one language.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{Lang, Reference, Term};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::label_language;
use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// The parameters of every vocabulary.
pub const PARAMETERS: &[&str] = &["lang"];

/// The vocabulary routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/taxonomies/cluster-categories",
            get(cluster_categories),
        )
        .route(
            "/api/v1/taxonomies/emerging-industries",
            get(emerging_industries),
        )
        .route(
            "/api/v1/taxonomies/technology-fields",
            get(technology_fields),
        )
        .route(
            "/api/v1/taxonomies/s3-priority-areas",
            get(s3_priority_areas),
        )
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(
    cluster_categories,
    emerging_industries,
    technology_fields,
    s3_priority_areas
))]
pub(super) struct Doc;

/// A cluster category (sectoral industry).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ClusterCategory)]
struct CategoryItem<'a> {
    /// Its number, from 1 to 51; the directory's `sector` filter takes it.
    id: u8,
    slug: &'a str,
    name: &'a str,
    /// The NACE Rev. 2 codes the category groups.
    nace: &'a [String],
}

/// A vocabulary labelled in one language.
#[derive(Debug, Serialize, ToSchema)]
struct LabelledList<T> {
    #[schema(value_type = crate::api::openapi::LangValue)]
    lang: Lang,
    count: usize,
    items: Vec<T>,
}

/// The 51 traded cluster categories (sectoral industries) with their NACE codes.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/cluster-categories",
    operation_id = "cluster_categories",
    tag = "taxonomies",
    params(super::LangParameter),
    responses(
        (status = 200, description = "The cluster categories", body = LabelledList<CategoryItem>),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn cluster_categories(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), PARAMETERS)?;
    let lang = label_language(&query)?;
    let items: Vec<CategoryItem> = state
        .reference()
        .cluster_categories()
        .iter()
        .map(|category| CategoryItem {
            id: category.id,
            slug: &category.slug,
            name: category.name(lang),
            nace: &category.nace,
        })
        .collect();
    cacheable_json(
        &headers,
        &LabelledList {
            lang,
            count: items.len(),
            items,
        },
    )
}

/// A term labelled in one language; descriptions are in English.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Term)]
struct TermItem<'a> {
    id: &'a str,
    label: &'a str,
    description: &'a str,
}

/// Answers one vocabulary of [`Term`]s.
fn term_list(
    headers: &HeaderMap,
    query: Option<&str>,
    terms: fn(&'static Reference) -> &'static [Term],
    reference: &'static Reference,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query, PARAMETERS)?;
    let lang = label_language(&query)?;
    let items: Vec<TermItem> = terms(reference)
        .iter()
        .map(|term| TermItem {
            id: &term.id,
            label: term.label(lang),
            description: &term.description,
        })
        .collect();
    cacheable_json(
        headers,
        &LabelledList {
            lang,
            count: items.len(),
            items,
        },
    )
}

/// The 10 emerging industries of the European Cluster Observatory.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/emerging-industries",
    operation_id = "emerging_industries",
    tag = "taxonomies",
    params(super::LangParameter),
    responses(
        (status = 200, description = "The emerging industries", body = LabelledList<TermItem>),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn emerging_industries(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    term_list(
        &headers,
        query.as_deref(),
        Reference::emerging_industries,
        state.reference(),
    )
}

/// Technology fields (advanced technologies for industry).
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/technology-fields",
    operation_id = "technology_fields",
    tag = "taxonomies",
    params(super::LangParameter),
    responses(
        (status = 200, description = "The technology fields", body = LabelledList<TermItem>),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn technology_fields(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    term_list(
        &headers,
        query.as_deref(),
        Reference::technology_fields,
        state.reference(),
    )
}

/// Smart specialisation (S3) EU priority areas.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/s3-priority-areas",
    operation_id = "s3_priority_areas",
    tag = "taxonomies",
    params(super::LangParameter),
    responses(
        (status = 200, description = "The S3 priority areas", body = LabelledList<TermItem>),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn s3_priority_areas(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    term_list(
        &headers,
        query.as_deref(),
        Reference::s3_priority_areas,
        state.reference(),
    )
}
