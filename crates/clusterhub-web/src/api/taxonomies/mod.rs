//! `GET /api/v1/taxonomies` and the read-only reference data under it: NUTS regions, NACE
//! activities, countries, cities, cluster categories, vocabularies and cohesion-policy region
//! categories. Everything here comes from the embedded reference data, so every answer carries
//! an ETag and may be cached.

mod cohesion;
mod nace;
mod nuts;
mod places;
mod vocabularies;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{CohesionPeriod, Lang, NutsVersion};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// The index and every taxonomy route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/taxonomies", get(index))
        .merge(nuts::router())
        .merge(nace::router())
        .merge(places::router())
        .merge(vocabularies::router())
        .merge(cohesion::router())
}

/// The operations of the taxonomies, one document per module.
pub(super) fn documents() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        Doc::openapi(),
        nuts::Doc::openapi(),
        nace::Doc::openapi(),
        places::Doc::openapi(),
        vocabularies::Doc::openapi(),
        cohesion::Doc::openapi(),
    ]
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(index))]
struct Doc;

/// The `lang` parameter of the operations that label reference data.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct LangParameter {
    /// The language of the labels; English when absent.
    #[param(value_type = Option<crate::api::openapi::LangValue>)]
    lang: Option<String>,
}

/// The languages reference labels come in, as the `lang` parameter names them.
const LABEL_LANGUAGES: &[(&str, Lang)] = &[("en", Lang::En), ("fr", Lang::Fr), ("de", Lang::De)];

/// The `lang` parameter: the language of labels, English when absent. The API does not look at
/// `Accept-Language`, so that one URL always gives the same answer and caches stay simple.
fn label_language(query: &QueryParameters) -> Result<Lang, ApiError> {
    Ok(query.choice("lang", LABEL_LANGUAGES)?.unwrap_or(Lang::En))
}

/// One entry of the index.
#[derive(Debug, Serialize, ToSchema)]
struct TaxonomyLink {
    id: &'static str,
    title: &'static str,
    href: &'static str,
    /// How many entries the taxonomy has.
    count: usize,
    /// The query parameters its list takes.
    parameters: &'static [&'static str],
}

/// The taxonomies.
#[derive(Debug, Serialize, ToSchema)]
struct TaxonomyIndex {
    count: usize,
    items: Vec<TaxonomyLink>,
}

/// The reference data: NUTS, NACE, countries, cities, cluster categories, vocabularies and
/// cohesion-policy region categories, with their sizes and parameters.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies",
    operation_id = "taxonomies",
    tag = "taxonomies",
    responses(
        (status = 200, description = "The taxonomies", body = TaxonomyIndex),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let reference = state.reference();
    let items = vec![
        TaxonomyLink {
            id: "nuts",
            title: "NUTS regions, versions 2021 (current) and 2016; one region at /nuts/{code}, an old code's 2021 successor at /nuts/recode/{code}",
            href: "/api/v1/taxonomies/nuts",
            count: reference.nuts(NutsVersion::V2021).len(),
            parameters: nuts::LIST_PARAMETERS,
        },
        TaxonomyLink {
            id: "nace",
            title: "NACE Rev. 2 economic activities: sections, divisions, groups and classes; one activity at /nace/{code}",
            href: "/api/v1/taxonomies/nace",
            count: reference.nace().len(),
            parameters: nace::LIST_PARAMETERS,
        },
        TaxonomyLink {
            id: "countries",
            title: "Countries: ISO 3166-1 codes, the EU statistical code (EL, UK) and EU membership",
            href: "/api/v1/taxonomies/countries",
            count: reference.countries().len(),
            parameters: &[],
        },
        TaxonomyLink {
            id: "cities",
            title: "Cities of at least 5,000 inhabitants in and around Europe, with their NUTS 3 region",
            href: "/api/v1/taxonomies/cities",
            count: reference.cities().len(),
            parameters: places::CITY_PARAMETERS,
        },
        TaxonomyLink {
            id: "cluster-categories",
            title: "The 51 traded cluster categories (sectoral industries) with their NACE codes",
            href: "/api/v1/taxonomies/cluster-categories",
            count: reference.cluster_categories().len(),
            parameters: vocabularies::PARAMETERS,
        },
        TaxonomyLink {
            id: "emerging-industries",
            title: "The 10 emerging industries of the European Cluster Observatory",
            href: "/api/v1/taxonomies/emerging-industries",
            count: reference.emerging_industries().len(),
            parameters: vocabularies::PARAMETERS,
        },
        TaxonomyLink {
            id: "technology-fields",
            title: "Technology fields (advanced technologies for industry)",
            href: "/api/v1/taxonomies/technology-fields",
            count: reference.technology_fields().len(),
            parameters: vocabularies::PARAMETERS,
        },
        TaxonomyLink {
            id: "s3-priority-areas",
            title: "Smart specialisation (S3) EU priority areas",
            href: "/api/v1/taxonomies/s3-priority-areas",
            count: reference.s3_priority_areas().len(),
            parameters: vocabularies::PARAMETERS,
        },
        TaxonomyLink {
            id: "region-categories",
            title: "Cohesion-policy region categories (less developed, transition, more developed) per programming period, with the legal source",
            href: "/api/v1/taxonomies/region-categories",
            count: reference.cohesion_regions(CohesionPeriod::P2021_2027).len(),
            parameters: cohesion::PARAMETERS,
        },
    ];
    cacheable_json(
        &headers,
        &TaxonomyIndex {
            count: items.len(),
            items,
        },
    )
}
