//! `GET /api/v1/problems` and `/api/v1/problems/{code}`: the table of error codes, which the
//! `type` of every problem+json answer points into.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode, PROBLEM_TYPE_PREFIX};
use crate::query::QueryParameters;

/// The problem-type routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/problems", get(list_problem_types))
        .route("/api/v1/problems/{code}", get(problem_type))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(list_problem_types, problem_type))]
pub(super) struct Doc;

/// One row of the error-code table.
#[derive(Debug, Serialize, ToSchema)]
struct ProblemType {
    /// What problem+json answers with this code carry as `type`.
    #[serde(rename = "type")]
    problem_type: String,
    #[schema(value_type = super::openapi::ErrorCodeName)]
    code: &'static str,
    /// The HTTP status answered with this code.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    title: &'static str,
    /// What the code means and what a client can do about it.
    description: &'static str,
}

impl ProblemType {
    fn of(code: ErrorCode) -> ProblemType {
        ProblemType {
            problem_type: format!("{PROBLEM_TYPE_PREFIX}{}", code.code()),
            code: code.code(),
            status: code.status().as_u16(),
            title: code.title(),
            description: code.description(),
        }
    }
}

/// Every error code.
#[derive(Debug, Serialize, ToSchema)]
struct ProblemTypeList {
    count: usize,
    items: Vec<ProblemType>,
}

/// The error codes of this API; every problem+json answer's `type` points into this table.
#[utoipa::path(
    get,
    path = "/api/v1/problems",
    operation_id = "problem_types",
    tag = "service",
    responses(
        (status = 200, description = "Every error code", body = ProblemTypeList),
        (status = 304, response = super::openapi::NotModified),
        (status = 400, response = super::openapi::BadRequest),
    ),
)]
async fn list_problem_types(
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let items: Vec<ProblemType> = ErrorCode::ALL
        .iter()
        .copied()
        .map(ProblemType::of)
        .collect();
    cacheable_json(
        &headers,
        &ProblemTypeList {
            count: items.len(),
            items,
        },
    )
}

/// One error code.
#[utoipa::path(
    get,
    path = "/api/v1/problems/{code}",
    operation_id = "problem_type",
    tag = "service",
    params(("code" = super::openapi::ErrorCodeName, Path, description = "An error code, such as `invalid_parameter`")),
    responses(
        (status = 200, description = "The error code", body = ProblemType),
        (status = 304, response = super::openapi::NotModified),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, description = "The API answers with no such code (`problem_type_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
    ),
)]
async fn problem_type(
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let error_code = ErrorCode::from_code(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ProblemTypeNotFound,
            "This API answers with no such error code; GET /api/v1/problems lists them all.",
        )
    })?;
    cacheable_json(&headers, &ProblemType::of(error_code))
}
