//! `GET /api/v1/health`: whether the service and its database answer, for load balancers and
//! operators.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clusterhub_storage::Backend;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::query::QueryParameters;

/// How long the database may take to answer before the service calls itself unavailable.
const DATABASE_DEADLINE: Duration = Duration::from_secs(5);

/// `GET /api/v1/health`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(health))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(health))]
pub(super) struct Doc;

/// The health answer.
#[derive(Debug, Serialize, ToSchema)]
struct Health<'a> {
    /// Always `ok`: a service that is not well answers 503 instead.
    #[schema(value_type = String, pattern = "^ok$")]
    status: &'static str,
    /// The database engine.
    #[schema(schema_with = database_engine)]
    database: &'static str,
    /// How many organisations the directory holds.
    #[schema(minimum = 0)]
    organisations: i64,
    /// The server's version.
    version: &'a str,
    /// Seconds since the server started.
    uptime_seconds: u64,
}

/// The names [`Backend::name`] gives the database engines.
fn database_engine() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some([Backend::Sqlite.name(), Backend::Postgres.name()]))
        .build()
}

/// Whether the service and its database answer, with the number of organisations.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    operation_id = "health",
    tag = "service",
    responses(
        (status = 200, description = "The service and its database answer", body = Health),
        (status = 400, response = super::openapi::BadRequest),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
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
