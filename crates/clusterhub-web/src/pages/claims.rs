//! Claiming an imported profile: a signed-in person asks to administer an organisation nobody
//! administers yet (`/organisations/{id}/claim`), and a platform admin approves or rejects the
//! claim (`/admin/claims`). Approval grants the admin role (cluster manager for a cluster
//! organisation); the request and the decision are in the audit log, and the claimant learns
//! the decision by e-mail (outbox, in the decision's transaction).

use axum::Form;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clusterhub_storage::{ClaimRecord, ClaimRequest, OutgoingEmail};
use maud::html;
use serde::Deserialize;

use super::organisation_admin::{
    DoneQuery, admin_page, csrf_input, notice_and_error, organisation_or_answer, page_heading,
    role_name,
};
use super::{RequestLanguage, error_page, message_page, not_found_page};
use crate::AppState;
use crate::auth::Caller;
use crate::i18n::Locale;

/// The longest claim message, in characters.
pub const CLAIM_MESSAGE_MAX_CHARS: usize = 2_000;

/// The claim routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/claim", get(claim_form).post(claim))
        .route("/admin/claims", get(claims_page))
        .route("/admin/claims/{id}", post(decide))
}

fn server_error(language: &RequestLanguage, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "claims failed");
    error_page(language, StatusCode::INTERNAL_SERVER_ERROR)
}

#[derive(Debug, Deserialize, Default)]
struct ClaimInput {
    #[serde(default)]
    message: String,
}

async fn claim_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let (id, name) = match organisation_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => (stored.id, stored.profile.name),
        Err(answer) => return answer,
    };
    match state.storage().organisation_has_admin(id).await {
        Ok(false) => {}
        Ok(true) => return has_admin(language.locale),
        Err(error) => return server_error(&language, &error),
    }
    render_form(&language, &caller, StatusCode::OK, id, &name, "", None)
}

fn has_admin(locale: Locale) -> Response {
    message_page(
        locale,
        StatusCode::CONFLICT,
        locale.text("claims.has_admin_title"),
        locale.text("claims.has_admin_text"),
    )
}

fn render_form(
    language: &RequestLanguage,
    caller: &Caller,
    status: StatusCode,
    id: i64,
    name: &str,
    message: &str,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let path = format!("/organisations/{id}/claim");
    let title = locale.format("claims.form.title", &[("name", name)]);
    let main = html! {
        (page_heading(locale, id, &title))
        p.lede { (locale.text("claims.form.intro")) }
        (notice_and_error(None, error))
        form.admin-form method="post" action=(path) novalidate {
            (csrf_input(caller))
            div.form-field {
                label for="claim-message" { (locale.text("claims.form.message")) }
                textarea #claim-message name="message" rows="6" required maxlength=(CLAIM_MESSAGE_MAX_CHARS)
                    aria-invalid=[error.map(|_| "true")] aria-describedby="claim-message-hint" { (message) }
                p.form-hint #claim-message-hint { (locale.text("claims.form.message_hint")) }
            }
            button.button type="submit" { (locale.text("claims.form.submit")) }
        }
    };
    admin_page(language, status, &path, &title, main)
}

async fn claim(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<ClaimInput>,
) -> Response {
    let locale = language.locale;
    let Some(signed_in) = caller.signed_in.as_ref() else {
        return not_found_page(&language, uri.path());
    };
    let (id, name) = match organisation_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => (stored.id, stored.profile.name),
        Err(answer) => return answer,
    };
    let message = input.message.trim();
    let length = message.chars().count();
    if length == 0
        || length > CLAIM_MESSAGE_MAX_CHARS
        || message
            .chars()
            .any(|character| character.is_control() && !matches!(character, '\n' | '\r' | '\t'))
    {
        return render_form(
            &language,
            &caller,
            StatusCode::UNPROCESSABLE_ENTITY,
            id,
            &name,
            &input.message,
            Some(locale.text("claims.form.bad_message")),
        );
    }
    match state
        .storage()
        .request_claim(
            signed_in.principal.user_id,
            id,
            message,
            &caller.audit_context(),
        )
        .await
    {
        Ok(ClaimRequest::Created(_)) => message_page(
            locale,
            StatusCode::OK,
            locale.text("claims.sent_title"),
            &locale.format("claims.sent_text", &[("name", &name)]),
        ),
        Ok(ClaimRequest::AlreadyPending) => message_page(
            locale,
            StatusCode::CONFLICT,
            locale.text("claims.pending_title"),
            locale.text("claims.pending_text"),
        ),
        Ok(ClaimRequest::HasAdmin) => has_admin(locale),
        Ok(ClaimRequest::NoSuchOrganisation) => not_found_page(&language, uri.path()),
        Err(error) => server_error(&language, &error),
    }
}

async fn claims_page(
    State(state): State<AppState>,
    Query(query): Query<DoneQuery>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let claims = match state.storage().pending_claims().await {
        Ok(claims) => claims,
        Err(error) => return server_error(&language, &error),
    };
    let notice = match query.done.as_deref() {
        Some("approved") => Some(locale.text("claims.done.approved")),
        Some("rejected") => Some(locale.text("claims.done.rejected")),
        _ => None,
    };
    let title = locale.text("claims.admin.title");
    let main = html! {
        h1 #admin-title { (title) }
        p.lede { (locale.text("claims.admin.intro")) }
        (notice_and_error(notice, None))
        @if claims.is_empty() {
            p { (locale.text("claims.admin.none")) }
        } @else {
            div.table-scroll {
                table.data-table {
                    thead { tr {
                        th scope="col" { (locale.text("claims.admin.organisation")) }
                        th scope="col" { (locale.text("claims.admin.person")) }
                        th scope="col" { (locale.text("claims.admin.message")) }
                        th scope="col" { (locale.text("claims.admin.date")) }
                        th scope="col" { (locale.text("claims.admin.decision")) }
                    } }
                    tbody {
                        @for claim in &claims {
                            tr {
                                td { a href=(format!("/organisations/{}", claim.organisation_id)) { (claim.organisation_name) } }
                                td { (claim.display_name) br; (claim.email) }
                                td { (claim.message) }
                                td { (claim.created_at.get(..10).unwrap_or(&claim.created_at)) }
                                td {
                                    form method="post" action=(format!("/admin/claims/{}", claim.id)) {
                                        (csrf_input(&caller))
                                        button.button type="submit" name="decision" value="approve" {
                                            (locale.format("claims.admin.approve", &[("name", &claim.display_name)]))
                                        }
                                        " "
                                        button.button.button-secondary type="submit" name="decision" value="reject" {
                                            (locale.format("claims.admin.reject", &[("name", &claim.display_name)]))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    admin_page(&language, StatusCode::OK, "/admin/claims", title, main)
}

#[derive(Debug, Deserialize, Default)]
struct DecisionInput {
    #[serde(default)]
    decision: String,
}

/// The e-mail that tells the claimant the decision, in their language.
fn decision_mail(claim: &ClaimRecord, role: Option<&str>, public_url: &str) -> OutgoingEmail {
    let locale = Locale::from_code(&claim.language).unwrap_or_default();
    let url = format!("{public_url}/organisations/{}", claim.organisation_id);
    let (subject, body) = match role {
        Some(role) => ("mail.claim_approved.subject", Some(role)),
        None => ("mail.claim_rejected.subject", None),
    };
    let body_text = match body {
        Some(role) => locale.format(
            "mail.claim_approved.body",
            &[
                ("name", &claim.display_name),
                ("organisation", &claim.organisation_name),
                ("role", role_name(locale, role)),
                ("url", &url),
            ],
        ),
        None => locale.format(
            "mail.claim_rejected.body",
            &[
                ("name", &claim.display_name),
                ("organisation", &claim.organisation_name),
            ],
        ),
    };
    OutgoingEmail {
        recipient: claim.email.clone(),
        subject: locale.format(subject, &[("organisation", &claim.organisation_name)]),
        body_text,
    }
}

async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<DecisionInput>,
) -> Response {
    let locale = language.locale;
    let Some(claim_id) = crate::api::organisations::parse_id(&id) else {
        return not_found_page(&language, uri.path());
    };
    let approve = match input.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return message_page(
                locale,
                StatusCode::UNPROCESSABLE_ENTITY,
                locale.text("claims.admin.title"),
                locale.text("claims.admin.bad_decision"),
            );
        }
    };
    let public_url = state.security().public_url.clone();
    match state
        .storage()
        .decide_claim(
            claim_id,
            approve,
            |claim, role| decision_mail(claim, role, &public_url),
            &caller.audit_context(),
        )
        .await
    {
        Ok(Some(_)) => Redirect::to(if approve {
            "/admin/claims?done=approved"
        } else {
            "/admin/claims?done=rejected"
        })
        .into_response(),
        Ok(None) => not_found_page(&language, uri.path()),
        Err(error) => server_error(&language, &error),
    }
}
