//! The controlled vocabularies of profiles: the 51 cluster categories (with their NACE codes),
//! emerging industries, technology fields and S3 priority areas, labelled in one language.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{Lang, Reference, Term};
use serde::Serialize;

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

#[derive(Debug, Serialize)]
struct CategoryItem<'a> {
    id: u8,
    slug: &'a str,
    name: &'a str,
    nace: &'a [String],
}

#[derive(Debug, Serialize)]
struct LabelledList<T> {
    lang: Lang,
    count: usize,
    items: Vec<T>,
}

/// `GET /api/v1/taxonomies/cluster-categories?lang=en|fr|de`.
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
#[derive(Debug, Serialize)]
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

/// `GET /api/v1/taxonomies/emerging-industries?lang=en|fr|de`.
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

/// `GET /api/v1/taxonomies/technology-fields?lang=en|fr|de`.
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

/// `GET /api/v1/taxonomies/s3-priority-areas?lang=en|fr|de`.
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
