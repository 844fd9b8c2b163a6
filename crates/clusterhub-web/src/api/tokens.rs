//! Personal API tokens through the API: `POST /api/v1/me/tokens` (needs a password sign-in in the
//! last ten minutes, so a token cannot make more tokens), `GET /api/v1/me/tokens`,
//! `DELETE /api/v1/me/tokens/{id}`. The token's text is in the creation answer only.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use clusterhub_storage::{ApiTokenRecord, NEVER_EXPIRES, NewApiToken, StorageError, text_of_unix};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{Caller, new_token, now_unix};
use crate::error::{ApiError, ErrorCode};
use clusterhub_accounts::TokenKind;

/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: i64 = 366;
/// The longest token name, in characters.
pub const MAX_TOKEN_NAME: usize = 100;

/// The token routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/tokens", get(list).post(create))
        .route("/api/v1/me/tokens/{id}", delete(revoke))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(list, create, revoke))]
pub(super) struct Doc;

/// `POST /api/v1/me/tokens` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What the token is for, to recognise it in the list (1–100 characters).
    pub name: String,
    /// Days until the token expires (1–366); without it the token lives until revoked.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 366)]
    pub expires_in_days: Option<i64>,
}

/// A token as its owner sees it (never its text after creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; `null` for a token without an expiry date.
    pub expires_at: Option<String>,
    /// RFC 3339, UTC, to the minute; `null` if never used.
    pub last_used_at: Option<String>,
    /// RFC 3339, UTC; `null` unless revoked.
    pub revoked_at: Option<String>,
    /// Whether the token signs requests in now.
    pub live: bool,
}

impl TokenView {
    pub(crate) fn of(record: ApiTokenRecord, now: i64) -> TokenView {
        TokenView {
            live: record.is_live(now),
            id: record.id,
            expires_at: (record.expires_unix != NEVER_EXPIRES)
                .then(|| text_of_unix(record.expires_unix)),
            name: record.name,
            created_at: record.created_at,
            last_used_at: record.last_used_at,
            revoked_at: record.revoked_at,
        }
    }
}

/// A new token, with its text: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    /// The secret to send as `Authorization: Bearer …`; it cannot be shown again.
    pub secret: String,
}

/// Checks a token's name and lifetime; the error names the field.
pub(crate) fn validate(
    name: &str,
    days: Option<i64>,
) -> Result<(String, i64), (&'static str, &'static str)> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_TOKEN_NAME
        || name.chars().any(char::is_control)
    {
        return Err(("name", "Give the token a name of 1 to 100 characters."));
    }
    let expires = match days {
        None => NEVER_EXPIRES,
        Some(days) if (1..=MAX_TOKEN_DAYS).contains(&days) => now_unix() + days * 24 * 3600,
        Some(_) => {
            return Err((
                "expires_in_days",
                "Give the days until the token expires, from 1 to 366, or leave it out.",
            ));
        }
    };
    Ok((name.to_owned(), expires))
}

/// Creates a token for the signed-in person (the page and the API); `Err` is the answer.
pub(crate) async fn create_token(
    state: &AppState,
    caller: &Caller,
    name: String,
    expires_unix: i64,
) -> Result<(ApiTokenRecord, clusterhub_accounts::Token), ApiError> {
    let Some(signed_in) = &caller.signed_in else {
        return Err(ApiError::new(ErrorCode::SignInRequired, "Sign in first."));
    };
    let token = new_token(TokenKind::Api);
    let record = NewApiToken {
        user_id: signed_in.principal.user_id,
        name,
        token_digest: token.digest(),
        expires_unix,
    };
    match state
        .storage()
        .create_api_token(&record, now_unix(), &caller.audit_context())
        .await
    {
        Ok(stored) => Ok((stored, token)),
        Err(StorageError::Conflict(message)) => {
            Err(ApiError::new(ErrorCode::TooManyApiTokens, message))
        }
        Err(error) => Err(ApiError::database_unavailable(error)),
    }
}

/// Creates a personal API token. Needs a password sign-in within the last ten minutes (a
/// session, not a token).
#[utoipa::path(
    post,
    path = "/api/v1/me/tokens",
    operation_id = "create_api_token",
    tag = "accounts",
    request_body = NewTokenRequest,
    responses(
        (status = 201, description = "The token, with its secret shown this once", body = CreatedToken),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Nobody is signed in, the sign-in is older than ten minutes, or the request used an API token (`sign_in_required`, `invalid_token`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The person holds 25 live tokens (`too_many_api_tokens`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (`unsupported_media_type`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or wrong (`invalid_field`, naming it)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewTokenRequest>,
) -> Response {
    let (name, expires) = match validate(&body.name, body.expires_in_days) {
        Ok(valid) => valid,
        Err((field, message)) => {
            return ApiError::new(ErrorCode::InvalidField, message)
                .with_parameter(field)
                .into_response();
        }
    };
    match create_token(&state, &caller, name, expires).await {
        Ok((record, token)) => {
            let created = CreatedToken {
                token: TokenView::of(record, now_unix()),
                secret: token.expose().to_owned(),
            };
            let mut response = (StatusCode::CREATED, Json(created)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// The signed-in person's tokens, newest first (revoked and expired ones for 30 days).
#[utoipa::path(
    get,
    path = "/api/v1/me/tokens",
    operation_id = "list_api_tokens",
    tag = "accounts",
    responses(
        (status = 200, description = "The person's tokens, without their secrets", body = Vec<TokenView>),
        (status = 401, description = "Nobody is signed in, or the token is not valid (`sign_in_required`, `invalid_token`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let signed_in = caller
        .signed_in
        .ok_or_else(|| ApiError::new(ErrorCode::SignInRequired, "Sign in first."))?;
    let now = now_unix();
    let tokens = state
        .storage()
        .api_tokens_of(signed_in.principal.user_id)
        .await
        .map_err(ApiError::database_unavailable)?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|token| TokenView::of(token, now))
            .collect(),
    ))
}

/// Revokes one of the signed-in person's tokens at once (a token may revoke itself).
#[utoipa::path(
    delete,
    path = "/api/v1/me/tokens/{id}",
    operation_id = "revoke_api_token",
    tag = "accounts",
    params(("id" = i64, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Nobody is signed in, or the token is not valid (`sign_in_required`, `invalid_token`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "The person has no unrevoked token with this id (`not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Response {
    let Some(signed_in) = &caller.signed_in else {
        return ApiError::new(ErrorCode::SignInRequired, "Sign in first.").into_response();
    };
    match state
        .storage()
        .revoke_api_token(signed_in.principal.user_id, id, &caller.audit_context())
        .await
    {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => {
            ApiError::new(ErrorCode::RecordNotFound, "There is no such token.").into_response()
        }
        Err(error) => ApiError::database_unavailable(error).into_response(),
    }
}
