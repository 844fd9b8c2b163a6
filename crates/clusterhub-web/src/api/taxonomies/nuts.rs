//! NUTS regions: lists by version, level and parent; one region with its ancestors, children and
//! cohesion-policy categories; and the NUTS 2021 successor of an older code.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{
    CohesionPeriod, NutsRegion, NutsTable, NutsTranslationMethod, NutsVersion, RegionCategory,
};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode};
use crate::query::QueryParameters;

/// The parameters of the list.
pub const LIST_PARAMETERS: &[&str] = &["version", "level", "parent"];

const VERSIONS: &[(&str, NutsVersion)] =
    &[("2021", NutsVersion::V2021), ("2016", NutsVersion::V2016)];

/// The NUTS routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/taxonomies/nuts", get(list))
        .route("/api/v1/taxonomies/nuts/recode/{old_code}", get(recode))
        .route("/api/v1/taxonomies/nuts/{code}", get(region))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(list, region, recode))]
pub(super) struct Doc;

/// A region's centre, in WGS 84 degrees.
#[derive(Debug, Serialize, ToSchema)]
struct Centroid {
    lon: f64,
    lat: f64,
}

/// A region as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NutsRegion)]
struct RegionItem<'a> {
    code: &'a str,
    #[schema(minimum = 0, maximum = 3)]
    level: u8,
    /// The region one level up; null for a country.
    #[schema(required = true)]
    parent: Option<&'a str>,
    /// The country's NUTS code (`EL` for Greece).
    country: &'a str,
    /// The name in Latin letters.
    name: &'a str,
    /// The name in the national language(s).
    name_national: &'a str,
    #[schema(required = true)]
    centroid: Option<Centroid>,
}

impl<'a> RegionItem<'a> {
    fn of(region: &'a NutsRegion) -> RegionItem<'a> {
        RegionItem {
            code: &region.code,
            level: region.level,
            parent: region.parent.as_deref(),
            country: &region.country,
            name: &region.name,
            name_national: &region.name_national,
            centroid: region.centroid.map(|(lon, lat)| Centroid { lon, lat }),
        }
    }
}

/// A region named in passing: an ancestor or a child.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NutsRegionReference)]
struct RegionReference<'a> {
    code: &'a str,
    level: u8,
    name: &'a str,
}

impl<'a> RegionReference<'a> {
    fn of(region: &'a NutsRegion) -> RegionReference<'a> {
        RegionReference {
            code: &region.code,
            level: region.level,
            name: &region.name,
        }
    }
}

/// Regions of one version.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NutsRegionList)]
struct RegionList<'a> {
    #[schema(value_type = crate::api::openapi::NutsVersionValue)]
    version: NutsVersion,
    /// The level listed, or null for every level.
    #[schema(required = true)]
    level: Option<u8>,
    /// The region whose regions are listed, or null.
    #[schema(required = true)]
    parent: Option<&'a str>,
    count: usize,
    items: Vec<RegionItem<'a>>,
}

fn version_of(query: &QueryParameters) -> Result<NutsVersion, ApiError> {
    Ok(query
        .choice("version", VERSIONS)?
        .unwrap_or(NutsVersion::V2021))
}

/// NUTS regions of one version, by level and parent. With `parent`, the regions inside it: at
/// `level` if given, else one level below the parent.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/nuts",
    operation_id = "nuts_regions",
    tag = "taxonomies",
    params(
        ("version" = Option<crate::api::openapi::NutsVersionValue>, Query, description = "The NUTS version; 2021 when absent"),
        ("level" = Option<u8>, Query, minimum = 0, maximum = 3, description = "Only regions of this level (0 is the country)"),
        ("parent" = Option<crate::api::openapi::NutsParentValue>, Query, description = "Only regions inside this region of the version"),
    ),
    responses(
        (status = 200, description = "The regions", body = RegionList),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
    ),
)]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), LIST_PARAMETERS)?;
    let version = version_of(&query)?;
    let table = state.reference().nuts(version);
    let mut level = query.integer_in("level", 0u8, 3)?;
    let parent = match query.text("parent")? {
        None => None,
        Some(code) => Some(table.get(&code.to_ascii_uppercase()).ok_or_else(|| {
            ApiError::invalid_parameter(
                "parent",
                format!("`parent` must be a NUTS {version} code; {code} is not one."),
            )
        })?),
    };
    if let Some(parent) = parent {
        match level {
            None if parent.level == 3 => {
                return Err(ApiError::invalid_parameter(
                    "parent",
                    format!(
                        "{} is a level-3 region and has no regions below it.",
                        parent.code
                    ),
                ));
            }
            None => level = Some(parent.level + 1),
            Some(wanted) if wanted <= parent.level => {
                return Err(ApiError::invalid_parameter(
                    "level",
                    format!(
                        "`level` must be below the parent's level {}: from {} to 3.",
                        parent.level,
                        parent.level + 1
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let items: Vec<RegionItem> = table
        .iter()
        .filter(|region| level.is_none_or(|level| region.level == level))
        .filter(|region| parent.is_none_or(|parent| is_inside(table, region, parent)))
        .map(RegionItem::of)
        .collect();
    cacheable_json(
        &headers,
        &RegionList {
            version,
            level,
            parent: parent.map(|parent| parent.code.as_str()),
            count: items.len(),
            items,
        },
    )
}

/// Whether `region` lies inside `ancestor` (and is not the ancestor itself).
fn is_inside(table: &NutsTable, region: &NutsRegion, ancestor: &NutsRegion) -> bool {
    region.level > ancestor.level
        && table
            .ancestor_at_level(&region.code, ancestor.level)
            .is_some_and(|found| found.code == ancestor.code)
}

/// The cohesion-policy category of a NUTS 2021 region in each period; null where the region
/// has none (levels 0 and 1, regions outside the EU, or a level-2 region split across
/// categories).
#[derive(Debug, Serialize, ToSchema)]
struct RegionCategories {
    #[serde(rename = "2014-2020")]
    #[schema(value_type = Option<crate::api::openapi::RegionCategoryValue>, required = true)]
    period_2014_2020: Option<RegionCategory>,
    #[serde(rename = "2021-2027")]
    #[schema(value_type = Option<crate::api::openapi::RegionCategoryValue>, required = true)]
    period_2021_2027: Option<RegionCategory>,
}

/// One region with its surroundings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NutsRegionDetail)]
struct RegionDetail<'a> {
    #[schema(value_type = crate::api::openapi::NutsVersionValue)]
    version: NutsVersion,
    #[serde(flatten)]
    region: RegionItem<'a>,
    /// From the country down to the parent.
    ancestors: Vec<RegionReference<'a>>,
    children: Vec<RegionReference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region_categories: Option<RegionCategories>,
    /// For a NUTS 2016 region: the NUTS 2021 code it corresponds to.
    #[serde(skip_serializing_if = "Option::is_none")]
    nuts_2021: Option<String>,
}

/// One NUTS region with its ancestors, children and (NUTS 2021, level 2 and 3) cohesion-policy
/// categories; a NUTS 2016 region also gives its NUTS 2021 code.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/nuts/{code}",
    operation_id = "nuts_region",
    tag = "taxonomies",
    params(
        ("code" = String, Path, example = "DE212", description = "A NUTS code of the version, such as `DE212`"),
        ("version" = Option<crate::api::openapi::NutsVersionValue>, Query, description = "The NUTS version; 2021 when absent"),
    ),
    responses(
        (status = 200, description = "The region", body = RegionDetail),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
        (status = 404, description = "The version has no such region (`nuts_region_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
    ),
)]
async fn region(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), &["version"])?;
    let version = version_of(&query)?;
    let reference = state.reference();
    let table = reference.nuts(version);
    let code = code.trim().to_ascii_uppercase();
    let region = table.get(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NutsRegionNotFound,
            format!(
                "NUTS {version} has no region {code}. An older code's successor is at /api/v1/taxonomies/nuts/recode/{{code}}."
            ),
        )
    })?;
    let mut ancestors: Vec<RegionReference> = table
        .ancestors(&region.code)
        .into_iter()
        .skip(1)
        .map(RegionReference::of)
        .collect();
    ancestors.reverse();
    let region_categories =
        (version == NutsVersion::V2021 && region.level >= 2).then(|| RegionCategories {
            period_2014_2020: reference.region_category(CohesionPeriod::P2014_2020, &region.code),
            period_2021_2027: reference.region_category(CohesionPeriod::P2021_2027, &region.code),
        });
    let nuts_2021 = match version {
        NutsVersion::V2016 => reference.translate_nuts_to_2021(&region.code),
        NutsVersion::V2021 => None,
    };
    cacheable_json(
        &headers,
        &RegionDetail {
            version,
            region: RegionItem::of(region),
            ancestors,
            children: table
                .children(&region.code)
                .map(RegionReference::of)
                .collect(),
            region_categories,
            nuts_2021,
        },
    )
}

/// How an old code maps to NUTS 2021; `unchanged` when the code is valid in 2021.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
enum RecodingMethod {
    Unchanged,
    #[serde(untagged)]
    Translated(NutsTranslationMethod),
}

/// An old NUTS code and its NUTS 2021 successor.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NutsRecoding)]
struct Recoding<'a> {
    /// The code asked about, in capitals.
    code: String,
    /// Its NUTS 2021 successor, or null when none can be named.
    #[schema(required = true)]
    nuts_2021: Option<String>,
    #[schema(value_type = crate::api::openapi::NutsTranslationMethodValue)]
    method: RecodingMethod,
    /// The NUTS 2021 region, if there is one.
    #[schema(required = true)]
    region: Option<RegionReference<'a>>,
}

/// The NUTS 2021 code for a code of any version from 2003 to 2021.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/nuts/recode/{old_code}",
    operation_id = "nuts_recode",
    tag = "taxonomies",
    params(("old_code" = String, Path, example = "UKI1", description = "A NUTS code of any version from 2003 to 2021")),
    responses(
        (status = 200, description = "The code's NUTS 2021 successor", body = Recoding),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
        (status = 404, description = "No NUTS version has this code (`nuts_code_unknown`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
    ),
)]
async fn recode(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(old_code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let reference = state.reference();
    let nuts_2021 = reference.nuts(NutsVersion::V2021);
    let code = old_code.trim().to_ascii_uppercase();
    let (target, method) = if nuts_2021.contains(&code) {
        (Some(code.clone()), RecodingMethod::Unchanged)
    } else {
        let translation = reference.nuts_translation(&code).ok_or_else(|| {
            ApiError::new(
                ErrorCode::NutsCodeUnknown,
                format!("{code} is not a NUTS code of any version from 2003 to 2021."),
            )
        })?;
        (
            translation.nuts_2021.clone(),
            RecodingMethod::Translated(translation.method),
        )
    };
    let region = target
        .as_deref()
        .and_then(|target| nuts_2021.get(target))
        .map(RegionReference::of);
    cacheable_json(
        &headers,
        &Recoding {
            code,
            nuts_2021: target,
            method,
            region,
        },
    )
}
