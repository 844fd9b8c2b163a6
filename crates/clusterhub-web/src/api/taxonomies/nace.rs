//! NACE Rev. 2 activities: lists by level and parent in English, French or German, and one
//! activity with its ancestors, children and the cluster categories that cover it.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_reference::{Lang, NaceActivity, NaceTable};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::label_language;
use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode};
use crate::query::QueryParameters;

/// The parameters of the list.
pub const LIST_PARAMETERS: &[&str] = &["level", "parent", "lang"];

/// The NACE routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/taxonomies/nace", get(list))
        .route("/api/v1/taxonomies/nace/{code}", get(activity))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(list, activity))]
pub(super) struct Doc;

/// An activity as the API shows it, labelled in one language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NaceActivity)]
struct ActivityItem<'a> {
    code: &'a str,
    /// 1 for a section, 2 a division, 3 a group, 4 a class.
    #[schema(minimum = 1, maximum = 4)]
    level: u8,
    /// The activity one level up; null for a section.
    #[schema(required = true)]
    parent: Option<&'a str>,
    label: &'a str,
}

impl<'a> ActivityItem<'a> {
    fn of(activity: &'a NaceActivity, lang: Lang) -> ActivityItem<'a> {
        ActivityItem {
            code: &activity.code,
            level: activity.level,
            parent: activity.parent.as_deref(),
            label: activity.label(lang),
        }
    }
}

/// NACE activities labelled in one language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NaceActivityList)]
struct ActivityList<'a> {
    #[schema(value_type = crate::api::openapi::LangValue)]
    lang: Lang,
    /// The level listed, or null for every level.
    #[schema(required = true)]
    level: Option<u8>,
    /// The activity whose activities are listed, or null.
    #[schema(required = true)]
    parent: Option<&'a str>,
    count: usize,
    items: Vec<ActivityItem<'a>>,
}

/// NACE writes sections in capitals; people also type them in lower case.
fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// NACE Rev. 2 activities by level and parent. Level 1 is the 21 sections, 2 divisions, 3
/// groups, 4 classes. With `parent`, the activities inside it: at `level` if given, else one
/// level below the parent.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/nace",
    operation_id = "nace_activities",
    tag = "taxonomies",
    params(
        ("level" = Option<u8>, Query, minimum = 1, maximum = 4, description = "Only activities of this level"),
        ("parent" = Option<crate::api::openapi::NaceParentValue>, Query, description = "Only activities inside this one, such as `C` or `10.1`"),
        super::LangParameter,
    ),
    responses(
        (status = 200, description = "The activities", body = ActivityList),
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
    let lang = label_language(&query)?;
    let table = state.reference().nace();
    let mut level = query.integer_in("level", 1u8, 4)?;
    let parent = match query.text("parent")? {
        None => None,
        Some(code) => Some(table.get(&normalise_code(code)).ok_or_else(|| {
            ApiError::invalid_parameter(
                "parent",
                format!(
                    "`parent` must be a NACE Rev. 2 code such as C, 10 or 10.1; {code} is not one."
                ),
            )
        })?),
    };
    if let Some(parent) = parent {
        match level {
            None if parent.level == 4 => {
                return Err(ApiError::invalid_parameter(
                    "parent",
                    format!("{} is a class and has no activities below it.", parent.code),
                ));
            }
            None => level = Some(parent.level + 1),
            Some(wanted) if wanted <= parent.level => {
                return Err(ApiError::invalid_parameter(
                    "level",
                    format!(
                        "`level` must be below the parent's level {}: from {} to 4.",
                        parent.level,
                        parent.level + 1
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let items: Vec<ActivityItem> = table
        .iter()
        .filter(|activity| level.is_none_or(|level| activity.level == level))
        .filter(|activity| parent.is_none_or(|parent| is_inside(table, activity, parent)))
        .map(|activity| ActivityItem::of(activity, lang))
        .collect();
    cacheable_json(
        &headers,
        &ActivityList {
            lang,
            level,
            parent: parent.map(|parent| parent.code.as_str()),
            count: items.len(),
            items,
        },
    )
}

/// Whether `activity` lies inside `ancestor` (and is not the ancestor itself).
fn is_inside(table: &NaceTable, activity: &NaceActivity, ancestor: &NaceActivity) -> bool {
    activity.code != ancestor.code && table.is_within(&activity.code, &ancestor.code)
}

/// A cluster category that covers an activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ClusterCategoryReference)]
struct CategoryReference<'a> {
    id: u8,
    slug: &'a str,
    name: &'a str,
}

/// An activity named in passing: an ancestor or a child.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NaceActivityReference)]
struct ActivityReference<'a> {
    code: &'a str,
    level: u8,
    label: &'a str,
}

/// One activity with its surroundings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NaceActivityDetail)]
struct ActivityDetail<'a> {
    #[schema(value_type = crate::api::openapi::LangValue)]
    lang: Lang,
    #[serde(flatten)]
    activity: ActivityItem<'a>,
    /// From the section down to the parent.
    ancestors: Vec<ActivityReference<'a>>,
    children: Vec<ActivityReference<'a>>,
    cluster_categories: Vec<CategoryReference<'a>>,
}

/// One NACE activity with its ancestors, children and the cluster categories that cover it.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomies/nace/{code}",
    operation_id = "nace_activity",
    tag = "taxonomies",
    params(
        ("code" = String, Path, example = "62.01", description = "A NACE Rev. 2 code such as `C`, `10`, `10.1` or `10.11`"),
        super::LangParameter,
    ),
    responses(
        (status = 200, description = "The activity", body = ActivityDetail),
        (status = 304, response = crate::api::openapi::NotModified),
        (status = 400, response = crate::api::openapi::BadRequest),
        (status = 404, description = "No NACE activity has this code (`nace_activity_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
    ),
)]
async fn activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), &["lang"])?;
    let lang = label_language(&query)?;
    let reference = state.reference();
    let table = reference.nace();
    let code = normalise_code(&code);
    let activity = table.get(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NaceActivityNotFound,
            format!("{code} is not a NACE Rev. 2 code; codes look like C, 10, 10.1 or 10.11."),
        )
    })?;
    let reference_of = |activity: &'static NaceActivity| ActivityReference {
        code: &activity.code,
        level: activity.level,
        label: activity.label(lang),
    };
    let mut ancestors: Vec<ActivityReference> = table
        .ancestors(&activity.code)
        .into_iter()
        .skip(1)
        .map(reference_of)
        .collect();
    ancestors.reverse();
    let cluster_categories = reference
        .cluster_categories_for_nace(&activity.code)
        .into_iter()
        .map(|category| CategoryReference {
            id: category.id,
            slug: &category.slug,
            name: category.name(lang),
        })
        .collect();
    cacheable_json(
        &headers,
        &ActivityDetail {
            lang,
            activity: ActivityItem::of(activity, lang),
            ancestors,
            children: table.children(&activity.code).map(reference_of).collect(),
            cluster_categories,
        },
    )
}
