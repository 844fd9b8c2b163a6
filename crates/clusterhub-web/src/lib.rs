//! Clusterhub's HTTP layer, the only crate that knows HTTP: the JSON API under `/api/v1`, the
//! server-rendered HTML pages, their static files, and the layers every answer passes through.
//!
//! The binary builds an [`AppState`] and serves [`router`]:
//!
//! ```no_run
//! # async fn serve(
//! #     storage: clusterhub_storage::Storage,
//! #     search: clusterhub_search::SearchIndex,
//! # ) -> std::io::Result<()> {
//! use clusterhub_reference::Reference;
//! use clusterhub_web::AppState;
//!
//! let state = AppState::new(storage, search, Reference::get()).with_version("1.0.0");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, clusterhub_web::router(state)).await
//! # }
//! ```
//!
//! Each resource module exposes its own `router()`; [`router`] merges them in one place and adds
//! the layers: security headers, request ids, tracing, gzip, complete error bodies, a timeout and
//! a request body limit.

mod api;
mod assets;
pub mod auth;
mod caching;
mod error;
pub mod i18n;
mod interests;
mod middleware;
pub mod observatory;
mod page_cache;
mod pages;
mod partners;
mod profile_form;
mod query;
pub mod search_params;
mod state;
pub mod upload;
mod value_chains;

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tower_http::CompressionLevel;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use api::openapi::document_json as openapi_json;
pub use error::{ApiError, ErrorCode, PROBLEM_JSON};
pub use middleware::{CONTENT_SECURITY_POLICY, REQUEST_BODY_LIMIT, REQUEST_ID_HEADER, RequestId};
pub use state::AppState;

/// How long a request may take before it is answered 408 and abandoned.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route of the application, with its layers, ready for `axum::serve`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(assets::router())
        .fallback(not_found)
        // After routing: the matched route's access rule (auth/policy.rs).
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::enforce_access,
        ))
        // Before the access rule: CSRF (also a route layer, so 405 and 404 stay what they are).
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_csrf,
        ))
        .with_state(state.clone())
        // Each `layer` call wraps everything above it, so the last one is the outermost: the
        // security headers and the request id see every answer, including the ones the inner
        // layers make (408 from the timeout, 413 from the body limit).
        .layer(axum::middleware::from_fn_with_state(state, auth::identify))
        .layer(RequestBodyLimitLayer::new(REQUEST_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(middleware::complete_error_bodies))
        .layer(compression())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(axum::middleware::from_fn(middleware::assign_request_id))
        .layer(axum::middleware::from_fn(middleware::add_security_headers))
}

/// Gzip for every answer a client accepts it for, at [`page_cache::GZIP_LEVEL`]: a directory
/// page is ~290 KB of HTML and SVG that shrinks to ~83 KB, which matters on a phone. Compressing
/// it costs ~2 ms, so the directory page and the JSON search keep their gzipped forms in the page
/// cache and arrive here already compressed (the layer passes those as they are). Spreadsheets
/// (already zip files), images and event streams are sent as they are.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(
            page_cache::GZIP_LEVEL.cast_signed(),
        ))
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new(
            "application/vnd.openxmlformats-officedocument",
        )))
}

/// The tracing span of one request: its id, method and path (not the query, which may hold
/// what someone searched for).
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// No route matched: a problem+json 404 under `/api`, the page "not found" elsewhere.
async fn not_found(language: pages::RequestLanguage, uri: Uri) -> Response {
    if middleware::is_api_path(uri.path()) {
        ApiError::new(
            ErrorCode::RouteNotFound,
            format!(
                "No endpoint answers at {}. Start from /api/v1/taxonomies or /api/v1/health.",
                uri.path()
            ),
        )
        .into_response()
    } else {
        pages::not_found_page(&language, uri.path()).into_response()
    }
}
