//! Expressions of interest as JSON: `POST /api/v1/organisations/{id}/interests` sends one to
//! organisation `id` from an organisation the caller belongs to, and `GET /api/v1/inbox` lists
//! what the caller's organisations sent and received.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clusterhub_storage::InterestRecord;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::api::organisations::parse_id;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::interests::{
    INBOX_LIMIT, Interest, SendError, is_member, organisations_of, received, send,
};
use crate::query::QueryParameters;

/// `POST /api/v1/organisations/{id}/interests` and `GET /api/v1/inbox`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations/{id}/interests", post(send_interest))
        .route("/api/v1/inbox", get(inbox))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(send_interest, inbox))]
pub(super) struct Doc;

/// An expression of interest to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestRequest {
    /// The sending organisation: one the caller belongs to. May be left out when the caller
    /// belongs to exactly one.
    pub from_organisation: Option<i64>,
    /// `suggestion` (a partner suggestion) or `consortium` (a value-chain consortium).
    #[schema(example = "suggestion")]
    pub topic: String,
    /// What it is about, as the sender saw it (the suggestion's reasons, the consortium), at
    /// most 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub context: String,
    /// The message, 1 to 1,000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub message: String,
}

/// An organisation as a message names it.
#[derive(Debug, Serialize, ToSchema)]
struct OrganisationName {
    id: i64,
    /// `null` once the organisation is deleted.
    name: Option<String>,
}

/// One message of an inbox.
#[derive(Debug, Serialize, ToSchema)]
struct InterestView {
    id: i64,
    /// `received` or `sent`, from the caller's organisations' side.
    direction: &'static str,
    from: OrganisationName,
    to: OrganisationName,
    /// The display name of the person who sent it.
    sender: String,
    topic: String,
    context: String,
    message: String,
    /// RFC 3339, UTC.
    created_at: String,
    /// Whether the receiving organisation has read it.
    read: bool,
}

/// The inbox of the caller's organisations, newest first (at most 200).
#[derive(Debug, Serialize, ToSchema)]
struct InboxView {
    /// The organisations whose messages these are.
    organisations: Vec<i64>,
    /// Received messages not yet read.
    unread: i64,
    messages: Vec<InterestView>,
}

fn view(record: InterestRecord, organisations: &[i64]) -> InterestView {
    InterestView {
        direction: if received(&record, organisations) {
            "received"
        } else {
            "sent"
        },
        id: record.id,
        from: OrganisationName {
            id: record.from_organisation_id,
            name: record.from_name,
        },
        to: OrganisationName {
            id: record.to_organisation_id,
            name: record.to_name,
        },
        sender: record.sender_name,
        topic: record.topic,
        context: record.context,
        message: record.message,
        created_at: record.created_at,
        read: record.read_at.is_some(),
    }
}

fn hidden() -> ApiError {
    ApiError::new(ErrorCode::RecordNotFound, "There is no such record.")
}

/// Sends an expression of interest to an organisation.
///
/// The caller must belong to the sending organisation (else 404, as for an organisation that
/// does not exist). The receiving organisation's members with a confirmed address are told by
/// e-mail; both organisations see the message in their inbox. At most 20 an hour per person.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/interests",
    operation_id = "send_interest",
    tag = "organisations",
    params(("id" = i64, Path, minimum = 1, description = "The receiving organisation's id")),
    request_body = InterestRequest,
    responses(
        (status = 201, description = "Sent; the message as both inboxes show it", body = InterestView),
        (status = 400, description = "A field is wrong (`invalid_parameter`, `parameter` names it: `from_organisation`, `topic`, `context`, `message`), or the body is not the JSON described (`bad_request`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or the caller does not belong to the sending one (`not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (`unsupported_media_type`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The JSON body lacks a field or has one of the wrong type", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many sent; wait `Retry-After` seconds (`too_many_requests`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn send_interest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
    Json(body): Json<InterestRequest>,
) -> Result<Response, ApiError> {
    let to = parse_id(&id).ok_or_else(hidden)?;
    let interest = Interest {
        from: body.from_organisation,
        to,
        topic: body.topic,
        context: body.context,
        message: body.message,
    };
    let id = match send(&state, &caller, interest).await {
        Ok(id) => id,
        Err(SendError::Hidden) => return Err(hidden()),
        Err(SendError::Invalid(field, reason)) => {
            return Err(ApiError::invalid_parameter(field, reason));
        }
        Err(SendError::Limited(wait)) => {
            return Ok(crate::auth::too_many_requests(
                "/api/v1/inbox",
                wait,
                crate::i18n::Locale::default(),
            ));
        }
        Err(SendError::Storage(error)) => return Err(ApiError::database_unavailable(error)),
    };
    let organisations = organisations_of(&caller);
    let record = state
        .storage()
        .inbox(&organisations, INBOX_LIMIT)
        .await
        .map_err(ApiError::database_unavailable)?
        .into_iter()
        .find(|record| record.id == id)
        .ok_or_else(|| ApiError::internal("a sent message is missing from the inbox"))?;
    Ok((StatusCode::CREATED, Json(view(record, &organisations))).into_response())
}

/// The inbox of the caller's organisations: what they sent and received, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    operation_id = "inbox",
    tag = "organisations",
    params(("organisation" = Option<i64>, Query, minimum = 1, description = "Only this organisation's messages (one the caller belongs to)")),
    responses(
        (status = 200, description = "The messages", body = InboxView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "The caller does not belong to that organisation (`not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), &["organisation"])?;
    let organisations = match query.integer_in("organisation", 1_i64, i64::MAX)? {
        Some(id) => {
            if !is_member(&caller, id) {
                return Err(hidden());
            }
            vec![id]
        }
        None => organisations_of(&caller),
    };
    let storage = state.storage();
    let records = storage
        .inbox(&organisations, INBOX_LIMIT)
        .await
        .map_err(ApiError::database_unavailable)?;
    let unread = storage
        .unread_interests(&organisations)
        .await
        .map_err(ApiError::database_unavailable)?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(InboxView {
            unread,
            messages: records
                .into_iter()
                .map(|record| view(record, &organisations))
                .collect(),
            organisations,
        }),
    )
        .into_response())
}
