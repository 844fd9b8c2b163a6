//! `PUT /api/v1/organisations/{id}`: an organisation admin replaces the profile with JSON of
//! the same texts as the edit page (`crate::profile_form::ProfileFields`), read by the same
//! validation as the importer. A refused field answers 422 naming it; nothing is saved.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::organisations::{OrganisationProfile, load_profile, parse_id};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Locale;
use crate::profile_form::{ProfileFields, stored_form, today};

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/organisations/{id}", put(replace_profile))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(replace_profile), components(schemas(ProfileFields)))]
pub(super) struct Doc;

/// Replaces an organisation's profile (organisation admins of that organisation and platform
/// admins). Every field is given as text in the layout of the import files; a field left out
/// is empty. The external key and the clusters it belongs to stay as they are.
#[utoipa::path(
    put,
    path = "/api/v1/organisations/{id}",
    operation_id = "replace_organisation_profile",
    tag = "organisations",
    params(("id" = i64, Path, minimum = 1, description = "The organisation's id")),
    request_body = ProfileFields,
    responses(
        (status = 200, description = "The profile as saved", body = OrganisationProfile),
        (status = 400, description = "The body cannot be read as JSON (`bad_request`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or the caller is not one of its admins (`not_found`, `organisation_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (`unsupported_media_type`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A field is refused (`invalid_field`, `parameter` names the first; `detail` lists every one), or the JSON has an unknown member", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn replace_profile(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    Json(fields): Json<ProfileFields>,
) -> Result<Response, ApiError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::OrganisationNotFound,
            format!("No organisation has the id `{id}`."),
        )
    };
    let numeric_id = parse_id(&id).ok_or_else(not_found)?;
    let stored = state
        .storage()
        .organisation(numeric_id)
        .await
        .map_err(ApiError::database_unavailable)?
        .ok_or_else(not_found)?;
    let organisation = fields
        .parse(&stored.profile.external_key, today())
        .map_err(|errors| {
            let detail = errors
                .iter()
                .map(|error| format!("{}: {}", error.field, error.reason))
                .collect::<Vec<_>>()
                .join("; ");
            let first = errors.first().map_or("", |error| error.field);
            ApiError::new(ErrorCode::InvalidField, detail).with_parameter(first)
        })?;
    state
        .storage()
        .edit_organisation(
            numeric_id,
            &stored_form(&organisation),
            &caller.audit_context(),
        )
        .await
        .map_err(ApiError::database_unavailable)?
        .ok_or_else(not_found)?;
    let profile = load_profile(
        state.storage(),
        state.reference(),
        numeric_id,
        Locale::default(),
    )
    .await
    .map_err(ApiError::database_unavailable)?
    .ok_or_else(not_found)?;
    Ok(Json(profile).into_response())
}
