//! Signing in and out through the API, and who the caller is: `POST /api/v1/auth/login` (JSON;
//! answers the session cookie), `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{Caller, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ErrorCode};
use crate::pages::account::{SignInOutcome, check_second_factor, sign_in};

/// The API's account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/export", get(export_me))
        .route(
            "/api/v1/organisations/{id}/people",
            get(organisation_people),
        )
        .route("/api/v1/admin/audit", get(audit_log))
}

/// One person with a role in an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

/// `GET /api/v1/me/export`: everything held about the signed-in person, as one JSON document
/// to download (GDPR Art. 15 and 20).
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    operation_id = "export_me",
    tag = "accounts",
    responses(
        (status = 200, description = "The personal data: account, roles, consents, sessions, API tokens (names and dates, never the token), claims of organisations, invitations sent and received, messages sent, pending links, e-mails sent and the audit entries by or about the person", body = serde_json::Value),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn export_me(State(state): State<AppState>, caller: Caller) -> Response {
    let Some(signed_in) = caller.signed_in else {
        return ApiError::new(ErrorCode::SignInRequired, "Sign in first.").into_response();
    };
    match state
        .storage()
        .personal_data(signed_in.principal.user_id)
        .await
    {
        Ok(Some(data)) => {
            let mut response = Json(data).into_response();
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_static(
                    "attachment; filename=\"clusterhub-personal-data.json\"",
                ),
            );
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            response
        }
        Ok(None) => ApiError::new(ErrorCode::SignInRequired, "Sign in first.").into_response(),
        Err(error) => ApiError::database_unavailable(error).into_response(),
    }
}

/// `GET /api/v1/organisations/{id}/people`: who has which role (organisation admins).
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/people",
    operation_id = "organisation_people",
    tag = "accounts",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The people with a role in the organisation", body = Vec<Person>),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or the caller is not one of its admins (`not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn organisation_people(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Json<Vec<Person>>, ApiError> {
    let people = state
        .storage()
        .organisation_people(id)
        .await
        .map_err(ApiError::database_unavailable)?;
    Ok(Json(
        people
            .into_iter()
            .map(|(user_id, display_name, email, role)| Person {
                user_id,
                display_name,
                email,
                role,
            })
            .collect(),
    ))
}

/// `GET /api/v1/admin/audit` parameters: every filter given must hold.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries by or about this person.
    #[param(minimum = 1)]
    pub user: Option<i64>,
    /// Only entries by this person.
    #[param(minimum = 1)]
    pub actor: Option<i64>,
    /// Only this action (`user.register`) or the actions under it (`user` for `user.*`).
    #[param(pattern = "^[a-z0-9_.]{1,64}$")]
    pub action: Option<String>,
    /// Only entries about records of this type (`user`, `api_token`, `route`, …).
    #[param(pattern = "^[a-z0-9_.]{1,64}$")]
    pub record_type: Option<String>,
    /// Only entries about the record with this id.
    #[param(max_length = 200)]
    pub record_id: Option<String>,
    /// Only entries with this outcome: `ok`, `denied` or `failed`.
    #[param(pattern = "^(ok|denied|failed)$")]
    pub outcome: Option<String>,
    /// Entries on or after this day (UTC).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Entries on or before this day (UTC).
    #[param(format = Date)]
    pub to: Option<String>,
    /// Entries older than this id (the `next_before` of the previous page).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// At most this many (1–500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// `GET /api/v1/admin/audit`: the audit log, newest first (platform admins).
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit",
    operation_id = "audit_log",
    tag = "accounts",
    params(AuditQuery),
    responses(
        (status = 200, description = "`{entries: [...], next_before}`: entries newest first; `next_before` pages on", body = serde_json::Value),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "The caller is not a platform admin (`not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn audit_log(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<AuditQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid_parameter(
            "limit",
            "Give a limit from 1 to 500.",
        ));
    }
    let params = crate::pages::AuditParams {
        user: query.user.map(|id| id.to_string()),
        actor: query.actor.map(|id| id.to_string()),
        action: query.action,
        record_type: query.record_type,
        record_id: query.record_id,
        outcome: query.outcome,
        from: query.from,
        to: query.to,
        before: query.before.map(|id| id.to_string()),
    };
    let (filter, before) = params.filter()?;
    let entries = state
        .storage()
        .audit_search(&filter, before, limit)
        .await
        .map_err(ApiError::database_unavailable)?;
    let next_before = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|entry| entry.id))
        .flatten();
    Ok(Json(
        serde_json::json!({"entries": entries, "next_before": next_before}),
    ))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(login, logout, me, export_me, organisation_people, audit_log))]
pub(super) struct Doc;

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The second-factor code (or a recovery code), when the account has the second factor on.
    #[serde(default)]
    pub code: Option<String>,
}

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub platform_roles: Vec<&'static str>,
    pub organisations: Vec<MeOrganisation>,
}

/// A role in an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOrganisation {
    pub organisation_id: i64,
    pub role: &'static str,
}

/// Signs in with e-mail and password (and the second-factor code when the account has one);
/// answers the session cookie. At most 10 attempts a minute per account.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    operation_id = "login",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 204, description = "Signed in; the `clusterhub_session` cookie is set"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Wrong e-mail, password or code, or the address is not confirmed (`sign_in_failed`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (`unsupported_media_type`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The JSON body lacks a field or has an unknown one", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; wait `Retry-After` seconds (`too_many_requests`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn login(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<LoginRequest>,
) -> Response {
    let email = body.email.trim().to_lowercase();
    let (token, second_factor) = match sign_in(&state, &caller, &email, &body.password).await {
        SignInOutcome::Started {
            token,
            second_factor,
        } => (token, second_factor),
        SignInOutcome::Limited(wait) => {
            return crate::auth::too_many_requests(
                "/api/v1/auth/login",
                wait,
                crate::i18n::Locale::default(),
            );
        }
        SignInOutcome::Failed | SignInOutcome::Unverified => {
            return ApiError::new(
                ErrorCode::SignInFailed,
                "Wrong e-mail address or password, or the address is not confirmed yet.",
            )
            .into_response();
        }
        SignInOutcome::Unavailable(response) => return response,
    };
    let storage = state.storage();
    if second_factor {
        let user = match storage.user_by_email(&email).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                return ApiError::new(ErrorCode::SignInFailed, "Sign-in failed.").into_response();
            }
            Err(error) => return ApiError::database_unavailable(error).into_response(),
        };
        let accepted = match body.code.as_deref() {
            Some(code) => match check_second_factor(&state, &user, code).await {
                Ok(accepted) => accepted,
                Err(error) => return ApiError::database_unavailable(error).into_response(),
            },
            None => false,
        };
        if !accepted {
            let _ = storage.delete_session(&token.digest()).await;
            return ApiError::new(
                ErrorCode::SignInFailed,
                "This account has a second factor: send its current code in `code`.",
            )
            .into_response();
        }
        if let Err(error) = storage
            .complete_second_factor(&token.digest(), crate::auth::now_unix())
            .await
        {
            return ApiError::database_unavailable(error).into_response();
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.security(), SESSION_COOKIE, token.expose(), None),
    );
    response
}

/// Signs out: ends the session of the cookie sent. With a session cookie the request must carry
/// the `x-csrf-token` header.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    operation_id = "logout",
    tag = "accounts",
    responses(
        (status = 204, description = "Signed out; the session cookie is cleared"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn logout(State(state): State<AppState>, caller: Caller) -> Response {
    if let Some(digest) = &caller.session_digest
        && let Err(error) = state.storage().delete_session(digest).await
    {
        return ApiError::database_unavailable(error).into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.security(), SESSION_COOKIE, "", Some(0)),
    );
    response
}

/// The signed-in person and their roles.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "me",
    tag = "accounts",
    responses(
        (status = 200, description = "The signed-in person", body = Me),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn me(caller: Caller) -> Result<Json<Me>, ApiError> {
    let signed_in = caller
        .signed_in
        .ok_or_else(|| ApiError::new(ErrorCode::SignInRequired, "Sign in first."))?;
    Ok(Json(Me {
        id: signed_in.principal.user_id,
        display_name: signed_in.display_name,
        email: signed_in.email,
        platform_roles: signed_in
            .principal
            .platform_roles
            .iter()
            .map(|role| role.as_str())
            .collect(),
        organisations: signed_in
            .principal
            .organisations
            .iter()
            .map(|(organisation_id, role)| MeOrganisation {
                organisation_id: *organisation_id,
                role: role.as_str(),
            })
            .collect(),
    }))
}
