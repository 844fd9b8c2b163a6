//! `GET /api/v1/health`: whether the service and its database answer, for load balancers and
//! operators.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::AppState;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// How long the database may take to answer before the service calls itself unavailable.
const DATABASE_DEADLINE: Duration = Duration::from_secs(5);

/// `GET /api/v1/health`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(health))
}

/// The health answer.
#[derive(Debug, Serialize)]
struct Health<'a> {
    status: &'static str,
    database: &'static str,
    organisations: i64,
    version: &'a str,
    uptime_seconds: u64,
}

async fn health(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let storage = state.storage();
    let organisations = tokio::time::timeout(DATABASE_DEADLINE, async {
        storage.ping().await?;
        storage.organisation_count().await
    })
    .await
    .map_err(|_| ApiError::database_unavailable("the database took more than 5 s to answer"))?
    .map_err(ApiError::database_unavailable)?;
    let health = Health {
        status: "ok",
        database: storage.backend().name(),
        organisations,
        version: state.version(),
        uptime_seconds: state.started_at().elapsed().as_secs(),
    };
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(health),
    )
        .into_response())
}
