//! `GET /api/v1/problems` and `/api/v1/problems/{code}`: the table of error codes, which the
//! `type` of every problem+json answer points into.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

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

/// One row of the error-code table.
#[derive(Debug, Serialize)]
struct ProblemType {
    #[serde(rename = "type")]
    problem_type: String,
    code: &'static str,
    status: u16,
    title: &'static str,
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

#[derive(Debug, Serialize)]
struct ProblemTypeList {
    count: usize,
    items: Vec<ProblemType>,
}

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
